using CellTherapySim.Modeling.Units;
using CellTherapySim.Modeling.Expressions;

namespace CellTherapySim.Modeling;

/// <summary>A parsed and validated model file: names resolved, expressions parsed, intermediates ordered.</summary>
/// <param name="Agent">The file's `agent:` section for the hybrid agent-based engine (the ODE ignores it), or null when it has none.</param>
public sealed record ModelDefinition(
    string Name,
    string Description,
    string Source,
    IReadOnlyList<ParameterDefinition> Parameters,
    IReadOnlyList<StateDefinition> States,
    IReadOnlyList<IntermediateDefinition> Intermediates,
    IReadOnlyList<Expr> Equations,
    IReadOnlyList<ReadoutDefinition> Readouts,
    IReadOnlyList<ProductDefinition> Products,
    IReadOnlyList<InjuryPreset> Injuries,
    IReadOnlyList<EndpointDefinition> Endpoints,
    BetweenAnimalVariability Variability,
    DefaultScenario Scenario,
    AgentSection? Agent = null)
{
    /// <summary>What the unit check of the model file found (<see cref="UnitReport.None"/> for a model built in code).</summary>
    public UnitReport UnitCheck { get; init; } = UnitReport.None;

    /// <summary>Index of the named parameter, or -1.</summary>
    public int ParameterIndex(string name) => IndexOf(Parameters, p => p.Name == name);

    /// <summary>Index of the named state, or -1.</summary>
    public int StateIndex(string name) => IndexOf(States, s => s.Name == name);

    /// <summary>Index of the named endpoint, or -1.</summary>
    public int EndpointIndex(string name) => IndexOf(Endpoints, e => e.Name == name);

    /// <summary>The named endpoint, or null.</summary>
    public EndpointDefinition? Endpoint(string name) => Endpoints.FirstOrDefault(e => e.Name == name);

    /// <summary>A copy of <paramref name="parameters"/> with the body-weight parameter set to <paramref name="bodyWeight"/> (kg) when given.</summary>
    public double[] WithBodyWeight(double[] parameters, double? bodyWeight)
    {
        var result = (double[])parameters.Clone();
        if (bodyWeight is { } bw) result[ParameterIndex(ModelFileReader.BodyWeightParameter)] = bw;
        return result;
    }

    /// <summary>The named product, or null.</summary>
    public ProductDefinition? Product(string name)
    {
        for (var i = 0; i < Products.Count; i++) if (Products[i].Name == name) return Products[i];   // no closure: dosing asks per simulation
        return null;
    }

    /// <summary>
    /// The route <paramref name="route"/> of product <paramref name="product"/>, or the reason there is none (an unknown
    /// product, naming the model's products; a route the product is not given by, naming its routes).
    /// </summary>
    public (ProductRoute? Route, string? Problem) DoseRoute(string product, string route)
    {
        if (Product(product) is not { } p) return (null, UnknownProduct(product));
        return p.Route(route) is { } r
            ? (r, null)
            : (null, $"product '{product}' is not given by route '{route}'; its routes are {string.Join(", ", p.Routes.Select(x => x.Name))}");
    }

    /// <summary>Why <paramref name="product"/> cannot be dosed when the model has no such product (naming those it has).</summary>
    public string UnknownProduct(string product) => Products.Count == 0
        ? $"unknown product '{product}'; model '{Name}' defines no products"
        : $"unknown product '{product}'; expected one of {string.Join(", ", Products.Select(x => x.Name))}";

    /// <summary>The named injury preset, or null.</summary>
    public InjuryPreset? Injury(string name) => Injuries.FirstOrDefault(i => i.Name == name);

    private static int IndexOf<T>(IReadOnlyList<T> items, Func<T, bool> match)
    {
        for (var i = 0; i < items.Count; i++) if (match(items[i])) return i;
        return -1;
    }
}

/// <summary>A model parameter with its unit, meaning, prior and provenance.</summary>
public sealed record ParameterDefinition(string Name, double Value, string Unit, string Description, Prior Prior, bool Fitted, string Source);

/// <summary>A state variable with its default initial value (overridden by injury presets).</summary>
/// <param name="AbsoluteTolerance">The state's own absolute tolerance at the default settings (in its unit: e.g. 1e-6 of
/// 1e6 cells = one cell), or null for the run's; other settings scale it by the same factor as every state's.</param>
public sealed record StateDefinition(string Name, double Initial, string Unit, string Description, double? AbsoluteTolerance = null);

/// <summary>A named intermediate expression; <see cref="Text"/> is the source formula.</summary>
public sealed record IntermediateDefinition(string Name, Expr Expression, string Text);

/// <summary>A quantity computed from states and parameters and reported (and possibly measured).</summary>
public sealed record ReadoutDefinition(string Name, Expr Expression, string Text, string Unit, string Description)
{
    /// <summary>The column heading: "PMWT (g)", or the name alone for a pure number (unit "1", e.g. a fold change).</summary>
    public string Heading => Unit == "1" ? Name : $"{Name} ({Unit})";
}

/// <summary>Something that can be dosed (cells, EVs, a drug): the unit its doses are written in and the routes it is given by.</summary>
public sealed record ProductDefinition(string Name, string Description, DoseUnit Unit, IReadOnlyList<ProductRoute> Routes)
{
    /// <summary>The named route, or null.</summary>
    public ProductRoute? Route(string name)
    {
        for (var i = 0; i < Routes.Count; i++) if (Routes[i].Name == name) return Routes[i];   // no closure: dosing asks per simulation
        return null;
    }
}

/// <summary>
/// A route of a product: a dose of amount a (in the product's unit) adds a·scale(θ) to the target state; the scale is
/// an expression in the model's parameters (e.g. 1e-6 per cell, BW*F_ip for a drug in mg/kg).
/// </summary>
/// <param name="Index">Position of this route among all products' routes (the index of its compiled scale).</param>
public sealed record ProductRoute(string Name, int TargetState, string TargetName, Expr Scale, string ScaleText, string Description, int Index);

/// <summary>An injury preset: initial values that replace the states' defaults.</summary>
public sealed record InjuryPreset(string Name, string Description, IReadOnlyList<(int State, double Value)> InitialValues);

/// <summary>The residual-error models of measured endpoints.</summary>
public enum ErrorModel
{
    /// <summary>log(Y) = log(f) + ε, ε ~ Normal(0, sd): log-normal noise, sd on the log scale.</summary>
    Multiplicative,
    /// <summary>Y = f + ε, ε ~ Normal(0, sd), sd in the endpoint's unit.</summary>
    Additive,
}

/// <summary>A measured endpoint: which readout it observes, its cutoffs and its residual-error model.</summary>
public sealed record EndpointDefinition(
    string Name,
    int Readout,
    string Unit,
    double? LowerCutoff,
    double? UpperCutoff,
    ErrorModel ErrorModel,
    double ErrorSd,
    string ErrorUnit,
    Prior ErrorPrior)
{
    /// <summary>A reading of the true value <paramref name="value"/> with residual error of SD <paramref name="sd"/> drawn from <paramref name="random"/>.</summary>
    public double WithResidualError(double value, double sd, Random random)
    {
        var epsilon = MathNet.Numerics.Distributions.Normal.Sample(random, 0, sd);
        return ErrorModel == ErrorModel.Multiplicative ? value * Math.Exp(epsilon) : value + epsilon;
    }
}

/// <summary>The model's default scenario, run by `ctsim simulate` without options.</summary>
public sealed record DefaultScenario(string Description, string Injury, IReadOnlyList<string> Doses, string Times);
