using System.Diagnostics;
using CellTherapySim.Inference.Diagnostics;
using CellTherapySim.Inference.Sampling;
using MathNet.Numerics.Random;

namespace CellTherapySim.Inference;

/// <summary>How the chains are run.</summary>
/// <param name="InitRadius">Initial points: each coordinate at its prior median ± Uniform(−r, r) on the unconstrained scale.</param>
/// <param name="Threads">Chains run at once (default: all cores); results do not depend on it.</param>
/// <param name="AdaptDelta">Target acceptance of the step-size adaptation; null: <see cref="DefaultAdaptDelta"/> for the fit.</param>
public sealed record FitRunSettings(
    int Chains = 4,
    int Warmup = 1000,
    int Draws = 1000,
    int Seed = 1,
    int MaxTreeDepth = 10,
    double? AdaptDelta = null,
    bool DenseMetric = false,
    double InitRadius = 1,
    int Threads = 0)
{
    /// <summary>
    /// The target acceptance when none is given: 0.95 for a fixed-effects fit, Stan's 0.8 with random effects. On the
    /// shipped study the step size tuned to 0.8 fits the bulk of the fixed-effects posterior but not ImaxP's upper
    /// tail, where the posterior leans on the bound 1 (its beta(9, 1) prior) and bends with Z50 (the data fix
    /// ImaxP·hill(Z; Z50)): there the acceptance statistic falls to 0.80–0.84 against 0.93–0.95 in the bulk and the
    /// chains enter the tail in few, long excursions. Over ten seeds, 4 × (1000 + 1000), with ImaxP on the
    /// complementary log-log scale (<see cref="Transform"/>), ImaxP's smallest tail ESS was 146 at 0.8 and 703 at 0.95,
    /// for 14.3 leapfrog steps per draw. With random effects on P0, W0 and k_act the same 0.95 cost 2.7× the wall
    /// time of 0.8 (the 90 animal coordinates take the smaller steps too), while 0.8 already met R-hat ≤ 1.01 and
    /// ESS ≥ 400: there the default stays Stan's (the README has the measurements).
    /// </summary>
    public static double DefaultAdaptDelta(FitModel fit) => fit.RandomEffects.Length == 0 ? 0.95 : 0.8;
}

/// <summary>What one chain produced: its draws after warm-up (constrained, in <see cref="FitModel.Names"/> order) and its sampler statistics.</summary>
public sealed record ChainResult(
    int Chain,
    IReadOnlyList<double[]> Draws,
    IReadOnlyList<double> LogDensities,
    IReadOnlyList<double> Energies,
    int Divergences,
    int MaxTreeDepthHits,
    double StepSize,
    long RejectedEvaluations,
    int SimulationFailures,
    int Gradients,
    double WarmupSeconds,
    double SamplingSeconds,
    bool Completed);

/// <summary>Progress of one chain: iteration done (1-based, warm-up first) out of warm-up + draws.</summary>
public readonly record struct ChainProgress(int Chain, int Iteration, int Total, bool Warmup);

/// <summary>
/// Runs NUTS chains on a <see cref="FitPosterior"/> in parallel, each with its own density, sampler and random stream
/// (Xoshiro256** seeded from the seed and the chain number), handing each chain's draws to the writer it is given as
/// they come — an interrupted fit leaves every draw made so far there. Each chain's warm-up starts from a
/// <see cref="LaplaceStart"/> (from its own random initial point, in the non-centred form) with a dense metric over the
/// population coordinates and a diagonal one over the animals'.
/// </summary>
public static class FitRunner
{
    /// <summary>
    /// Runs the chains; <paramref name="openChain"/> gives each chain's writer for its settings, parameter names and
    /// number of observations (each draw's pointwise log-likelihood goes to it too).
    /// </summary>
    public static IReadOnlyList<ChainResult> Run(FitModel fit, FitRunSettings settings, Func<CmdStanSettings, IReadOnlyList<string>, int, IChainWriter> openChain,
        Action<ChainProgress>? progress = null, CancellationToken cancellation = default)
    {
        var results = new ChainResult[settings.Chains];
        try
        {
            Parallel.For(0, settings.Chains,
                new ParallelOptions { MaxDegreeOfParallelism = settings.Threads > 0 ? settings.Threads : Environment.ProcessorCount },
                c => results[c] = RunChain(fit, settings, c + 1, openChain, progress, cancellation));
        }
        catch (AggregateException failure) when (failure.InnerExceptions.Count > 0)
        {
            // A chain's own error (e.g. no initial point), not the parallel loop's wrapper.
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(failure.InnerExceptions[0]).Throw();
        }
        return results;
    }

    /// <summary>The random seed of chain <paramref name="chain"/> (1-based): distinct streams from one user seed.</summary>
    public static int ChainSeed(int seed, int chain) => unchecked(seed * 1_000_003 + chain * 7919);

