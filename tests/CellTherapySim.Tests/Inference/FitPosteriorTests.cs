using CellTherapySim.Compilation;
using CellTherapySim.Inference;
using CellTherapySim.Modeling;
using CellTherapySim.Populations;
using CellTherapySim.Simulation;
using CellTherapySim.Studies;
using CellTherapySim.Tests.Modeling;

namespace CellTherapySim.Tests.Inference;

/// <summary>
/// The log posterior's gradient (forward sensitivities, chain rule through transforms and random effects) against
/// central finite differences of the log posterior itself; and the checks of what a fit accepts.
/// </summary>
public class FitPosteriorTests
{
    private static readonly ModelDefinition Model = DefaultModel.Definition;
    private static readonly CompiledModel Compiled = CompiledModel.Compile(Model);
    private static readonly string Data = Path.Combine(InputTestSupport.RepositoryRoot(), "models", "data", "cci-iv-day7");

    private static IReadOnlyList<AnimalRecord> Animals() => ObservationCsvReader.Read(Path.Combine(Data, "observations.csv"), Model);

    /// <summary>
    /// Central differences with step 1e-5 on the unconstrained scale, the simulations at rtol 1e-10 so that solver
    /// error (~1e-10) over the step stays far below the tolerance 1e-4·(1 + |∂|).
    /// </summary>
    private static void AssertGradient(FitModel fit, int seed)
    {
        var density = new FitPosterior(fit);
        var q = fit.InitialPoint(new Random(seed), 0.5);
        var gradient = new double[fit.Dimension];
        var lp = density.Evaluate(q, gradient);
        Assert.True(double.IsFinite(lp));
        var scratch = new double[fit.Dimension];
        for (var i = 0; i < fit.Dimension; i++)
        {
            const double h = 1e-5;
            var (plus, minus) = ((double[])q.Clone(), (double[])q.Clone());
            plus[i] += h;
            minus[i] -= h;
            var numeric = (density.Evaluate(plus, scratch) - density.Evaluate(minus, scratch)) / (2 * h);
            Assert.True(Math.Abs(numeric - gradient[i]) <= 1e-4 * (1 + Math.Abs(gradient[i])),
                $"{fit.Names[i]}: gradient {gradient[i]:G10}, finite difference {numeric:G10}");
        }
    }

    private static readonly CellTherapySim.Solvers.SolverOptions Tight = new(1e-10, 1e-12);

    [Fact]
    public void GradientThroughEvAndNacDosesAndBodyWeightsMatchesFiniteDifferences()
    {
        // Animals given EVs (IT) or NAC (i.p., per kg) with their own body weights, simulated from the model: every
        // product's doses and each animal's WT enter the likelihood and its sensitivities.
        Dose[] ev = [new Dose(7, "ev", "it", 100), new Dose(10, "ev", "it", 100)];
        Dose[] nac = [.. Dose.Parse("0-14/1:ip:nac:150mg/kg", Model, "test")];
        var parameters = Compiled.DefaultParameters();
        var simulator = new Simulator(Compiled, SolverKind.Stiff, Tight);
        double[] days = [0, 3, 7, 9, 11, 15];
        AnimalRecord Animal(int id, string group, Dose[] doses, double? weight)
        {
            var p = (double[])parameters.Clone();
            if (weight is { } w) p[Model.ParameterIndex("BW")] = w;
            var trajectory = simulator.Simulate(p, Compiled.InitialState("cci"), doses, days);
            var observations = days.SelectMany((d, i) => Model.Endpoints.Select(e =>
                CohortSimulator.Observe(d, e, trajectory.Readout(i, e.Readout) * (1 + 0.05 * Math.Sin(id + i)), null))).ToList();
            return new AnimalRecord(id, group, "cci", doses, observations, weight);
        }
        AnimalRecord[] animals = [Animal(1, "EV", ev, null), Animal(2, "NAC", nac, 0.2), Animal(3, "NAC", nac, 0.35)];
        var data = FitData.FromAnimals("products", animals, Model);
        Assert.Equal(3, data.Scenarios.Count); // the two NAC animals differ in body weight
        AssertGradient(new FitModel(Compiled, data, new FitSettings(["k_act", "rho_S", "k_Z", "C50"], SolverOptions: Tight)), 4);
    }

    [Fact]
    public void FixedEffectsGradientMatchesFiniteDifferences()
    {
        var data = FitData.FromAnimals("obs", Animals(), Model);
        Assert.Equal(3, data.Scenarios.Count);
        AssertGradient(new FitModel(Compiled, data, new FitSettings(SolverOptions: Tight)), 1);
    }

