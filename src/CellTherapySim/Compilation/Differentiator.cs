using CellTherapySim.Modeling.Expressions;

namespace CellTherapySim.Compilation;

/// <summary>
/// Symbolic partial derivatives of model expressions with respect to a state, a parameter or t.
/// Intermediates are differentiated by the chain rule through their definitions (memoised).
/// Non-smooth functions get their one-sided derivatives: pos'(x) = step(x), max/min pick the active branch,
/// abs'(x) = sign(x), and step' = sign' = 0. A derivative can be differentiated again (second derivatives, for forward
/// sensitivities): hill's partial derivatives have their own second-derivative functions; third derivatives of hill are
/// not supported.
/// </summary>
public sealed class Differentiator
{
    private readonly IReadOnlyList<Expr> _intermediates;
    private readonly Dictionary<(int Intermediate, SymbolKind Kind, int Index), Expr> _memo = new();

    /// <summary>Creates a differentiator for expressions over the given intermediate definitions (by index).</summary>
    public Differentiator(IReadOnlyList<Expr> intermediates) => _intermediates = intermediates;

    /// <summary>∂<paramref name="expr"/>/∂(the symbol of kind <paramref name="kind"/> and index <paramref name="index"/>).</summary>
    public Expr Derivative(Expr expr, SymbolKind kind, int index)
    {
        if (kind == SymbolKind.Intermediate) throw new ArgumentException("differentiate with respect to a state, parameter or t", nameof(kind));
        return D(expr, kind, index);
    }

    private Expr D(Expr e, SymbolKind kind, int index)
    {
        switch (e)
        {
            case Number:
                return Number.Zero;
            case Symbol s when s.Kind == SymbolKind.Intermediate:
                var key = (s.Index, kind, index);
                if (!_memo.TryGetValue(key, out var d))
                    _memo[key] = d = D(_intermediates[s.Index], kind, index);
                return d;
            case Symbol s:
                return s.Kind == kind && s.Index == index ? Number.One : Number.Zero;
            case Negate n:
                return Ex.Neg(D(n.Operand, kind, index));
            case Binary b:
                return Binary(b, D(b.Left, kind, index), D(b.Right, kind, index));
            case Call c:
                var dargs = c.Arguments.Select(a => D(a, kind, index)).ToArray();
                return dargs.All(Ex.IsZero) ? Number.Zero : Call(c, dargs);
            default:
                throw new InvalidOperationException($"unknown expression node {e.GetType().Name}");
        }
    }

    private static Expr Binary(Binary b, Expr da, Expr db)
    {
        var (u, v) = (b.Left, b.Right);
        switch (b.Operator)
        {
            case BinaryOperator.Add: return Ex.Add(da, db);
            case BinaryOperator.Subtract: return Ex.Sub(da, db);
            case BinaryOperator.Multiply: return Ex.Add(Ex.Mul(da, v), Ex.Mul(u, db));
            case BinaryOperator.Divide:
                // (u/v)' = u'/v − u·v'/v²
                return Ex.Sub(Ex.Div(da, v), Ex.Div(Ex.Mul(u, db), Ex.Mul(v, v)));
            case BinaryOperator.Power:
                // (u^v)' = v·u^(v−1)·u' + u^v·log(u)·v'; the second term only when v depends on the variable.
                var baseTerm = Ex.IsZero(da) ? Number.Zero : Ex.Mul(Ex.Mul(v, Ex.Pow(u, Ex.Sub(v, Number.One))), da);
                var expTerm = Ex.IsZero(db) ? Number.Zero : Ex.Mul(Ex.Mul(b, Ex.Call(Function.Log, u)), db);
                return Ex.Add(baseTerm, expTerm);
            default:
                throw new InvalidOperationException($"unknown operator {b.Operator}");
        }
    }

    private static Expr Call(Call c, Expr[] d)
    {
        var a = c.Arguments;
        switch (c.Function)
        {
            case Function.Exp: return Ex.Mul(c, d[0]);
            case Function.Log: return Ex.Div(d[0], a[0]);
            case Function.Sqrt: return Ex.Div(d[0], Ex.Mul(Ex.Num(2), c));
            case Function.Abs: return Ex.Mul(Ex.Call(Function.Sign, a[0]), d[0]);
            case Function.Pos: return Ex.Mul(Ex.Call(Function.Step, a[0]), d[0]);
            case Function.Max: return Branch(Ex.Sub(a[0], a[1]), d[0], d[1]);
            case Function.Min: return Branch(Ex.Sub(a[1], a[0]), d[0], d[1]);
            case Function.Step:
            case Function.Sign:
                return Number.Zero;
            case Function.Hill: return HillChain(a, d, Function.HillDx, Function.HillDx50, Function.HillDn);
            case Function.HillDx: return HillChain(a, d, Function.HillDxDx, Function.HillDxDx50, Function.HillDxDn);
            case Function.HillDx50: return HillChain(a, d, Function.HillDxDx50, Function.HillDx50Dx50, Function.HillDx50Dn);
            case Function.HillDn: return HillChain(a, d, Function.HillDxDn, Function.HillDx50Dn, Function.HillDnDn);
            default:
                throw new NotSupportedException($"derivatives of {FunctionTable.NameOf(c.Function)} (third derivatives of hill) are not supported");
        }
    }

    /// <summary>The chain rule through a function of (x, x50, n) whose partial derivatives are the given functions.</summary>
    private static Expr HillChain(IReadOnlyList<Expr> a, Expr[] d, Function dx, Function dx50, Function dn) =>
        Ex.Add(Ex.Add(
            Ex.Mul(Ex.Call(dx, a[0], a[1], a[2]), d[0]),
            Ex.Mul(Ex.Call(dx50, a[0], a[1], a[2]), d[1])),
            Ex.Mul(Ex.Call(dn, a[0], a[1], a[2]), d[2]));

    /// <summary>step(s)·da + (1 − step(s))·db: the derivative of the branch chosen by the sign of s.</summary>
    private static Expr Branch(Expr s, Expr da, Expr db)
    {
        var step = Ex.Call(Function.Step, s);
        return Ex.Add(Ex.Mul(step, da), Ex.Mul(Ex.Sub(Number.One, step), db));
    }
}
