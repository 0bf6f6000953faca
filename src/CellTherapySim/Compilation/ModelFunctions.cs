using System.Runtime.CompilerServices;
namespace CellTherapySim.Compilation;

/// <summary>Run-time implementations of the built-in functions that compiled models call.</summary>
public static class ModelFunctions
{
    /// <summary>hill(x, x50, n) = x^n/(x50^n + x^n) for x &gt; 0, 0 for x ≤ 0.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static double Hill(double x, double x50, double n)
    {
        if (x <= 0) return 0;
        var r = Power(x / x50, n);
        return double.IsPositiveInfinity(r) ? 1 : r / (1 + r);
    }

    /// <summary>
    /// x^n for x &gt; 0: by multiplication for the Hill coefficients models use most (n = 1, 2, 3, 4; exact, and a tenth of
    /// Math.Pow's cost), else Math.Pow.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static double Power(double x, double n) => n switch
    {
        1 => x,
        2 => x * x,
        3 => x * x * x,
        4 => x * x * (x * x),
        _ => Math.Pow(x, n),
    };

    /// <summary>∂hill/∂x = n·h·(1 − h)/x (limits at x = 0: 0 for n &gt; 1, 1/x50 for n = 1, ∞ for n &lt; 1).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static double HillDx(double x, double x50, double n)
    {
        if (x < 0) return 0;
        if (x == 0) return n > 1 ? 0 : n == 1 ? 1 / x50 : double.PositiveInfinity;
        var h = Hill(x, x50, n);
        return n * h * (1 - h) / x;
    }

    /// <summary>∂hill/∂x50 = −n·h·(1 − h)/x50.</summary>
    public static double HillDx50(double x, double x50, double n)
    {
        if (x <= 0) return 0;
        var h = Hill(x, x50, n);
        return -n * h * (1 - h) / x50;
    }

    /// <summary>∂hill/∂n = h·(1 − h)·log(x/x50).</summary>
    public static double HillDn(double x, double x50, double n)
    {
        if (x <= 0) return 0;
        var h = Hill(x, x50, n);
        return h * (1 - h) * Math.Log(x / x50);
    }

    // Second derivatives of hill, with h = hill(x, x50, n), g = h·(1 − h) and ℓ = log(x/x50) for x > 0, from
    // ∂h/∂x = n·g/x, ∂h/∂x50 = −n·g/x50, ∂h/∂n = g·ℓ and ∂g = (1 − 2h)·∂h. hill is 0 for x < 0, so are they; at x = 0
    // they are the limits from the right, like HillDx (h ≈ (x/x50)^n there). Factors are arranged so that n = 1 loses
    // no precision for small h (n·(1 − 2h) − 1 is written (n − 1) − 2nh).

    /// <summary>
    /// ∂²hill/∂x² = n·g·((n − 1) − 2nh)/x² (limits at x = 0: 0 for n &gt; 2, 2/x50² for n = 2, ∞ for 1 &lt; n &lt; 2,
    /// −2/x50² for n = 1, −∞ for n &lt; 1).
    /// </summary>
    public static double HillDxDx(double x, double x50, double n)
    {
        if (x < 0) return 0;
        if (x == 0) return n > 2 ? 0 : n == 2 ? 2 / (x50 * x50) : n > 1 ? double.PositiveInfinity : n == 1 ? -2 / (x50 * x50) : double.NegativeInfinity;
        var h = Hill(x, x50, n);
        return n * (h * (1 - h) / x / x) * (n - 1 - 2 * n * h);
    }

    /// <summary>∂²hill/∂x∂x50 = −n²·g·(1 − 2h)/(x·x50) (limits at x = 0: 0 for n &gt; 1, −1/x50² for n = 1, −∞ for n &lt; 1).</summary>
    public static double HillDxDx50(double x, double x50, double n)
    {
        if (x < 0) return 0;
        if (x == 0) return n > 1 ? 0 : n == 1 ? -1 / (x50 * x50) : double.NegativeInfinity;
        var h = Hill(x, x50, n);
        return -n * n * (h * (1 - h) / x) * (1 - 2 * h) / x50;
    }

    /// <summary>∂²hill/∂x∂n = (g/x)·(1 + n·(1 − 2h)·log(x/x50)) (limits at x = 0: 0 for n &gt; 1, −∞ for n ≤ 1).</summary>
    public static double HillDxDn(double x, double x50, double n)
    {
        if (x < 0) return 0;
        if (x == 0) return n > 1 ? 0 : double.NegativeInfinity;
        var h = Hill(x, x50, n);
        return h * (1 - h) / x * (1 + n * (1 - 2 * h) * Math.Log(x / x50));
    }

    /// <summary>∂²hill/∂x50² = n·g·((n + 1) − 2nh)/x50² (0 for x ≤ 0).</summary>
    public static double HillDx50Dx50(double x, double x50, double n)
    {
        if (x <= 0) return 0;
        var h = Hill(x, x50, n);
        return n * (h * (1 - h) / x50 / x50) * (n + 1 - 2 * n * h);
    }

    /// <summary>∂²hill/∂x50∂n = −(g/x50)·(1 + n·(1 − 2h)·log(x/x50)) (0 for x ≤ 0).</summary>
    public static double HillDx50Dn(double x, double x50, double n)
    {
        if (x <= 0) return 0;
        var h = Hill(x, x50, n);
        return -h * (1 - h) / x50 * (1 + n * (1 - 2 * h) * Math.Log(x / x50));
    }

    /// <summary>∂²hill/∂n² = g·(1 − 2h)·log²(x/x50) (0 for x ≤ 0).</summary>
    public static double HillDnDn(double x, double x50, double n)
    {
        if (x <= 0) return 0;
        var h = Hill(x, x50, n);
        var log = Math.Log(x / x50);
        return h * (1 - h) * (1 - 2 * h) * log * log;
    }

    /// <summary>pos(x) = max(x, 0).</summary>
    public static double Pos(double x) => x > 0 ? x : 0;

    /// <summary>sign(x): 1, −1 or 0 (NaN for NaN, never an exception).</summary>
    public static double Sign(double x) => x > 0 ? 1 : x < 0 ? -1 : x;

    /// <summary>Heaviside step: 1 for x &gt; 0, else 0.</summary>
    public static double Step(double x) => x > 0 ? 1 : 0;
}
