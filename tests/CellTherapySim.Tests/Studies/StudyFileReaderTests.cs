using CellTherapySim.Modeling;
using CellTherapySim.Simulation;
using CellTherapySim.Studies;
using static CellTherapySim.Tests.Modeling.InputTestSupport;

namespace CellTherapySim.Tests.Studies;

/// <summary>Study files: the shipped examples load; every mistake is reported at its line and column.</summary>
public class StudyFileReaderTests
{
    private const string StudyName = "study.yaml";

    private const string Minimal = """
        name: tiny-study
        animals_per_group: 4
        readout_days: [0, 7, 14]
        endpoints: [PMWT, TWL]
        variability:
          k_act: 0.3
          ImaxP: {cv: 0.1, scale: logit}
        correlations:
          - {parameters: [k_act, ImaxP], r: 0.2}
        groups:
          saline:
            injury: cci
          treated:
            injury: cci
            animals: 6
            regimen:
              - {route: iv, cells: 1e6, day: 7, every: 7, doses: 2}
              - {route: it, cells: 5e5, days: [3, 10]}
        """;

    private static Study Read(string text) => StudyFileReader.Read(text, StudyName, _ => throw new InvalidOperationException("no model files here"));

    private static void AssertErrorAt(string text, string token, params string[] mentions)
    {
        var error = Assert.Throws<InputException>(() => Read(text));
        var (line, column) = PositionOf(text, token);
        Assert.True((line, column) == (error.Line, error.Column), $"expected the error at {line}:{column} ('{token}'), got {error.Message}");
        Assert.StartsWith($"{StudyName}:{line}:{column}: ", error.Message);
        foreach (var mention in mentions) Assert.Contains(mention, error.Message);
    }

    [Fact]
    public void MinimalStudyExpandsRepeatedDosesAndDefaults()
    {
        var study = Read(Minimal);
        Assert.Equal([0.0, 7, 14], study.Design.ReadoutDays);
        var treated = study.Design.Groups[1];
        Assert.Equal(6, treated.Animals);
        Assert.Equal(4, study.Design.Groups[0].Animals);
        Assert.Equal([3.0, 7, 10, 14], treated.Doses.Select(d => d.Time));
        Assert.Equal(["it", "iv", "it", "iv"], treated.Doses.Select(d => d.Route));
        Assert.Equal(2, study.Variability.Terms.Count);
        Assert.Equal(VariabilityScale.Logit, study.Variability.Terms[1].Scale);
        Assert.Equal(0.2, study.Variability.Correlations.Single().R);
    }

    [Fact]
    public void ProductsAmountsWithUnitsAndBodyWeight()
    {
        var study = Read(Mutate(Minimal, "      - {route: it, cells: 5e5, days: [3, 10]}",
            "      - {route: it, product: ev, amount: 0.1mg, days: [3, 10]}\n      - {route: ip, product: nac, amount: 150mg/kg, day: 0, every: 1, doses: 3}\nbody_weight: 0.3"));
        var doses = study.Design.Groups[1].Doses;
        Assert.Equal([new Dose(0, "nac", "ip", 150), new Dose(1, "nac", "ip", 150), new Dose(2, "nac", "ip", 150), new Dose(3, "ev", "it", 100)], doses.Take(4));
        Assert.Equal(0.3, study.BodyWeight);
        var typical = study.TypicalParameters(DefaultModel.Definition.Parameters.Select(p => p.Value).ToArray());
        Assert.Equal(0.3, typical[DefaultModel.Definition.ParameterIndex("BW")]);
    }

    [Theory]
    [InlineData("cells: 5e5", "product: ev, amount: 100ug", "ip", "product 'ev' is not given by route 'ip'", "iv, it")]
    public void ProductsAreCheckedAgainstTheirRoutes(string find, string replace, string token, params string[] mentions) =>
        AssertErrorAt(Mutate(Minimal, "{route: it, cells: 5e5", "{route: ip, cells: 5e5").Replace(find, replace), token, mentions);

