using System.Reflection;
using CellTherapySim.Modeling.Expressions;
using Linq = System.Linq.Expressions;

namespace CellTherapySim.Compilation;

/// <summary>Evaluates model quantities at (t, x, p) into <paramref name="result"/> (a compiled model function).</summary>
public delegate void ModelFunction(double t, double[] x, double[] p, double[] result);

/// <summary>Evaluates two related model quantities at (t, x, p) (e.g. ∂f/∂x and ∂f/∂t).</summary>
public delegate void ModelFunctionPair(double t, double[] x, double[] p, double[] first, double[] second);

/// <summary>Evaluates model quantities at (t, x, p) that also depend on a direction vector v (e.g. second-derivative products).</summary>
internal delegate void ModelDirectionalFunction(double t, double[] x, double[] p, double[] v, double[] result);

/// <summary>Component <see cref="Index"/> of the direction vector v of a <see cref="ModelDirectionalFunction"/> (compiled code only).</summary>
internal sealed record Direction(int Index) : Expr;

/// <summary>
/// Compiles expression trees into delegates with System.Linq.Expressions: states and parameters are array
/// reads at fixed indices, intermediates are locals computed once per call, and integer powers are products.
/// The compiled code allocates nothing.
/// </summary>
internal sealed class ExpressionCompiler
{
    private static readonly MethodInfo Pow = Method(typeof(Math), nameof(Math.Pow), 2);

    private static readonly Dictionary<Function, MethodInfo> Functions = new()
    {
        [Function.Exp] = Method(typeof(Math), nameof(Math.Exp), 1),
        [Function.Log] = Method(typeof(Math), nameof(Math.Log), 1),
        [Function.Sqrt] = Method(typeof(Math), nameof(Math.Sqrt), 1),
        [Function.Abs] = Method(typeof(Math), nameof(Math.Abs), 1),
        [Function.Min] = Method(typeof(Math), nameof(Math.Min), 2),
        [Function.Max] = Method(typeof(Math), nameof(Math.Max), 2),
        [Function.Pos] = Method(typeof(ModelFunctions), nameof(ModelFunctions.Pos), 1),
        [Function.Hill] = Method(typeof(ModelFunctions), nameof(ModelFunctions.Hill), 3),
        [Function.Step] = Method(typeof(ModelFunctions), nameof(ModelFunctions.Step), 1),
        [Function.Sign] = Method(typeof(ModelFunctions), nameof(ModelFunctions.Sign), 1),
        [Function.HillDx] = Method(typeof(ModelFunctions), nameof(ModelFunctions.HillDx), 3),
        [Function.HillDx50] = Method(typeof(ModelFunctions), nameof(ModelFunctions.HillDx50), 3),
        [Function.HillDn] = Method(typeof(ModelFunctions), nameof(ModelFunctions.HillDn), 3),
        [Function.HillDxDx] = Method(typeof(ModelFunctions), nameof(ModelFunctions.HillDxDx), 3),
        [Function.HillDxDx50] = Method(typeof(ModelFunctions), nameof(ModelFunctions.HillDxDx50), 3),
        [Function.HillDxDn] = Method(typeof(ModelFunctions), nameof(ModelFunctions.HillDxDn), 3),
        [Function.HillDx50Dx50] = Method(typeof(ModelFunctions), nameof(ModelFunctions.HillDx50Dx50), 3),
        [Function.HillDx50Dn] = Method(typeof(ModelFunctions), nameof(ModelFunctions.HillDx50Dn), 3),
        [Function.HillDnDn] = Method(typeof(ModelFunctions), nameof(ModelFunctions.HillDnDn), 3),
    };

    private readonly IReadOnlyList<Expr> _intermediates;

    /// <summary>
    /// Creates a compiler for expressions over the given intermediates (in dependency order: an intermediate may refer
    /// to earlier ones only). Extra intermediates appended after a model's own serve as shared subexpressions.
    /// </summary>
    public ExpressionCompiler(IReadOnlyList<Expr> intermediates) => _intermediates = intermediates;

    /// <summary>Compiles result[k] = outputs[k](t, x, p) for every k.</summary>
    public ModelFunction Compile(IReadOnlyList<Expr> outputs) => Lambda<ModelFunction>(null, outputs);

    /// <summary>Compiles first[k] = firstOutputs[k] and second[k] = secondOutputs[k] in one call.</summary>
    public ModelFunctionPair Compile(IReadOnlyList<Expr> firstOutputs, IReadOnlyList<Expr> secondOutputs) =>
        Lambda<ModelFunctionPair>(null, firstOutputs, secondOutputs);

    /// <summary>
    /// Compiles result[offset + k] += outputs[k](t, x, p, v), where <see cref="Direction"/> nodes read v (v and result may
    /// be one array when the outputs land beyond the components of v that are read).
    /// </summary>
    public ModelDirectionalFunction CompileDirectional(IReadOnlyList<Expr> outputs, int offset) => Lambda<ModelDirectionalFunction>(offset, outputs);

    /// <summary>
    /// A delegate (t, x, p, targets...) writing each list of outputs into its target array, or, with an
    /// <paramref name="accumulateAt"/> offset, (t, x, p, v, target) adding the outputs into the target from that offset.
    /// </summary>
    private TDelegate Lambda<TDelegate>(int? accumulateAt, params IReadOnlyList<Expr>[] outputs)
    {
        var t = Linq.Expression.Parameter(typeof(double), "t");
        var x = Linq.Expression.Parameter(typeof(double[]), "x");
        var p = Linq.Expression.Parameter(typeof(double[]), "p");
        var v = accumulateAt is null ? null : Linq.Expression.Parameter(typeof(double[]), "v");
        var targets = outputs.Select((o, i) => (Target: Linq.Expression.Parameter(typeof(double[]), $"result{i}"), Outputs: o)).ToList();
        var body = Body(new Context(t, x, p, v, new Linq.ParameterExpression[_intermediates.Count]), targets, accumulateAt);
        Linq.ParameterExpression[] inputs = v is null ? [t, x, p] : [t, x, p, v];
        return Linq.Expression.Lambda<TDelegate>(body, inputs.Concat(targets.Select(target => target.Target))).Compile();
    }

