using CellTherapySim.Comparison;
using CellTherapySim.Compilation;
using CellTherapySim.Modeling;
using CellTherapySim.Scenarios;
using CellTherapySim.Simulation;
using CellTherapySim.Studies;
using CellTherapySim.Tests.Modeling;

namespace CellTherapySim.Tests.Comparison;

/// <summary>Paired comparisons on the default model: exactness without variability, the reference values of the model documentation, designs from studies.</summary>
public class RegimenComparisonTests
{
    private static readonly ModelDefinition Definition = DefaultModel.Definition;
    private static readonly CompiledModel Model = CompiledModel.Compile(Definition);
    private static readonly double[] Days = TimeGrid.Parse("0:15:1", "test");

    private static ComparisonDesign Routes(BetweenAnimalVariability? variability = null)
    {
        var design = ComparisonDesign.FromRegimens(Definition, "cci",
            [("iv", Regimen.Parse("iv:1e6@7", Definition, "test")), ("it", Regimen.Parse("it:1e6@7", Definition, "test"))], Days, "test");
        return variability is null ? design : design with { Variability = variability };
    }

    private static ComparisonResult Compare(ComparisonDesign design, int animals, int threads = 0) =>
        RegimenComparison.Compare(design, Model, Model.DefaultParameters(), new ComparisonOptions(animals, Seed: 7, Threads: threads));

    private static RegimenEfficacy Efficacy(ComparisonResult result, string regimen, string endpoint) =>
        result.Efficacies.Single(x => x.Regimen.Name == regimen && x.Endpoint == endpoint);

    [Fact]
    public void WithoutVariabilityTheIntervalCollapsesAndTheEffectIsTheDifferenceOfTwoSimulations()
    {
        var result = Compare(Routes(BetweenAnimalVariability.None), animals: 5);
        var simulator = new Simulator(Model);
        var scenarios = new ScenarioSimulator(Model);
        var grid = result.Grid.ToArray();
        var untreated = simulator.Simulate(Model.DefaultParameters(), Model.InitialState("cci"), [], Days);
        foreach (var x in result.Efficacies)
        {
            var endpoint = Definition.Endpoint(x.Endpoint)!.Readout;
            var treated = simulator.Simulate(Model.DefaultParameters(), Model.InitialState("cci"), x.Regimen.Doses, Days);
            var shared = scenarios.Simulate(new Scenario(Model.DefaultParameters(), "cci", x.Regimen.Doses, grid));
            var reference = scenarios.Untreated(new Scenario(Model.DefaultParameters(), "cci", [], grid));
            for (var d = 0; d < Days.Length; d++)
            {
                var effect = x.Effects[d];
                Assert.Equal(Days[d], effect.Day);
                // Every animal is the typical one: each quantile is its relief exactly (the mean of five copies may differ in
                // the last bit): the treated run continues the untreated one from the first dose.
                var k = Array.IndexOf(grid, Days[d]);
                Assert.Equal(shared.Readout(k, endpoint) - reference.Readout(k, endpoint), effect.Relief.Q50);
                // Two independent simulations from day 0 agree within the solver's tolerance (rtol 1e-6 of values ~10).
                Assert.Equal(treated.Readout(d, endpoint) - untreated.Readout(d, endpoint), effect.Relief.Q50, 1e-4);
                AssertCollapsed(effect.Relief, 5);
            }
            foreach (var metric in new[] { x.Auc, x.Peak, x.PeakDay, x.Duration })
                AssertCollapsed(metric, 5);
            AssertCollapsed(x.Onset, 5);
            Assert.Equal(1.0, x.Responders);
        }
    }

    private static void AssertCollapsed(MetricSummary s, int n)
    {
        Assert.Equal(n, s.N);
        Assert.Equal((s.Q50, s.Q50), (s.Q5, s.Q95));
        Assert.Equal(s.Q50, s.Mean, 1e-12 * Math.Max(1, Math.Abs(s.Q50)));
        Assert.Equal(s.Q50, s.Estimate, 1e-12 * Math.Max(1, Math.Abs(s.Q50)));
    }

    [Fact]
    public void TheTypicalAnimalReproducesTheModelDocumentationAtDay15()
    {
        // MODEL.md (v2 dose-response table), day 15: PMWT relief 3.41 g after IV and 7.90 g after IT 1e6 cells at day 7.
        var result = Compare(Routes(BetweenAnimalVariability.None), animals: 1);
        Assert.Equal(3.41, Efficacy(result, "iv", "PMWT").Effects[15].Relief.Mean, 0.01);
        Assert.Equal(7.90, Efficacy(result, "it", "PMWT").Effects[15].Relief.Mean, 0.01);
    }