    [Theory]
    [InlineData("cells: 5e5", "product: exo, amount: 1ug", "exo", "unknown product 'exo'; expected one of cells, ev, nac")]
    [InlineData("cells: 5e5", "product: ev, amount: 100", "100", "the amount '100' has no unit; expected one of ng, ug, mg, g")]
    [InlineData("cells: 5e5", "product: ev, amount: 1e6cells", "1e6cells", "does not fit doses in ug")]
    [InlineData("cells: 5e5", "amount: 100ug", "100ug", "has 'amount' but no 'product'")]
    [InlineData("cells: 5e5", "product: ev, cells: 5e5", "5e5", "has 'cells' and 'product'/'amount'")]
    [InlineData("cells: 5e5", "product: ev", "{route: it", "has no amount")]
    [InlineData("groups:", "body_weight: -1\ngroups:", "-1", "'body_weight' must be a body weight in kg, > 0")]
    public void BadProductEntriesAreReportedWhereTheyAre(string find, string replace, string token, params string[] mentions) =>
        AssertErrorAt(Minimal.Replace(find, replace.Replace("\\n", "\n")), token, mentions);

    [Theory]
    [InlineData("cci-iv-day7.yaml", 3, 10)]
    [InlineData("cci-routes-repeated.yaml", 5, 8)]
    [InlineData("ev-vs-cells.yaml", 5, 10)]
    [InlineData("nac-combination.yaml", 5, 10)]
    [InlineData("cci-7arm.yaml", 7, 8)]
    public void ShippedStudiesLoad(string file, int groups, int animals)
    {
        var study = StudyFileReader.ReadFile(Path.Combine(RepositoryRoot(), "models", "studies", file));
        Assert.Equal(groups, study.Design.Groups.Count);
        Assert.All(study.Design.Groups, g => Assert.Equal(animals, g.Animals));
    }

    [Fact]
    public void SeedStudyMirrorsTheSeedPaper()
    {
        var study = StudyFileReader.ReadFile(Path.Combine(RepositoryRoot(), "models", "studies", "cci-iv-day7.yaml"));
        Assert.Equal(["S&S", "C&S", "C&U"], study.Design.Groups.Select(g => g.Name));
        Assert.Equal(["sham", "cci", "cci"], study.Design.Groups.Select(g => g.Injury));
        Assert.Equal([0.0, 1, 3, 5, 7, 9, 11, 13, 15], study.Design.ReadoutDays);
        var dose = Assert.Single(study.Design.Groups[2].Doses);
        Assert.Equal(Dose.Cells(7, "iv", 1e6), dose);
    }