    private Linq.Expression Body(Context context, IReadOnlyList<(Linq.ParameterExpression Target, IReadOnlyList<Expr> Outputs)> targets, int? accumulateAt)
    {
        var used = new bool[_intermediates.Count];
        foreach (var (_, outputs) in targets)
            foreach (var e in outputs) MarkUsed(e, used);

        var locals = context.Locals;
        var statements = new List<Linq.Expression>();
        for (var i = 0; i < _intermediates.Count; i++)
        {
            if (!used[i]) continue;
            locals[i] = Linq.Expression.Variable(typeof(double), $"i{i}");
            statements.Add(Linq.Expression.Assign(locals[i], Emit(_intermediates[i], context)));
        }
        foreach (var (target, outputs) in targets)
            for (var k = 0; k < outputs.Count; k++)
            {
                if (accumulateAt is not null && Ex.IsZero(outputs[k])) continue;   // adding 0 changes nothing
                var element = Linq.Expression.ArrayAccess(target, Linq.Expression.Constant(k + (accumulateAt ?? 0)));
                var value = Emit(outputs[k], context);
                statements.Add(accumulateAt is null ? Linq.Expression.Assign(element, value) : Linq.Expression.AddAssign(element, value));
            }
        statements.Add(Linq.Expression.Empty());
        return Linq.Expression.Block(locals.Where(l => l is not null), statements);
    }

    private void MarkUsed(Expr e, bool[] used)
    {
        switch (e)
        {
            case Symbol { Kind: SymbolKind.Intermediate } s when !used[s.Index]:
                used[s.Index] = true;
                MarkUsed(_intermediates[s.Index], used);
                break;
            case Negate n: MarkUsed(n.Operand, used); break;
            case Binary b: MarkUsed(b.Left, used); MarkUsed(b.Right, used); break;
            case Call c: foreach (var a in c.Arguments) MarkUsed(a, used); break;
        }
    }

    private sealed record Context(Linq.ParameterExpression T, Linq.ParameterExpression X, Linq.ParameterExpression P,
        Linq.ParameterExpression? V, Linq.ParameterExpression[] Locals);

    private static Linq.Expression Emit(Expr e, Context c) => e switch
    {
        Number n => Linq.Expression.Constant(n.Value),
        Symbol { Kind: SymbolKind.Time } => c.T,
        Symbol { Kind: SymbolKind.State } s => Linq.Expression.ArrayIndex(c.X, Linq.Expression.Constant(s.Index)),
        Symbol { Kind: SymbolKind.Parameter } s => Linq.Expression.ArrayIndex(c.P, Linq.Expression.Constant(s.Index)),
        Symbol { Kind: SymbolKind.Intermediate } s => c.Locals[s.Index],
        Direction d => Linq.Expression.ArrayIndex(c.V ?? throw new InvalidOperationException("a direction outside a directional function"),
            Linq.Expression.Constant(d.Index)),
        Negate n => Linq.Expression.Negate(Emit(n.Operand, c)),
        Binary b => EmitBinary(b, c),
        Call call => EmitCall(call, c),
        _ => throw new InvalidOperationException($"unknown expression node {e.GetType().Name}"),
    };

    private static Linq.Expression EmitBinary(Binary b, Context c)
    {
        if (b.Operator == BinaryOperator.Power && b.Right is Number { Value: var k } && k == Math.Round(k) && Math.Abs(k) is >= 1 and <= 4)
        {
            // Small integer powers as products: exact for the model's Hill-type terms and far faster than Math.Pow.
            var basis = Emit(b.Left, c);
            var variable = Linq.Expression.Variable(typeof(double), "b");
            Linq.Expression product = variable;
            for (var i = 1; i < Math.Abs(k); i++) product = Linq.Expression.Multiply(product, variable);
            if (k < 0) product = Linq.Expression.Divide(Linq.Expression.Constant(1.0), product);
            return Linq.Expression.Block([variable], Linq.Expression.Assign(variable, basis), product);
        }
        var (left, right) = (Emit(b.Left, c), Emit(b.Right, c));
        return b.Operator switch
        {
            BinaryOperator.Add => Linq.Expression.Add(left, right),
            BinaryOperator.Subtract => Linq.Expression.Subtract(left, right),
            BinaryOperator.Multiply => Linq.Expression.Multiply(left, right),
            BinaryOperator.Divide => Linq.Expression.Divide(left, right),
            BinaryOperator.Power => Linq.Expression.Call(Pow, left, right),
            _ => throw new InvalidOperationException($"unknown operator {b.Operator}"),
        };
    }

    private static Linq.Expression EmitCall(Call call, Context c) =>
        Functions.TryGetValue(call.Function, out var method)
            ? Linq.Expression.Call(method, call.Arguments.Select(a => Emit(a, c)))
            : throw new InvalidOperationException($"unknown function {call.Function}");

    private static MethodInfo Method(Type type, string name, int arity) =>
        type.GetMethod(name, Enumerable.Repeat(typeof(double), arity).ToArray())
        ?? throw new InvalidOperationException($"{type.Name}.{name} not found");
}
