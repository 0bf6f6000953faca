using CellTherapySim.Modeling.Expressions;

namespace CellTherapySim.Modeling.Units;

/// <summary>What the unit check of a model found: the inferred units of its intermediates and what was not checked.</summary>
public sealed record UnitReport(string TimeUnit, int Checked, IReadOnlyList<string> IntermediateUnits, IReadOnlyList<string> Unchecked)
{
    /// <summary>The report of a model built without a unit check (in code).</summary>
    public static readonly UnitReport None = new("day", 0, [], []);
}

/// <summary>
/// Dimensional analysis of a model's expressions (the rules SimBiology and MoBi apply): terms of a sum, and the
/// arguments of min and max, have the same unit; exp and log take pure numbers; hill(x, x50, n) takes x and x50 in
/// one unit and a pure number n; a power of a quantity with a unit has a constant exponent; numbers are pure.
/// Each dX/dt has the unit of X per the model's time unit, each readout its declared unit, and each route scale turns
/// its product's dose unit into the target state's unit. A mismatch is an <see cref="InputException"/> at the term.
/// </summary>
public sealed class UnitChecker
{
    /// <summary>The YAML tag that exempts one expression from the check (its value's unit is then unknown).</summary>
    public const string UncheckedTag = "!units-unchecked";

    private readonly NamedUnit _time;
    private readonly IReadOnlyList<NamedUnit> _parameters;
    private readonly IReadOnlyList<(string Name, NamedUnit Unit)> _states;
    private readonly List<Unit?> _intermediates = [];
    private readonly List<string> _intermediateUnits = [];
    private readonly List<string> _unchecked = [];
    private readonly List<NamedUnit> _declared;
    private int _checked;

    /// <summary>A checker for a model with the given time unit, the units of its parameters and the names and units of its states (in index order).</summary>
    public UnitChecker(NamedUnit time, IReadOnlyList<NamedUnit> parameters, IReadOnlyList<(string Name, NamedUnit Unit)> states)
    {
        _time = time;
        _parameters = parameters;
        _states = states;
        _declared = [time, .. parameters, .. states.Select(s => s.Unit)];
    }

    /// <summary>What was checked, for `check`.</summary>
    public UnitReport Report => new(_time.Name, _checked, _intermediateUnits, _unchecked);

    /// <summary>Infers the unit of the next intermediate (in the order of their indices).</summary>
    public void Intermediate(string name, LocatedExpression x, bool exempt)
    {
        var unit = exempt ? Exempt($"intermediate '{name}'") : Infer(x, x.Expression);
        _intermediates.Add(unit);
        _intermediateUnits.Add(unit is { } u ? Display(u) : "not checked");
    }

    /// <summary>Checks that dX/dt has the unit of X per time unit.</summary>
    public void Equation(int state, LocatedExpression x, bool exempt)
    {
        var name = $"d{StateName(state)}/dt";
        if (exempt) { Exempt($"equation '{name}'"); return; }
        var expected = _states[state].Unit.Unit / _time.Unit;
        if (Infer(x, x.Expression) is { } got && !got.Matches(expected))
            throw x.Error(x.Expression, $"{name} = '{x.Snippet(x.Expression)}' is in {Display(got)}; expected {Display(expected)} (the unit of {StateName(state)}, {_states[state].Unit.Name}, per {_time.Name})");
    }

    /// <summary>Checks that a readout's expression has its declared unit.</summary>
    public void Readout(string name, LocatedExpression x, NamedUnit declared, bool exempt)
    {
        if (exempt) { Exempt($"readout '{name}'"); return; }
        if (Infer(x, x.Expression) is { } got && !got.Matches(declared.Unit))
            throw x.Error(x.Expression, $"readout '{name}' = '{x.Snippet(x.Expression)}' is in {Display(got)}; expected its declared unit {declared.Name}");
    }

    /// <summary>
    /// Checks that a route's scale turns the dose unit into the target state's unit: the scale's unit times the dose
    /// unit has the target's dimension, and the conversion between their scales (cells into 1e6 cells: 1e-6) is the
    /// product of the scale's numbers.
    /// </summary>
    public void RouteScale(string what, LocatedExpression x, NamedUnit dose, int target, bool exempt)
    {
        if (exempt) { Exempt(what); return; }
        if (Infer(x, x.Expression) is not { } scale) return;
        var delivered = scale * dose.Unit;
        var (targetName, (targetText, targetUnit)) = _states[target];
        if (!delivered.Dimension.Matches(targetUnit.Dimension))
            throw x.Error(x.Expression, $"the scale of {what} is in {Display(scale)}, so a dose in {dose.Name} enters {targetName} as {Display(delivered)}; expected {targetText} (the unit of {targetName}), so a scale in {Display(targetUnit / dose.Unit)}");
        var needed = delivered.Scale / targetUnit.Scale;
        var coefficient = Coefficient(x.Expression);
        if (Math.Abs(coefficient / needed - 1) > 1e-9)
            throw x.Error(x.Expression, $"the scale of {what} has the numeric factor {Unit.Number(coefficient)}, but turning {dose.Name} into {targetText} (the unit of {targetName}) needs the factor {Unit.Number(needed)}; expected a scale whose numbers multiply to {Unit.Number(needed)} (give other factors, such as a bioavailability, as parameters)");
    }

    /// <summary>Whether two declared units are the same unit.</summary>
    public static bool Same(NamedUnit a, NamedUnit b) => a.Unit.Matches(b.Unit);