    [Theory]
    [InlineData("animals_per_group: 4", "animal_per_group: 4", "animal_per_group", "unknown key")]
    [InlineData("animals_per_group: 4", "animals_per_group: 2.5", "2.5", "whole number")]
    [InlineData("readout_days: [0, 7, 14]", "readout_days: [0, 14, 7]", "7]", "must increase")]
    [InlineData("readout_days: [0, 7, 14]", "readout_days: [-1, 7, 14]", "-1", "negative")]
    [InlineData("endpoints: [PMWT, TWL]", "endpoints: [PMWT, VAS]", "VAS", "'VAS' is not an endpoint", "PMWT, TWL")]
    [InlineData("  k_act: 0.3", "  k_ac: 0.3", "k_ac", "not a parameter")]
    [InlineData("  k_act: 0.3", "  k_act: 30%", "30%", "must be a number")]
    [InlineData("  k_act: 0.3", "  k_act: -0.3", "-0.3", "between 0 and 5")]
    [InlineData("scale: logit}", "scale: logistic}", "logistic", "expected log or logit")]
    [InlineData("r: 0.2}", "r: 1.5}", "1.5", "strictly between -1 and 1")]
    [InlineData("injury: cci\n  treated", "injury: ccl\n  treated", "ccl", "unknown injury preset 'ccl'", "cci, sham")]
    [InlineData("route: iv", "route: ip", "ip", "product 'cells' is not given by route 'ip'", "iv, it")]
    [InlineData("cells: 1e6", "cells: -1e6", "-1e6", "is negative; expected an amount ≥ 0")]
    [InlineData("cells: 1e6", "cells: many", "many", "'many' is not an amount")]
    [InlineData("day: 7, every", "day: -7, every", "-7", "negative")]
    [InlineData("every: 7, doses: 2", "every: 0, doses: 2", "0, doses", "'every' must be > 0")]
    [InlineData("every: 7, doses: 2", "every: 7", "7}", "needs 'doses'")]
    [InlineData("animals: 6", "animals: 0", "0\n", "whole number")]
    [InlineData("{route: it, cells: 5e5, days: [3, 10]}", "{route: it, cells: 5e5, when: 3}", "when", "unknown key")]
    [InlineData("{route: it, cells: 5e5, days: [3, 10]}", "{route: it, cells: 5e5, day: 3, days: [3, 10]}", "[3, 10]", "has both 'day' and 'days'; use 'day: D' for one dose day or 'days: [D1, D2, ...]'")]
    public void MistakesAreReportedWhereTheyAre(string find, string replace, string token, params string[] mentions) =>
        AssertErrorAt(Mutate(Minimal, find, replace), token, mentions);

    [Fact]
    public void ADoseAfterTheLastReadoutDayIsAWarningAtTheDose()
    {
        var text = Mutate(Minimal, "{route: it, cells: 5e5, days: [3, 10]}", "{route: it, cells: 5e5, days: [3, 40]}");
        var study = Read(text);
        var (line, column) = PositionOf(text, "[3, 40]");
        var warning = Assert.Single(study.Warnings);
        Assert.StartsWith($"{StudyName}:{line}:{column}: ", warning);
        Assert.Contains("on day 40 is after the last readout day, 14: it cannot change any reading", warning);
        Assert.Empty(Read(Minimal).Warnings);
    }

