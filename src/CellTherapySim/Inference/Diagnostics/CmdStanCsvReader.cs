namespace CellTherapySim.Inference.Diagnostics;

/// <summary>
/// Reads a CmdStan sample CSV (CmdStan's own or <see cref="CmdStanCsvWriter"/>'s): comments give the settings,
/// adaptation and timing, the first other line is the header row, the rest are draws. A file cut off mid-run reads as
/// far as its last complete line: a last line without its line break is ignored.
/// </summary>
public static class CmdStanCsvReader
{
    private const string DiagonalMetric = "Diagonal elements of inverse mass matrix:";
    private const string DenseMetric = "Elements of inverse mass matrix:";
    private const string StepSizePrefix = "Step size =";

    /// <summary>Reads the file <paramref name="path"/>.</summary>
    /// <exception cref="InputException">The file cannot be read, or a complete line is malformed.</exception>
    public static CmdStanCsv Read(string path) => Parse(InputFile.ReadAllText(path, "CmdStan CSV"), path);

    /// <summary>Parses the text of a CmdStan CSV; <paramref name="source"/> names it in error messages.</summary>
    /// <exception cref="InputException">A complete line is malformed (wrong number of fields, a field that is not a number).</exception>
    public static CmdStanCsv Parse(string text, string source)
    {
        var settings = new Dictionary<string, string>(StringComparer.Ordinal);
        string[]? columns = null;
        var draws = new List<double[]>();
        double? stepSize = null;
        List<double[]>? metric = null;
        var metricRowsLeft = 0; // −1: a dense metric whose size its first row gives
        double? warmup = null, sampling = null, total = null;

        var lines = text.Split('\n');
        // The last piece has no line break: empty for a complete file, an incomplete line for a cut-off one.
        for (var i = 0; i < lines.Length - 1; i++)
        {
            var line = lines[i].TrimEnd('\r');
            var lineNumber = i + 1;
            if (line.StartsWith('#'))
            {
                var comment = line[1..].Trim();
                if (metricRowsLeft != 0)
                {
                    var row = comment.Length == 0 ? [] : ParseNumbers(comment.Split(','), source, lineNumber, "inverse metric element");
                    metric!.Add(row);
                    metricRowsLeft = metricRowsLeft < 0 ? Math.Max(row.Length - 1, 0) : metricRowsLeft - 1;
                }
                else if (comment == DiagonalMetric || comment == DenseMetric)
                {
                    metric = [];
                    metricRowsLeft = comment == DiagonalMetric ? 1 : -1;
                }
                else if (comment.StartsWith(StepSizePrefix, StringComparison.Ordinal))
                    stepSize = ParseNumber(comment[StepSizePrefix.Length..], source, lineNumber, "step size");
                else if (TryParseTiming(comment, "(Warm-up)", out var seconds))
                    warmup = seconds;
                else if (TryParseTiming(comment, "(Sampling)", out seconds))
                    sampling = seconds;
                else if (TryParseTiming(comment, "(Total)", out seconds))
                    total = seconds;
                else if (columns is null && comment.IndexOf('=') is var equals and > 0)
                {
                    var value = comment[(equals + 1)..].Trim();
                    if (value.EndsWith("(Default)", StringComparison.Ordinal))
                        value = value[..^"(Default)".Length].TrimEnd();
                    settings.TryAdd(comment[..equals].Trim(), value);
                }
            }
            else if (string.IsNullOrWhiteSpace(line))
                continue;
            else if (columns is null)
                columns = line.Split(',').Select(c => c.Trim()).ToArray();
            else
            {
                var fields = line.Split(',');
                if (fields.Length != columns.Length)
                    throw new InputException(source, lineNumber, 0, $"{fields.Length} values for the {columns.Length} columns of the header");
                draws.Add(ParseNumbers(fields, source, lineNumber, columns));
            }
        }
        return new CmdStanCsv(settings, columns ?? [], draws, stepSize, metric, warmup, sampling, total);
    }

    private static double[] ParseNumbers(string[] fields, string source, int line, string what) =>
        ParseNumbers(fields, source, line, Enumerable.Repeat(what, fields.Length).ToArray());

    private static double[] ParseNumbers(string[] fields, string source, int line, string[] names)
    {
        var values = new double[fields.Length];
        var column = 1;
        for (var j = 0; j < fields.Length; j++)
        {
            if (!CmdStanNumbers.TryParse(fields[j], out values[j]))
                throw new InputException(source, line, column, $"'{fields[j].Trim()}' is not a number ({names[j]})");
            column += fields[j].Length + 1;
        }
        return values;
    }

    private static double ParseNumber(string text, string source, int line, string what) =>
        CmdStanNumbers.TryParse(text, out var value) ? value : throw new InputException(source, line, 0, $"'{text.Trim()}' is not a number ({what})");

    /// <summary>"Elapsed Time: 0.5 seconds (Warm-up)", "0.7 seconds (Sampling)", "1.2 seconds (Total)".</summary>
    private static bool TryParseTiming(string comment, string kind, out double seconds)
    {
        seconds = 0;
        const string elapsed = "Elapsed Time:";
        var suffix = " seconds " + kind;
        if (!comment.EndsWith(suffix, StringComparison.Ordinal))
            return false;
        var number = comment[..^suffix.Length];
        if (number.StartsWith(elapsed, StringComparison.Ordinal))
            number = number[elapsed.Length..];
        return CmdStanNumbers.TryParse(number, out seconds);
    }
}
