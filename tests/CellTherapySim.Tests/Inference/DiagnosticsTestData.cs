using MathNet.Numerics.Random;

namespace CellTherapySim.Tests.Inference;

/// <summary>Draws for the diagnostics tests: seeded random chains, and exactly reproducible ones shared with R.</summary>
internal static class DiagnosticsTestData
{
    /// <summary><paramref name="chains"/> chains of <paramref name="draws"/> independent N(mean(c), sd(c)²) draws.</summary>
    public static double[][] Normal(int seed, int chains, int draws, Func<int, double>? mean = null, Func<int, double>? sd = null)
    {
        var random = new MersenneTwister(seed);
        return Enumerable.Range(0, chains)
            .Select(c => Enumerable.Range(0, draws)
                .Select(_ => MathNet.Numerics.Distributions.Normal.Sample(random, mean?.Invoke(c) ?? 0, sd?.Invoke(c) ?? 1))
                .ToArray())
            .ToArray();
    }

    /// <summary>Gaussian AR(1) chains xₜ = ρ·xₜ₋₁ + √(1 − ρ²)·εₜ, each started from the stationary N(0, 1).</summary>
    public static double[][] Ar1(int seed, int chains, int draws, double rho)
    {
        var random = new MersenneTwister(seed);
        var innovation = Math.Sqrt(1 - rho * rho);
        var result = new double[chains][];
        for (var c = 0; c < chains; c++)
        {
            result[c] = new double[draws];
            var x = MathNet.Numerics.Distributions.Normal.Sample(random, 0, 1);
            for (var i = 0; i < draws; i++)
            {
                result[c][i] = x;
                x = rho * x + innovation * MathNet.Numerics.Distributions.Normal.Sample(random, 0, 1);
            }
        }
        return result;
    }

    /// <summary>Chains of independent standard Cauchy draws.</summary>
    public static double[][] Cauchy(int seed, int chains, int draws)
    {
        var random = new MersenneTwister(seed);
        return Enumerable.Range(0, chains)
            .Select(_ => Enumerable.Range(0, draws).Select(_ => MathNet.Numerics.Distributions.Cauchy.Sample(random, 0, 1)).ToArray())
            .ToArray();
    }

    /// <summary>
    /// The Park–Miller generator sₖ₊₁ = 16807·sₖ mod (2³¹ − 1), uₖ = sₖ/(2³¹ − 1): exact in double arithmetic, so R
    /// produces the very same draws (see <see cref="Reproducible"/>).
    /// </summary>
    public sealed class ParkMiller(long seed)
    {
        private long _state = seed;

        public double Next()
        {
            _state = 16807 * _state % 2147483647;
            return _state / 2147483647.0;
        }
    }

    /// <summary>
    /// Four data sets built from <see cref="ParkMiller"/> with IEEE operations R performs identically. The R script that
    /// builds them and computes posterior's values is in <see cref="DiagnosticsReferenceTests"/>.
    /// </summary>
    public static double[][] Reproducible(string name)
    {
        switch (name)
        {
            case "A": // 4 chains × 100, AR(0.7) of uniform innovations, chain c shifted by 0.1·c
            {
                var u = new ParkMiller(12345);
                return Enumerable.Range(0, 4).Select(c =>
                {
                    var chain = new double[100];
                    var x = 0.0;
                    for (var i = 0; i < 100; i++)
                    {
                        var e = u.Next() - 0.5;
                        x = i == 0 ? e : 0.7 * x + e;
                        chain[i] = x + 0.1 * c;
                    }
                    return chain;
                }).ToArray();
            }
            case "B": // 3 chains × 51 (odd: split drops the middle draw), heavy-tailed ratios (u₁ − ½)/(u₂ + 0.001)
            {
                var u = new ParkMiller(777);
                return Enumerable.Range(0, 3).Select(_ => Enumerable.Range(0, 51).Select(_ =>
                {
                    var u1 = u.Next();
                    var u2 = u.Next();
                    return (u1 - 0.5) / (u2 + 0.001);
                }).ToArray()).ToArray();
            }
            case "C": // 4 chains × 60 of integers 0..5: many ties
            {
                var u = new ParkMiller(2024);
                return Enumerable.Range(0, 4).Select(_ => Enumerable.Range(0, 60).Select(_ => Math.Floor(u.Next() * 6)).ToArray()).ToArray();
            }
            case "D": // a single chain of 200, AR(0.5) of uniform innovations
            {
                var u = new ParkMiller(99);
                var chain = new double[200];
                var x = 0.0;
                for (var i = 0; i < 200; i++)
                {
                    var e = u.Next() - 0.5;
                    x = i == 0 ? e : 0.5 * x + e;
                    chain[i] = x;
                }
                return [chain];
            }
            default:
                throw new ArgumentException(name);
        }
    }
}
