namespace CellTherapySim.Inference;

/// <summary>
/// Map between an unconstrained coordinate u ∈ ℝ and a parameter θ in (lower, upper), as Stan does:
/// identity on ℝ; θ = lower + exp(u) on (lower, ∞); θ = lower + (upper − lower)·logistic(u) on a bounded interval.
/// </summary>
public readonly record struct Transform(double Lower, double Upper)
{
    /// <summary>θ(u), with log|dθ/du| and dθ/du and d log|dθ/du|/du for the chain rule.</summary>
    public double ToConstrained(double u, out double logJacobian, out double dThetaDu, out double dLogJacobianDu)
    {
        if (double.IsNegativeInfinity(Lower) && double.IsPositiveInfinity(Upper))
        {
            (logJacobian, dThetaDu, dLogJacobianDu) = (0, 1, 0);
            return u;
        }
        if (double.IsPositiveInfinity(Upper))
        {
            var e = Math.Exp(u);
            (logJacobian, dThetaDu, dLogJacobianDu) = (u, e, 1);
            return Lower + e;
        }
        // logistic(u) = s; dθ/du = (upper − lower)·s·(1 − s); d log(s(1 − s))/du = 1 − 2s.
        var s = u >= 0 ? 1 / (1 + Math.Exp(-u)) : Math.Exp(u) / (1 + Math.Exp(u));
        var width = Upper - Lower;
        var softplusNeg = u > 0 ? -u - double.LogP1(Math.Exp(-u)) : -double.LogP1(Math.Exp(u));  // log(1 − s)
        var logS = softplusNeg + u;                                                          // log s
        logJacobian = Math.Log(width) + logS + softplusNeg;
        dThetaDu = width * s * (1 - s);
        dLogJacobianDu = 1 - 2 * s;
        var theta = Lower + width * s;
        return Math.Min(Math.Max(theta, Math.BitIncrement(Lower)), Math.BitDecrement(Upper));
    }

    /// <summary>u(θ) for θ inside the support.</summary>
    public double ToUnconstrained(double theta)
    {
        if (double.IsNegativeInfinity(Lower) && double.IsPositiveInfinity(Upper)) return theta;
        if (double.IsPositiveInfinity(Upper)) return Math.Log(theta - Lower);
        var s = (theta - Lower) / (Upper - Lower);
        return Math.Log(s / (1 - s));
    }
}
