using MathNet.Numerics.Distributions;
using MathNet.Numerics.LinearAlgebra;
using MathNet.Numerics.Optimization;

namespace CellTherapySim.Inference.Sampling;

/// <summary>Where a chain's warm-up starts and the diagonal inverse metric it starts with.</summary>
/// <param name="Evaluations">Log-density evaluations spent finding them.</param>
public sealed record WarmupStart(double[] Point, double[] InverseMetric, int Evaluations);

/// <summary>
/// A start for NUTS warm-up from the posterior's shape near its mode, so that the first adaptation window does not crawl
/// with a unit metric that fits no coordinate: L-BFGS (MathNet's) from the chain's own random initial point toward the
/// mode, within a budget of evaluations; there the diagonal of the Hessian H of −log p by central differences of the
/// gradient; as inverse metric the Laplace approximation's conditional variances 1/Hᵢᵢ (clamped to [10⁻⁶, 10²]; 1 where
/// the curvature is not positive), and as starting point a draw from that approximation around the point reached (so
/// that chains from different initial points stay distinct, as Pathfinder's draws do: Zhang et al. 2022, JMLR 23:306).
/// Stan's windowed adaptation then proceeds from there as usual.
/// </summary>
public static class LaplaceStart
{
    private const double MinVariance = 1e-6, MaxVariance = 1e2;

    /// <summary>The start from <paramref name="initial"/> (finite density), its random draw from <paramref name="random"/>.</summary>
    public static WarmupStart Find(ILogDensity density, double[] initial, Random random, int maxEvaluations)
    {
        var n = density.Dimension;
        var gradient = new double[n];
        var best = (double[])initial.Clone();
        var bestValue = -density.Evaluate(initial, gradient);
        var evaluations = 1;
        var objective = ObjectiveFunction.Gradient(x =>
        {
            if (evaluations >= maxEvaluations) throw new BudgetSpent();
            evaluations++;
            var point = x.ToArray();
            var value = -density.Evaluate(point, gradient);
            if (!double.IsFinite(value) || !gradient.All(double.IsFinite)) return (double.MaxValue, Vector<double>.Build.Dense(n));
            if (value < bestValue) (best, bestValue) = (point, value);
            return (value, Vector<double>.Build.Dense(gradient).Negate());
        });
        try
        {
            new LimitedMemoryBfgsMinimizer(1e-6, 1e-10, 1e-12, memory: 10, maximumIterations: maxEvaluations).FindMinimum(objective, Vector<double>.Build.Dense(initial));
        }
        catch (Exception e) when (e is BudgetSpent or OptimizationException or ArgumentException or InvalidOperationException)
        {
            // The budget ran out or the line search gave up: the best point reached serves.
        }

        var variance = new double[n];
        var (plus, minus) = (new double[n], new double[n]);
        for (var i = 0; i < n; i++)
        {
            var h = 1e-4 * Math.Max(1, Math.Abs(best[i]));
            var point = (double[])best.Clone();
            point[i] = best[i] + h;
            var up = density.Evaluate(point, plus);
            point[i] = best[i] - h;
            var down = density.Evaluate(point, minus);
            evaluations += 2;
            var curvature = -(plus[i] - minus[i]) / (2 * h);
            variance[i] = double.IsFinite(up) && double.IsFinite(down) && curvature > 0 && double.IsFinite(curvature)
                ? Math.Clamp(1 / curvature, MinVariance, MaxVariance) : 1;
        }

        for (var attempt = 0; attempt < 10; attempt++)
        {
            var start = best.Select((x, i) => x + Math.Sqrt(variance[i]) * Normal.Sample(random, 0, 1)).ToArray();
            evaluations++;
            if (double.IsFinite(density.Evaluate(start, gradient)) && gradient.All(double.IsFinite)) return new WarmupStart(start, variance, evaluations);
        }
        return new WarmupStart(best, variance, evaluations);
    }

    private sealed class BudgetSpent : Exception;
}
