using CellTherapySim.Sensitivity;
using CellTherapySim.Sweeps.Designs;

namespace CellTherapySim.Tests.Sensitivity;

/// <summary>Sobol' indices on a Saltelli design: the Ishigami function and a linear model against their analytic indices, constant output, determinism.</summary>
public sealed class SobolIndicesTests
{
    /// <summary>Outputs of <paramref name="model"/> (on unit-cube points) over the Saltelli design of <paramref name="baseSamples"/> rows.</summary>
    private static (double[] FA, double[] FB, double[][] FAB) Evaluate(int parameters, int baseSamples, ulong sequenceSeed, Func<double[], double> model)
    {
        var sequence = new SobolSequence(2 * parameters, sequenceSeed);
        var fA = new double[baseSamples];
        var fB = new double[baseSamples];
        var fAB = Enumerable.Range(0, parameters).Select(_ => new double[baseSamples]).ToArray();
        var point = new double[parameters];
        for (long e = 0; e < SaltelliDesign.EvaluationCount(baseSamples, parameters); e++)
        {
            SaltelliDesign.Point(sequence, e, parameters, point);
            var (row, block) = SaltelliDesign.Locate(e, parameters);
            var output = model(point);
            var target = block switch { SaltelliDesign.BlockA => fA, SaltelliDesign.BlockB => fB, _ => fAB[block - 2] };
            target[row] = output;
        }
        return (fA, fB, fAB);
    }

    /// <summary>Ishigami &amp; Homma (1990) on [−π, π]³ with a = 7, b = 0.1.</summary>
    private static double Ishigami(double[] unit)
    {
        const double a = 7, b = 0.1;
        var x = unit.Select(u => -Math.PI + 2 * Math.PI * u).ToArray();
        var sin1 = Math.Sin(x[0]);
        var sin2 = Math.Sin(x[1]);
        return sin1 + a * sin2 * sin2 + b * Math.Pow(x[2], 4) * sin1;
    }

    /// <summary>
    /// The analytic indices (Sobol' &amp; Levitan 1999; Saltelli et al. 2008, "Global sensitivity analysis: the primer"):
    /// S ≈ (0.3139, 0.4424, 0), ST ≈ (0.5576, 0.4424, 0.2437); with N = 2^13 scrambled Sobol' rows every analytic value is
    /// inside its 95% bootstrap interval and every estimate within 0.02.
    /// </summary>
    [Fact]
    public void IshigamiIndicesMatchTheAnalyticValues()
    {
        const double a = 7, b = 0.1;
        var pi4 = Math.Pow(Math.PI, 4);
        var pi8 = Math.Pow(Math.PI, 8);
        var variance = a * a / 8 + b * pi4 / 5 + b * b * pi8 / 18 + 0.5;
        var v1 = 0.5 * Math.Pow(1 + b * pi4 / 5, 2);
        var v2 = a * a / 8;
        var v13 = b * b * pi8 * (1.0 / 18 - 1.0 / 50);
        double[] first = [v1 / variance, v2 / variance, 0];
        double[] total = [(v1 + v13) / variance, v2 / variance, v13 / variance];
        Assert.Equal([0.3139, 0.4424, 0, 0.5576, 0.4424, 0.2437], first.Concat(total).Select(s => Math.Round(s, 4)));

        var (fA, fB, fAB) = Evaluate(3, 1 << 13, sequenceSeed: 1990, Ishigami);
        var indices = SobolIndices.Estimate(fA, fB, fAB, bootstrapSamples: 1000, seed: 7);
        for (var i = 0; i < 3; i++)
        {
            var index = indices[i];
            Assert.InRange(first[i], index.FirstLow, index.FirstHigh);
            Assert.InRange(total[i], index.TotalLow, index.TotalHigh);
            Assert.Equal(first[i], index.First, 0.02);
            Assert.Equal(total[i], index.Total, 0.02);
            Assert.True(index.FirstLow < index.First && index.First < index.FirstHigh);
            Assert.True(index.TotalLow < index.Total && index.Total < index.TotalHigh);
        }
    }

