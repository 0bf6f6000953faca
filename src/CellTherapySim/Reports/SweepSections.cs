using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using CellTherapySim.Plots;
using CellTherapySim.Sweeps;

namespace CellTherapySim.Reports;

/// <summary>The report's sections of a sweep folder and of a sensitivity folder.</summary>
internal static partial class SweepSections
{
    /// <summary>What a sweep folder's manifest says, as the report needs it.</summary>
    public sealed record Manifest(string Version, string Design, long Size, string Rank, string Spec);

    /// <summary>Reads manifest.json.</summary>
    /// <exception cref="InputException">It is not a sweep manifest.</exception>
    public static Manifest Read(string folder)
    {
        var path = Path.Combine(folder, SweepRun.Manifest);
        try
        {
            var root = JsonDocument.Parse(File.ReadAllText(path)).RootElement;
            return new Manifest(root.GetProperty("version").GetString()!, root.GetProperty("design").GetString()!, root.GetProperty("design_size").GetInt64(),
                root.GetProperty("rank").GetString()!, root.GetProperty("spec").GetString()!);
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            throw new InputException(path, $"not a ctsim sweep manifest: {e.Message}");
        }
    }

    /// <summary>A sweep: the best scenarios, the rank metric against the first numeric factor, and over the first two.</summary>
    public static void Sweep(HtmlReport report, string folder, Manifest manifest)
    {
        var resultsPath = Path.Combine(folder, SweepRun.Results);
        var finished = File.Exists(resultsPath);
        var table = CsvTable.Read(finished ? resultsPath : Path.Combine(folder, SweepRun.Journal));
        if (!finished) report.Notice($"No {SweepRun.Results}: the sweep did not finish; {table.Rows.Count:N0} of {manifest.Size:N0} scenarios are in its journal (rerun with --resume).");
        var firstMetric = Enumerable.Range(1, table.Header.Count - 1).FirstOrDefault(i => MetricColumn().IsMatch(table.Header[i]), table.Header.Count);
        var factors = table.Header.Skip(1).Take(firstMetric - 1).ToList();
        var rank = manifest.Rank.Replace(':', '_');
        var value = table.Has(rank) ? rank : table.Has(rank + "_median") ? rank + "_median" : table.Has(rank + "_mean") ? rank + "_mean"
            : throw new InputException("--metric", $"'{manifest.Rank}' is not measured in this sweep; expected ENDPOINT:METRIC of its columns ({string.Join(", ", table.Header.Skip(firstMetric).Take(6))}, …)");
        int? low = table.Has($"{rank}_q5") ? table.Column($"{rank}_q5") : null, high = table.Has($"{rank}_q95") ? table.Column($"{rank}_q95") : null;
        var points = table.Rows.Select(r => new SweepPoint(r.Skip(1).Take(factors.Count).ToList(), table.Number(r, table.Column(value)),
            low is { } l ? table.Number(r, l) : double.NaN, high is { } h ? table.Number(r, h) : double.NaN)).ToList();
        var higherIsBetter = !rank.EndsWith("_onset", StringComparison.Ordinal);
        report.Heading("Best scenarios");
        report.Paragraph($"{table.Rows.Count:N0} scenarios ({manifest.Design} design of {manifest.Size:N0}), ranked by {value} ({(higherIsBetter ? "higher" : "lower")} is better).");
        var best = points.Where(p => !double.IsNaN(p.Value)).OrderBy(p => higherIsBetter ? -p.Value : p.Value).Take(10).ToList();
        report.Table([.. factors, value, .. low is null ? Array.Empty<string>() : ["5%", "95%"]],
            best.Select(p => (IReadOnlyList<string>)[.. p.Levels.Select(l => double.IsNaN(SweepCharts.Parse(l)) ? l : ChartStyle.Number(SweepCharts.Parse(l))), ChartStyle.Number(p.Value), .. low is null ? Array.Empty<string>() : [ChartStyle.Number(p.Low), ChartStyle.Number(p.High)]]));
        var numeric = Enumerable.Range(0, factors.Count).Where(f => points.All(p => !double.IsNaN(SweepCharts.Parse(p.Levels[f])))).ToList();
        var panels = new List<OxyPlot.PlotModel>();
        if (numeric.FirstOrDefault(f => points.Select(p => p.Levels[f]).Distinct().Count() >= 3, -1) is var x and >= 0)
        {
            var levels = points.Select(p => SweepCharts.Parse(p.Levels[x])).ToList();
            panels.Add(SweepCharts.DoseResponse(factors, points, x, value, levels.Min() > 0 && levels.Max() / levels.Min() >= 100));
        }
        if (numeric.Count >= 2) panels.Add(SweepCharts.HeatMap(factors, points, numeric[0], numeric[1], value));
        if (panels.Count > 0)
        {
            report.Heading("Response");
            report.Figure(new Figure($"Sweep: {value}", panels), $"{value} against the factors (intervals where the sweep has them); the heat map shows the mean over the other factors.");
        }
    }

