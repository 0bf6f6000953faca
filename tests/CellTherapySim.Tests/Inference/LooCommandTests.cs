using System.Globalization;
using CellTherapySim.Inference;
using CellTherapySim.Inference.Diagnostics;
using CellTherapySim.Inference.Sampling;
using CellTherapySim.Modeling;
using CellTherapySim.Output;
using CellTherapySim.Studies;
using static CellTherapySim.Tests.Modeling.InputTestSupport;

namespace CellTherapySim.Tests.Inference;

/// <summary>
/// `ctsim loo` on fit folders: the R loo fixture's two models written as fits (fit-record.json, log-lik-chain-N.csv and
/// log-lik-animal-chain-N.csv as `ctsim fit` writes them, the fixture's 40 observations read as 10 animals' 4 readings
/// each) rank as loo_compare ranks them; other data and folders without a log-likelihood are refused.
/// </summary>
public sealed class LooCommandTests : IDisposable
{
    private static readonly string Fixtures = Path.Combine(RepositoryRoot(), "tests", "CellTherapySim.Tests", "Inference", "Fixtures", "loo");
    private readonly string _directory = CreateTempDirectory();

    /// <summary>Readings per animal when the fixture's observations are read as animals' readings (observation i of animal i / 4).</summary>
    private const int ReadingsPerAnimal = 4;

    /// <summary>Deletes the temporary folder.</summary>
    public void Dispose() => Directory.Delete(_directory, recursive: true);

    /// <summary>A fit folder holding the fixture's log-likelihood matrix <paramref name="file"/>, of data <paramref name="data"/>.</summary>
    private string Fit(string name, string file, string data)
    {
        var folder = Path.Combine(_directory, name);
        Directory.CreateDirectory(folder);
        var model = DefaultModel.Definition;
        PosteriorSample.WriteRecord(folder, model, DefaultModel.Text, model.Parameters.Select(p => p.Value).ToArray(), ["k_act"], data);
        var rows = File.ReadAllLines(Path.Combine(Fixtures, file)).Where(l => l.Length > 0)
            .Select(l => l.Split(',').Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray()).ToArray();
        var chains = File.ReadAllLines(Path.Combine(Fixtures, "chain-id.csv")).Where(l => l.Length > 0).Select(int.Parse).ToArray();
        var readings = Enumerable.Range(0, rows[0].Length).Select(i => new FitReading(0, 0, 0, 0, Censoring.Exact, i / ReadingsPerAnimal)).ToList();
        var animals = Enumerable.Range(1, (rows[0].Length + ReadingsPerAnimal - 1) / ReadingsPerAnimal).Select(a => a.ToString(CultureInfo.InvariantCulture)).ToList();
        var open = FitFiles.ChainWriters(folder, new FitData("fixture", [], readings, [], [0], animals, []));
        foreach (var chain in chains.Distinct())
        {
            using var writer = open(new CmdStanSettings { ModelName = "fixture", ChainId = chain }, ["k_act"], rows[0].Length);
            writer.WriteAdaptation(0.5, [1.0]);
            for (var s = 0; s < rows.Length; s++)
                if (chains[s] == chain)
                {
                    var draw = new NutsDraw([0.0], 0, 1, 0.5, 1, 1, false, 0, false);
                    writer.WriteDraw(draw, [1.0]);
                    writer.WriteLogLikelihood(draw, rows[s]);
                }
            writer.WriteTiming(1, 1);
        }
        return folder;
    }

    [Fact]
    public void FitsRankAsRsLooCompareRanksThem()
    {
        var normal = Fit("normal", "log-lik-normal.csv", "y");
        var studentT = Fit("student-t", "log-lik-student-t.csv", "y");
        var (code, output, error) = RunCli("loo", normal, studentT);
        Assert.True(code == 0, error);
        // compare.csv (R loo 2.5.1): student_t first; normal elpd_diff −15.251212139155236, se_diff 9.4049769281773319.
        var lines = output.Split('\n');
        var t = Array.FindIndex(lines, l => l.Contains("student-t"));
        var n = Array.FindIndex(lines, l => l.Contains("normal"));
        Assert.True(t >= 0 && t < n, output);
        Assert.Contains("-15.3", lines[n]);
        Assert.Contains("9.4", lines[n]);
        var loo = FitLoo.Compute(normal);
        Assert.Equal(-78.929062378338926, loo.ElpdLoo, 1e-9);
    }

    [Fact]
    public void ByAnimalLeavesOutEachAnimalsReadingsTogether()
    {
        var normal = Fit("normal", "log-lik-normal.csv", "y");
        var studentT = Fit("student-t", "log-lik-student-t.csv", "y");
        var (code, output, error) = RunCli("loo", "--by", "animal", normal, studentT);
        Assert.True(code == 0, error);
        Assert.Contains("one animal at a time", output);
        Assert.Contains("of 10 animals", output);
        // The same estimator (checked against R's loo above) on the matrix of each animal's summed log-likelihood.
        var rows = File.ReadAllLines(Path.Combine(Fixtures, "log-lik-normal.csv")).Where(l => l.Length > 0)
            .Select(l => l.Split(',').Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray()).ToArray();
        var chains = File.ReadAllLines(Path.Combine(Fixtures, "chain-id.csv")).Where(l => l.Length > 0).Select(int.Parse).ToArray();
        var grouped = rows.Select(r => Enumerable.Range(0, 10).Select(a => r.Skip(a * ReadingsPerAnimal).Take(ReadingsPerAnimal).Sum()).ToArray()).ToArray();
        var expected = PsisLooEstimator.Compute(grouped, chains);
        var loo = FitLoo.Compute(normal, LooUnit.Animal);
        Assert.Equal(10, loo.Observations);
        Assert.Equal(expected.ElpdLoo, loo.ElpdLoo, 1e-9);
        Assert.Equal(expected.PLoo, loo.PLoo, 1e-9);
        Assert.Equal(expected.ParetoK, loo.ParetoK);
    }

    [Fact]
    public void FitsOfOtherDataOrWithoutALogLikelihoodAreRefused()
    {
        var a = Fit("a", "log-lik-normal.csv", "y");
        var b = Fit("b", "log-lik-student-t.csv", "other y");
        Assert.Contains("of other data", RunBadInput("loo", a, b));
        var bare = Path.Combine(_directory, "bare");
        Directory.CreateDirectory(bare);
        PosteriorSample.WriteRecord(bare, DefaultModel.Definition, DefaultModel.Text, DefaultModel.Definition.Parameters.Select(p => p.Value).ToArray(), ["k_act"], "y");
        Assert.Contains("no pointwise log-likelihood", RunBadInput("loo", bare));
        Assert.Contains("no per-animal log-likelihood", RunBadInput("loo", "--by", "animal", bare));
        Assert.Contains("observation", RunBadInput("loo", "--by", "rat", a));
        Assert.Contains("not a ctsim fit output", RunBadInput("loo", _directory));
    }
}
