using CellTherapySim.Modeling.Expressions;

namespace CellTherapySim.Compilation;

/// <summary>
/// Smart constructors for expression nodes that fold constants and drop identities (0+x, 1·x, 0·x, x^1),
/// so that symbolic derivatives stay small.
/// </summary>
internal static class Ex
{
    public static Expr Num(double value) => value == 0 ? Number.Zero : value == 1 ? Number.One : new Number(value);

    public static bool IsZero(Expr e) => e is Number { Value: 0 };

    private static bool IsOne(Expr e) => e is Number { Value: 1 };

    public static Expr Neg(Expr a) => a switch
    {
        Number n => Num(-n.Value),
        Negate inner => inner.Operand,
        _ => new Negate(a),
    };

    public static Expr Add(Expr a, Expr b) => (a, b) switch
    {
        (Number x, Number y) => Num(x.Value + y.Value),
        _ when IsZero(a) => b,
        _ when IsZero(b) => a,
        (_, Negate nb) => Sub(a, nb.Operand),
        _ => new Binary(BinaryOperator.Add, a, b),
    };

    public static Expr Sub(Expr a, Expr b) => (a, b) switch
    {
        (Number x, Number y) => Num(x.Value - y.Value),
        _ when IsZero(b) => a,
        _ when IsZero(a) => Neg(b),
        (_, Negate nb) => Add(a, nb.Operand),
        _ => new Binary(BinaryOperator.Subtract, a, b),
    };

    public static Expr Mul(Expr a, Expr b) => (a, b) switch
    {
        (Number x, Number y) => Num(x.Value * y.Value),
        _ when IsZero(a) || IsZero(b) => Number.Zero,
        _ when IsOne(a) => b,
        _ when IsOne(b) => a,
        (Number { Value: -1 }, _) => Neg(b),
        (_, Number { Value: -1 }) => Neg(a),
        (Negate na, Negate nb) => Mul(na.Operand, nb.Operand),
        (Negate na, _) => Neg(Mul(na.Operand, b)),
        (_, Negate nb) => Neg(Mul(a, nb.Operand)),
        _ => new Binary(BinaryOperator.Multiply, a, b),
    };

    public static Expr Div(Expr a, Expr b) => (a, b) switch
    {
        (Number x, Number y) when y.Value != 0 => Num(x.Value / y.Value),
        _ when IsZero(a) => Number.Zero,
        _ when IsOne(b) => a,
        (Negate na, _) => Neg(Div(na.Operand, b)),
        _ => new Binary(BinaryOperator.Divide, a, b),
    };

    public static Expr Pow(Expr a, Expr b) => (a, b) switch
    {
        (Number x, Number y) => Num(Math.Pow(x.Value, y.Value)),
        _ when IsOne(b) => a,
        _ when IsZero(b) => Number.One,
        _ => new Binary(BinaryOperator.Power, a, b),
    };

    public static Expr Call(Function function, params Expr[] args) => new Call(function, args);

    /// <summary>
    /// <paramref name="e"/> with every symbol replaced by <paramref name="replace"/>'s expression for it, simplified on the
    /// way up (the functions that are 0 at 0 — hill, pos, abs, sqrt — become 0 when their first argument does).
    /// </summary>
    public static Expr Substitute(Expr e, Func<Symbol, Expr> replace)
    {
        switch (e)
        {
            case Symbol s:
                return replace(s);
            case Negate negate:
                return Neg(Substitute(negate.Operand, replace));
            case Binary b:
                var (left, right) = (Substitute(b.Left, replace), Substitute(b.Right, replace));
                return b.Operator switch
                {
                    BinaryOperator.Add => Add(left, right),
                    BinaryOperator.Subtract => Sub(left, right),
                    BinaryOperator.Multiply => Mul(left, right),
                    BinaryOperator.Divide => Div(left, right),
                    _ => Pow(left, right),
                };
            case Call c:
                var args = c.Arguments.Select(a => Substitute(a, replace)).ToArray();
                return c.Function is Function.Hill or Function.Pos or Function.Abs or Function.Sqrt && IsZero(args[0]) ? Number.Zero : Call(c.Function, args);
            default:
                return e;
        }
    }
}
