using YamlDotNet.RepresentationModel;

namespace CellTherapySim.Modeling;

/// <summary>The scale on which a parameter varies between animals.</summary>
public enum VariabilityScale
{
    /// <summary>θ_i = θ·exp(η_i): log-normal, the typical value θ is the median; for positive parameters.</summary>
    Log,
    /// <summary>logit θ_i = logit θ + η_i: logit-normal, for parameters bounded in (0, 1).</summary>
    Logit,
}

/// <summary>Individual parameter values on a <see cref="VariabilityScale"/>.</summary>
public static class VariabilityScales
{
    /// <summary>θᵢ from the typical value θ and ηᵢ: θ·exp(η) on the log scale, logistic(logit θ + η) on the logit scale.</summary>
    public static double Individual(this VariabilityScale scale, double typical, double eta) =>
        scale == VariabilityScale.Log ? typical * Math.Exp(eta) : scale.FromScale(scale.ToScale(typical) + eta);

    /// <summary>A value on the scale: log θ or logit θ.</summary>
    public static double ToScale(this VariabilityScale scale, double value) =>
        scale == VariabilityScale.Log ? Math.Log(value) : MathNet.Numerics.SpecialFunctions.Logit(value);

    /// <summary>The value whose scale value is <paramref name="u"/>: exp(u) or logistic(u).</summary>
    public static double FromScale(this VariabilityScale scale, double u) =>
        scale == VariabilityScale.Log ? Math.Exp(u) : MathNet.Numerics.SpecialFunctions.Logistic(u);

    /// <summary>d(scale value)/dθ at θ: 1/θ or 1/(θ(1 − θ)).</summary>
    public static double ScaleDerivative(this VariabilityScale scale, double value) =>
        scale == VariabilityScale.Log ? 1 / value : 1 / (value * (1 - value));
}

/// <summary>Between-animal variability of one parameter: its coefficient of variation and scale.</summary>
/// <param name="Parameter">Index of the parameter in the model.</param>
/// <param name="Name">Name of the parameter.</param>
/// <param name="Cv">Coefficient of variation across animals (0.3 = 30%).</param>
/// <param name="Scale">Log-normal or logit-normal.</param>
public sealed record VariabilityTerm(int Parameter, string Name, double Cv, VariabilityScale Scale)
{
    /// <summary>
    /// SD ω of η giving this CV around the typical value θ: log scale ω = √log(1 + CV²), so the CV is exact;
    /// logit scale ω = CV/(1 − θ), the delta-method CV at the typical value.
    /// </summary>
    public double Omega(double typical) => Scale == VariabilityScale.Log
        ? Math.Sqrt(Math.Log(1 + Cv * Cv))
        : Cv / (1 - typical);
}

/// <summary>A correlation between the η of two variability terms (indices into <see cref="BetweenAnimalVariability.Terms"/>).</summary>
public readonly record struct EtaCorrelation(int First, int Second, double R);

/// <summary>Between-animal variability: per-parameter terms and optional correlations between them.</summary>
public sealed record BetweenAnimalVariability(IReadOnlyList<VariabilityTerm> Terms, IReadOnlyList<EtaCorrelation> Correlations)
{
    /// <summary>No variability: every animal is the typical animal.</summary>
    public static BetweenAnimalVariability None { get; } = new([], []);

    /// <summary>
    /// Reads the 'variability' (NAME: CV or NAME: {cv, scale: log|logit}) and 'correlations'
    /// ([{parameters: [A, B], r: 0.5}]) entries of a model or study file; null when neither is present.
    /// </summary>
    internal static BetweenAnimalVariability? Read(YamlNodes yaml, YamlMappingNode root, IReadOnlyList<ParameterDefinition> parameters)
    {
        var variabilityNode = YamlNodes.Optional(root, "variability");
        var correlationNode = YamlNodes.Optional(root, "correlations");
        if (variabilityNode is null && correlationNode is null) return null;
        var terms = new List<VariabilityTerm>();
        if (variabilityNode is not null)
        {
            foreach (var (name, keyNode, value) in yaml.Entries(yaml.Mapping(variabilityNode, "'variability' (parameter: CV)"), "'variability'"))
            {
                var index = parameters.ToList().FindIndex(p => p.Name == name);
                if (index < 0) throw yaml.Error(keyNode, $"'{name}' in 'variability' is not a parameter of the model");
                var what = $"the variability of '{name}'";
                YamlNode cvNode = value;
                var scale = parameters[index].Prior.Family == PriorFamily.Beta ? VariabilityScale.Logit : VariabilityScale.Log;
                if (value is YamlMappingNode map)
                {
                    foreach (var _ in yaml.Entries(map, what, ["cv", "scale"])) { }
                    cvNode = yaml.Required(map, "cv", what);
                    if (YamlNodes.Optional(map, "scale") is { } scaleNode)
                    {
                        var text = yaml.Text(scaleNode, $"the scale of {what}");
                        scale = text switch
                        {
                            "log" => VariabilityScale.Log,
                            "logit" => VariabilityScale.Logit,
                            _ => throw yaml.Error(scaleNode, $"unknown scale '{text}' in {what}; expected log or logit"),
                        };
                    }
                }
                var cv = yaml.Number(cvNode, $"the CV of {what}");
                if (cv < 0 || cv > 5) throw yaml.Error(cvNode, $"the CV of {what} must be between 0 and 5 (a fraction: 0.3 = 30%), not {cv}");
                var typical = parameters[index].Value;
                if (scale == VariabilityScale.Log && typical <= 0)
                    throw yaml.Error(keyNode, $"'{name}' = {typical} cannot vary log-normally (its value must be > 0)");
                if (scale == VariabilityScale.Logit && (typical <= 0 || typical >= 1))
                    throw yaml.Error(keyNode, $"'{name}' = {typical} cannot vary logit-normally (its value must be in (0, 1))");
                if (terms.Any(t => t.Name == name)) throw yaml.Error(keyNode, $"'{name}' appears twice in 'variability'");
                terms.Add(new VariabilityTerm(index, name, cv, scale));
            }
        }
        var correlations = new List<EtaCorrelation>();
        if (correlationNode is not null)
        {
            foreach (var item in yaml.Sequence(correlationNode, "'correlations' (a list of {parameters: [A, B], r: R})"))
            {
                var what = "a correlation";
                var map = yaml.Mapping(item, $"{what} ({{parameters: [A, B], r: R}})");
                foreach (var _ in yaml.Entries(map, what, ["parameters", "r"])) { }
                var pair = yaml.Sequence(yaml.Required(map, "parameters", what), "the parameters of a correlation").Children;
                if (pair.Count != 2) throw yaml.Error(map, "a correlation names exactly two parameters");
                var indices = pair.Select(p =>
                {
                    var name = yaml.Text(p, "a correlated parameter");
                    var t = terms.FindIndex(term => term.Name == name);
                    return t >= 0 ? t : throw yaml.Error(p, $"'{name}' is correlated but has no entry in 'variability'");
                }).ToArray();
                if (indices[0] == indices[1]) throw yaml.Error(map, "a correlation needs two different parameters");
                var rNode = yaml.Required(map, "r", what);
                var r = yaml.Number(rNode, "the correlation r");
                if (r <= -1 || r >= 1) throw yaml.Error(rNode, $"the correlation r must be strictly between -1 and 1, not {r}");
                correlations.Add(new EtaCorrelation(indices[0], indices[1], r));
            }
        }
        return new BetweenAnimalVariability(terms, correlations);
    }
}