    [Fact]
    public void IntrathecalBeatsIntravenousOnMechanicalRelief()
    {
        var result = Compare(Routes(), animals: 200);
        var (iv, it) = (Efficacy(result, "iv", "PMWT"), Efficacy(result, "it", "PMWT"));
        Assert.True(it.Auc.Mean > 1.3 * iv.Auc.Mean, $"AUC IT {it.Auc.Mean} vs IV {iv.Auc.Mean}");
        Assert.True(it.Peak.Mean > iv.Peak.Mean);
        Assert.True(it.Responders >= iv.Responders);
        // Both relieve: the whole between-animal interval of the AUC is above 0.
        Assert.True(iv.Auc.Q5 > 0 && it.Auc.Q5 > 0);
        Assert.True(iv.Auc.Q5 < iv.Auc.Mean && iv.Auc.Mean < iv.Auc.Q95);
    }

    [Fact]
    public void DefaultThresholdsAreTenPercentOfTheUntreatedDay0Values()
    {
        var result = Compare(Routes(BetweenAnimalVariability.None), animals: 1);
        Assert.Equal([("PMWT", 1.5, true), ("TWL", 1.1, true)], result.Thresholds.Select(t => (t.Endpoint, Math.Round(t.Value, 10), t.IsDefault)));
        var given = RegimenComparison.Compare(Routes(BetweenAnimalVariability.None), Model, Model.DefaultParameters(),
            new ComparisonOptions(1, Thresholds: new Dictionary<string, double> { ["TWL"] = 2 }));
        Assert.Equal((2.0, false), (given.Thresholds[1].Value, given.Thresholds[1].IsDefault));
        Assert.Equal(2.0, Efficacy(given, "it", "TWL").Threshold);
    }

    [Fact]
    public void ResultsDoNotDependOnTheThreadCount()
    {
        var one = Compare(Routes(), animals: 40, threads: 1);
        var two = Compare(Routes(), animals: 40, threads: 2);
        foreach (var (a, b) in one.Efficacies.Zip(two.Efficacies))
        {
            Assert.Equal(a.MeanRelief, b.MeanRelief);
            Assert.Equal((a.Auc, a.Onset, a.Peak, a.PeakDay, a.Duration, a.Responders), (b.Auc, b.Onset, b.Peak, b.PeakDay, b.Duration, b.Responders));
            Assert.Equal(a.Effects, b.Effects);
        }
    }

    [Fact]
    public void EveryDosedStudyGroupIsARegimenComparedWithTheUntreatedGroupOfItsInjury()
    {
        var study = StudyFileReader.ReadFile(Path.Combine(InputTestSupport.RepositoryRoot(), "models", "studies", "cci-iv-day7.yaml"));
        var design = ComparisonDesign.FromStudy(study);
        var regimen = Assert.Single(design.Regimens);
        Assert.Equal(("C&U", "cci"), (regimen.Name, regimen.Injury));
        Assert.Equal(new UntreatedReference("C&S", "cci", false), Assert.Single(design.References));
        Assert.Equal(study.Design.ReadoutDays, design.ReadoutDays);
        Assert.Equal(["PMWT", "TWL"], design.Endpoints);
        Assert.Same(study.Variability, design.Variability);
    }

    [Fact]
    public void AStudyWithoutAnUntreatedGroupGetsASynthesisedOne()
    {
        var study = StudyFileReader.Read("""
            readout_days: [0, 7, 14]
            groups:
              sham IT:
                injury: sham
                regimen: [{route: it, cells: 1e6, day: 7}]
              CCI IT:
                injury: cci
                regimen: [{route: it, cells: 1e6, day: 7}]
              CCI saline:
                injury: cci
            """, "s.yaml", _ => throw new InvalidOperationException());
        var design = ComparisonDesign.FromStudy(study);
        Assert.Equal([new UntreatedReference("untreated sham", "sham", true), new UntreatedReference("CCI saline", "cci", false)], design.References);
        Assert.Equal("untreated sham", design.ReferenceOf(design.Regimens[0]).Name);
        var result = RegimenComparison.Compare(design with { Variability = BetweenAnimalVariability.None }, Model, Model.DefaultParameters(), new ComparisonOptions(1));
        // Cells barely move a sham animal; they relieve a CCI one.
        Assert.True(Math.Abs(Efficacy(result, "sham IT", "PMWT").Auc.Mean) < 0.5 * Efficacy(result, "CCI IT", "PMWT").Auc.Mean);
    }

    [Fact]
    public void AStudyWithoutDosedGroupsCannotBeCompared()
    {
        var study = StudyFileReader.Read("readout_days: [0, 7]\ngroups:\n  saline: {injury: cci}\n", "s.yaml", _ => throw new InvalidOperationException());
        var error = Assert.Throws<InputException>(() => ComparisonDesign.FromStudy(study));
        Assert.StartsWith("s.yaml: no group has a regimen", error.Message);
    }
}
