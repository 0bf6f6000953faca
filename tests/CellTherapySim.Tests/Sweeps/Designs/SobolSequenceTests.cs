using CellTherapySim.Sweeps.Designs;

namespace CellTherapySim.Tests.Sweeps.Designs;

/// <summary>The Sobol' sequence: the published Joe–Kuo points, the (0,m,1)-net property plain and scrambled, scrambling seeds, integration.</summary>
public sealed class SobolSequenceTests
{
    /// <summary>Point <paramref name="index"/> of <paramref name="sequence"/> as a new array.</summary>
    private static double[] PointOf(SobolSequence sequence, long index)
    {
        var point = new double[sequence.Dimensions];
        sequence.Point(index, point);
        return point;
    }

    /// <summary>The first 8 points in 5 dimensions as printed by SciPy 1.10's <c>scipy.stats.qmc.Sobol(5, scramble=False).random(8)</c>.</summary>
    [Fact]
    public void FirstPointsAreThePublishedJoeKuoPoints()
    {
        double[][] expected =
        [
            [0, 0, 0, 0, 0],
            [0.5, 0.5, 0.5, 0.5, 0.5],
            [0.75, 0.25, 0.25, 0.25, 0.75],
            [0.25, 0.75, 0.75, 0.75, 0.25],
            [0.375, 0.375, 0.625, 0.875, 0.375],
            [0.875, 0.875, 0.125, 0.375, 0.875],
            [0.625, 0.125, 0.875, 0.625, 0.625],
            [0.125, 0.625, 0.375, 0.125, 0.125],
        ];
        var sequence = new SobolSequence(5, scrambleSeed: null);
        for (var i = 0; i < expected.Length; i++) Assert.Equal(expected[i], PointOf(sequence, i));
    }

    /// <summary>
    /// Later points in high dimensions (1-based 6, 32, 100, 200, 256: the last line of the embedded table) against SciPy
    /// 1.10's <c>Sobol(256, scramble=False)</c> (its own copy of new-joe-kuo-6.21201; 30 bits, the same dyadic values).
    /// </summary>
    [Theory]
    [InlineData(100L, new[] { 0.7421875, 0.4140625, 0.8828125, 0.1328125, 0.5703125 })]
    [InlineData(1000L, new[] { 0.9072265625, 0.1455078125, 0.1865234375, 0.8427734375, 0.2490234375 })]
    [InlineData(12345L, new[] { 0.05889892578125, 0.66204833984375, 0.53887939453125, 0.85333251953125, 0.58807373046875 })]
    [InlineData(987654321L, new[] { 0.007815391756594181, 0.2859689397737384, 0.7978060273453593, 0.6372490851208568, 0.29505880270153284 })]
    public void HighDimensionsMatchSciPy(long index, double[] expected)
    {
        var point = PointOf(new SobolSequence(SobolSequence.MaxDimensions, scrambleSeed: null), index);
        int[] dimensions = [6, 32, 100, 200, 256];
        Assert.Equal(expected, dimensions.Select(d => point[d - 1]));
    }

    /// <summary>Every 1-D projection of the first 2^m points has exactly one point in each [k/2^m, (k+1)/2^m), in all dimensions.</summary>
    [Theory]
    [InlineData(null)]
    [InlineData(12345UL)]
    [InlineData(0UL)]
    public void EveryProjectionOfTheFirstPowerOfTwoPointsIsStratified(ulong? seed)
    {
        var sequence = new SobolSequence(SobolSequence.MaxDimensions, seed);
        const int maxM = 10;
        var points = Enumerable.Range(0, 1 << maxM).Select(i => PointOf(sequence, i)).ToArray();
        for (var m = 0; m <= maxM; m++)
        {
            var count = 1 << m;
            for (var d = 0; d < SobolSequence.MaxDimensions; d++)
            {
                var seen = new bool[count];
                for (var i = 0; i < count; i++)
                {
                    var k = (int)(points[i][d] * count);   // exact: the points are multiples of 2^-32
                    Assert.False(seen[k], $"m = {m}, dimension {d + 1}: interval {k} holds two points");
                    seen[k] = true;
                }
            }
        }
    }