    private Unit? Exempt(string what)
    {
        _unchecked.Add(what);
        return null;
    }

    private string StateName(int state) => _states[state].Name;

    /// <summary>A unit for messages: as a declared unit writes it, or such a unit per (or times) the time unit, or in base units.</summary>
    private string Display(Unit unit)
    {
        foreach (var d in _declared) if (d.Unit.Matches(unit)) return d.Name;
        foreach (var d in _declared)
        {
            if (d.Unit.IsOne) continue;
            var compound = d.Name.Contains('/') ? $"({d.Name})" : d.Name;
            if ((d.Unit / _time.Unit).Matches(unit)) return $"{compound}/{_time.Name}";
            if ((d.Unit * _time.Unit).Matches(unit)) return $"{compound}*{_time.Name}";
        }
        return unit.Format(_time);
    }

    /// <summary>The product of the numbers multiplying or dividing the whole expression (1e-6 in 1e-6*F).</summary>
    private static double Coefficient(Expr e) => e switch
    {
        Number n => n.Value,
        Negate n => -Coefficient(n.Operand),
        Binary { Operator: BinaryOperator.Multiply } b => Coefficient(b.Left) * Coefficient(b.Right),
        Binary { Operator: BinaryOperator.Divide } b => Coefficient(b.Left) / Coefficient(b.Right),
        _ => 1,
    };

    /// <summary>The unit of <paramref name="e"/>, or null when it depends on an exempt intermediate.</summary>
    private Unit? Infer(LocatedExpression x, Expr e)
    {
        _checked++;
        switch (e)
        {
            case Number:
                return Unit.One;
            case Symbol s:
                return s.Kind switch
                {
                    SymbolKind.Parameter => _parameters[s.Index].Unit,
                    SymbolKind.State => _states[s.Index].Unit.Unit,
                    SymbolKind.Intermediate => _intermediates[s.Index],
                    _ => _time.Unit,
                };
            case Negate n:
                return Infer(x, n.Operand);
            case Binary { Operator: BinaryOperator.Add or BinaryOperator.Subtract } b:
                return Alike(x, b.Left, b.Right, b.Operator == BinaryOperator.Add ? "a sum (+)" : "a difference (-)");
            case Binary { Operator: BinaryOperator.Multiply } b:
                return Infer(x, b.Left) is { } l && Infer(x, b.Right) is { } r ? l * r : null;
            case Binary { Operator: BinaryOperator.Divide } b:
                return Infer(x, b.Left) is { } dividend && Infer(x, b.Right) is { } divisor ? dividend / divisor : null;
            case Binary { Operator: BinaryOperator.Power } b:
            {
                var basis = Infer(x, b.Left);
                Pure(x, b.Right, "an exponent");
                if (basis is not { } u) return null;
                if (u.IsOne) return Unit.One;
                return ExpressionParser.Constant(b.Right) is { } power
                    ? u.Pow(power)
                    : throw x.Error(b.Right, $"'{x.Snippet(b.Left)}' is in {Display(u)}, so its exponent must be a constant number, not '{x.Snippet(b.Right)}'; expected a number, or a dimensionless base (divide it by a reference value)");
            }
            case Call c:
                return c.Function switch
                {
                    Function.Exp or Function.Log => Pure(x, c.Arguments[0], $"the argument of {FunctionName(c)}"),
                    Function.Sqrt => Infer(x, c.Arguments[0])?.Pow(0.5),
                    Function.Min or Function.Max => Alike(x, c.Arguments[0], c.Arguments[1], $"{FunctionName(c)}(a, b)"),
                    Function.Hill => HillUnit(x, c),
                    _ => Infer(x, c.Arguments[0]),
                };
            default:
                return null;
        }
    }

    private static string FunctionName(Call c) => FunctionTable.NameOf(c.Function);

    /// <summary>hill(x, x50, n): x and x50 alike, n a pure number; the result is a pure number.</summary>
    private Unit? HillUnit(LocatedExpression x, Call c)
    {
        Alike(x, c.Arguments[0], c.Arguments[1], "hill(x, x50, n): x and x50");
        Pure(x, c.Arguments[2], "the Hill coefficient n of hill(x, x50, n)");
        return Unit.One;
    }

    /// <summary>Checks that two operands have the same unit and returns it.</summary>
    private Unit? Alike(LocatedExpression x, Expr left, Expr right, string what)
    {
        var l = Infer(x, left);
        var r = Infer(x, right);
        if (l is not { } a || r is not { } b) return l ?? r;
        if (a.Matches(b)) return a;
        var why = a.Dimension.Matches(b.Dimension)
            ? $" (the same dimension at a different scale: convert one of them, e.g. with a factor {Unit.Number(b.Scale / a.Scale)})"
            : "";
        throw x.Error(right, $"'{x.Snippet(right)}' is in {Display(b)} but '{x.Snippet(left)}' is in {Display(a)}{why}; {what} needs like units: expected {Display(a)}");
    }

    /// <summary>Checks that an operand is a pure number (a dimensionless ratio of scale 1).</summary>
    private Unit? Pure(LocatedExpression x, Expr operand, string what)
    {
        if (Infer(x, operand) is { } u && !u.IsOne)
            throw x.Error(operand, $"{what} must be a pure number, but '{x.Snippet(operand)}' is in {Display(u)}; expected a dimensionless ratio (divide by a reference value in the same unit)");
        return Unit.One;
    }
}