    /// <summary>A sensitivity run: the Sobol' indices and the tornado of the rank metric, and every metric's indices as a table.</summary>
    public static void Sensitivity(HtmlReport report, string folder, Manifest manifest)
    {
        var sobolPath = Path.Combine(folder, Output.SensitivityFiles.Sobol);
        if (!File.Exists(sobolPath))
        {
            report.Notice($"No {Output.SensitivityFiles.Sobol}: the sensitivity run did not finish (rerun with --resume).");
            return;
        }
        var sobol = CsvTable.Read(sobolPath);
        int C(string c) => sobol.Column(c);
        var metric = manifest.Rank.Replace(':', '_');
        if (sobol.Rows.All(r => r[C("METRIC")] != metric))
            throw new InputException("--metric", $"'{manifest.Rank}' has no Sobol' indices in this folder; expected one of {string.Join(", ", sobol.Rows.Select(r => r[C("METRIC")].Replace('_', ':')).Distinct().Take(6))}, …");
        var rows = sobol.Rows.Where(r => r[C("METRIC")] == metric).Select(r => (r[C("FACTOR")], sobol.Number(r, C("S1")), sobol.Number(r, C("S1_LOW")), sobol.Number(r, C("S1_HIGH")),
            sobol.Number(r, C("ST")), sobol.Number(r, C("ST_LOW")), sobol.Number(r, C("ST_HIGH")))).ToList();
        var panels = new List<OxyPlot.PlotModel> { SweepCharts.Sobol(metric, rows) };
        var tornadoPath = Path.Combine(folder, Output.SensitivityFiles.Tornado);
        if (File.Exists(tornadoPath))
        {
            var tornado = CsvTable.Read(tornadoPath);
            int T(string c) => tornado.Column(c);
            var mine = tornado.Rows.Where(r => r[T("METRIC")] == metric).ToList();
            if (mine.Count > 0)
                panels.Add(SweepCharts.Tornado(metric, tornado.Number(mine[0], T("METRIC_BASE")),
                    mine.Select(r => (r[T("FACTOR")], tornado.Number(r, T("METRIC_LOW")), tornado.Number(r, T("METRIC_HIGH")))).ToList()));
        }
        report.Heading("Sensitivity");
        report.Figure(new Figure($"Sensitivity of {metric}", panels), $"Sobol' first-order and total indices of {metric} with 95% bootstrap intervals (Saltelli design, {manifest.Size:N0} evaluations), and the one-at-a-time tornado.");
        report.Heading("Sobol' indices of every metric");
        report.Table(sobol.Header, sobol.Rows.Select(r => (IReadOnlyList<string>)r.Select((x, i) => i < 2 ? x : ChartStyle.Number(sobol.Number(r, i))).ToList()));
    }

    [GeneratedRegex("_(auc|onset|peak|peak_day|duration|effect_day[0-9.]+|responders)(_|$)")]
    private static partial Regex MetricColumn();
}
