using System.Globalization;
using CellTherapySim.Output;
using CellTherapySim.Sweeps;
using static CellTherapySim.Tests.Modeling.InputTestSupport;

namespace CellTherapySim.Tests.Sensitivity;

/// <summary>`ctsim sensitivity`: a known answer (an inert factor), the tornado against direct sweeps, same bytes whatever the threads or shards, bad input.</summary>
public sealed class SensitivityCommandTests : IDisposable
{
    private readonly string _directory = CreateTempDirectory();

    /// <summary>Deletes the temporary folder.</summary>
    public void Dispose() => Directory.Delete(_directory, recursive: true);

    /// <summary>C50 enters only the TWL readout, so PMWT cannot depend on it; the cell dose dominates PMWT's AUC.</summary>
    private const string Toy = """
        name: toy
        days: 0:15:1
        factors:
          k_act: {parameter: k_act, range: [1.2, 2.0]}
          C50: {parameter: C50, range: [0.35, 1.05]}
          dose: {range: [1e5, 1e7], scale: log}
        regimen:
          - {route: iv, cells: $dose, day: 7}
        """;

    private string Write(string name, string text)
    {
        var path = Path.Combine(_directory, name);
        File.WriteAllText(path, text);
        return path;
    }

    private string Run(string command, string spec, string folder, params string[] more)
    {
        var (code, output, error) = RunCli([command, "--spec", spec, "--out", Path.Combine(_directory, folder), .. more]);
        Assert.True(code == 0, error);
        return output;
    }

    private string Text(string folder, string name) => File.ReadAllText(Path.Combine(_directory, folder, name));

    /// <summary>The rows of a CSV file as maps from column to field.</summary>
    private List<Dictionary<string, string>> Rows(string folder, string name)
    {
        var lines = Text(folder, name).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var header = lines[0].Split(',');
        return lines.Skip(1).Select(l => header.Zip(l.Split(',')).ToDictionary(x => x.First, x => x.Second)).ToList();
    }

    private static double Number(string field) => field == "" ? double.NaN : double.Parse(field, CultureInfo.InvariantCulture);

    [Fact]
    public void AnInertFactorHasNoTotalIndexAndTheDoseDominates()
    {
        var spec = Write("toy.yaml", Toy);
        var screen = Run("sensitivity", spec, "s", "--samples", "64", "--bootstrap", "200", "--threads", "1");
        var sobol = Rows("s", SensitivityFiles.Sobol);
        Assert.Equal(2 * 6 * 3, sobol.Count); // 2 endpoints × 6 metrics (5 curve metrics, the day-15 effect) × 3 factors
        Assert.Equal(64 * 5 + 1, Text("s", SweepRun.Results).Split('\n', StringSplitOptions.RemoveEmptyEntries).Length); // N(d + 2) evaluations
        Dictionary<string, string> Row(string metric, string factor) => sobol.Single(r => r["METRIC"] == metric && r["FACTOR"] == factor);

        var inert = Row("PMWT_auc", "C50");
        Assert.Equal(0, Number(inert["ST"]), 1e-12);
        Assert.InRange(Number(inert["ST"]), Number(inert["ST_LOW"]), Number(inert["ST_HIGH"]));
        Assert.InRange(Number(inert["ST_HIGH"]), 0, 1e-9);
        Assert.True(Number(Row("TWL_auc", "C50")["ST_LOW"]) > 0, "C50 does move TWL");
        var dose = Row("PMWT_auc", "dose");
        Assert.True(Number(dose["ST"]) > 0.8, $"the dose's total index is {dose["ST"]}");
        Assert.True(Number(dose["ST_LOW"]) > Number(Row("PMWT_auc", "k_act")["ST_HIGH"]), "the dose dominates k_act");
        Assert.True(Number(dose["S1_LOW"]) > 0.3);
        // Metrics with evaluations without a value (an onset never reached) are skipped: empty indices.
        Assert.All(sobol.Where(r => r["METRIC"] == "PMWT_onset"), r => Assert.Equal("", r["S1"]));
        Assert.Contains("PMWT_auc", screen);
        Assert.Contains("dose", screen);
    }