    [Fact]
    public void ScrambledPointsAreDeterministicPerSeedAndInTheUnitCube()
    {
        var one = new SobolSequence(8, scrambleSeed: 777);
        var again = new SobolSequence(8, scrambleSeed: 777);
        var other = new SobolSequence(8, scrambleSeed: 778);
        foreach (var index in new[] { 0L, 1, 2, 1023, 123456789, SobolSequence.MaxPoints - 1 })
        {
            var point = PointOf(one, index);
            Assert.Equal(point, PointOf(again, index));
            Assert.Equal(point, PointOf(one, index));
            Assert.All(point, x => Assert.InRange(x, 0.0, Math.BitDecrement(1.0)));
            var otherPoint = PointOf(other, index);
            Assert.All(Enumerable.Range(0, 8), d => Assert.NotEqual(point[d], otherPoint[d]));
        }
        Assert.True(one.IsScrambled);
        Assert.False(new SobolSequence(8, null).IsScrambled);
        Assert.NotEqual(new double[8], PointOf(one, 0));
    }

    /// <summary>Each dimension has its own scrambling seed: the scrambled first coordinates of a row are not all alike.</summary>
    [Fact]
    public void DimensionsAreScrambledIndependently()
    {
        var point = PointOf(new SobolSequence(32, scrambleSeed: 3), 0);
        Assert.Equal(32, point.Distinct().Count());
    }

    /// <summary>The last point of the 32-bit sequence is in the cube too (plain: every coordinate at most 1 − 2^-32).</summary>
    [Fact]
    public void PlainPointsStayBelowOne()
    {
        var point = PointOf(new SobolSequence(SobolSequence.MaxDimensions, null), SobolSequence.MaxPoints - 1);
        Assert.All(point, x => Assert.InRange(x, 0.0, 1 - Math.Pow(2, -32)));
    }

    /// <summary>QMC means of smooth integrands over 2^12 points: ∫x1·x2 = 1/4 and ∫∏(1 + (x_i − ½)) = 1 in 5 dimensions.</summary>
    [Theory]
    [InlineData(null)]
    [InlineData(2025UL)]
    public void MeansOfSmoothIntegrandsConverge(ulong? seed)
    {
        var sequence = new SobolSequence(5, seed);
        const int n = 1 << 12;
        double product = 0, productOfShifted = 0;
        var point = new double[5];
        for (var i = 0; i < n; i++)
        {
            sequence.Point(i, point);
            product += point[0] * point[1];
            productOfShifted += point.Aggregate(1.0, (p, x) => p * (1 + (x - 0.5)));
        }
        // Plain Monte Carlo would be off by about 0.003 and 0.011 (one standard error) at this n; the plain sequence is
        // off by 1.2e-4 and 6.2e-4, and 100 scrambling seeds by at most 6.7e-6 and 1.6e-4.
        Assert.Equal(0.25, product / n, 5e-4);
        Assert.Equal(1.0, productOfShifted / n, 2e-3);
    }

    [Fact]
    public void RejectsBadArguments()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new SobolSequence(0, null));
        Assert.Throws<ArgumentOutOfRangeException>(() => new SobolSequence(SobolSequence.MaxDimensions + 1, null));
        var sequence = new SobolSequence(3, null);
        Assert.Throws<ArgumentOutOfRangeException>(() => sequence.Point(-1, new double[3]));
        Assert.Throws<ArgumentOutOfRangeException>(() => sequence.Point(SobolSequence.MaxPoints, new double[3]));
        Assert.Throws<ArgumentException>(() => sequence.Point(0, new double[2]));
    }
}
