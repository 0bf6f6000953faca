using System.Globalization;
using CellTherapySim.Comparison;
using CellTherapySim.Output;
using static CellTherapySim.Tests.Modeling.InputTestSupport;

namespace CellTherapySim.Tests.Comparison;

/// <summary>`ctsim compare`: tables, CSV, reproducibility, help and bad input.</summary>
public sealed class CompareCommandTests : IDisposable
{
    private readonly string _directory = CreateTempDirectory();

    /// <summary>Deletes the temporary folder.</summary>
    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static string StudyPath(string name) => Path.Combine(RepositoryRoot(), "models", "studies", name);

    [Fact]
    public void RegimensFromTheCommandLineGiveOneTablePerEndpointAndTheThresholdLine()
    {
        var (exitCode, output, error) = RunCli("compare", "--regimen", "iv:1e6@7", "--regimen", "it:1e6@7", "--animals", "20");
        Assert.Equal((0, ""), (exitCode, error));
        string[] expected =
        [
            "20 virtual animals, seed 1", "vs untreated cci animals (simulated)", "PMWT (g) relief", "TWL (s) relief", "day 15",
            "Threshold: PMWT relief ≥ 1.5 g (the default, 10% of the typical untreated animal's day-0 value 15 g)",
            "Threshold: TWL relief ≥ 1.1 s",
        ];
        Assert.All(expected, text => Assert.Contains(text, output));
    }

    [Fact]
    public void TheCsvIsLongFormatWithEveryMetric()
    {
        var path = Path.Combine(_directory, "compare.csv");
        var (exitCode, output, _) = RunCli("compare", "--study", StudyPath("cci-iv-day7.yaml"), "--animals", "30", "--threshold", "TWL=2", "--out", path);
        Assert.Equal(0, exitCode);
        Assert.Contains("vs group C&S (cci, no dose)", output);
        Assert.Contains("TWL relief ≥ 2 s (from --threshold)", output);
        var lines = File.ReadAllLines(path);
        Assert.Equal(ComparisonCsvWriter.Header, lines[0]);
        var rows = lines.Skip(1).Select(l => l.Split(',')).ToList();
        Assert.All(rows, r => Assert.Equal(11, r.Length));
        // One regimen (C&U) × 2 endpoints × (9 readout days + 6 metrics).
        Assert.Equal(2 * (9 + 6), rows.Count);
        Assert.Equal(["effect", "auc", "onset", "peak", "peak_day", "duration", "responders"], rows.Select(r => r[2]).Distinct());
        var auc = rows.Single(r => r[1] == "PMWT" && r[2] == "auc");
        Assert.Equal(("C&U", "", "g*day", "30"), (auc[0], auc[3], auc[4], auc[10]));
        var q = auc[5..10].Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray();
        Assert.True(q[2] <= q[3] && q[3] <= q[4] && q[2] < q[1] && q[1] < q[4], string.Join(",", auc));
        Assert.Equal(["0", "1", "3", "5", "7", "9", "11", "13", "15"], rows.Where(r => r[1] == "TWL" && r[2] == "effect").Select(r => r[3]));
        var responders = rows.Single(r => r[1] == "PMWT" && r[2] == "responders");
        Assert.Equal(("1", "", "", ""), (responders[4], responders[7], responders[8], responders[9]));
    }

    [Fact]
    public void TheSameSeedGivesTheSameBytesWhateverTheThreadCount()
    {
        byte[] Run(string threads, string seed)
        {
            var path = Path.Combine(_directory, $"t{threads}-s{seed}.csv");
            Assert.Equal(0, RunCli("compare", "--study", StudyPath("cci-routes-repeated.yaml"), "--animals", "24", "--seed", seed, "--threads", threads, "--out", path).ExitCode);
            return File.ReadAllBytes(path);
        }
        var one = Run("1", "5");
        Assert.Equal(one, Run("2", "5"));
        Assert.NotEqual(one, Run("2", "6"));
    }

    [Fact]
    public void HelpDescribesTheOptionsAndTheDefaultThreshold()
    {
        var (exitCode, output, error) = RunCli("compare", "--help");
        Assert.Equal((0, ""), (exitCode, error));
        foreach (var option in new[] { "--study", "--regimen", "--injury", "--times", "--model", "--animals", "--threshold", "--out", "--seed", "--threads", "--set" })
            Assert.Contains(option, output);
        Assert.Contains("10% of the typical untreated animal's day-0 value", output);
    }