    [Fact]
    public void RandomEffectsGradientMatchesFiniteDifferences()
    {
        var animals = Animals().Where(a => a.Id % 5 == 1).ToList();   // 6 animals, 2 per group
        var data = FitData.FromAnimals("obs", animals, Model);
        var fit = new FitModel(Compiled, data, new FitSettings(["k_act", "k_Z", "ImaxP", "C50"], ["k_act", "ImaxP"], Tight));
        Assert.Equal(4 + 2 + 2 + 2 * 6, fit.Dimension);
        Assert.Contains("eta_ImaxP.21", fit.Names);
        AssertGradient(fit, 2);
    }

    /// <summary>
    /// After the first evaluations (which size the kept arrays and reductions), one log density + gradient allocates
    /// nothing — with fixed effects and with one simulation per animal — on the whole 30-rat study (measured with
    /// GC.GetAllocatedBytesForCurrentThread over 20 evaluations at moving points).
    /// </summary>
    [Theory]
    [InlineData("")]
    [InlineData("P0,W0,ImaxP")]
    [InlineData("P0,W0,k_act")]
    public void AnEvaluationAllocatesNothing(string randomEffects)
    {
        var fit = new FitModel(Compiled, FitData.FromAnimals("obs", Animals(), Model),
            new FitSettings(RandomEffects: randomEffects.Length == 0 ? [] : randomEffects.Split(","), Centred: randomEffects.Length == 0 ? null : ["P0"]));
        var density = new FitPosterior(fit);
        var points = Enumerable.Range(0, 4).Select(seed => fit.InitialPoint(new Random(seed), 0.5)).ToArray();
        var gradient = new double[fit.Dimension];
        foreach (var q in points) Assert.True(double.IsFinite(density.Evaluate(q, gradient)));
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 20; i++) density.Evaluate(points[i % points.Length], gradient);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void ReadoutOnlyRandomEffectsShareTheDesignsSimulationsWithTheRightGradient()
    {
        // ImaxP and C50 enter the readouts only: the animals of a design share its sensitivity simulation and only
        // their readouts (and readout sensitivities) are evaluated at their own values.
        var animals = Animals().Where(a => a.Id % 5 == 1).ToList();
        var fit = new FitModel(Compiled, FitData.FromAnimals("obs", animals, Model), new FitSettings(["k_act", "k_Z", "ImaxP", "C50"], ["ImaxP", "C50"], Tight));
        Assert.False(fit.EntersEquations(2) || fit.EntersEquations(3));
        Assert.True(fit.EntersEquations(0));
        AssertGradient(fit, 5);
    }

    [Fact]
    public void CentredRandomEffectsGradientMatchesFiniteDifferences()
    {
        var animals = Animals().Where(a => a.Id % 5 == 3).ToList();
        var fit = new FitModel(Compiled, FitData.FromAnimals("obs", animals, Model), new FitSettings(["k_act", "k_Z", "ImaxP", "W0"], ["k_act", "ImaxP", "W0"], Tight, Centred: ["k_act", "ImaxP"]));
        Assert.Equal([true, true, false], fit.Centred);
        AssertGradient(fit, 6);
    }

