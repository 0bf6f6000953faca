using CellTherapySim.Modeling;
using CellTherapySim.Studies;

namespace CellTherapySim.Inference;

/// <summary>
/// Log-likelihood of one reading given the model's prediction f and the residual SD σ, with derivatives in f and σ.
/// Multiplicative error: log y ~ Normal(log f, σ) (the log-normal density of y); additive: y ~ Normal(f, σ).
/// A censored reading (CENS = -1 at the upper cutoff c, or 1 at the lower) contributes P(Y ≥ c) or P(Y ≤ c) —
/// Beal's M3 method (Beal 2001, J Pharmacokinet Pharmacodyn 28:481).
/// </summary>
public static class ResidualLikelihood
{
    private const double LogSqrt2Pi = 0.91893853320467274178;

    /// <summary>log p(y | f, σ) and its derivatives ∂/∂f, ∂/∂σ; −∞ when f is outside the error model's domain.</summary>
    public static double LogLikelihood(ErrorModel model, double y, Censoring censoring, double f, double sigma, out double dF, out double dSigma)
    {
        double z, dZdF;
        if (model == ErrorModel.Multiplicative)
        {
            if (!(f > 0) || !(y > 0))
            {
                (dF, dSigma) = (0, 0);
                return double.NegativeInfinity;
            }
            z = (Math.Log(y) - Math.Log(f)) / sigma;
            dZdF = -1 / (sigma * f);
        }
        else
        {
            z = (y - f) / sigma;
            dZdF = -1 / sigma;
        }
        var dZdSigma = -z / sigma;

        if (censoring == Censoring.Exact)
        {
            // log φ(z) − log σ (− log y for the log-normal density of y).
            dF = -z * dZdF;
            dSigma = -z * dZdSigma - 1 / sigma;
            return -0.5 * z * z - LogSqrt2Pi - Math.Log(sigma) - (model == ErrorModel.Multiplicative ? Math.Log(y) : 0);
        }
        // Right-censored: log P(Y ≥ y) = log Q(z); left-censored: log P(Y ≤ y) = log Q(−z).
        var sign = censoring == Censoring.Right ? 1.0 : -1.0;
        var logQ = LogUpperTail(sign * z, out var dLogQ);
        dF = dLogQ * sign * dZdF;
        dSigma = dLogQ * sign * dZdSigma;
        return logQ;
    }

    /// <summary>
    /// log Q(x) = log P(Z ≥ x) for a standard normal Z, accurate in both tails, with d log Q/dx = −φ(x)/Q(x).
    /// </summary>
    public static double LogUpperTail(double x, out double derivative)
    {
        if (x < 5)
        {
            var q = 0.5 * MathNet.Numerics.SpecialFunctions.Erfc(x / Math.Sqrt(2));
            var phi = Math.Exp(-0.5 * x * x - LogSqrt2Pi);
            derivative = -phi / q;
            return Math.Log(q);
        }
        // Far upper tail: Q(x) = φ(x)/x · R(x) with the continued fraction R of Laplace; here through erfcx-like scaling.
        var scaled = MathNet.Numerics.SpecialFunctions.Erfc(x / Math.Sqrt(2)) * Math.Exp(0.5 * x * x);
        if (scaled > 0 && double.IsFinite(scaled))
        {
            // Q = 0.5·scaled·exp(−x²/2), φ/Q = exp(−LogSqrt2Pi)/(0.5·scaled).
            derivative = -Math.Exp(-LogSqrt2Pi) / (0.5 * scaled);
            return Math.Log(0.5 * scaled) - 0.5 * x * x;
        }
        // Asymptotic series Q(x) ≈ φ(x)/x·(1 − 1/x² + 3/x⁴): inverse Mills ratio ≈ x + 1/x.
        derivative = -(x + 1 / x);
        return -0.5 * x * x - LogSqrt2Pi - Math.Log(x) + Math.Log(1 - 1 / (x * x) + 3 / (x * x * x * x));
    }
}
