namespace CellTherapySim.Compilation;

/// <summary>Run-time implementations of the built-in functions that compiled models call.</summary>
public static class ModelFunctions
{
    /// <summary>hill(x, x50, n) = x^n/(x50^n + x^n) for x &gt; 0, 0 for x ≤ 0.</summary>
    public static double Hill(double x, double x50, double n)
    {
        if (x <= 0) return 0;
        var r = Math.Pow(x / x50, n);
        return double.IsPositiveInfinity(r) ? 1 : r / (1 + r);
    }

    /// <summary>∂hill/∂x = n·h·(1 − h)/x (limits at x = 0: 0 for n &gt; 1, 1/x50 for n = 1, ∞ for n &lt; 1).</summary>
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

    /// <summary>pos(x) = max(x, 0).</summary>
    public static double Pos(double x) => x > 0 ? x : 0;

    /// <summary>sign(x): 1, −1 or 0 (NaN for NaN, never an exception).</summary>
    public static double Sign(double x) => x > 0 ? 1 : x < 0 ? -1 : x;

    /// <summary>Heaviside step: 1 for x &gt; 0, else 0.</summary>
    public static double Step(double x) => x > 0 ? 1 : 0;
}
