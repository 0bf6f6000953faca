using CellTherapySim.Compilation;
using CellTherapySim.Modeling;
using CellTherapySim.Modeling.Expressions;
using CellTherapySim.Simulation;

namespace CellTherapySim.Agents;

/// <summary>
/// A compiled model seen by the hybrid agent-based engine: its `agent:` section, the state roles (cell compartments,
/// lattice fields, microglia, well-mixed states) and the local kinetics compiled from the model's own equations.
/// Immutable and thread-safe.
/// </summary>
public sealed class AgentModel
{
    private AgentModel(CompiledModel model, AgentSection section, ModelFunction localKinetics, int[] globalStates, double cellScale)
    {
        Model = model;
        Section = section;
        LocalKinetics = localKinetics;
        GlobalStates = globalStates;
        FieldStates = section.Fields.Select(f => f.State).ToArray();
        CellScale = cellScale;
    }

    /// <summary>The compiled model.</summary>
    public CompiledModel Model { get; }

    /// <summary>The model's agent section.</summary>
    public AgentSection Section { get; }

    /// <summary>
    /// At a site's local state: result[k] = f of field k, result[K] = f of the microglia state, result[K + 1 + k] =
    /// ∂f/∂(field k) of field k (K fields).
    /// </summary>
    public ModelFunction LocalKinetics { get; }

    /// <summary>States of the fields, in the section's order.</summary>
    public int[] FieldStates { get; }

    /// <summary>Well-mixed states: neither a cell compartment, a field nor the microglia state (e.g. D, A, Z).</summary>
    public int[] GlobalStates { get; }

    /// <summary>Model amount per cell (the cell routes' common scale, e.g. 1e-6 for amounts in millions of cells).</summary>
    public double CellScale { get; }

    /// <summary>Where cells of <paramref name="route"/> enter: blood or CSF (the route's target state).</summary>
    public CellLocation Entry(string route)
    {
        var target = Model.Definition.DoseRoute(Dose.CellsProduct, route).Route?.TargetState ?? throw new ArgumentException($"unknown cell route '{route}'", nameof(route));
        return target == Section.Cells.Csf ? CellLocation.Csf : CellLocation.Blood;
    }

    /// <summary>The trafficking chain's rates from the parameter vector (k_BL, k_LB, k_Ld, k_BO, k_BT, k_QT, k_QB, k_Td).</summary>
    public TraffickingRates Rates(double[] parameters) => TraffickingRates.FromModel(Model, parameters);

    /// <summary>
    /// Compiles the agent view of <paramref name="model"/>. The model needs an agent section, and the microglia state's
    /// equation must be affine in that state (f = α(1 − M) − βM, as for a fraction): then a resting cell activates at rate
    /// α = f(M = 0) and an activated one rests at β = −f(M = 1), and the lattice mean follows f exactly in expectation.
    /// </summary>
    /// <exception cref="InputException">No agent section, or a microglia equation that is not affine in the state.</exception>
    public static AgentModel Compile(CompiledModel model)
    {
        var definition = model.Definition;
        var section = definition.Agent ?? throw new InputException(definition.Source,
            $"model '{definition.Name}' has no 'agent' section (lattice, microglia, cells, fields, afferents), which the agent engine needs; add one (see models/msc-neuropathic-pain.yaml) or use --engine ode");
        var intermediates = definition.Intermediates.Select(i => i.Expression).ToList();
        var derive = new Differentiator(intermediates);
        var m = section.MicrogliaState;
        var microglia = definition.Equations[m];
        var second = derive.Derivative(derive.Derivative(microglia, SymbolKind.State, m), SymbolKind.State, m);
        if (second is not Number { Value: 0 })
            throw new InputException(definition.Source,
                $"agent: the equation of the microglia state '{definition.States[m].Name}' must be affine in it (activation·(1 − {definition.States[m].Name}) − deactivation·{definition.States[m].Name}) so that each cell's activation and deactivation rates are defined");

        var fields = section.Fields.Select(f => f.State).ToArray();
        var outputs = fields.Select(s => definition.Equations[s])
            .Append(microglia)
            .Concat(fields.Select(s => derive.Derivative(definition.Equations[s], SymbolKind.State, s)))
            .ToList();
        var local = new ExpressionCompiler(intermediates).Compile(outputs);

        var cells = section.Cells;
        var special = new HashSet<int>(fields) { m, cells.Blood, cells.Lung, cells.Csf, cells.Site };
        var globals = Enumerable.Range(0, definition.States.Count).Where(s => !special.Contains(s)).ToArray();
        var scale = ((Number)definition.Product(Dose.CellsProduct)!.Routes[0].Scale).Value;
        return new AgentModel(model, section, local, globals, scale);
    }
}