    private static ChainResult RunChain(FitModel fit, FitRunSettings settings, int chain, Func<CmdStanSettings, IReadOnlyList<string>, int, IChainWriter> openChain,
        Action<ChainProgress>? progress, CancellationToken cancellation)
    {
        var random = new Xoshiro256StarStar(ChainSeed(settings.Seed, chain));
        var density = new CountingDensity(new FitPosterior(fit));
        // The Laplace start is sought in the non-centred form (a centred posterior has no mode) and carried over.
        var nonCentred = fit.Centred.Contains(true) ? fit.WithCentred([]) : fit;
        var pilot = nonCentred == fit ? density : new CountingDensity(new FitPosterior(nonCentred));
        var start = LaplaceStart.Find(pilot, InitialPoint(nonCentred, pilot, random, settings.InitRadius), random, LaplaceBudget(fit.Dimension));
        var (initial, inverseMetric) = fit.FromNonCentred(start.Point, start.InverseMetric);
        // A dense metric over the population coordinates only: the animals' coordinates get diagonal entries.
        var adaptDelta = settings.AdaptDelta ?? FitRunSettings.DefaultAdaptDelta(fit);
        var sampler = new NutsSampler(density, new NutsSettings(settings.Warmup, settings.Draws, settings.MaxTreeDepth, adaptDelta, settings.DenseMetric,
            DenseCoordinates: fit.PriorCount, InitialInverseMetric: inverseMetric), random);

        var csv = new CmdStanSettings
        {
            ModelName = fit.Compiled.Definition.Name,
            NumSamples = settings.Draws,
            NumWarmup = settings.Warmup,
            AdaptDelta = adaptDelta,
            MaxDepth = settings.MaxTreeDepth,
            Metric = settings.DenseMetric ? CmdStanMetric.Dense : CmdStanMetric.Diagonal,
            ChainId = chain,
            Init = settings.InitRadius.ToString(System.Globalization.CultureInfo.InvariantCulture),
            Seed = settings.Seed,
        };
        var draws = new List<double[]>(settings.Draws);
        var logDensities = new List<double>(settings.Draws);
        var energies = new List<double>(settings.Draws);
        int divergences = 0, treeDepthHits = 0, iteration = 0;
        var clock = Stopwatch.StartNew();
        double warmupSeconds = 0;
        var pointwise = new double[density.Inner.ObservationCount];
        using (var writer = openChain(csv, fit.Names, pointwise.Length))
        {
            sampler.Run(initial, draw =>
            {
                iteration++;
                if (!draw.IsWarmup)
                {
                    if (draws.Count == 0)
                    {
                        warmupSeconds = clock.Elapsed.TotalSeconds;
                        writer.WriteAdaptation(sampler.StepSize, sampler.InverseMetric);
                    }
                    var constrained = fit.Constrain(draw.Position);
                    writer.WriteDraw(draw, constrained);
                    density.Inner.LogLikelihoods(draw.Position, pointwise);
                    writer.WriteLogLikelihood(draw, pointwise);
                    draws.Add(constrained);
                    logDensities.Add(draw.LogDensity);
                    energies.Add(draw.Energy);
                    if (draw.Divergent) divergences++;
                    if (draw.TreeDepth >= settings.MaxTreeDepth) treeDepthHits++;
                }
                progress?.Invoke(new ChainProgress(chain, iteration, settings.Warmup + settings.Draws, draw.IsWarmup));
            }, cancellation);
            var completed = iteration == settings.Warmup + settings.Draws;
            if (draws.Count == 0) warmupSeconds = clock.Elapsed.TotalSeconds;
            var samplingSeconds = clock.Elapsed.TotalSeconds - warmupSeconds;
            if (completed) writer.WriteTiming(warmupSeconds, samplingSeconds);
            return new ChainResult(chain, draws, logDensities, energies, divergences, treeDepthHits, sampler.StepSize,
                sampler.RejectedEvaluations, density.Inner.Failures, density.Evaluations + (pilot == density ? 0 : pilot.Evaluations), warmupSeconds, samplingSeconds, completed);
        }
    }

    /// <summary>Evaluations allowed to find the warm-up start (<see cref="LaplaceStart"/>): 200 plus 5 per coordinate.</summary>
    private static int LaplaceBudget(int dimension) => 200 + 5 * dimension;

    /// <summary>An initial point with a finite density and gradient (up to 100 tries, as Stan does).</summary>
    /// <exception cref="Simulation.SimulationException">None of the tries gave a finite log density: the message names why at the prior medians.</exception>
    private static double[] InitialPoint(FitModel fit, CountingDensity density, Random random, double radius)
    {
        var gradient = new double[fit.Dimension];
        for (var attempt = 0; attempt < 100; attempt++)
        {
            var q = fit.InitialPoint(random, radius);
            var lp = density.Evaluate(q, gradient);
            if (double.IsFinite(lp) && gradient.All(double.IsFinite)) return q;
        }
        var cause = density.Inner.WhyNotFinite(fit.InitialPoint(random, 0));
        throw new Simulation.SimulationException($"no initial point with a finite log density in 100 tries within ±{radius} of the prior medians" +
            (cause is null ? "; the model may not integrate near them" : $"; at the prior medians {cause}"));
    }

    /// <summary>Counts gradient evaluations of the density it wraps.</summary>
    private sealed class CountingDensity(FitPosterior inner) : ILogDensity
    {
        public FitPosterior Inner { get; } = inner;

        public int Evaluations { get; private set; }

        public int Dimension => Inner.Dimension;

        public double Evaluate(ReadOnlySpan<double> q, Span<double> gradient)
        {
            Evaluations++;
            return Inner.Evaluate(q, gradient);
        }
    }
}
