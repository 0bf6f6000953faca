using System.CommandLine;
using System.CommandLine.Parsing;
using System.Text.RegularExpressions;

namespace CellTherapySim.Cli;

/// <summary>
/// The command line's own wording for what the parser reports: each error names its option, the value and what is
/// allowed; a mistyped command or option gets "did you mean".
/// </summary>
internal static partial class ParseMessages
{
    /// <summary>The parse errors of <paramref name="parsed"/> as one line.</summary>
    public static string Describe(ParseResult parsed)
    {
        var errors = parsed.Errors.Select(e => Describe(e, parsed)).Where(m => m.Length > 0).Distinct().ToList();
        // "Required command was not provided" only repeats an unrecognized command's error.
        if (errors.Count > 1) errors.RemoveAll(m => m.StartsWith("a command is required", StringComparison.Ordinal));
        return string.Join("; ", errors);
    }

    private static string Describe(ParseError error, ParseResult parsed)
    {
        var message = error.Message.ReplaceLineEndings(" ").Trim();
        if (NotOneOf().Match(message) is { Success: true } choice)
        {
            var allowed = string.Join(", ", Quoted().Matches(choice.Groups[2].Value).Select(m => m.Groups[1].Value));
            var option = OptionOf(error.SymbolResult);
            return $"{(option is null ? "" : $"{option}: ")}'{choice.Groups[1].Value}' is not one of {allowed}";
        }
        if (Unrecognized().Match(message) is { Success: true } unknown)
        {
            var token = unknown.Groups[1].Value;
            var command = parsed.CommandResult.Command;
            var candidates = token.StartsWith('-')
                ? command.Options.SelectMany(o => o.Aliases.Prepend(o.Name))
                : command.Subcommands.Select(c => c.Name);
            var suggestion = Closest(token, candidates);
            var what = token.StartsWith('-') ? "option" : command.Subcommands.Count > 0 ? "command" : "argument";
            return $"unknown {what} '{token}'" + (suggestion is null ? "" : $"; did you mean '{suggestion}'?");
        }
        if (message.StartsWith("Required command was not provided", StringComparison.Ordinal)) return "a command is required";
        if (OptionRequired().Match(message) is { Success: true } required) return $"{required.Groups[1].Value} is required";
        if (ArgumentMissing().IsMatch(message) && OptionOf(error.SymbolResult) is { } missing) return $"{missing}: a value is required";
        return message;
    }

    /// <summary>The option an error's symbol belongs to (the option itself or its argument), or null.</summary>
    private static string? OptionOf(SymbolResult? result) => result switch
    {
        OptionResult option => option.Option.Name,
        ArgumentResult { Parent: OptionResult option } => option.Option.Name,
        _ => null,
    };

    /// <summary>The candidate nearest <paramref name="token"/> in edit distance, if near enough to be a typo (at most a third of its length, and ≤ 3).</summary>
    private static string? Closest(string token, IEnumerable<string> candidates)
    {
        var best = candidates.Select(c => (Name: c, Distance: Distance(token, c))).OrderBy(c => c.Distance).ThenBy(c => c.Name, StringComparer.Ordinal).FirstOrDefault();
        return best.Name is not null && best.Distance <= Math.Min(3, Math.Max(1, token.Length / 3)) ? best.Name : null;
    }

    /// <summary>Optimal string alignment distance (Levenshtein with adjacent transpositions; Damerau 1964).</summary>
    private static int Distance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++) d[i, 0] = i;
        for (var j = 0; j <= b.Length; j++) d[0, j] = j;
        for (var i = 1; i <= a.Length; i++)
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
            }
        return d[a.Length, b.Length];
    }

    [GeneratedRegex(@"^Argument '(.*)' not recognized\. Must be one of:(.*)$")]
    private static partial Regex NotOneOf();

    [GeneratedRegex(@"'([^']*)'")]
    private static partial Regex Quoted();

    [GeneratedRegex(@"^Unrecognized command or argument '(.*)'\.?$")]
    private static partial Regex Unrecognized();

    [GeneratedRegex(@"^Option '(.*)' is required\.?$")]
    private static partial Regex OptionRequired();

    [GeneratedRegex(@"^Required argument missing")]
    private static partial Regex ArgumentMissing();
}
