using CellTherapySim.Inference;
using CellTherapySim.Modeling;
using CellTherapySim.Studies;
using MathNet.Numerics.Distributions;

namespace CellTherapySim.Tests.Inference;

/// <summary>
/// The likelihood's building blocks against MathNet.Numerics' densities and CDFs (to 1e-12) and their derivatives
/// against central finite differences (step 1e-6, tolerance 1e-6 relative).
/// </summary>
public class LikelihoodTermsTests
{
    private static void AssertDerivative(Func<double, double> f, double x, double analytic)
    {
        var h = 1e-6 * Math.Max(1, Math.Abs(x));
        var numeric = (f(x + h) - f(x - h)) / (2 * h);
        Assert.True(Math.Abs(numeric - analytic) <= 1e-6 * (1 + Math.Abs(analytic)), $"analytic {analytic:G12}, numeric {numeric:G12} at {x}");
    }

    [Theory]
    [InlineData(ErrorModel.Multiplicative, 8.3, 6.1, 0.2)]
    [InlineData(ErrorModel.Additive, 8.3, 6.1, 0.7)]
    public void ExactReadingsUseTheNormalAndLogNormalDensities(ErrorModel model, double y, double f, double sigma)
    {
        var ll = ResidualLikelihood.LogLikelihood(model, y, Censoring.Exact, f, sigma, out var dF, out var dSigma);
        var expected = model == ErrorModel.Multiplicative ? LogNormal.PDFLn(Math.Log(f), sigma, y) : Normal.PDFLn(f, sigma, y);
        Assert.Equal(expected, ll, 12);
        AssertDerivative(x => ResidualLikelihood.LogLikelihood(model, y, Censoring.Exact, x, sigma, out _, out _), f, dF);
        AssertDerivative(x => ResidualLikelihood.LogLikelihood(model, y, Censoring.Exact, f, x, out _, out _), sigma, dSigma);
    }

    [Theory]
    [InlineData(ErrorModel.Multiplicative, 15, 6.2, 0.1, Censoring.Right)]
    [InlineData(ErrorModel.Multiplicative, 15, 14.8, 0.1, Censoring.Right)]
    [InlineData(ErrorModel.Additive, 20, 11, 0.5, Censoring.Right)]
    [InlineData(ErrorModel.Additive, 2, 3, 0.5, Censoring.Left)]
    public void CensoredReadingsUseTheTailProbability(ErrorModel model, double cutoff, double f, double sigma, Censoring censoring)
    {
        var ll = ResidualLikelihood.LogLikelihood(model, cutoff, censoring, f, sigma, out var dF, out var dSigma);
        // P(Y ≥ c) = Q(z), z = (log c − log f)/σ or (c − f)/σ, computed through erfc so that the far tail does not underflow.
        var z = model == ErrorModel.Multiplicative ? (Math.Log(cutoff) - Math.Log(f)) / sigma : (cutoff - f) / sigma;
        var x = censoring == Censoring.Right ? z : -z;
        var expected = Math.Log(0.5 * MathNet.Numerics.SpecialFunctions.Erfc(x / Math.Sqrt(2)));
        var cdf = model == ErrorModel.Multiplicative ? LogNormal.CDF(Math.Log(f), sigma, cutoff) : Normal.CDF(f, sigma, cutoff);
        if (cdf is > 1e-6 and < 1 - 1e-6) Assert.Equal(Math.Log(censoring == Censoring.Right ? 1 - cdf : cdf), ll, 9);
        Assert.Equal(expected, ll, 9);
        AssertDerivative(x => ResidualLikelihood.LogLikelihood(model, cutoff, censoring, x, sigma, out _, out _), f, dF);
        AssertDerivative(x => ResidualLikelihood.LogLikelihood(model, cutoff, censoring, f, x, out _, out _), sigma, dSigma);
    }

    [Theory]
    [InlineData(-3.0)]
    [InlineData(0.0)]
    [InlineData(4.9)]
    [InlineData(5.1)]
    [InlineData(12.0)]
    [InlineData(40.0)]
    [InlineData(100.0)]
    public void UpperTailIsAccurateFarOut(double x)
    {
        var logQ = ResidualLikelihood.LogUpperTail(x, out var derivative);
        // Reference: log Q from MathNet where it does not underflow; beyond, the asymptotic expansion to 4 terms.
        var q = 1 - Normal.CDF(0, 1, x);
        var reference = x < 8 ? Math.Log(0.5 * MathNet.Numerics.SpecialFunctions.Erfc(x / Math.Sqrt(2)))
            : -0.5 * x * x - 0.5 * Math.Log(2 * Math.PI) - Math.Log(x) + Math.Log(1 - 1 / (x * x) + 3 / Math.Pow(x, 4) - 15 / Math.Pow(x, 6));
        Assert.True(Math.Abs(logQ - reference) < 1e-8 * Math.Max(1, Math.Abs(reference)), $"log Q({x}) = {logQ}, reference {reference} (q {q})");
        Assert.True(double.IsFinite(derivative) && derivative < 0);
        if (x < 30) AssertDerivative(v => ResidualLikelihood.LogUpperTail(v, out _), x, derivative);
    }

