using System.Globalization;
using System.Text;
using CellTherapySim.Runs;
using CellTherapySim.Comparison;
using CellTherapySim.Compilation;
using CellTherapySim.Inference;
using CellTherapySim.Inference.Diagnostics;
using CellTherapySim.Modeling;
using CellTherapySim.Output;
using CellTherapySim.Scenarios;
using CellTherapySim.Simulation;
using CellTherapySim.Sweeps;
using MathNet.Numerics.Statistics;
using static CellTherapySim.Tests.Modeling.InputTestSupport;

namespace CellTherapySim.Tests.Inference;

/// <summary>
/// Posterior predictions of `simulate`, `compare` and `sweep` on a small fake fit of the default model: each is the
/// median (and 90% band) over the draws of exactly what a single run with the draw's parameters gives; same bytes
/// whatever the threads; bad fit folders refused.
/// </summary>
public sealed class PosteriorPredictionTests : IDisposable
{
    private const int Draws = 7;
    private const string RegimenText = "iv:1e6@7";
    private static readonly ModelDefinition Definition = DefaultModel.Definition;
    private static readonly CompiledModel Model = CompiledModel.Compile(Definition);
    private static readonly double[] Days = TimeGrid.Parse("0:15:1", "test");

    private readonly string _directory = CreateTempDirectory();
    private readonly string _fit;

    /// <summary>Writes the fake fit: its record and two chains of ten draws of k_act and k_deact.</summary>
    public PosteriorPredictionTests()
    {
        _fit = Path.Combine(_directory, "fit");
        Directory.CreateDirectory(_fit);
        PosteriorSample.WriteRecord(_fit, Definition, DefaultModel.SourceText(Definition), Model.DefaultParameters(), ["k_act", "k_deact"]);
        for (var chain = 1; chain <= 2; chain++)
        {
            var csv = new StringBuilder("# a fake fit\n").AppendLine(string.Join(",", CmdStanCsvWriter.SamplerColumns.Concat(["k_act", "k_deact"])));
            for (var i = 0; i < 10; i++)
            {
                // Spread over the prior's bulk, in no particular order.
                var u = ((i * 7 + chain * 3) % 10 + (chain - 1) * 0.5) / 10.0;
                csv.AppendLine(string.Create(CultureInfo.InvariantCulture, $"-12.5,0.9,0.4,3,7,0,13.1,{0.6 + 0.9 * u:R},{0.3 + 0.5 * ((u * 3.7) % 1):R}"));
            }
            File.WriteAllText(Path.Combine(_fit, $"draws-chain-{chain}.csv"), csv.ToString());
        }
    }

    /// <summary>Deletes the temporary folder.</summary>
    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static PosteriorSample Sample(string folder, int draws = Draws) =>
        PosteriorSample.Read(folder, Definition, DefaultModel.SourceText(Definition), draws, 1, "--posterior");

    private static ComparisonDesign Design() =>
        ComparisonDesign.FromRegimens(Definition, "cci", [(RegimenText, Regimen.Parse(RegimenText, Definition, "test")), ("it:1e6@7", Regimen.Parse("it:1e6@7", Definition, "test"))], Days, "test");

    /// <summary>RegimenComparison.Compare for the typical animal of each draw: no variability, one animal.</summary>
    private static ComparisonResult[] DirectComparisons(PosteriorSample sample) =>
        sample.Parameters.Select(p => RegimenComparison.Compare(Design() with { Variability = BetweenAnimalVariability.None }, Model, p,
            new ComparisonOptions(Animals: 1, Threads: 1))).ToArray();

    private static double Median(IEnumerable<double> values) => values.QuantileCustom(0.5, QuantileDefinition.R7);

    private string Run(params string[] args)
    {
        var (code, output, error) = RunCli(args);
        Assert.True(code == 0, error);
        return output;
    }

    private static string[][] ReadCsv(string path) => File.ReadAllLines(path).Select(ResultJournal.SplitFields).ToArray();

    private static string Field(string[][] csv, int row, string column) => csv[row][Array.IndexOf(csv[0], column)];

    [Fact]
    public void SweepMedianIsTheMedianOfTheDrawsTypicalAnimalComparisons()
    {
        var spec = Path.Combine(_directory, "one.yaml");
        File.WriteAllText(spec, """
            name: one
            injury: cci
            days: 0:15:1
            endpoints: [PMWT, TWL]
            factors:
              dose: {values: [1e6]}
            regimen:
              - {route: iv, cells: $dose, day: 7}
            design: {type: grid}
            """);
        var folder = Path.Combine(_directory, "sweep");
        Run("sweep", "--spec", spec, "--out", folder, "--posterior", _fit, "--draws", $"{Draws}", "--threads", "2");
        var results = ReadCsv(Path.Combine(folder, SweepRun.Results));
        Assert.Equal(2, results.Length);

        var direct = DirectComparisons(Sample(_fit));
        foreach (var endpoint in new[] { "PMWT", "TWL" })
        {
            var auc = direct.Select(r => r.Efficacies.Single(x => x.Regimen.Name == RegimenText && x.Endpoint == endpoint).Auc).ToArray();
            Assert.All(auc, a => Assert.Equal(1, a.N));
            Assert.True(auc.Select(a => a.Mean).Distinct().Count() == Draws, "every draw gives its own AUC");
            Assert.Equal(SweepEvaluator.Number(Median(auc.Select(a => a.Mean))), Field(results, 1, $"{endpoint}_auc_median"));
            Assert.Equal(SweepEvaluator.Number(auc.Select(a => a.Mean).QuantileCustom(0.05, QuantileDefinition.R7)), Field(results, 1, $"{endpoint}_auc_q5"));
        }
    }

