using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using CellTherapySim.Compilation;
using CellTherapySim.Modeling;
using CellTherapySim.Output;
using CellTherapySim.Populations;
using CellTherapySim.Simulation;
using CellTherapySim.Studies;
using static CellTherapySim.Tests.Modeling.InputTestSupport;

namespace CellTherapySim.Tests.Inference;

/// <summary>
/// What generated the 7-arm, 56-rat fixture (Fixtures/study-7arm/generating-values.json): the seed, the exact command,
/// its --set list, the population values (every parameter a fit estimates), the ω of each random effect (log scale)
/// and the residual SDs.
/// </summary>
public sealed record GeneratingValues(
    int Seed,
    string Study,
    string Command,
    IReadOnlyList<string> Set,
    IReadOnlyDictionary<string, double> Population,
    IReadOnlyDictionary<string, double> ModelValues,
    IReadOnlyDictionary<string, (double Cv, double Omega)> RandomEffects,
    IReadOnlyDictionary<string, double> Residual);

/// <summary>
/// The 7-arm, 56-rat study of models/studies/cci-7arm.yaml simulated in-process exactly as
/// <c>ctsim simulate --study models/studies/cci-7arm.yaml --seed S --set ...</c> (Fixtures/study-7arm/make.sh) does:
/// the study file, the generating values' --set list, <see cref="CohortSimulator"/> with the seed. The fixture is
/// <c>Generate(GeneratingValues.Seed)</c>; other seeds give other studies of the same design and truth.
/// </summary>
public static class SimulatedStudies
{
    /// <summary>The fixture folder: observations.csv, generating-values.json, make.sh, README.md.</summary>
    public static string FixtureFolder { get; } = Path.Combine(RepositoryRoot(), "tests", "CellTherapySim.Tests", "Inference", "Fixtures", "study-7arm");

    /// <summary>The shipped observations (the study simulated with <see cref="GeneratingValues.Seed"/>).</summary>
    public static string FixtureObservations { get; } = Path.Combine(FixtureFolder, "observations.csv");

    private static readonly Lazy<GeneratingValues> _truth = new(() => ReadTruth(Path.Combine(FixtureFolder, "generating-values.json")));

    /// <summary>The generating values, as recorded in generating-values.json.</summary>
    public static GeneratingValues Truth => _truth.Value;

    /// <summary>The study file (models/studies/cci-7arm.yaml), as an absolute path.</summary>
    public static string StudyPath => Path.Combine(RepositoryRoot(), Truth.Study);

    /// <summary>The animals of the study simulated with <paramref name="seed"/> (IDs 1..56, group by group), as observed.</summary>
    /// <param name="animalsPerGroup">Overrides the study's 8 animals per group (--animals-per-group).</param>
    public static IReadOnlyList<AnimalRecord> Generate(int seed, int? animalsPerGroup = null) => Simulate(seed, animalsPerGroup).Animals;

    /// <summary>The simulated cohort: animals, each animal's parameters and the typical animal's predictions per group.</summary>
    public static Cohort Simulate(int seed, int? animalsPerGroup = null)
    {
        var study = StudyFileReader.ReadFile(StudyPath);
        var compiled = CompiledModel.Compile(study.Model);
        return CohortSimulator.Simulate(study, compiled, TypicalParameters(study, compiled), new CohortOptions(AnimalsPerGroup: animalsPerGroup, Seed: seed));
    }

    /// <summary>The typical animal's parameters (model order): the model's values with the study's body weight and the --set list, as SimulateCommand makes them.</summary>
    public static double[] TypicalParameters(Study study, CompiledModel compiled) =>
        ParameterOverrides.Apply(study.Model, study.TypicalParameters(compiled.DefaultParameters()), Truth.Set, "--set");

    private static GeneratingValues ReadTruth(string path)
    {
        using var json = JsonDocument.Parse(File.ReadAllText(path));
        var root = json.RootElement;
        static Dictionary<string, double> Numbers(JsonElement e) => e.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetDouble());
        return new GeneratingValues(
            root.GetProperty("seed").GetInt32(),
            root.GetProperty("study").GetString()!,
            root.GetProperty("command").GetString()!,
            root.GetProperty("set").EnumerateArray().Select(s => s.GetString()!).ToList(),
            Numbers(root.GetProperty("population")),
            Numbers(root.GetProperty("model_values")),
            root.GetProperty("random_effects").EnumerateObject().ToDictionary(p => p.Name, p => (p.Value.GetProperty("cv").GetDouble(), p.Value.GetProperty("omega").GetDouble())),
            root.GetProperty("residual").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetProperty("value").GetDouble()));
    }
}