    [Theory]
    [InlineData(PriorFamily.LogNormal, 1.3)]
    [InlineData(PriorFamily.Normal, -0.4)]
    [InlineData(PriorFamily.HalfNormal, 0.8)]
    [InlineData(PriorFamily.Beta, 0.83)]
    [InlineData(PriorFamily.Uniform, 2.5)]
    public void PriorDensitiesAndDerivatives(PriorFamily family, double theta)
    {
        var args = family switch
        {
            PriorFamily.LogNormal => new Dictionary<string, double> { ["median"] = 1.2, ["sdlog"] = 0.5 },
            PriorFamily.Normal => new() { ["mean"] = 0.3, ["sd"] = 2 },
            PriorFamily.HalfNormal => new() { ["sd"] = 2.5 },
            PriorFamily.Beta => new() { ["a"] = 9, ["b"] = 1 },
            _ => new() { ["lower"] = 1, ["upper"] = 4 },
        };
        var prior = new PriorDensity(new Prior(family, args));
        var lp = prior.LogDensity(theta, out var derivative);
        var expected = family switch
        {
            PriorFamily.LogNormal => LogNormal.PDFLn(Math.Log(1.2), 0.5, theta),
            PriorFamily.Normal => Normal.PDFLn(0.3, 2, theta),
            PriorFamily.HalfNormal => Math.Log(2) + Normal.PDFLn(0, 2.5, theta),
            PriorFamily.Beta => Beta.PDFLn(9, 1, theta),
            _ => -Math.Log(3),
        };
        Assert.Equal(expected, lp, 12);
        AssertDerivative(x => prior.LogDensity(x, out _), theta, derivative);
    }

    [Theory]
    [InlineData(double.NegativeInfinity, double.PositiveInfinity, 0.7, BoundLean.None)]
    [InlineData(0, double.PositiveInfinity, -1.3, BoundLean.None)]
    [InlineData(0, 1, 2.2, BoundLean.None)]
    [InlineData(-2, 5, -0.4, BoundLean.None)]
    [InlineData(0, 1, 1.1, BoundLean.Upper)]
    [InlineData(0, 1, -2.5, BoundLean.Upper)]
    [InlineData(-2, 5, 0.3, BoundLean.Lower)]
    [InlineData(0, 1, -1.4, BoundLean.Lower)]
    public void TransformsRoundTripAndTheirJacobiansAreExact(double lower, double upper, double u, BoundLean lean)
    {
        var transform = new Transform(lower, upper, lean);
        var theta = transform.ToConstrained(u, out var logJ, out var dThetaDu, out var dLogJ);
        Assert.Equal(u, transform.ToUnconstrained(theta), 10);
        AssertDerivative(x => transform.ToConstrained(x, out _, out _, out _), u, dThetaDu);
        Assert.Equal(Math.Log(dThetaDu), logJ, 12);
        AssertDerivative(x => { transform.ToConstrained(x, out var lj, out _, out _); return lj; }, u, dLogJ);
    }

    [Fact]
    public void ABoundedPriorLeaningOnABoundIsSampledOnTheComplementaryLogLogScaleTowardIt()
    {
        PriorDensity BetaPrior(double a, double b) => new(new Prior(PriorFamily.Beta, new Dictionary<string, double> { ["a"] = a, ["b"] = b }));
        Assert.Equal(BoundLean.Upper, BetaPrior(9, 1).Lean);
        Assert.Equal(BoundLean.Lower, BetaPrior(1, 4).Lean);
        Assert.Equal(BoundLean.None, BetaPrior(2, 2).Lean);
        // Toward the upper bound the tail is double-exponential: u = 2 already reaches θ = 1 − e^(−e²) ≈ 0.9994.
        Assert.Equal(1 - Math.Exp(-Math.Exp(2)), new Transform(0, 1, BoundLean.Upper).ToConstrained(2, out _, out _, out _), 14);
    }
}