    [Theory]
    [InlineData("--regimen iv:1e6", "--regimen", "is not a regimen; expected ROUTE:PRODUCT:AMOUNT@DAY")]
    [InlineData("--regimen 7:iv:1e6", "--regimen", "is not a regimen")]
    [InlineData("--regimen xx:1e6@7", "--regimen", "product 'cells' is not given by route 'xx'; its routes are iv, it")]
    [InlineData("--regimen iv:-1@7", "--regimen", "the amount '-1' is negative")]
    [InlineData("--regimen it:ev:100mg/kg@7", "--regimen", "the unit 'mg/kg' of '100mg/kg' does not fit doses in ug")]
    [InlineData("--regimen iv:1e6@x", "--regimen", "the day 'x' is not a number")]
    [InlineData("--regimen iv:1e6@20", "--regimen", "starts on day 20 after the last readout day 15")]
    [InlineData("--regimen iv:1e6@7 --regimen iv:1e6@7", "--regimen", "'iv:1e6@7' is given twice")]
    [InlineData("--animals 5", "--regimen", "no regimen to compare")]
    [InlineData("--regimen iv:1e6@7 --threshold FOO=1", "--threshold", "'FOO' is not a compared endpoint; expected one of PMWT, TWL")]
    [InlineData("--regimen iv:1e6@7 --threshold PMWT=abc", "--threshold", "the threshold 'abc' is not a number")]
    [InlineData("--regimen iv:1e6@7 --threshold PMWT", "--threshold", "is not a threshold; expected ENDPOINT=VALUE")]
    [InlineData("--regimen iv:1e6@7 --threshold PMWT=0", "--threshold", "must be > 0")]
    [InlineData("--regimen iv:1e6@7 --threshold PMWT=1 --threshold PMWT=2", "--threshold", "given twice")]
    [InlineData("--regimen iv:1e6@7 --animals 0", "--animals", "'0' is not a whole number ≥ 1")]
    [InlineData("--regimen iv:1e6@7 --animals many", "--animals", "'many' is not a whole number ≥ 1")]
    [InlineData("--regimen iv:1e6@7 --injury foo", "--injury", "unknown injury preset 'foo'")]
    [InlineData("--regimen iv:1e6@7 --times 5,3", "--times", "times must increase")]
    [InlineData("--regimen iv:1e6@7 --set nope=1", "--set", "'nope' is not a parameter")]
    [InlineData("--study missing-study.yaml", "missing-study.yaml", "cannot read the study file")]
    public void BadInputIsOneLineAndExitCode2(string arguments, string option, string problem)
    {
        var line = RunBadInput(["compare", .. arguments.Split(' ')]);
        Assert.Contains(option, line);
        Assert.Contains(problem, line);
    }

    [Theory]
    [InlineData("--regimen", "iv:1e6@7")]
    [InlineData("--injury", "cci")]
    [InlineData("--times", "0:10:1")]
    [InlineData("--model", "m.yaml")]
    public void StudyCannotBeCombinedWithCommandLineRegimens(string option, string value)
    {
        var line = RunBadInput("compare", "--study", StudyPath("cci-iv-day7.yaml"), option, value);
        Assert.Contains($"{option}: cannot be combined with --study", line);
    }

    [Fact]
    public void AStudyWithoutRegimensIsBadInput()
    {
        var path = Path.Combine(_directory, "saline.yaml");
        File.WriteAllText(path, "readout_days: [0, 7]\ngroups:\n  saline: {injury: cci}\n");
        Assert.Contains("no group has a regimen", RunBadInput("compare", "--study", path));
    }

    [Fact]
    public void AModelThatBlowsUpFailsWithExitCode1NamingTheAnimal()
    {
        // dX/dt = X², X(0) = 2 (injury 'hurt'): X = 2/(1 − 2t) blows up at day 0.5.
        var model = Path.Combine(_directory, "blowup.yaml");
        File.WriteAllText(model, Mutate("dX/dt: -flux", "dX/dt: !units-unchecked X^2")); // (a rate law whose constant is left out)
        var (exitCode, output, error) = RunCli("compare", "--model", model, "--regimen", "iv:1e6@0.25", "--times", "0:3:1", "--animals", "3");
        Assert.Equal((1, ""), (exitCode, output));
        var line = Assert.Single(error.Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("ctsim: simulation failed at day 0.", line);
        Assert.EndsWith("(virtual animal 1, untreated hurt)", line);
    }

    [Fact]
    public void AnUnwritableOutputIsBadInput() =>
        Assert.Contains("--out: cannot write", RunBadInput("compare", "--regimen", "iv:1e6@7", "--animals", "2", "--out", Path.Combine(_directory, "no", "such", "dir.csv")));
}