    [Fact]
    public void TheWarningReachesTheRunsErrorWriterAndTheRunGoesOn()
    {
        var folder = CreateTempDirectory();
        try
        {
            var path = Path.Combine(folder, "late.yaml");
            var text = Mutate(Minimal, "{route: it, cells: 5e5, days: [3, 10]}", "{route: it, cells: 5e5, days: [3, 40]}");
            File.WriteAllText(path, text);
            var (exit, output, error) = RunCli("simulate", "--study", path, "--animals-per-group", "2");
            Assert.True(exit == 0, error);
            var (line, column) = PositionOf(text, "[3, 40]");
            Assert.StartsWith($"ctsim: warning: {path}:{line}:{column}: ", error);
            Assert.Contains("is after the last readout day", error);
            Assert.DoesNotContain("warning", output);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void MissingSectionsAndEmptyFilesAreErrors()
    {
        Assert.Contains("no 'groups'", Assert.Throws<InputException>(() => Read(Mutate(Minimal, "groups:", "groupz:").Split("groupz:")[0])).Message);
        Assert.Contains("empty", Assert.Throws<InputException>(() => Read("")).Message);
        Assert.Contains("cannot read the study file", Assert.Throws<InputException>(() => StudyFileReader.ReadFile("/no/such/study.yaml")).Message);
    }

    [Fact]
    public void CorrelationsThatAreNotPositiveDefiniteAreRejected()
    {
        var text = Minimal.Replace("ImaxP: {cv: 0.1, scale: logit}", "ImaxP: {cv: 0.1, scale: logit}\n  k_Z: 0.2")
            .Replace("- {parameters: [k_act, ImaxP], r: 0.2}", "- {parameters: [k_act, ImaxP], r: 0.9}\n  - {parameters: [k_act, k_Z], r: 0.9}\n  - {parameters: [ImaxP, k_Z], r: -0.9}");
        var study = Read(text);
        var typical = DefaultModel.Definition.Parameters.Select(p => p.Value).ToArray();
        var error = Assert.Throws<InputException>(() => new CellTherapySim.Populations.ParameterSampler(typical, study.Variability, StudyName));
        Assert.Contains("positive-definite", error.Message);
    }

    [Fact]
    public void SimulateRejectsStudyMistakesAndConflictingOptions()
    {
        var folder = CreateTempDirectory();
        var path = Path.Combine(folder, "bad.yaml");
        File.WriteAllText(path, Mutate(Minimal, "route: iv", "route: ip"));
        Assert.Contains($"{path}:", RunBadInput("simulate", "--study", path));
        var good = Path.Combine(RepositoryRoot(), "models", "studies", "cci-iv-day7.yaml");
        Assert.Contains("--dose", RunBadInput("simulate", "--study", good, "--dose", "7:iv:1e6"));
        Assert.Contains("--animals-per-group", RunBadInput("simulate", "--study", good, "--animals-per-group", "0"));
        Assert.Contains("needs --study", RunBadInput("simulate", "--animals-per-group", "5"));
        Directory.Delete(folder, recursive: true);
    }

    [Fact]
    public void SimulateStudyWritesBothFiles()
    {
        var folder = CreateTempDirectory();
        var (exit, output, error) = RunCli("simulate", "--study", Path.Combine(RepositoryRoot(), "models", "studies", "cci-iv-day7.yaml"),
            "--animals-per-group", "3", "--seed", "9", "--out", folder);
        Assert.True(exit == 0, error);
        Assert.Contains("C&U", output);
        var observations = File.ReadAllLines(Path.Combine(folder, "observations.csv"));
        Assert.Equal("ID,GROUP,INJURY,TIME,EVID,AMT,ROUTE,DVID,DV,CENS", observations[0]);
        Assert.Equal(1 + 9 * (9 * 2) + 3, observations.Length); // readings of 9 animals on 9 days × 2 endpoints, 3 doses
        var summary = File.ReadAllLines(Path.Combine(folder, "summary.csv"));
        Assert.StartsWith("GROUP,TIME,DVID,MEAN,SD,N,Q5,Q50,Q95", summary[0]);
        Assert.Equal(1 + 3 * 9 * 2, summary.Length);
        Directory.Delete(folder, recursive: true);
    }

    [Fact]
    public void AStudyFileGivesTheDesignOfASummary()
    {
        var root = RepositoryRoot();
        var summary = Path.Combine(root, "models", "data", "cci-iv-day7", "summary.csv");
        var (exit, output, error) = RunCli("data", "describe", summary, "--design", Path.Combine(root, "models", "studies", "cci-iv-day7.yaml"));
        Assert.True(exit == 0, error);
        Assert.Contains("1,000,000 cells iv at day 7", output);
        // The route study has other group names: the summary's first group is unknown to it.
        var line = RunBadInput("data", "describe", summary, "--design", Path.Combine(root, "models", "studies", "cci-routes-repeated.yaml"));
        Assert.Contains("S&S", line);
    }

    [Fact]
    public void ASolverFailureInACohortIsOneMessageNamingTheAnimal()
    {
        // A secretome effect of 1e300 overflows every dosed animal after day 7: the lowest-numbered one is named.
        var study = Path.Combine(RepositoryRoot(), "models", "studies", "cci-iv-day7.yaml");
        foreach (var threads in new[] { "1", "2" })
        {
            var (exit, _, error) = RunCli("simulate", "--study", study, "--set", "rho_S=1e300", "--threads", threads);
            Assert.Equal(1, exit);
            Assert.DoesNotContain("   at ", error);
            Assert.Contains("(virtual animal 21, group C&U)", error);
        }
    }
}
