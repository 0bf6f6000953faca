using System.Globalization;
using CellTherapySim.Compilation;
using CellTherapySim.Inference;
using CellTherapySim.Modeling;
using CellTherapySim.Output;
using CellTherapySim.Simulation;
using CellTherapySim.Studies;

namespace CellTherapySim.Tests.Inference;

/// <summary>
/// Per-animal outputs of a fit on three hand-made draws of a fit with a random effect on W0: IPRED, PRED and the
/// individual values against direct simulations and the formula θᵢ = θ·exp(ω·ηᵢ), the rows' order, IWRES, and
/// independence of the thread count.
/// </summary>
public class IndividualPredictionsTests
{
    private static readonly ModelDefinition Model = DefaultModel.Definition;
    private static readonly CompiledModel Compiled = CompiledModel.Compile(Model);

    /// <summary>Three animals: CCI untreated, CCI with cells on day 7 (read before the dose) and its own body weight, sham; some readings censored.</summary>
    private static readonly AnimalRecord[] Animals =
    [
        new(11, "CCI", "cci", [],
            [new(0, "PMWT", 15, Censoring.Right), new(0, "TWL", 10.9, Censoring.Exact), new(3, "PMWT", 8.2, Censoring.Exact),
             new(3, "TWL", 9.1, Censoring.Exact), new(7, "PMWT", 5.0, Censoring.Exact), new(7, "TWL", 7.7, Censoring.Exact)]),
        new(12, "MSC", "cci", [new Dose(7, "cells", "iv", 1e6)],
            [new(0, "TWL", 11.2, Censoring.Exact), new(7, "PMWT", 4.8, Censoring.Exact), new(7, "TWL", 7.5, Censoring.Exact),
             new(14, "PMWT", 9.0, Censoring.Exact), new(14, "TWL", 9.5, Censoring.Exact)], 0.3),
        new(13, "S&S", "sham", [],
            [new(0, "PMWT", 15, Censoring.Right), new(5, "TWL", 10.5, Censoring.Exact), new(5, "PMWT", 14.2, Censoring.Exact)]),
    ];

    /// <summary>Constrained draws: k_act, W0, sigma_PMWT, sigma_TWL, omega_W0, eta_W0.11, eta_W0.12, eta_W0.13.</summary>
    private static readonly double[][] Draws =
    [
        [1.6, 11.0, 0.15, 0.6, 0.2, 0.5, -1.0, 0.3],
        [2.0, 10.0, 0.20, 0.5, 0.3, -0.4, 0.8, 1.2],
        [1.2, 12.0, 0.10, 0.7, 0.1, 1.5, 0.1, -0.7],
    ];

    private static FitData Data() => FitData.FromAnimals("test", Animals, Model);

    private static readonly FitModel Fit = new(Compiled, Data(), new FitSettings(["k_act", "W0"], ["W0"]));

    private static readonly IndividualPredictionResults Results = IndividualPredictions.Compute(Fit, Animals, Draws, threads: 1);

    /// <summary>The readings in the data's order with the animal they belong to.</summary>
    private static readonly (int Animal, Observation Reading)[] Readings = Animals.SelectMany((a, i) => a.Observations.Select(o => (i, o))).ToArray();

    /// <summary>A direct simulation of <paramref name="animal"/> at its reading days with k_act and W0 set: the readout of the reading's endpoint.</summary>
    private static double Simulate(int animal, double kAct, double w0, Observation reading)
    {
        var a = Animals[animal];
        var parameters = Compiled.DefaultParameters();
        parameters[Model.ParameterIndex("k_act")] = kAct;
        parameters[Model.ParameterIndex("W0")] = w0;
        if (a.BodyWeight is { } weight) parameters[Model.ParameterIndex("BW")] = weight;
        var days = a.Observations.Select(o => o.Time).Distinct().Order().ToArray();
        var trajectory = new Simulator(Compiled, SolverKind.Stiff, Fit.SolverOptions).Simulate(parameters, Compiled.InitialState(a.Injury), a.Doses, days);
        return trajectory.Readout(Array.IndexOf(days, reading.Time), Model.Endpoints.First(e => e.Name == reading.Endpoint).Readout);
    }

    private static double Individual(double[] draw, int animal) => draw[1] * Math.Exp(draw[4] * draw[5 + animal]);

    /// <summary>Type-7 quantiles of three values: the median is the middle one, q5 and q95 interpolate 10% and 90% of the way.</summary>
    private static void AssertQuantiles(double[] values, PosteriorInterval interval)
    {
        var s = values.Order().ToArray();
        Assert.Equal(s[1], interval.Median);
        Assert.Equal(s[0] + 0.1 * (s[1] - s[0]), interval.Q5, 1e-12 * Math.Abs(s[0]));
        Assert.Equal(s[1] + 0.9 * (s[2] - s[1]), interval.Q95, 1e-12 * Math.Abs(s[2]));
    }

    [Fact]
    public void TheCoordinatesAreTheOnesTheDrawsAssume()
    {
        Assert.Equal(["k_act", "W0", "sigma_PMWT", "sigma_TWL", "omega_W0", "eta_W0.11", "eta_W0.12", "eta_W0.13"], Fit.Names);
        Assert.Equal(VariabilityScale.Log, Fit.Scales[0]);
    }

    [Fact]
    public void IpredIsTheQuantilesOfTheAnimalsOwnSimulations()
    {
        Assert.Equal(Readings.Length, Results.Readings.Count);
        for (var i = 0; i < Readings.Length; i++)
        {
            var (a, reading) = Readings[i];
            AssertQuantiles(Draws.Select(d => Simulate(a, d[0], Individual(d, a), reading)).ToArray(), Results.Readings[i].Ipred);
        }
    }

