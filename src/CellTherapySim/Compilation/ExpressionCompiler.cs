using System.Reflection;
using CellTherapySim.Modeling.Expressions;
using Linq = System.Linq.Expressions;

namespace CellTherapySim.Compilation;

/// <summary>Evaluates model quantities at (t, x, p) into <paramref name="result"/> (a compiled model function).</summary>
public delegate void ModelFunction(double t, double[] x, double[] p, double[] result);

/// <summary>Evaluates two related model quantities at (t, x, p) (e.g. ∂f/∂x and ∂f/∂t).</summary>
public delegate void ModelFunctionPair(double t, double[] x, double[] p, double[] first, double[] second);

/// <summary>
/// Compiles expression trees into delegates with System.Linq.Expressions: states and parameters are array
/// reads at fixed indices, intermediates are locals computed once per call, and integer powers are products.
/// The compiled code allocates nothing.
/// </summary>
internal sealed class ExpressionCompiler
{
    private static readonly MethodInfo Exp = Method(typeof(Math), nameof(Math.Exp), 1);
    private static readonly MethodInfo Log = Method(typeof(Math), nameof(Math.Log), 1);
    private static readonly MethodInfo Sqrt = Method(typeof(Math), nameof(Math.Sqrt), 1);
    private static readonly MethodInfo Abs = Method(typeof(Math), nameof(Math.Abs), 1);
    private static readonly MethodInfo Min = Method(typeof(Math), nameof(Math.Min), 2);
    private static readonly MethodInfo Max = Method(typeof(Math), nameof(Math.Max), 2);
    private static readonly MethodInfo Pow = Method(typeof(Math), nameof(Math.Pow), 2);
    private static readonly MethodInfo Sign = Method(typeof(ModelFunctions), nameof(ModelFunctions.Sign), 1);
    private static readonly MethodInfo Pos = Method(typeof(ModelFunctions), nameof(ModelFunctions.Pos), 1);
    private static readonly MethodInfo Step = Method(typeof(ModelFunctions), nameof(ModelFunctions.Step), 1);
    private static readonly MethodInfo Hill = Method(typeof(ModelFunctions), nameof(ModelFunctions.Hill), 3);
    private static readonly MethodInfo HillDx = Method(typeof(ModelFunctions), nameof(ModelFunctions.HillDx), 3);
    private static readonly MethodInfo HillDx50 = Method(typeof(ModelFunctions), nameof(ModelFunctions.HillDx50), 3);
    private static readonly MethodInfo HillDn = Method(typeof(ModelFunctions), nameof(ModelFunctions.HillDn), 3);

    private readonly IReadOnlyList<Expr> _intermediates;

    /// <summary>Creates a compiler for expressions over the given intermediates (in dependency order).</summary>
    public ExpressionCompiler(IReadOnlyList<Expr> intermediates) => _intermediates = intermediates;

    /// <summary>Compiles result[k] = outputs[k](t, x, p) for every k.</summary>
    public ModelFunction Compile(IReadOnlyList<Expr> outputs)
    {
        var (t, x, p) = Inputs();
        var result = Linq.Expression.Parameter(typeof(double[]), "result");
        var body = Body(t, x, p, [(result, outputs)]);
        return Linq.Expression.Lambda<ModelFunction>(body, t, x, p, result).Compile();
    }

    /// <summary>Compiles first[k] = firstOutputs[k] and second[k] = secondOutputs[k] in one call.</summary>
    public ModelFunctionPair Compile(IReadOnlyList<Expr> firstOutputs, IReadOnlyList<Expr> secondOutputs)
    {
        var (t, x, p) = Inputs();
        var first = Linq.Expression.Parameter(typeof(double[]), "first");
        var second = Linq.Expression.Parameter(typeof(double[]), "second");
        var body = Body(t, x, p, [(first, firstOutputs), (second, secondOutputs)]);
        return Linq.Expression.Lambda<ModelFunctionPair>(body, t, x, p, first, second).Compile();
    }

    private static (Linq.ParameterExpression T, Linq.ParameterExpression X, Linq.ParameterExpression P) Inputs() => (
        Linq.Expression.Parameter(typeof(double), "t"),
        Linq.Expression.Parameter(typeof(double[]), "x"),
        Linq.Expression.Parameter(typeof(double[]), "p"));

    private Linq.Expression Body(Linq.ParameterExpression t, Linq.ParameterExpression x, Linq.ParameterExpression p,
        IReadOnlyList<(Linq.ParameterExpression Target, IReadOnlyList<Expr> Outputs)> targets)
    {
        var used = new bool[_intermediates.Count];
        foreach (var (_, outputs) in targets)
            foreach (var e in outputs) MarkUsed(e, used);

        var locals = new Linq.ParameterExpression[_intermediates.Count];
        var statements = new List<Linq.Expression>();
        var context = new Context(t, x, p, locals);
        for (var i = 0; i < _intermediates.Count; i++)
        {
            if (!used[i]) continue;
            locals[i] = Linq.Expression.Variable(typeof(double), $"i{i}");
            statements.Add(Linq.Expression.Assign(locals[i], Emit(_intermediates[i], context)));
        }
        foreach (var (target, outputs) in targets)
            for (var k = 0; k < outputs.Count; k++)
                statements.Add(Linq.Expression.Assign(
                    Linq.Expression.ArrayAccess(target, Linq.Expression.Constant(k)),
                    Emit(outputs[k], context)));
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

    private sealed record Context(Linq.ParameterExpression T, Linq.ParameterExpression X, Linq.ParameterExpression P, Linq.ParameterExpression[] Locals);

    private static Linq.Expression Emit(Expr e, Context c) => e switch
    {
        Number n => Linq.Expression.Constant(n.Value),
        Symbol { Kind: SymbolKind.Time } => c.T,
        Symbol { Kind: SymbolKind.State } s => Linq.Expression.ArrayIndex(c.X, Linq.Expression.Constant(s.Index)),
        Symbol { Kind: SymbolKind.Parameter } s => Linq.Expression.ArrayIndex(c.P, Linq.Expression.Constant(s.Index)),
        Symbol { Kind: SymbolKind.Intermediate } s => c.Locals[s.Index],
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

    private static Linq.Expression EmitCall(Call call, Context c)
    {
        var args = call.Arguments.Select(a => Emit(a, c)).ToArray();
        return call.Function switch
        {
            Function.Exp => Linq.Expression.Call(Exp, args),
            Function.Log => Linq.Expression.Call(Log, args),
            Function.Sqrt => Linq.Expression.Call(Sqrt, args),
            Function.Abs => Linq.Expression.Call(Abs, args),
            Function.Min => Linq.Expression.Call(Min, args),
            Function.Max => Linq.Expression.Call(Max, args),
            Function.Pos => Linq.Expression.Call(Pos, args),
            Function.Hill => Linq.Expression.Call(Hill, args),
            Function.Step => Linq.Expression.Call(Step, args),
            Function.Sign => Linq.Expression.Call(Sign, args),
            Function.HillDx => Linq.Expression.Call(HillDx, args),
            Function.HillDx50 => Linq.Expression.Call(HillDx50, args),
            Function.HillDn => Linq.Expression.Call(HillDn, args),
            _ => throw new InvalidOperationException($"unknown function {call.Function}"),
        };
    }

    private static MethodInfo Method(Type type, string name, int arity) =>
        type.GetMethod(name, Enumerable.Repeat(typeof(double), arity).ToArray())
        ?? throw new InvalidOperationException($"{type.Name}.{name} not found");
}
