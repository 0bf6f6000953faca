using System.CommandLine;
using System.Globalization;
using CellTherapySim.Inference;
using CellTherapySim.Modeling;
using CellTherapySim.Simulation;
using CellTherapySim.Solvers;

namespace CellTherapySim.Cli;

/// <summary>Options shared by several commands, defined once.</summary>
internal static class CommonOptions
{
    public static Option<string?> Model() => new("--model") { Description = "Model file (YAML). Default: the embedded msc-neuropathic-pain model.", HelpName = "FILE" };

    public static Option<string?> Study() => new("--study") { Description = "Study file (YAML) with groups, regimens, readout days, animals per group and between-animal variability (see models/studies/).", HelpName = "FILE" };

    public static Option<string[]> Set() => new("--set") { Description = "Override a parameter's (typical) value, e.g. --set k_act=1.5 (repeatable).", HelpName = "NAME=VALUE" };

    /// <summary>--force: replace the results of an earlier run at --out instead of refusing.</summary>
    public static Option<bool> Force() => new("--force") { Description = "Replace the results of an earlier run at --out, and say so (without it, an --out that holds results is refused)." };

    /// <summary>--memory-budget: the most memory a run that keeps its results in memory may plan to use.</summary>
    public static Option<long?> MemoryBudgetOption() => new("--memory-budget")
    {
        Description = $"Refuse, before it starts, a run estimated to hold more than SIZE in memory (e.g. 4G). Default: ${Runs.MemoryBudget.Variable}, else half the machine's memory.",
        HelpName = "SIZE",
        CustomParser = result => Runs.MemoryBudget.Parse(result.Tokens[0].Value) is { } size ? size
            : Fail(result, $"--memory-budget: '{result.Tokens[0].Value}' is not a memory size; expected a number with K, M, G or T (e.g. 4G)"),
    };

    /// <summary>The budget of a run: --memory-budget if given, else the default.</summary>
    public static long Budget(ParseResult parse, Option<long?> option) => parse.GetValue(option) ?? Runs.MemoryBudget.Default;

    private static long? Fail(System.CommandLine.Parsing.ArgumentResult result, string problem)
    {
        result.AddError(problem);
        return null;
    }

    public static Option<int> Seed() => new("--seed") { Description = "Seed of every random draw (same seed, same bytes, whatever the thread count).", DefaultValueFactory = _ => 1 };

    public static Option<int> Threads() => new("--threads")
    {
        Description = "Worker threads (as many as the machine has cores unless given). Results do not depend on it.",
        DefaultValueFactory = _ => Environment.ProcessorCount,
        CustomParser = result => PositiveInteger(result, "--threads", 1024),
    };

    /// <summary>Rejects each of <paramref name="options"/> the user gave: "OPTION: <paramref name="problem"/>".</summary>
    public static void RejectGiven(ParseResult parse, string problem, params Option[] options)
    {
        foreach (var option in options)
            if (parse.GetResult(option) is { Implicit: false })
                throw new InputException(option.Name, problem);
    }

    /// <summary>
    /// A whole number from 1 to <paramref name="max"/> from an option's single token, or a parse error naming the option
    /// and the range (counts are range-checked here so that nothing downstream can overflow).
    /// </summary>
    public static int PositiveInteger(System.CommandLine.Parsing.ArgumentResult result, string name, int max)
    {
        var text = result.Tokens[0].Value;
        if (long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value is >= 1 && value <= max) return (int)value;
        var digits = text.TrimStart('+');
        result.AddError(digits.Length > 0 && digits.All(char.IsAsciiDigit) && digits.TrimStart('0').Length > 0
            ? $"{name}: {text} is more than {max.ToString("N0", CultureInfo.InvariantCulture)}, the largest allowed"
            : $"{name}: '{text}' is not a whole number ≥ 1");
        return default;
    }
}

/// <summary>The solver options --solver, --rtol and --atol, with the given default tolerances.</summary>
internal sealed class SolverSettings(SolverOptions defaults)
{
    private readonly Option<double> _rtol = PositiveNumber("--rtol", "Relative tolerance of the solver.", defaults.RelativeTolerance);
    private readonly Option<double> _atol = PositiveNumber("--atol", "Absolute tolerance of the solver (scaled per state by the model file's atol).", defaults.AbsoluteTolerance);
    private readonly Option<SolverKind> _solver = new("--solver")
    {
        Description = "stiff (Rodas4, analytic Jacobian) or nonstiff (Dormand-Prince 5(4)).",
        HelpName = "stiff|nonstiff",
        DefaultValueFactory = _ => SolverKind.Stiff,
        CustomParser = result =>
        {
            var text = result.Tokens[0].Value;
            switch (text.ToLowerInvariant())
            {
                case "stiff": return SolverKind.Stiff;
                case "nonstiff": return SolverKind.Nonstiff;
                default:
                    result.AddError($"--solver: unknown solver '{text}'; expected stiff or nonstiff");
                    return default;
            }
        },
    };

    /// <summary>Adds the three options to <paramref name="command"/>.</summary>
    public void AddTo(Command command)
    {
        command.Add(_rtol);
        command.Add(_atol);
        command.Add(_solver);
    }

    /// <summary>The chosen solver and tolerances.</summary>
    public (SolverKind Kind, SolverOptions Options) Read(ParseResult parse) =>
        (parse.GetValue(_solver), new SolverOptions(parse.GetValue(_rtol), parse.GetValue(_atol)));

    private static Option<double> PositiveNumber(string name, string description, double defaultValue) => new(name)
    {
        Description = description,
        HelpName = "NUMBER",
        DefaultValueFactory = _ => defaultValue,
        CustomParser = result =>
        {
            var text = result.Tokens[0].Value;
            if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && double.IsFinite(value) && value > 0) return value;
            result.AddError($"{name}: '{text}' is not a positive number; expected e.g. {defaultValue.ToString(CultureInfo.InvariantCulture)}");
            return default;
        },
    };
}

/// <summary>The options --posterior FIT_DIR and --draws K: predictions over the draws of a `ctsim fit` output.</summary>
internal sealed class PosteriorSettings(string description)
{
    private readonly Option<string?> _fit = new("--posterior") { Description = description, HelpName = "FIT_DIR" };
    private readonly Option<int> _draws = new("--draws")
    {
        Description = "With --posterior: draws used, thinned evenly over the pooled chains from a seeded offset (--seed).",
        HelpName = "K",
        DefaultValueFactory = _ => 100,
        CustomParser = r => CommonOptions.PositiveInteger(r, "--draws", 1_000_000),
    };

    /// <summary>Adds the two options to <paramref name="command"/>.</summary>
    public void AddTo(Command command)
    {
        command.Add(_fit);
        command.Add(_draws);
    }

    /// <summary>Whether --posterior is given; without it, a given --draws is refused.</summary>
    /// <exception cref="InputException">--draws without --posterior.</exception>
    public bool Given(ParseResult parse)
    {
        if (parse.GetValue(_fit) is not null) return true;
        CommonOptions.RejectGiven(parse, "needs --posterior", _draws);
        return false;
    }

    /// <summary>The draws of the fit for <paramref name="model"/> (the fit must be of this model file), or null without --posterior.</summary>
    /// <exception cref="InputException">--draws without --posterior, not a fit output, a fit of another model, or more draws asked than it has.</exception>
    public PosteriorSample? Read(ParseResult parse, ModelDefinition model, int seed) =>
        Given(parse) ? PosteriorSample.Read(parse.GetValue(_fit)!, model, DefaultModel.SourceText(model), parse.GetValue(_draws), seed, "--posterior") : null;
}
