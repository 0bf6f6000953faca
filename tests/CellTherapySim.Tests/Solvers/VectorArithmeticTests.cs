using CellTherapySim.Solvers;

namespace CellTherapySim.Tests.Solvers;

/// <summary>The SIMD stage updates round exactly as the scalar loops (no fused multiply-add, same order), for every length.</summary>
public class VectorArithmeticTests
{
    private static double[] RandomVector(Random random, int n) =>
        Enumerable.Range(0, n).Select(_ => (random.NextDouble() - 0.5) * Math.Pow(10, random.Next(-8, 9))).ToArray();

    [Fact]
    public void EveryUpdateIsBitIdenticalToTheScalarLoop()
    {
        var random = new Random(3);
        for (var n = 0; n <= 37; n++)
        {
            double[] a = RandomVector(random, n + 3), b = RandomVector(random, n + 3), start = RandomVector(random, n + 3);
            var c = random.NextDouble() * 3 - 1.5;

            var (combined, expected) = ((double[])start.Clone(), (double[])start.Clone());
            VectorArithmetic.Combine(combined, a, c, b, n);
            for (var i = 0; i < n; i++) expected[i] = a[i] + c * b[i];
            Assert.Equal(expected, combined);

            var (scaled, scaledExpected) = ((double[])start.Clone(), (double[])start.Clone());
            VectorArithmetic.AddScaled(scaled, c, b, n);
            for (var i = 0; i < n; i++) scaledExpected[i] += c * b[i];
            Assert.Equal(scaledExpected, scaled);

            var (sum, sumExpected) = ((double[])start.Clone(), (double[])start.Clone());
            VectorArithmetic.Add(sum, a, n);
            for (var i = 0; i < n; i++) sumExpected[i] += a[i];
            Assert.Equal(sumExpected, sum);
        }
    }
}
