using System.Numerics;

namespace CellTherapySim.Solvers;

/// <summary>
/// Element-wise updates of the solvers' stage arithmetic, SIMD-wide, rounding exactly as the scalar loops they replace
/// (a separate multiply and add, terms added in the same order), so results are bit-identical on any vector width.
/// </summary>
internal static class VectorArithmetic
{
    /// <summary>destination[i] = a[i] + c·b[i] for i &lt; n.</summary>
    public static void Combine(double[] destination, double[] a, double c, double[] b, int n)
    {
        int i = 0, width = Vector<double>.Count;
        if (Vector.IsHardwareAccelerated)
            for (; i + width <= n; i += width) (new Vector<double>(a, i) + c * new Vector<double>(b, i)).CopyTo(destination, i);
        for (; i < n; i++) destination[i] = a[i] + c * b[i];
    }

    /// <summary>destination[i] += c·x[i] for i &lt; n.</summary>
    public static void AddScaled(double[] destination, double c, double[] x, int n)
    {
        int i = 0, width = Vector<double>.Count;
        if (Vector.IsHardwareAccelerated)
            for (; i + width <= n; i += width) (new Vector<double>(destination, i) + c * new Vector<double>(x, i)).CopyTo(destination, i);
        for (; i < n; i++) destination[i] += c * x[i];
    }

    /// <summary>destination[i] += x[i] for i &lt; n.</summary>
    public static void Add(double[] destination, double[] x, int n)
    {
        int i = 0, width = Vector<double>.Count;
        if (Vector.IsHardwareAccelerated)
            for (; i + width <= n; i += width) (new Vector<double>(destination, i) + new Vector<double>(x, i)).CopyTo(destination, i);
        for (; i < n; i++) destination[i] += x[i];
    }
}