    [Fact]
    public void CompareMediansAndProbabilitiesAreThoseOfTheDrawsTypicalAnimalComparisons()
    {
        var sample = Sample(_fit);
        var direct = DirectComparisons(sample);
        var posterior = PosteriorComparison.Compare(Design(), Model, sample.Parameters, new ComparisonOptions(Threads: 2));
        Assert.Equal(Draws, posterior.Draws.Count);
        for (var i = 0; i < posterior.Summary.Efficacies.Count; i++)
        {
            var x = posterior.Summary.Efficacies[i];
            var each = direct.Select(r => r.Efficacies[i]).ToArray();
            Assert.Equal(Median(each.Select(e => e.Auc.Mean)), x.Auc.Q50);
            Assert.Equal(x.Auc.Q50, x.Auc.Estimate);
            Assert.Equal(each.Select(e => e.Peak.Mean).QuantileCustom(0.95, QuantileDefinition.R7), x.Peak.Q95);
            Assert.Equal(Median(each.Select(e => e.Duration.Mean)), x.Duration.Q50);
            for (var d = 0; d < Days.Length; d++) Assert.Equal(Median(each.Select(e => e.Effects[d].Relief.Mean)), x.Effects[d].Relief.Q50);
            Assert.Equal(Draws, x.Auc.N);
        }

        // P(AUC of intrathecal > AUC of IV), draw by draw.
        var pmwt = Definition.Endpoints.Select(e => e.Name).ToList().IndexOf("PMWT");
        double Auc(ComparisonResult r, int regimen) => r.Efficacies[regimen * Definition.Endpoints.Count + pmwt].Auc.Mean;
        var itBeatsIv = posterior.Probabilities.Single(p => p.Endpoint == "PMWT" && p.Regimen == "it:1e6@7" && p.Versus == RegimenText);
        Assert.Equal(direct.Count(r => Auc(r, 1) > Auc(r, 0)) / (double)Draws, itBeatsIv.Probability);
        Assert.Equal(direct.Count(r => Auc(r, 0) > 0) / (double)Draws, posterior.Probabilities.Single(p => p.Endpoint == "PMWT" && p.Regimen == RegimenText && p.Versus == "untreated cci").Probability);

        // The command: the same medians (to the CSV's four decimals), the matrix on screen and in the probabilities file.
        var path = Path.Combine(_directory, "compare.csv");
        var output = Run("compare", "--posterior", _fit, "--draws", $"{Draws}", "--regimen", RegimenText, "--regimen", "it:1e6@7", "--out", path);
        Assert.Contains($"{Draws} posterior draws of {_fit}, seed 1.", output);
        Assert.Contains("Each draw is compared for its typical animal, without between-animal variability.", output);
        Assert.Contains("PMWT: P(AUC of row > column)", output);
        var csv = ReadCsv(path);
        Assert.Equal(ComparisonCsvWriter.Header, string.Join(",", csv[0]));
        var row = csv.Single(r => r[0] == RegimenText && r[1] == "PMWT" && r[2] == "auc");
        Assert.Equal(posterior.Summary.Efficacies[pmwt].Auc.Q50.ToString("0.0000", CultureInfo.InvariantCulture), row[8]);
        Assert.Equal(row[5], row[8]); // ESTIMATE = Q50
        var probabilities = ReadCsv(Path.ChangeExtension(path, null) + ".probabilities.csv");
        Assert.Equal(ComparisonCsvWriter.ProbabilitiesHeader, string.Join(",", probabilities[0]));
        Assert.Equal(itBeatsIv.Probability.ToString("0.0000", CultureInfo.InvariantCulture),
            probabilities.Single(r => r[0] == "it:1e6@7" && r[1] == RegimenText && r[2] == "PMWT")[4]);
        Assert.Equal(2 * 2 * 2 + 1, probabilities.Length); // per endpoint and regimen: vs untreated and vs the other
    }

