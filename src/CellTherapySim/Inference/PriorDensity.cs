using CellTherapySim.Modeling;
using MathNet.Numerics.Distributions;

namespace CellTherapySim.Inference;

/// <summary>
/// Log density of a <see cref="Prior"/> and its derivative, through MathNet.Numerics' distributions; the
/// derivative is written out per family. Domains: lognormal θ &gt; 0, halfnormal θ ≥ 0, beta 0 &lt; θ &lt; 1,
/// uniform lower &lt; θ &lt; upper, normal all reals.
/// </summary>
public sealed class PriorDensity
{
    private readonly PriorFamily _family;
    private readonly double _a, _b;
    private readonly IContinuousDistribution _distribution;

    /// <summary>Prepares the density of <paramref name="prior"/>.</summary>
    public PriorDensity(Prior prior)
    {
        _family = prior.Family;
        Support = prior.Support;
        var args = prior.Arguments;
        (_a, _b, _distribution) = prior.Family switch
        {
            PriorFamily.LogNormal => (Math.Log(args["median"]), args["sdlog"], (IContinuousDistribution)new LogNormal(Math.Log(args["median"]), args["sdlog"])),
            PriorFamily.Normal => (args["mean"], args["sd"], new Normal(args["mean"], args["sd"])),
            PriorFamily.HalfNormal => (0.0, args["sd"], new Normal(0, args["sd"])),
            PriorFamily.Beta => (args["a"], args["b"], new Beta(args["a"], args["b"])),
            PriorFamily.Uniform => (args["lower"], args["upper"], new ContinuousUniform(args["lower"], args["upper"])),
            _ => throw new ArgumentOutOfRangeException(nameof(prior)),
        };
    }

    /// <summary>The support of the family, as the transform to the unconstrained space needs it (<see cref="Prior.Support"/>).</summary>
    public (double Lower, double Upper) Support { get; }

    /// <summary>log p(θ) (the half-normal includes its factor 2) and d log p/dθ.</summary>
    public double LogDensity(double theta, out double derivative)
    {
        switch (_family)
        {
            case PriorFamily.LogNormal:
                derivative = -(1 + (Math.Log(theta) - _a) / (_b * _b)) / theta;
                break;
            case PriorFamily.Normal:
                derivative = -(theta - _a) / (_b * _b);
                break;
            case PriorFamily.HalfNormal:
                derivative = -theta / (_b * _b);
                return theta < 0 ? double.NegativeInfinity : Math.Log(2) + _distribution.DensityLn(theta);
            case PriorFamily.Beta:
                derivative = (_a - 1) / theta - (_b - 1) / (1 - theta);
                break;
            default:
                derivative = 0;
                break;
        }
        return _distribution.DensityLn(theta);
    }

    /// <summary>Which bound of its support a bounded prior's mass leans to: a beta(a, b) toward 1 when a &gt; b, toward 0 when a &lt; b.</summary>
    public BoundLean Lean => _family != PriorFamily.Beta || _a == _b ? BoundLean.None : _a > _b ? BoundLean.Upper : BoundLean.Lower;

    /// <summary>The prior's median (the sampler's initial point is drawn around it).</summary>
    public double Median => _family switch
    {
        PriorFamily.HalfNormal => _b * 0.6744897501960817,
        PriorFamily.Beta => Beta.InvCDF(_a, _b, 0.5),
        _ => _distribution.Median,
    };

    /// <summary>A draw from the prior (simulation-based calibration draws its truths this way).</summary>
    public double Sample(Random random) => _family == PriorFamily.HalfNormal
        ? Math.Abs(Normal.Sample(random, 0, _b))
        : _distribution switch
        {
            LogNormal d => LogNormal.Sample(random, d.Mu, d.Sigma),
            Normal d => Normal.Sample(random, d.Mean, d.StdDev),
            Beta d => Beta.Sample(random, d.A, d.B),
            ContinuousUniform d => ContinuousUniform.Sample(random, d.LowerBound, d.UpperBound),
            _ => throw new InvalidOperationException(),
        };
}
