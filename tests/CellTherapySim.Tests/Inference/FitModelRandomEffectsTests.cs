using CellTherapySim.Compilation;
using CellTherapySim.Inference;
using CellTherapySim.Modeling;
using CellTherapySim.Studies;
using CellTherapySim.Tests.Modeling;

namespace CellTherapySim.Tests.Inference;

/// <summary>What FitModel makes of --random-effects: parameters that are not free are freed; names, priors and animals are checked.</summary>
public class FitModelRandomEffectsTests
{
    private static readonly ModelDefinition Model = DefaultModel.Definition;
    private static readonly CompiledModel Compiled = CompiledModel.Compile(Model);

    private static IReadOnlyList<AnimalRecord> Animals() =>
        ObservationCsvReader.Read(Path.Combine(InputTestSupport.RepositoryRoot(), "models", "data", "cci-iv-day7", "observations.csv"), Model);

    private static FitData PerAnimal(Func<AnimalRecord, bool> which) => FitData.FromAnimals("obs", Animals().Where(which).ToList(), Model);

    [Fact]
    public void ARandomEffectOnAParameterThatIsNotFreeAddsItToTheFreeSetAfterTheFreeOnes()
    {
        var data = PerAnimal(a => a.Id % 10 == 1);   // animals 1, 11, 21
        var fit = new FitModel(Compiled, data, new FitSettings(["k_act", "C50"], ["W0", "k_act", "P0"]));
        Assert.Equal(new[] { "k_act", "C50", "W0", "P0" }, fit.Free.Select(i => Model.Parameters[i].Name));
        Assert.Equal(new[] { "W0", "P0" }, fit.FreedForRandomEffects);
        Assert.Equal(new[] { 2, 0, 3 }, fit.RandomEffects);                 // positions in Free, in the order named
        Assert.All(fit.Scales, s => Assert.Equal(VariabilityScale.Log, s));
        Assert.Equal(new[] { "k_act", "C50", "W0", "P0", "sigma_PMWT", "sigma_TWL", "omega_W0", "omega_k_act", "omega_P0" }, fit.Names.Take(fit.PriorCount));
        Assert.Equal(4 + 2 + 3 + 3 * 3, fit.Dimension);
        Assert.Equal("eta_W0.1", fit.Names[fit.EtaOffset]);
        Assert.Equal("eta_P0.21", fit.Names[^1]);
        // The freed parameters have their model priors.
        Assert.Equal(new PriorDensity(Model.Parameters[Model.ParameterIndex("P0")].Prior).Median, fit.Priors[3].Median);

        // The default free set plus P0: only P0 is added; a random effect on a free parameter adds nothing.
        var defaults = new FitModel(Compiled, data, new FitSettings(RandomEffects: ["k_act", "P0"]));
        Assert.Equal(Model.Parameters.Where(p => p.Fitted).Select(p => p.Name).Append("P0"), defaults.Free.Select(i => Model.Parameters[i].Name));
        Assert.Equal(new[] { "P0" }, defaults.FreedForRandomEffects);
        Assert.Empty(new FitModel(Compiled, data, new FitSettings(["k_act"], ["k_act"])).FreedForRandomEffects);
        Assert.Empty(new FitModel(Compiled, data, new FitSettings(["k_act"])).FreedForRandomEffects);
    }

    [Fact]
    public void TheLogPosteriorOfAFreedRandomEffectHasTheGradientOfItsFiniteDifferences()
    {
        var data = PerAnimal(a => a.Id is 1 or 21);
        var fit = new FitModel(Compiled, data, new FitSettings(["k_act"], ["P0", "k_act"], new CellTherapySim.Solvers.SolverOptions(1e-10, 1e-12)));
        var density = new FitPosterior(fit);
        var q = fit.InitialPoint(new Random(8), 0.5);
        var gradient = new double[fit.Dimension];
        Assert.True(double.IsFinite(density.Evaluate(q, gradient)));
        var scratch = new double[fit.Dimension];
        for (var i = 0; i < fit.Dimension; i++)
        {
            const double h = 1e-5;
            var (plus, minus) = ((double[])q.Clone(), (double[])q.Clone());
            plus[i] += h;
            minus[i] -= h;
            var numeric = (density.Evaluate(plus, scratch) - density.Evaluate(minus, scratch)) / (2 * h);
            Assert.True(Math.Abs(numeric - gradient[i]) <= 1e-4 * (1 + Math.Abs(gradient[i])), $"{fit.Names[i]}: gradient {gradient[i]:G10}, finite difference {numeric:G10}");
        }
    }

