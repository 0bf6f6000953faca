using CellTherapySim.Sensitivity;
using CellTherapySim.Sweeps;

namespace CellTherapySim.Output;

/// <summary>Writes a sensitivity folder's sobol.csv (global indices) and tornado.csv (one-at-a-time effects); numbers with 8 significant digits, NaN empty.</summary>
public static class SensitivityFiles
{
    /// <summary>The global indices' file.</summary>
    public const string Sobol = "sobol.csv";

    /// <summary>The one-at-a-time table's file.</summary>
    public const string Tornado = "tornado.csv";

    /// <summary>Writes METRIC,FACTOR,S1,S1_LOW,S1_HIGH,ST,ST_LOW,ST_HIGH, metric by metric, factors in <paramref name="factors"/>' order (a skipped metric's indices empty).</summary>
    /// <exception cref="InputException">The file cannot be written.</exception>
    public static void WriteSobol(string path, IReadOnlyList<MetricSensitivity> metrics, IReadOnlyList<SweepFactor> factors) =>
        Write(path, "METRIC,FACTOR,S1,S1_LOW,S1_HIGH,ST,ST_LOW,ST_HIGH", metrics.SelectMany(m => factors.Select((f, i) =>
        {
            var s = m.Indices?[i] ?? new SobolIndex(double.NaN, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN);
            return Line([m.Metric, f.Name], [s.First, s.FirstLow, s.FirstHigh, s.Total, s.TotalLow, s.TotalHigh]);
        })));

    /// <summary>Writes METRIC,FACTOR,BASE_VALUE,LOW_VALUE,HIGH_VALUE,METRIC_BASE,METRIC_LOW,METRIC_HIGH,CHANGE in the rows' order (factor values round-trip).</summary>
    /// <exception cref="InputException">The file cannot be written.</exception>
    public static void WriteTornado(string path, IReadOnlyList<TornadoRow> rows) =>
        Write(path, "METRIC,FACTOR,BASE_VALUE,LOW_VALUE,HIGH_VALUE,METRIC_BASE,METRIC_LOW,METRIC_HIGH,CHANGE", rows.Select(r =>
            Line([r.Metric, r.Factor, SweepFactor.Format(r.BaseValue), SweepFactor.Format(r.LowValue), SweepFactor.Format(r.HighValue)],
                [r.MetricBase, r.MetricLow, r.MetricHigh, r.Change])));

    private static string Line(IEnumerable<string> text, IEnumerable<double> numbers) =>
        string.Join(",", text.Select(Csv.Field).Concat(numbers.Select(SweepEvaluator.Number)));

    private static void Write(string path, string header, IEnumerable<string> lines)
    {
        try
        {
            ResultFile.Write(path, writer =>
            {
                writer.WriteLine(header);
                foreach (var line in lines) writer.WriteLine(line);
            });
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InputException(path, $"cannot write: {e.Message}");
        }
    }
}