    /// <summary>f = Σ c_i x_i with x_i uniform on [lo_i, hi_i]: S_i = ST_i = c_i² Var(x_i) / Σ_j c_j² Var(x_j), and Σ S_i = 1.</summary>
    [Fact]
    public void LinearModelIndicesAreTheSquaredStandardisedCoefficients()
    {
        double[] coefficients = [1, -2, 0.5, 3];
        double[] lows = [0, -1, 10, 2];
        double[] highs = [1, 1, 14, 2.5];
        var parts = coefficients.Select((c, i) => c * c * Math.Pow(highs[i] - lows[i], 2) / 12).ToArray();
        var expected = parts.Select(p => p / parts.Sum()).ToArray();

        var (fA, fB, fAB) = Evaluate(4, 1 << 12, sequenceSeed: 4, unit =>
            unit.Select((u, i) => coefficients[i] * (lows[i] + (highs[i] - lows[i]) * u)).Sum());
        var indices = SobolIndices.Estimate(fA, fB, fAB, bootstrapSamples: 200, seed: 1);
        for (var i = 0; i < 4; i++)
        {
            Assert.Equal(expected[i], indices[i].First, 0.01);
            Assert.Equal(expected[i], indices[i].Total, 0.01);
        }
        Assert.Equal(1.0, indices.Sum(s => s.First), 0.01);
    }

    /// <summary>Constant output has no variance to apportion: every index and bound is NaN.</summary>
    [Fact]
    public void ConstantOutputGivesNaN()
    {
        var (fA, fB, fAB) = Evaluate(2, 64, sequenceSeed: 9, _ => 3.5);
        var indices = SobolIndices.Estimate(fA, fB, fAB, bootstrapSamples: 50, seed: 1);
        Assert.Equal(2, indices.Count);
        Assert.All(indices, index => Assert.All(
            new[] { index.First, index.FirstLow, index.FirstHigh, index.Total, index.TotalLow, index.TotalHigh }, x => Assert.True(double.IsNaN(x))));
    }

    [Fact]
    public void SameSeedGivesTheSameIntervalsAndAnotherSeedOthers()
    {
        var (fA, fB, fAB) = Evaluate(3, 512, sequenceSeed: 12, Ishigami);
        var one = SobolIndices.Estimate(fA, fB, fAB, bootstrapSamples: 200, seed: 5);
        var again = SobolIndices.Estimate(fA, fB, fAB, bootstrapSamples: 200, seed: 5);
        var other = SobolIndices.Estimate(fA, fB, fAB, bootstrapSamples: 200, seed: 6);
        Assert.Equal(one, again);
        Assert.Equal(one.Select(s => (s.First, s.Total)), other.Select(s => (s.First, s.Total)));
        Assert.NotEqual(one, other);
    }

    /// <summary>A wider level gives a wider interval around the same estimate.</summary>
    [Fact]
    public void HigherLevelWidensTheInterval()
    {
        var (fA, fB, fAB) = Evaluate(3, 512, sequenceSeed: 12, Ishigami);
        var narrow = SobolIndices.Estimate(fA, fB, fAB, bootstrapSamples: 400, seed: 5, level: 0.5);
        var wide = SobolIndices.Estimate(fA, fB, fAB, bootstrapSamples: 400, seed: 5, level: 0.99);
        for (var i = 0; i < 3; i++)
        {
            Assert.True(wide[i].FirstLow < narrow[i].FirstLow && narrow[i].FirstHigh < wide[i].FirstHigh);
            Assert.True(wide[i].TotalLow < narrow[i].TotalLow && narrow[i].TotalHigh < wide[i].TotalHigh);
        }
    }

    [Fact]
    public void RejectsMismatchedOutputs()
    {
        var four = new double[4];
        Assert.Throws<ArgumentException>(() => SobolIndices.Estimate(four, new double[3], [four], 10, 1));
        Assert.Throws<ArgumentException>(() => SobolIndices.Estimate(four, four, [four, new double[5]], 10, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => SobolIndices.Estimate(four, four, [], 10, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => SobolIndices.Estimate(four, four, [four], 0, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => SobolIndices.Estimate(four, four, [four], 10, 1, level: 1));
    }
}