    [Fact]
    public void PriorsOnTheLogOrLogitScaleAreAcceptedAndOthersRefused()
    {
        var data = PerAnimal(a => a.Id % 10 == 1);
        string Text(string find, string replace) => InputTestSupport.Mutate(DefaultModel.SourceText(Model), find, replace);
        CompiledModel With(string find, string replace) => CompiledModel.Compile(ModelFileReader.Read(Text(find, replace), "model.yaml"));

        // uniform(0, 1): logit-normal, as a beta prior; a half-normal prior: log-normal.
        var uniform = new FitModel(With("{distribution: beta, a: 9, b: 1}", "{distribution: uniform, lower: 0, upper: 1}"), data, new FitSettings(["ImaxP"], ["ImaxP"]));
        Assert.Equal(VariabilityScale.Logit, Assert.Single(uniform.Scales));
        var beta = new FitModel(Compiled, data, new FitSettings(["ImaxP"], ["ImaxP"]));
        Assert.Equal(VariabilityScale.Logit, Assert.Single(beta.Scales));
        var halfNormal = new FitModel(With("{distribution: lognormal, median: 1.6, sdlog: 0.5}", "{distribution: halfnormal, sd: 2}"), data, new FitSettings(["k_act"], ["k_act"]));
        Assert.Equal(VariabilityScale.Log, Assert.Single(halfNormal.Scales));

        var normal = With("{distribution: lognormal, median: 1.6, sdlog: 0.5}", "{distribution: normal, mean: 1.6, sd: 0.5}");
        var error = Assert.Throws<InputException>(() => new FitModel(normal, data, new FitSettings(["k_Z"], ["k_act"])));
        Assert.Equal("--random-effects", error.Source);
        Assert.Contains("'k_act' has a normal(1.6, 0.5) prior, on all real numbers", error.Message);
        var bounded = With("{distribution: lognormal, median: 1.6, sdlog: 0.5}", "{distribution: uniform, lower: 0, upper: 5}");
        Assert.Contains("'k_act' has a uniform(0, 5) prior: a log-normal random effect would leave its bounds (a logit-normal scale on (0, 5) would be needed",
            Assert.Throws<InputException>(() => new FitModel(bounded, data, new FitSettings(["k_act"], ["k_act"]))).Message);
        // Fixed effects with the same priors are fine, and the names a refused model offers leave the parameter out.
        Assert.Single(new FitModel(normal, data, new FitSettings(["k_act"])).Free);
        var unknown = Assert.Throws<InputException>(() => new FitModel(normal, data, new FitSettings(["k_act"], ["k_nope"]))).Message;
        Assert.Contains("'k_nope' is not a parameter of model 'msc-neuropathic-pain'; expected one of k_BL,", unknown);
        Assert.DoesNotContain(" k_act,", unknown);
        Assert.DoesNotContain(" BW,", unknown);
    }

    [Fact]
    public void RandomEffectsNeedTwoAnimalsAndEachNameOnce()
    {
        Assert.Equal("random effects need at least 2 animals; the data have 1",
            Assert.Throws<InputException>(() => new FitModel(Compiled, PerAnimal(a => a.Id == 1), new FitSettings(["k_act"], ["k_act"]))).Problem);
        var data = PerAnimal(a => a.Id % 10 == 1);
        Assert.Contains("'P0' is listed twice", Assert.Throws<InputException>(() => new FitModel(Compiled, data, new FitSettings(["k_act"], ["P0", "k_act", "P0"]))).Message);
        Assert.Contains("'BW' scales doses", Assert.Throws<InputException>(() => new FitModel(Compiled, data, new FitSettings(["k_act"], ["BW"]))).Message);
        // Without random effects one animal is enough.
        Assert.Empty(new FitModel(Compiled, PerAnimal(a => a.Id == 1), new FitSettings(["k_act"])).RandomEffects);
    }
}