    [Fact]
    public void SimulateMedianAndBandAreThoseOfTheDrawsDirectSimulations()
    {
        var path = Path.Combine(_directory, "posterior.csv");
        var output = Run("simulate", "--posterior", _fit, "--draws", $"{Draws}", "--out", path);
        Assert.Contains($"{Draws} posterior draws of {_fit}, seed 1: the typical animal of each.", output);
        var csv = ReadCsv(path);
        Assert.Equal(new[] { "time", "B_median", "B_q5", "B_q95" }, csv[0][..4]);
        Assert.Equal("PMWT_median", csv[0][3 * Definition.States.Count + 1]);
        Assert.Equal(Days.Length + 1, csv.Length);

        var simulator = new Simulator(Model);
        var doses = Dose.Parse("7:iv:1e6", Definition, "test");
        var direct = Sample(_fit).Parameters.Select(p => simulator.Simulate(p, Model.InitialState("cci"), doses, Days)).ToArray();
        var pmwt = Definition.Readouts.Select(r => r.Name).ToList().IndexOf("PMWT");
        foreach (var day in new[] { 8, 15 })
        {
            var values = direct.Select(t => t.Readout(day, pmwt)).ToArray();
            Assert.Equal(Csv.Number(Median(values)), Field(csv, day + 1, "PMWT_median"));
            Assert.Equal(Csv.Number(values.QuantileCustom(0.05, QuantileDefinition.R7)), Field(csv, day + 1, "PMWT_q5"));
            Assert.Equal(Csv.Number(values.QuantileCustom(0.95, QuantileDefinition.R7)), Field(csv, day + 1, "PMWT_q95"));
            Assert.True(values.Min() < values.Max(), "the draws differ");
        }
    }

    [Fact]
    public void OneAndTwoThreadsGiveTheSameBytes()
    {
        string Simulate(string threads)
        {
            var path = Path.Combine(_directory, $"simulate-{threads}.csv");
            Run("simulate", "--posterior", _fit, "--draws", $"{Draws}", "--dose", "7:it:ev:100ug", "--set", "ImaxP=0.7", "--threads", threads, "--out", path);
            return File.ReadAllText(path);
        }
        string Compare(string threads)
        {
            var path = Path.Combine(_directory, $"compare-{threads}.csv");
            Run("compare", "--posterior", _fit, "--draws", $"{Draws}", "--regimen", RegimenText, "--regimen", "it:ev:100ug@7,10", "--threads", threads, "--out", path);
            return File.ReadAllText(path) + File.ReadAllText(Path.ChangeExtension(path, null) + ".probabilities.csv");
        }
        Assert.Equal(Simulate("1"), Simulate("2"));
        Assert.Equal(Compare("1"), Compare("2"));
    }

    [Fact]
    public void BadFitFoldersAndOptionsAreRefused()
    {
        string[][] commands =
        [
            ["simulate"],
            ["compare", "--regimen", RegimenText],
        ];
        var noRecord = Path.Combine(_directory, "empty");
        Directory.CreateDirectory(noRecord);
        var otherModel = Path.Combine(_directory, "other");
        Directory.CreateDirectory(otherModel);
        foreach (var file in Directory.GetFiles(_fit)) File.Copy(file, Path.Combine(otherModel, Path.GetFileName(file)));
        var record = Path.Combine(otherModel, PosteriorSample.RecordFile);
        var hash = PosteriorSample.Hash(DefaultModel.SourceText(Definition));
        File.WriteAllText(record, File.ReadAllText(record).Replace(hash, new string('0', hash.Length)));

        foreach (var command in commands)
        {
            Assert.Contains($"--posterior: '{noRecord}' is not a ctsim fit output (it has no {PosteriorSample.RecordFile}", RunBadInput([.. command, "--posterior", noRecord]));
            Assert.Contains($"--posterior: the fit in '{otherModel}' is of another model", RunBadInput([.. command, "--posterior", otherModel]));
            Assert.Contains("--draws: the fit in", RunBadInput([.. command, "--posterior", _fit, "--draws", "21"]));
            Assert.Contains("ask for 1 to 20, not 21", RunBadInput([.. command, "--posterior", _fit, "--draws", "21"]));
            Assert.Contains("--draws: needs --posterior", RunBadInput([.. command, "--draws", "3"]));
        }
        var study = Path.Combine(RepositoryRoot(), "models", "studies", "cci-iv-day7.yaml");
        Assert.Contains("--study: cannot be combined with --posterior", RunBadInput("simulate", "--posterior", _fit, "--study", study));
        Assert.Contains("--engine: agent cannot be combined with --posterior", RunBadInput("simulate", "--posterior", _fit, "--engine", "agent"));
        Assert.Contains("--animals: cannot be combined with --posterior", RunBadInput("compare", "--posterior", _fit, "--regimen", RegimenText, "--animals", "10"));
    }

    [Fact]
    public void OneDrawIsThePlainRunWithItsParameters()
    {
        var one = Sample(_fit, 1).Parameters[0];
        var posterior = Path.Combine(_directory, "one-draw.csv");
        var plain = Path.Combine(_directory, "plain.csv");
        Run("simulate", "--posterior", _fit, "--draws", "1", "--out", posterior);
        Run("simulate", "--set", $"k_act={Csv.Number(one[Definition.ParameterIndex("k_act")])}", "--set", $"k_deact={Csv.Number(one[Definition.ParameterIndex("k_deact")])}", "--out", plain);
        var (a, b) = (ReadCsv(posterior), ReadCsv(plain));
        for (var row = 1; row < b.Length; row++)
            for (var c = 1; c < b[0].Length; c++)
            {
                Assert.Equal(b[row][c], a[row][3 * c - 2]);
                Assert.Equal(b[row][c], a[row][3 * c]);
            }
    }
}