    [Fact]
    public void TheTornadoIsSortedByChangeAndEachChangeIsTwoDirectEvaluations()
    {
        var spec = Write("toy.yaml", Toy);
        Run("sensitivity", spec, "s", "--samples", "8", "--bootstrap", "10", "--step", "0.2");
        var tornado = Rows("s", SensitivityFiles.Tornado);
        Assert.Equal(2 * 6 * 3, tornado.Count);
        foreach (var metric in tornado.GroupBy(r => r["METRIC"]))
        {
            var changes = metric.Select(r => Math.Abs(Number(r["CHANGE"]))).Where(c => !double.IsNaN(c)).ToList();
            Assert.Equal(changes.OrderByDescending(c => c), changes);
        }
        var auc = tornado.Where(r => r["METRIC"] == "PMWT_auc").ToList();
        Assert.Equal(["dose", "k_act", "C50"], auc.Select(r => r["FACTOR"]));
        var bases = auc.ToDictionary(r => r["FACTOR"], r => r["BASE_VALUE"]);
        Assert.Equal("1000000", bases["dose"]); // the geometric midpoint of [1e5, 1e7]
        Assert.Equal("1.6", bases["k_act"]); // the model's value
        foreach (var row in auc)
        {
            // The same scenarios as a plain sweep: this factor at its low and high values, the others at the base.
            var factors = auc.Select(r => r["FACTOR"] == row["FACTOR"] ? (r["FACTOR"], $"[{row["LOW_VALUE"]}, {row["HIGH_VALUE"]}]") : (r["FACTOR"], $"[{r["BASE_VALUE"]}]"))
                .Select(x => $"  {x.Item1}: {{{(x.Item1 == "dose" ? "" : $"parameter: {x.Item1}, ")}values: {x.Item2}}}");
            var direct = Write($"direct-{row["FACTOR"]}.yaml", $"name: direct\ndays: 0:15:1\nfactors:\n{string.Join("\n", factors)}\nregimen:\n  - {{route: iv, cells: $dose, day: 7}}\n");
            Run("sweep", direct, $"d-{row["FACTOR"]}");
            var results = Rows($"d-{row["FACTOR"]}", SweepRun.Results);
            Assert.Equal(row["METRIC_LOW"], results[0]["PMWT_auc"]);
            Assert.Equal(row["METRIC_HIGH"], results[1]["PMWT_auc"]);
            var change = Number(results[1]["PMWT_auc"]) - Number(results[0]["PMWT_auc"]);
            Assert.Equal(change, Number(row["CHANGE"]), 1e-6 * Math.Max(1, Math.Abs(change)));
        }
        Assert.Equal(0, Number(auc.Single(r => r["FACTOR"] == "C50")["CHANGE"]));
    }

    [Fact]
    public void ThreadCountsAndShardsMergedThenResumedGiveTheSameBytes()
    {
        var spec = Write("toy.yaml", Toy);
        string[] options = ["--samples", "16", "--bootstrap", "50", "--seed", "5"];
        Run("sensitivity", spec, "t1", [.. options, "--threads", "1"]);
        Run("sensitivity", spec, "t2", [.. options, "--threads", "2"]);
        Assert.Equal(Text("t1", SensitivityFiles.Sobol), Text("t2", SensitivityFiles.Sobol));
        Assert.Equal(Text("t1", SensitivityFiles.Tornado), Text("t2", SensitivityFiles.Tornado));

        for (var k = 0; k < 2; k++)
        {
            Run("sensitivity", spec, $"shard{k}", [.. options, "--shard", $"{k}/2"]);
            Assert.False(File.Exists(Path.Combine(_directory, $"shard{k}", SensitivityFiles.Sobol)), "a shard computes no indices");
        }
        var (code, _, error) = RunCli("sweep", "merge", Path.Combine(_directory, "shard1"), Path.Combine(_directory, "shard0"), "--out", Path.Combine(_directory, "merged"));
        Assert.True(code == 0, error);
        var screen = Run("sensitivity", spec, "merged", [.. options, "--resume"]);
        Assert.Contains("nothing to run", screen);
        Assert.False(File.Exists(Path.Combine(_directory, "merged", SweepRun.Journal)), "the merged evaluations were not run again");
        Assert.Equal(Text("t1", SweepRun.Results), Text("merged", SweepRun.Results));
        Assert.Equal(Text("t1", SensitivityFiles.Sobol), Text("merged", SensitivityFiles.Sobol));
        Assert.Equal(Text("t1", SensitivityFiles.Tornado), Text("merged", SensitivityFiles.Tornado));

        // Resuming a finished folder with other bootstrap replicates recomputes the intervals only.
        Run("sensitivity", spec, "t1", ["--samples", "16", "--bootstrap", "60", "--seed", "5", "--resume"]);
        Assert.NotEqual(Text("t2", SensitivityFiles.Sobol), Text("t1", SensitivityFiles.Sobol));
        Assert.Equal(Text("t2", SweepRun.Results), Text("t1", SweepRun.Results));
        Assert.Contains("its design has 80 scenarios, not 160", RunBadInput("sensitivity", "--spec", spec, "--out", Path.Combine(_directory, "t1"), "--samples", "32", "--seed", "5", "--resume"));
        // A spec with a design serves both commands; their folders are not each other's.
        var both = Write("both.yaml", Toy + "\ndesign: {type: sobol, points: 4}\n");
        Run("sensitivity", both, "both", "--samples", "2", "--bootstrap", "5");
        Assert.Contains("its design is Saltelli, not Sobol", RunBadInput("sweep", "--spec", both, "--out", Path.Combine(_directory, "both"), "--resume"));
    }

