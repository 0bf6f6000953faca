namespace CellTherapySim.Sweeps.Designs;

/// <summary>
/// Counter-based hashing for the random-access designs: the SplitMix64 generator of Steele, Lea &amp; Flood (2014,
/// "Fast splittable pseudorandom number generators", OOPSLA), whose k-th output is a pure function of (seed, k).
/// </summary>
internal static class SplitMix64
{
    /// <summary>The Weyl-sequence increment of SplitMix64 (2^64 divided by the golden ratio, made odd).</summary>
    private const ulong GoldenGamma = 0x9E3779B97F4A7C15UL;

    /// <summary>The SplitMix64 finaliser (Stafford's "Mix13" variant of MurmurHash3's fmix64): a bijection of 64-bit words.</summary>
    public static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>Output number <paramref name="index"/> (0-based) of the SplitMix64 stream started at <paramref name="seed"/>.</summary>
    public static ulong Output(ulong seed, ulong index) => Mix(unchecked(seed + (index + 1) * GoldenGamma));

    /// <summary>A uniform double in [0, 1) from the top 53 bits of a 64-bit hash.</summary>
    public static double ToUnitInterval(ulong hash) => (hash >> 11) * (1.0 / (1UL << 53));
}