    [Theory]
    [InlineData("ImaxP,C50", "")]          // shared simulations per design
    [InlineData("k_act,ImaxP", "")]        // one simulation per animal
    [InlineData("k_act,ImaxP", "ImaxP")]   // one centred (logit scale)
    [InlineData("k_act,C50", "k_act,C50")] // both centred (log scale)
    public void LogDensityIsThePriorsPlusEachAnimalsReadingsSimulatedDirectly(string randomEffects, string centred)
    {
        // An independent evaluation: each animal simulated on its own with its individual values (IndividualValue) by
        // the plain simulator, its readings' log-likelihoods summed, plus the priors, log Jacobians and η terms.
        var animals = Animals().Where(a => a.Id % 5 == 2).ToList();
        var fit = new FitModel(Compiled, FitData.FromAnimals("obs", animals, Model), new FitSettings(["k_act", "k_Z", "ImaxP", "C50"], randomEffects.Split(','), Tight,
            Centred: centred.Split(',', StringSplitOptions.RemoveEmptyEntries)));
        var density = new FitPosterior(fit);
        var q = fit.InitialPoint(new Random(11), 0.7);
        var draw = fit.Constrain(q);
        var simulator = new Simulator(Compiled, SolverKind.Stiff, Tight);
        var expected = 0.0;
        for (var i = 0; i < fit.PriorCount; i++)
        {
            fit.Transforms[i].ToConstrained(q[i], out var logJ, out _, out _);
            expected += fit.Priors[i].LogDensity(draw[i], out _) + logJ;
        }
        // Each animal's η (the draw reports it whatever the parametrisation): non-centred the standard normal's log
        // density, centred that of u = m + ωη, Normal(m, ω): the same −η²/2 and −log ω more.
        for (var j = 0; j < fit.RandomEffects.Length; j++)
            for (var a = 0; a < animals.Count; a++)
                expected -= 0.5 * draw[fit.EtaCoordinate(j, a)] * draw[fit.EtaCoordinate(j, a)] + (fit.Centred[j] ? Math.Log(draw[fit.OmegaOffset + j]) : 0);
        var pointwise = new double[density.ObservationCount];
        density.LogLikelihoods(q, pointwise);
        var reading = 0;
        for (var a = 0; a < animals.Count; a++)
        {
            var parameters = Compiled.DefaultParameters();
            for (var k = 0; k < fit.Free.Length; k++) parameters[fit.Free[k]] = fit.IndividualValue(draw, k, a);
            var times = animals[a].Observations.Select(o => o.Time).Distinct().Order().ToArray();
            var trajectory = simulator.Simulate(parameters, Compiled.InitialState(animals[a].Injury), animals[a].Doses, times);
            foreach (var o in animals[a].Observations)
            {
                var e = Model.Endpoints.First(x => x.Name == o.Endpoint);
                var f = trajectory.Readout(Array.IndexOf(times, o.Time), e.Readout);
                var ll = ResidualLikelihood.LogLikelihood(e.ErrorModel, o.Value, o.Censoring, f, draw[fit.ResidualCoordinate(Model.EndpointIndex(o.Endpoint))], out _, out _);
                Assert.Equal(ll, pointwise[reading++], 1e-7);
                expected += ll;
            }
        }
        Assert.Equal(expected, density.Evaluate(q, new double[fit.Dimension]), 1e-6);
    }

    [Fact]
    public void SummaryDataGradientMatchesFiniteDifferences()
    {
        var design = DesignDerivation.Derive(Animals()).Design;
        // S&S day 0 PMWT made a mean of readings all at the cutoff (SD 0), so the censored-mean term is differentiated too.
        var rows = SummaryCsvReader.Read(Path.Combine(Data, "summary.csv"), Model, design)
            .Select(r => r is { Group: "S&S", Time: 0, Endpoint: "PMWT" } ? r with { Mean = 15, Sd = 0 } : r).ToList();
        var data = FitData.FromSummary("summary", rows, design, Model);
        Assert.Contains(data.Means, m => m.Sd == 0);
        AssertGradient(new FitModel(Compiled, data, new FitSettings(SolverOptions: Tight)), 3);
    }

    [Fact]
    public void BadFitSpecificationsAreInputErrors()
    {
        var data = FitData.FromAnimals("obs", Animals(), Model);
        Assert.Contains("'k_nope' is not a parameter", Assert.Throws<InputException>(() => new FitModel(Compiled, data, new FitSettings(["k_act", "k_nope"]))).Message);
        Assert.Contains("'k_nope' is not a parameter", Assert.Throws<InputException>(() => new FitModel(Compiled, data, new FitSettings(["k_act"], ["k_nope"]))).Message);

        var censored = Animals().Select(a => a with { Observations = a.Observations.Select(o => o with { Censoring = Censoring.Right, Value = 15 }).Where(o => o.Endpoint == "PMWT").ToList() }).ToList();
        Assert.Contains("censored", Assert.Throws<InputException>(() => FitData.FromAnimals("obs", censored, Model)).Message);
    }

    [Fact]
    public void AFailedSimulationIsAZeroDensityNotAnError()
    {
        var data = FitData.FromAnimals("obs", Animals(), Model);
        // With k_Td fixed at −1000 the dosed group blows up after day 7 at any value of the free parameters.
        var parameters = Compiled.DefaultParameters();
        parameters[Model.ParameterIndex("k_Td")] = -1000;
        var density = new FitPosterior(new FitModel(Compiled, data, new FitSettings(Parameters: parameters)));
        var fit = new FitModel(Compiled, data, new FitSettings(Parameters: parameters));
        Assert.Equal(double.NegativeInfinity, density.Evaluate(fit.InitialPoint(new Random(1), 0), new double[fit.Dimension]));
        Assert.Equal(1, density.Failures);
    }
}
