namespace CellTherapySim.Modeling;

/// <summary>The prior distribution families a model file may name.</summary>
public enum PriorFamily
{
    /// <summary>log θ ~ Normal(log median, sdlog); θ &gt; 0.</summary>
    LogNormal,
    /// <summary>θ ~ Normal(mean, sd).</summary>
    Normal,
    /// <summary>θ ~ |Normal(0, sd)|; θ ≥ 0.</summary>
    HalfNormal,
    /// <summary>θ ~ Beta(a, b); 0 &lt; θ &lt; 1.</summary>
    Beta,
    /// <summary>θ ~ Uniform(lower, upper).</summary>
    Uniform,
}

/// <summary>A prior distribution of a parameter: its family and named arguments (validated on creation).</summary>
public sealed record Prior(PriorFamily Family, IReadOnlyDictionary<string, double> Arguments)
{
    /// <summary>The argument names each family takes, in order.</summary>
    public static IReadOnlyList<string> ArgumentNames(PriorFamily family) => family switch
    {
        PriorFamily.LogNormal => ["median", "sdlog"],
        PriorFamily.Normal => ["mean", "sd"],
        PriorFamily.HalfNormal => ["sd"],
        PriorFamily.Beta => ["a", "b"],
        PriorFamily.Uniform => ["lower", "upper"],
        _ => throw new ArgumentOutOfRangeException(nameof(family)),
    };

    /// <summary>The default prior of a parameter with no prior given: log-normal around its value, log-SD 0.5.</summary>
    public static Prior DefaultFor(double value) =>
        new(PriorFamily.LogNormal, new Dictionary<string, double> { ["median"] = value, ["sdlog"] = 0.5 });

    /// <summary>The first invalid argument and why it is invalid for the family, or null when all are valid.</summary>
    public static (string Argument, string Problem)? Validate(PriorFamily family, IReadOnlyDictionary<string, double> args) => family switch
    {
        PriorFamily.LogNormal when args["median"] <= 0 => ("median", $"lognormal median must be > 0, not {args["median"]:G6}"),
        PriorFamily.LogNormal when args["sdlog"] <= 0 => ("sdlog", $"lognormal sdlog must be > 0, not {args["sdlog"]:G6}"),
        PriorFamily.Normal when args["sd"] <= 0 => ("sd", $"normal sd must be > 0, not {args["sd"]:G6}"),
        PriorFamily.HalfNormal when args["sd"] <= 0 => ("sd", $"halfnormal sd must be > 0, not {args["sd"]:G6}"),
        PriorFamily.Beta when args["a"] <= 0 => ("a", $"beta a must be > 0, not {args["a"]:G6}"),
        PriorFamily.Beta when args["b"] <= 0 => ("b", $"beta b must be > 0, not {args["b"]:G6}"),
        PriorFamily.Uniform when args["lower"] >= args["upper"] => ("upper", $"uniform upper must be > lower ({args["lower"]:G6}), not {args["upper"]:G6}"),
        _ => null,
    };

    /// <summary>The values the family allows: (0, ∞) for log-normal, [0, ∞) half-normal, (0, 1) beta, [lower, upper] uniform, all reals for normal.</summary>
    public (double Lower, double Upper) Support => Family switch
    {
        PriorFamily.LogNormal or PriorFamily.HalfNormal => (0, double.PositiveInfinity),
        PriorFamily.Beta => (0, 1),
        PriorFamily.Uniform => (Arguments["lower"], Arguments["upper"]),
        _ => (double.NegativeInfinity, double.PositiveInfinity),
    };

    /// <summary>Whether <paramref name="value"/> is a possible value under the prior (the ends of the support as the family's density allows them).</summary>
    public bool Allows(double value) => Family switch
    {
        PriorFamily.LogNormal => value > 0,
        PriorFamily.HalfNormal => value >= 0,
        PriorFamily.Beta => value is > 0 and < 1,
        PriorFamily.Uniform => value >= Arguments["lower"] && value <= Arguments["upper"],
        _ => double.IsFinite(value),
    };

    /// <summary>The allowed values of a parameter <paramref name="name"/> in words, e.g. "k_act > 0" or "0 < ImaxP < 1".</summary>
    public string Limits(string name) => Family switch
    {
        PriorFamily.LogNormal => $"{name} > 0",
        PriorFamily.HalfNormal => $"{name} ≥ 0",
        PriorFamily.Beta => $"0 < {name} < 1",
        PriorFamily.Uniform => $"{Arguments["lower"]:G6} ≤ {name} ≤ {Arguments["upper"]:G6}",
        _ => $"{name} finite",
    };

    /// <summary>Compact text such as "lognormal(median=300, sdlog=0.5)".</summary>
    public override string ToString() =>
        $"{Family.ToString().ToLowerInvariant()}({string.Join(", ", ArgumentNames(Family).Select(n => $"{n}={Arguments[n]:G6}"))})";
}