    [Fact]
    public void AListedFactorIsRefusedAtItsName()
    {
        var text = Toy.Replace("  C50: {parameter: C50, range: [0.35, 1.05]}", "  C50: {parameter: C50, range: [0.35, 1.05]}\n  route: {values: [iv, it]}").Replace("route: iv", "route: $route");
        var spec = Write("listed.yaml", text);
        var (line, column) = PositionOf(text, "route:");
        var message = RunBadInput("sensitivity", "--spec", spec, "--out", Path.Combine(_directory, "out"));
        Assert.Contains($"listed.yaml:{line}:{column}: factor 'route' lists values", message);
    }

    [Theory]
    [InlineData("--samples", "1", "too few")]
    [InlineData("--bootstrap", "0", "--bootstrap: '0' is not a whole number ≥ 1")]
    [InlineData("--step", "0", "--step: 0 is not a fraction in (0, 1)")]
    [InlineData("--step", "1", "--step: 1 is not a fraction in (0, 1)")]
    [InlineData("--rank", "PMWT:effect_day9", "'effect_day9' is not measured")]
    [InlineData("--shard", "2/2", "K must be below N")]
    public void BadOptionsAreRefused(string option, string value, string expected)
    {
        var spec = Write("toy.yaml", Toy);
        Assert.Contains(expected, RunBadInput("sensitivity", "--spec", spec, "--out", Path.Combine(_directory, "out"), option, value));
        Assert.False(Directory.Exists(Path.Combine(_directory, "out")));
    }

    [Theory]
    [InlineData("cohort: {animals: 5}", "'cohort' is not supported")]
    [InlineData("foo: 1", "unknown key 'foo'")]
    public void BadSpecsAreRefused(string extra, string expected)
    {
        var spec = Write("bad.yaml", Toy + "\n" + extra + "\n");
        Assert.Contains(expected, RunBadInput("sensitivity", "--spec", spec, "--out", Path.Combine(_directory, "out")));
        var inverted = Write("inverted.yaml", Toy.Replace("[1.2, 2.0]", "[2.0, 1.2]"));
        Assert.Matches(@"inverted\.yaml:\d+:\d+: .*empty or inverted", RunBadInput("sensitivity", "--spec", inverted, "--out", Path.Combine(_directory, "out")));
    }

    [Fact]
    public void TheDesignKeyIsIgnored()
    {
        var spec = Write("designed.yaml", Toy + "\ndesign: {type: grid}\n");
        Run("sensitivity", spec, "d", "--samples", "4", "--bootstrap", "5");
        Assert.Equal(4 * 5 + 1, Text("d", SweepRun.Results).Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
    }

    [Fact]
    public void TheShippedSpecRuns()
    {
        Run("sensitivity", Path.Combine(RepositoryRoot(), "models", "sweeps", "sensitivity.yaml"), "shipped", "--samples", "4", "--bootstrap", "10");
        Assert.Equal(2 * 6 * 7, Rows("shipped", SensitivityFiles.Sobol).Count);
        Assert.Equal(2 * 6 * 7, Rows("shipped", SensitivityFiles.Tornado).Count);
    }
}
