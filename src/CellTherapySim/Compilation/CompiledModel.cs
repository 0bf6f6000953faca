using System.Collections.Concurrent;
using CellTherapySim.Modeling;
using CellTherapySim.Modeling.Expressions;

namespace CellTherapySim.Compilation;

/// <summary>
/// A model compiled to delegates: right-hand side f(t, x, p), its analytic Jacobians ∂f/∂x (with ∂f/∂t) and ∂f/∂p,
/// the readouts and their gradients. Immutable and thread-safe; the delegates allocate nothing.
/// Matrices are row-major: ∂f/∂x is n×n, ∂f/∂p is n×np, ∂r/∂x is nr×n, ∂r/∂p is nr×np.
/// </summary>
public sealed class CompiledModel
{
    private CompiledModel(ModelDefinition definition, ModelFunction rhs, ModelFunctionPair jacobian, ModelFunction parameterJacobian,
        ModelFunction readouts, ModelFunctionPair readoutGradients, ModelFunction doseScales, IReadOnlySet<int> doseScaleParameters)
    {
        _doseScales = doseScales;
        DoseScaleParameters = doseScaleParameters;
        Definition = definition;
        RightHandSide = rhs;
        Jacobian = jacobian;
        ParameterJacobian = parameterJacobian;
        Readouts = readouts;
        ReadoutGradients = readoutGradients;
    }

    /// <summary>The model this was compiled from.</summary>
    public ModelDefinition Definition { get; }

    /// <summary>Number of states n.</summary>
    public int StateCount => Definition.States.Count;

    /// <summary>Number of parameters np.</summary>
    public int ParameterCount => Definition.Parameters.Count;

    /// <summary>Number of readouts nr.</summary>
    public int ReadoutCount => Definition.Readouts.Count;

    /// <summary>dx/dt = f(t, x, p) into result (length n).</summary>
    public ModelFunction RightHandSide { get; }

    /// <summary>∂f/∂x into first (n×n) and ∂f/∂t into second (n).</summary>
    public ModelFunctionPair Jacobian { get; }

    /// <summary>∂f/∂p into result (n×np), for forward sensitivities.</summary>
    public ModelFunction ParameterJacobian { get; }

    /// <summary>Readout values into result (length nr).</summary>
    public ModelFunction Readouts { get; }

    /// <summary>∂r/∂x into first (nr×n) and ∂r/∂p into second (nr×np).</summary>
    public ModelFunctionPair ReadoutGradients { get; }

    private readonly ModelFunction _doseScales;

    /// <summary>The scale of every product route at the parameters <paramref name="parameters"/>, indexed by <see cref="ProductRoute.Index"/> (a fresh array).</summary>
    public double[] DoseScaleValues(double[] parameters)
    {
        var result = new double[DoseRouteCount];
        DoseScaleValues(parameters, result);
        return result;
    }

    /// <summary>The dose scales at the parameter values into <paramref name="into"/> (<see cref="DoseRouteCount"/> of them).</summary>
    public void DoseScaleValues(double[] parameters, double[] into) => _doseScales(0, [], parameters, into);

    /// <summary>Number of (product, route) pairs, each with its dose scale.</summary>
    public int DoseRouteCount => Definition.Products.Sum(p => p.Routes.Count);

    /// <summary>The parameters that some dose scale uses (indices), e.g. body weight and bioavailability.</summary>
    public IReadOnlySet<int> DoseScaleParameters { get; }

    private readonly ConcurrentDictionary<string, int[]> _active = new();

    /// <summary>
    /// The states a simulation from <paramref name="initial"/> with doses into the states <paramref name="dosed"/> must
    /// integrate, in model order: all but those that provably stay 0 (<see cref="DormantStates"/>); computed once per
    /// pattern of zero initial values and dosed states, then shared.
    /// </summary>
    internal int[] ActiveStates(double[] initial, IReadOnlySet<int> dosed)
    {
        var key = string.Concat(Enumerable.Range(0, StateCount).Select(i => dosed.Contains(i) ? 'd' : initial[i] == 0 ? '0' : 'x'));
        return _active.GetOrAdd(key, _ =>
        {
            var dormant = DormantStates.Find(Definition, initial, dosed);
            return Enumerable.Range(0, StateCount).Where(i => !dormant[i]).ToArray();
        });
    }

    private readonly ConcurrentDictionary<string, SensitivityEquations> _sensitivities = new();

    /// <summary>
    /// The compiled forward sensitivity equations for the free parameters <paramref name="free"/> over the states
    /// <paramref name="states"/> (default: all), integrating the free parameters marked in <paramref name="integrate"/> besides those
    /// that enter the equations (<see cref="SensitivityEquations.Compile"/>; compiled once per combination, then shared).
    /// </summary>
    internal SensitivityEquations Sensitivities(IReadOnlyList<int> free, int[]? states = null, IReadOnlyList<bool>? integrate = null)
    {
        states ??= Enumerable.Range(0, StateCount).ToArray();
        integrate ??= new bool[free.Count];
        return _sensitivities.GetOrAdd($"{string.Join(",", free)}|{string.Join(",", states)}|{string.Concat(integrate.Select(b => b ? '1' : '0'))}",
            _ => SensitivityEquations.Compile(this, free, states, integrate));
    }

    /// <summary>The model's parameter values, in model order (a fresh copy).</summary>
    public double[] DefaultParameters() => Definition.Parameters.Select(p => p.Value).ToArray();

    /// <summary>Initial states for an injury preset (null or empty: the states' own initial values).</summary>
    public double[] InitialState(string? injury)
    {
        var x = Definition.States.Select(s => s.Initial).ToArray();
        if (string.IsNullOrEmpty(injury)) return x;
        var preset = Definition.Injury(injury) ?? throw new ArgumentException($"unknown injury preset '{injury}'", nameof(injury));
        foreach (var (state, value) in preset.InitialValues) x[state] = value;
        return x;
    }

    /// <summary>Differentiates and compiles a model definition.</summary>
    public static CompiledModel Compile(ModelDefinition definition)
    {
        var intermediates = definition.Intermediates.Select(i => i.Expression).ToList();
        var compiler = new ExpressionCompiler(intermediates);
        var derive = new Differentiator(intermediates);
        var f = definition.Equations;
        var r = definition.Readouts.Select(o => o.Expression).ToList();
        var scales = definition.Products.SelectMany(p => p.Routes).OrderBy(route => route.Index).Select(route => route.Scale).ToList();
        int n = definition.States.Count, np = definition.Parameters.Count;

        List<Expr> Matrix(IReadOnlyList<Expr> rows, SymbolKind kind, int columns) =>
            rows.SelectMany(e => Enumerable.Range(0, columns).Select(j => derive.Derivative(e, kind, j))).ToList();

        return new CompiledModel(
            definition,
            compiler.Compile(f),
            compiler.Compile(Matrix(f, SymbolKind.State, n), f.Select(e => derive.Derivative(e, SymbolKind.Time, 0)).ToList()),
            compiler.Compile(Matrix(f, SymbolKind.Parameter, np)),
            compiler.Compile(r),
            compiler.Compile(Matrix(r, SymbolKind.State, n), Matrix(r, SymbolKind.Parameter, np)),
            compiler.Compile(scales),
            Enumerable.Range(0, np).Where(k => scales.Any(e => derive.Derivative(e, SymbolKind.Parameter, k) is not Number { Value: 0 })).ToHashSet());
    }
}