    [Fact]
    public void PredIsTheMedianOfTheTypicalAnimalsPrediction()
    {
        for (var i = 0; i < Readings.Length; i++)
        {
            var (a, reading) = Readings[i];
            Assert.Equal(Draws.Select(d => Simulate(a, d[0], d[1], reading)).Order().ElementAt(1), Results.Readings[i].Pred);
        }
        // W0 moves TWL only: with η ≠ 0 the animal's TWL differs from the typical animal's, its PMWT does not.
        Assert.All(Results.Readings.Where(r => r.Endpoint == "TWL"), r => Assert.NotEqual(r.Pred, r.Ipred.Median));
        Assert.All(Results.Readings.Where(r => r.Endpoint == "PMWT"), r => Assert.Equal(r.Pred, r.Ipred.Median));
    }

    [Fact]
    public void IndividualValuesAreTypicalTimesExpOmegaEta()
    {
        Assert.Equal(Animals.Select(a => (a.Id, a.Group)), Results.Animals.Select(a => (a.Id, a.Group)));
        for (var a = 0; a < Animals.Length; a++)
        {
            var effect = Assert.Single(Results.Animals[a].Effects);
            Assert.Equal("W0", effect.Parameter);
            AssertQuantiles(Draws.Select(d => Individual(d, a)).ToArray(), effect.Value);
            AssertQuantiles(Draws.Select(d => d[5 + a]).ToArray(), effect.Eta);
        }

        var writer = new StringWriter();
        IndividualFiles.WriteIndividuals(writer, Results.Animals);
        var lines = writer.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("ID,GROUP,W0_median,W0_q5,W0_q95,eta_W0_median,eta_W0_q5,eta_W0_q95", lines[0]);
        Assert.Equal(["11", "12", "13"], lines[1..].Select(l => l.Split(',')[0]));
        var row = lines[2].Split(',');
        Assert.Equal("MSC", row[1]);
        Assert.Equal(Draws.Select(d => Individual(d, 1)).Order().ElementAt(1), double.Parse(row[2], CultureInfo.InvariantCulture));
        Assert.Equal(0.1, double.Parse(row[5], CultureInfo.InvariantCulture));   // ηs −1, 0.8, 0.1
    }

    [Fact]
    public void IpredRowsFollowTheDataWithIwresOnTheErrorScale()
    {
        Assert.Equal(Readings.Select(r => (Animals[r.Animal].Id, r.Reading.Time, r.Reading.Endpoint, r.Reading.Value, r.Reading.Censoring)),
            Results.Readings.Select(r => (r.Id, r.Time, r.Endpoint, r.Value, r.Censoring)));
        foreach (var r in Results.Readings)
        {
            // Posterior median residual SDs: σ_PMWT 0.15 (log scale), σ_TWL 0.6 s.
            var expected = r.Censoring != Censoring.Exact ? double.NaN
                : r.Endpoint == "PMWT" ? (Math.Log(r.Value) - Math.Log(r.Ipred.Median)) / 0.15 : (r.Value - r.Ipred.Median) / 0.6;
            Assert.Equal(expected, r.Iwres, 1e-12);
        }

        var writer = new StringWriter();
        IndividualFiles.WriteIpred(writer, Results.Readings);
        var lines = writer.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("ID,TIME,DVID,DV,CENS,IPRED_median,IPRED_q5,IPRED_q95,PRED,IWRES", lines[0]);
        Assert.Equal(1 + Readings.Length, lines.Length);
        Assert.StartsWith("11,0,PMWT,15,-1,", lines[1]);
        Assert.EndsWith(",", lines[1]);   // censored: no IWRES
        var row = lines[^1].Split(',');
        Assert.Equal(["13", "5", "PMWT", "14.2", "0"], row[..5]);
        Assert.Equal(Results.Readings[^1].Iwres, double.Parse(row[9], CultureInfo.InvariantCulture));
    }

    [Fact]
    public void ResultsDoNotDependOnTheThreadCount()
    {
        static string Text(IndividualPredictionResults results)
        {
            var writer = new StringWriter();
            IndividualFiles.WriteIndividuals(writer, results.Animals);
            IndividualFiles.WriteIpred(writer, results.Readings);
            return writer.ToString();
        }
        Assert.Equal(Text(Results), Text(IndividualPredictions.Compute(Fit, Animals, Draws, threads: 2)));
    }

    [Fact]
    public void WithoutRandomEffectsIpredIsTheTypicalPrediction()
    {
        var fit = new FitModel(Compiled, Data(), new FitSettings(["k_act"]));
        double[][] draws = [[1.6, 0.15, 0.6], [2.0, 0.2, 0.5], [1.2, 0.1, 0.7]];
        var results = IndividualPredictions.Compute(fit, Animals, draws, threads: 2);
        Assert.Empty(results.Animals);
        for (var i = 0; i < Readings.Length; i++)
        {
            var (a, reading) = Readings[i];
            AssertQuantiles(draws.Select(d => Simulate(a, d[0], Compiled.DefaultParameters()[Model.ParameterIndex("W0")], reading)).ToArray(), results.Readings[i].Ipred);
            Assert.Equal(results.Readings[i].Ipred.Median, results.Readings[i].Pred);
        }
    }

    [Fact]
    public void OtherAnimalsThanTheFitsAreRefused()
    {
        Assert.Throws<ArgumentException>(() => IndividualPredictions.Compute(Fit, Animals[..2], Draws, threads: 1));
        Assert.Throws<ArgumentException>(() => IndividualPredictions.Compute(Fit, Animals, [], threads: 1));
    }
}
