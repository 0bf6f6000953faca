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
    IReadOnlyList<RouteDefinition> Routes,
    IReadOnlyList<InjuryPreset> Injuries,
    IReadOnlyList<EndpointDefinition> Endpoints,
    BetweenAnimalVariability Variability,
    Scenario Scenario,
    AgentSection? Agent = null)
{
    /// <summary>Index of the named parameter, or -1.</summary>
    public int ParameterIndex(string name) => IndexOf(Parameters, p => p.Name == name);

    /// <summary>Index of the named state, or -1.</summary>
    public int StateIndex(string name) => IndexOf(States, s => s.Name == name);

    /// <summary>The named endpoint, or null.</summary>
    public EndpointDefinition? Endpoint(string name) => Endpoints.FirstOrDefault(e => e.Name == name);

    /// <summary>The named route, or null.</summary>
    public RouteDefinition? Route(string name) => Routes.FirstOrDefault(r => r.Name == name);

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
public sealed record StateDefinition(string Name, double Initial, string Unit, string Description);

/// <summary>A named intermediate expression; <see cref="Text"/> is the source formula.</summary>
public sealed record IntermediateDefinition(string Name, Expr Expression, string Text);

/// <summary>A quantity computed from states and parameters and reported (and possibly measured).</summary>
public sealed record ReadoutDefinition(string Name, Expr Expression, string Text, string Unit, string Description);

/// <summary>A delivery route: a dose of N cells adds N·Scale to the target state.</summary>
public sealed record RouteDefinition(string Name, int TargetState, string TargetName, double Scale, string Description);

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
public sealed record Scenario(string Description, string Injury, IReadOnlyList<string> Doses, string Times);
