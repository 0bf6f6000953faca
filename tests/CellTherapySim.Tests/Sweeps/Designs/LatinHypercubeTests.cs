using CellTherapySim.Sweeps.Designs;

namespace CellTherapySim.Tests.Sweeps.Designs;

/// <summary>The random-access Latin hypercube: exact stratification of every margin, range, determinism and seeding.</summary>
public sealed class LatinHypercubeTests
{
    /// <summary>Stratum k of a value: the k with k/n ≤ value &lt; (k+1)/n, the boundaries computed as doubles like the design does.</summary>
    private static long Stratum(double value, long n)
    {
        var k = (long)(value * n);
        while (k > 0 && k / (double)n > value) k--;
        while ((k + 1) / (double)n <= value) k++;
        return k;
    }

    /// <summary>All points of a design, point-major.</summary>
    private static double[][] AllPoints(LatinHypercube design)
    {
        var points = new double[design.Points][];
        for (var i = 0; i < points.Length; i++)
        {
            points[i] = new double[design.Dimensions];
            design.Point(i, points[i]);
        }
        return points;
    }

    [Theory]
    [InlineData(1L)]
    [InlineData(2L)]
    [InlineData(7L)]
    [InlineData(64L)]
    [InlineData(97L)]
    [InlineData(1000L)]
    [InlineData(4099L)]
    public void EveryMarginHasExactlyOnePointPerStratum(long n)
    {
        var points = AllPoints(new LatinHypercube(n, 6, seed: 20240607));
        for (var d = 0; d < 6; d++)
        {
            var seen = new bool[n];
            foreach (var point in points)
            {
                var k = Stratum(point[d], n);
                Assert.False(seen[k], $"dimension {d}: stratum {k} of {n} holds two points");
                seen[k] = true;
            }
        }
    }

    /// <summary>A large odd-sized design (2^20 + 3 points: cycle walking on a 22-bit block) is stratified too.</summary>
    [Fact]
    public void LargeDesignIsStratified()
    {
        const long n = (1L << 20) + 3;
        var design = new LatinHypercube(n, 1, seed: 5);
        var seen = new bool[n];
        Span<double> point = stackalloc double[1];
        for (long i = 0; i < n; i++)
        {
            design.Point(i, point);
            var k = Stratum(point[0], n);
            Assert.False(seen[k]);
            seen[k] = true;
        }
    }

    /// <summary>Ten million points need no storage: a few points far into the design come straight from their index.</summary>
    [Fact]
    public void TenMillionPointsAreRandomAccess()
    {
        var design = new LatinHypercube(10_000_000, 3, seed: 11);
        Span<double> first = stackalloc double[3];
        Span<double> again = stackalloc double[3];
        foreach (var index in new long[] { 9_999_999, 0, 5_000_000, 9_999_999 })
        {
            design.Point(index, first);
            new LatinHypercube(10_000_000, 3, seed: 11).Point(index, again);
            Assert.True(first.SequenceEqual(again));
            foreach (var x in first) Assert.InRange(x, 0.0, Math.BitDecrement(1.0));
        }
    }

    [Fact]
    public void ValuesLieInTheHalfOpenUnitCube()
    {
        foreach (var n in new long[] { 1, 3, 1000 })
            foreach (var point in AllPoints(new LatinHypercube(n, 4, seed: 99)))
                Assert.All(point, x => Assert.InRange(x, 0.0, Math.BitDecrement(1.0)));
    }

    [Fact]
    public void SameSeedGivesTheSamePointsInAnyOrder()
    {
        var forwards = AllPoints(new LatinHypercube(500, 5, seed: 42));
        var design = new LatinHypercube(500, 5, seed: 42);
        var point = new double[5];
        for (var i = 499; i >= 0; i--)
        {
            design.Point(i, point);
            Assert.Equal(forwards[i], point);
        }
    }

    [Fact]
    public void DifferentSeedsGiveDifferentDesigns()
    {
        var one = AllPoints(new LatinHypercube(200, 3, seed: 1));
        var two = AllPoints(new LatinHypercube(200, 3, seed: 2));
        var samePoints = Enumerable.Range(0, 200).Count(i => one[i].SequenceEqual(two[i]));
        Assert.Equal(0, samePoints);
        // Not just new offsets: the strata themselves are reordered.
        var sameStrata = Enumerable.Range(0, 200).Count(i => Stratum(one[i][0], 200) == Stratum(two[i][0], 200));
        Assert.True(sameStrata < 10, $"{sameStrata} of 200 points kept their stratum");
    }

    /// <summary>Each dimension has its own permutation: the margins are uncorrelated with each other and with the index.</summary>
    [Fact]
    public void DimensionsArePermutedIndependently()
    {
        const int n = 2000;
        var points = AllPoints(new LatinHypercube(n, 4, seed: 7));
        var columns = Enumerable.Range(0, 4).Select(d => points.Select(p => p[d]).ToArray()).ToArray();
        var index = Enumerable.Range(0, n).Select(i => (double)i).ToArray();
        // |r| of independent columns is about 1/√n ≈ 0.022: 0.1 is over four standard errors.
        for (var d = 0; d < 4; d++)
        {
            Assert.InRange(MathNet.Numerics.Statistics.Correlation.Pearson(columns[d], index), -0.1, 0.1);
            for (var e = d + 1; e < 4; e++)
                Assert.InRange(MathNet.Numerics.Statistics.Correlation.Pearson(columns[d], columns[e]), -0.1, 0.1);
        }
    }

    [Fact]
    public void RejectsBadArguments()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new LatinHypercube(0, 2, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new LatinHypercube(LatinHypercube.MaxPoints + 1, 2, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new LatinHypercube(10, 0, 1));
        var design = new LatinHypercube(10, 2, 1);
        Assert.Throws<ArgumentOutOfRangeException>(() => design.Point(10, new double[2]));
        Assert.Throws<ArgumentOutOfRangeException>(() => design.Point(-1, new double[2]));
        Assert.Throws<ArgumentException>(() => design.Point(0, new double[3]));
    }
}
