namespace CellTherapySim.Sweeps.Designs;

/// <summary>
/// A random-access Latin hypercube design (McKay, Beckman &amp; Conover 1979, "A comparison of three methods for selecting
/// values of input variables in the analysis of output from a computer code", Technometrics 21:239) of
/// <see cref="Points"/> points in [0, 1)^<see cref="Dimensions"/>. In each dimension the stratum of point i is π(i) for
/// a seeded bijection π of [0, n) and the point sits at a seeded uniform offset inside that stratum, so every margin
/// has exactly one point in each [k/n, (k+1)/n). No permutation is stored: π is a keyed Feistel network (Luby &amp;
/// Rackoff 1988, "How to construct pseudorandom permutations from pseudorandom functions", SIAM J. Comput. 17:373) on
/// the smallest even number of bits that covers n, restricted to [0, n) by cycle walking (Black &amp; Rogaway 2002,
/// "Ciphers with arbitrary finite domains", CT-RSA), so memory is O(<see cref="Dimensions"/>) whatever n is.
/// </summary>
public sealed class LatinHypercube
{
    /// <summary>The most points a design may have: beyond 2^52 the strata are narrower than a double can resolve.</summary>
    public const long MaxPoints = 1L << 52;

    /// <summary>Rounds of the Feistel network (four rounds of a pseudorandom function give a strong pseudorandom permutation).</summary>
    private const int FeistelRounds = 4;

    /// <summary>Round keys of each dimension's permutation, <see cref="FeistelRounds"/> per dimension.</summary>
    private readonly ulong[] roundKeys;

    /// <summary>Each dimension's key for the offsets inside the strata.</summary>
    private readonly ulong[] offsetKeys;

    /// <summary>Bits in each half of the Feistel block.</summary>
    private readonly int halfBits;

    /// <summary>Mask of the low <see cref="halfBits"/> bits.</summary>
    private readonly ulong halfMask;

    /// <summary>Creates the design of <paramref name="points"/> points in <paramref name="dimensions"/> dimensions drawn from <paramref name="seed"/>.</summary>
    public LatinHypercube(long points, int dimensions, ulong seed)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(points, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(points, MaxPoints);
        ArgumentOutOfRangeException.ThrowIfLessThan(dimensions, 1);
        Points = points;
        Dimensions = dimensions;
        var bitsForIndices = 64 - System.Numerics.BitOperations.LeadingZeroCount((ulong)(points - 1));
        halfBits = Math.Max(1, (bitsForIndices + 1) / 2);
        halfMask = (1UL << halfBits) - 1;
        roundKeys = new ulong[dimensions * FeistelRounds];
        offsetKeys = new ulong[dimensions];
        for (var d = 0; d < dimensions; d++)
        {
            var permutationKey = SplitMix64.Output(seed, 2 * (ulong)d);
            offsetKeys[d] = SplitMix64.Output(seed, 2 * (ulong)d + 1);
            for (var r = 0; r < FeistelRounds; r++) roundKeys[d * FeistelRounds + r] = SplitMix64.Output(permutationKey, (ulong)r);
        }
    }

    /// <summary>The number of points n.</summary>
    public long Points { get; }

    /// <summary>The number of dimensions.</summary>
    public int Dimensions { get; }

    /// <summary>Writes point <paramref name="index"/> (0-based, below <see cref="Points"/>) into <paramref name="into"/>, of length <see cref="Dimensions"/>.</summary>
    public void Point(long index, Span<double> into)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Points);
        if (into.Length != Dimensions) throw new ArgumentException($"expected {Dimensions} coordinates, got {into.Length}", nameof(into));
        double n = Points;
        for (var d = 0; d < Dimensions; d++)
        {
            var stratum = (double)Permute((ulong)index, d);
            var lower = stratum / n;
            var upper = (stratum + 1) / n;
            var value = lower + SplitMix64.ToUnitInterval(SplitMix64.Output(offsetKeys[d], (ulong)index)) * (upper - lower);
            // Rounding may carry the value onto the stratum's upper edge: keep it inside [lower, upper).
            into[d] = value < upper ? value : Math.BitDecrement(upper);
        }
    }

    /// <summary>Dimension <paramref name="dimension"/>'s permutation of [0, n) at <paramref name="index"/>: the Feistel permutation, cycle-walked back into range.</summary>
    private ulong Permute(ulong index, int dimension)
    {
        var value = index;
        do value = Feistel(value, dimension);
        while (value >= (ulong)Points);
        return value;
    }

    /// <summary>The balanced Feistel network of <paramref name="dimension"/> on 2·<see cref="halfBits"/>-bit words: a bijection of [0, 4^halfBits).</summary>
    private ulong Feistel(ulong value, int dimension)
    {
        var left = value >> halfBits;
        var right = value & halfMask;
        for (var r = 0; r < FeistelRounds; r++)
        {
            var next = left ^ (SplitMix64.Mix(right ^ roundKeys[dimension * FeistelRounds + r]) & halfMask);
            left = right;
            right = next;
        }
        return (left << halfBits) | right;
    }
}