/// <summary>The 7-arm fixture cannot drift: the tool, the in-process helper, the record and make.sh agree with the shipped file.</summary>
public class SevenArmStudyTests
{
    private static readonly string DataCopy = Path.Combine(RepositoryRoot(), "models", "data", "cci-7arm", "observations.csv");

    /// <summary>The recorded command's arguments after "dotnet run --project src/CellTherapySim.Cli --", with OUT and the study made concrete.</summary>
    private static string[] RecordedArguments(string output, int? seed = null)
    {
        const string prefix = "dotnet run --project src/CellTherapySim.Cli -- ";
        var command = SimulatedStudies.Truth.Command;
        Assert.StartsWith(prefix, command);
        var args = command[prefix.Length..].Split(' ');
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] == "OUT") args[i] = output;
            else if (args[i] == SimulatedStudies.Truth.Study) args[i] = SimulatedStudies.StudyPath;
            else if (seed is { } s && i > 0 && args[i - 1] == "--seed") args[i] = s.ToString(CultureInfo.InvariantCulture);
        }
        return args;
    }

    [Fact]
    public void TheRecordedCommandMakesTheShippedFixtureByteForByteAndAnotherSeedAnotherStudy()
    {
        var folder = CreateTempDirectory();
        var (exit, _, error) = RunCli(RecordedArguments(folder));
        Assert.True(exit == 0, error);
        var shipped = File.ReadAllBytes(SimulatedStudies.FixtureObservations);
        Assert.Equal(shipped, File.ReadAllBytes(Path.Combine(folder, CohortFiles.Observations)));
        Assert.Equal(shipped, File.ReadAllBytes(DataCopy));

        var other = CreateTempDirectory();
        (exit, _, error) = RunCli(RecordedArguments(other, seed: SimulatedStudies.Truth.Seed + 1));
        Assert.True(exit == 0, error);
        Assert.NotEqual(shipped, File.ReadAllBytes(Path.Combine(other, CohortFiles.Observations)));
        Directory.Delete(folder, recursive: true);
        Directory.Delete(other, recursive: true);
    }

    [Fact]
    public void TheInProcessHelperGivesTheShippedAnimals()
    {
        var animals = SimulatedStudies.Generate(SimulatedStudies.Truth.Seed);
        Assert.Equal(ObservationCsvReader.Read(SimulatedStudies.FixtureObservations, DefaultModel.Definition), animals);
        using var writer = new StringWriter { NewLine = "\n" };
        ObservationCsvWriter.Write(writer, animals);
        Assert.Equal(File.ReadAllText(SimulatedStudies.FixtureObservations).ReplaceLineEndings("\n"), writer.ToString());
    }

    [Fact]
    public void AnotherSeedGivesOtherAnimalsAndOtherReadingsOfTheSameDesign()
    {
        var seed = SimulatedStudies.Truth.Seed;
        var (first, second) = (SimulatedStudies.Simulate(seed + 1), SimulatedStudies.Simulate(seed + 2));
        Assert.Equal(56, first.Animals.Count);
        Assert.Equal(first.Animals.Select(a => (a.Id, a.Group, a.Injury, a.Doses.Count)), second.Animals.Select(a => (a.Id, a.Group, a.Injury, a.Doses.Count)));
        var kAct = DefaultModel.Definition.ParameterIndex("k_act");
        Assert.All(Enumerable.Range(0, 56), a => Assert.NotEqual(first.Parameters[a][kAct], second.Parameters[a][kAct]));
        var readings = first.Animals.Zip(second.Animals).SelectMany(p => p.First.Observations.Zip(p.Second.Observations)).ToList();
        Assert.True(readings.Count(p => p.First.Value != p.Second.Value) > readings.Count / 2);
        Assert.Equal(seed, SimulatedStudies.Truth.Seed);
    }

    [Fact]
    public void TheRecordedGeneratingValuesAreThoseTheEngineUses()
    {
        var truth = SimulatedStudies.Truth;
        var study = StudyFileReader.ReadFile(SimulatedStudies.StudyPath);
        var model = study.Model;
        var compiled = CompiledModel.Compile(model);
        var typical = SimulatedStudies.TypicalParameters(study, compiled);

        // Every population parameter a fit estimates (the model's fitted set, P0 and W0) is recorded, at the value
        // simulated, and differs from the model's value by 5-30%.
        var estimated = model.Parameters.Where(p => p.Fitted).Select(p => p.Name).Concat(["P0", "W0"]).Order().ToList();
        Assert.Equal(estimated, truth.Population.Keys.Order().ToList());
        Assert.Equal(estimated, truth.ModelValues.Keys.Order().ToList());
        foreach (var (name, value) in truth.Population)
        {
            var index = model.ParameterIndex(name);
            Assert.Equal(value, typical[index]);
            Assert.Equal(model.Parameters[index].Value, truth.ModelValues[name]);
            var change = Math.Abs(value / truth.ModelValues[name] - 1);
            Assert.True(change is >= 0.05 and <= 0.30, $"{name}: {value} is {change:P0} from the model's {truth.ModelValues[name]}");
        }
        // Nothing else is changed.
        for (var i = 0; i < model.Parameters.Count; i++)
            if (!truth.Population.ContainsKey(model.Parameters[i].Name)) Assert.Equal(compiled.DefaultParameters()[i], typical[i]);

        // The random effects are exactly the study's variability: log-normal, ω = √log(1 + CV²).
        Assert.Empty(study.Variability.Correlations);
        Assert.Equal(truth.RandomEffects.Keys.Order(), study.Variability.Terms.Select(t => t.Name).Order());
        foreach (var term in study.Variability.Terms)
        {
            var (cv, omega) = truth.RandomEffects[term.Name];
            Assert.Equal(VariabilityScale.Log, term.Scale);
            Assert.Equal(term.Cv, cv);
            Assert.Equal(term.Omega(typical[term.Parameter]), omega, 1e-14);
        }
        foreach (var endpoint in model.Endpoints)
            Assert.Equal(endpoint.ErrorSd, truth.Residual[$"sigma_{endpoint.Name}"]);

        // The record's command, its --set list and make.sh's agree.
        Assert.Contains($"--seed {truth.Seed} ", truth.Command);
        Assert.EndsWith(string.Concat(truth.Set.Select(s => $" --set {s}")), truth.Command);
        var script = File.ReadAllText(Path.Combine(SimulatedStudies.FixtureFolder, "make.sh"));
        Assert.Equal(truth.Set, Regex.Matches(script, @"^\s*--set (\S+)\s*$", RegexOptions.Multiline).Select(m => m.Groups[1].Value));
        Assert.Contains($"seed=\"${{1:-{truth.Seed}}}\"", script);
        Assert.Contains("--study models/studies/cci-7arm.yaml", script);
    }

    [Fact]
    public void TheShippedCountsAreThoseOfTheFile()
    {
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(SimulatedStudies.FixtureFolder, "generating-values.json")));
        var counts = json.RootElement.GetProperty("counts");
        var animals = ObservationCsvReader.Read(SimulatedStudies.FixtureObservations, DefaultModel.Definition);
        var readings = animals.SelectMany(a => a.Observations).ToList();
        var doses = animals.Sum(a => a.Doses.Count);
        Assert.Equal(counts.GetProperty("rows").GetInt32(), readings.Count + doses);
        Assert.Equal(counts.GetProperty("readings").GetInt32(), readings.Count);
        Assert.Equal(counts.GetProperty("doses").GetInt32(), doses);
        foreach (var endpoint in counts.GetProperty("censored").EnumerateObject())
            Assert.Equal(endpoint.Value.GetInt32(), readings.Count(r => r.Endpoint == endpoint.Name && r.Censoring != Censoring.Exact));
        Assert.Equal(7, animals.Select(a => a.Group).Distinct().Count());
        Assert.All(animals.GroupBy(a => a.Group), g => Assert.Equal(8, g.Count()));
        Assert.Contains(readings, r => r.Censoring == Censoring.Exact && r.Time == 0 && r.Endpoint == "PMWT");
    }

    [Fact]
    public void TheGeneratingValuesStillGiveCciCurves()
    {
        var cohort = SimulatedStudies.Simulate(SimulatedStudies.Truth.Seed);
        double Typical(string group, double day, string endpoint) => cohort.Prediction(group, day, endpoint);
        // Untreated CCI: PMWT falls from the baseline to a few grams, TWL by a few seconds; sham stays near baseline.
        Assert.InRange(Typical("CCI saline", 21, "PMWT"), 3, 6);
        Assert.InRange(Typical("CCI saline", 0, "TWL") - Typical("CCI saline", 10, "TWL"), 2.5, 5);
        Assert.InRange(Typical("Sham saline", 28, "PMWT"), 13.5, 14.01);
        // Every MSC arm recovers partly by day 28: above untreated, below baseline.
        foreach (var group in new[] { "IV 1e6 d7", "IV 3e6 d7", "IT 5e5 d7", "IT 5e5 d14", "IV 1e6 d4+d11" })
            Assert.InRange(Typical(group, 28, "PMWT"), Typical("CCI saline", 28, "PMWT") + 1.5, 13);
        // Higher IV dose, more relief; a late intrathecal dose acts after day 14 only.
        Assert.True(Typical("IV 3e6 d7", 28, "PMWT") > Typical("IV 1e6 d7", 28, "PMWT") + 2);
        Assert.Equal(Typical("CCI saline", 14, "PMWT"), Typical("IT 5e5 d14", 14, "PMWT"), 1e-4);   // the solver's steps differ, not the model
    }
}
