namespace CellTherapySim.Modeling.Expressions;

/// <summary>A node of a model expression's syntax tree (immutable; subtrees may be shared).</summary>
public abstract record Expr;

/// <summary>A numeric constant.</summary>
public sealed record Number(double Value) : Expr
{
    /// <summary>The constant 0.</summary>
    public static readonly Number Zero = new(0);

    /// <summary>The constant 1.</summary>
    public static readonly Number One = new(1);
}

/// <summary>What a name in an expression refers to.</summary>
public enum SymbolKind
{
    /// <summary>A model parameter (index into the parameter vector).</summary>
    Parameter,
    /// <summary>A state variable (index into the state vector).</summary>
    State,
    /// <summary>A named intermediate expression (index into the model's intermediates).</summary>
    Intermediate,
    /// <summary>The independent variable t (days).</summary>
    Time,
}

/// <summary>A resolved name: a parameter, state, intermediate or the time t.</summary>
public sealed record Symbol(string Name, SymbolKind Kind, int Index) : Expr;

/// <summary>Unary minus.</summary>
public sealed record Negate(Expr Operand) : Expr;

/// <summary>The binary arithmetic operators of the expression language.</summary>
public enum BinaryOperator
{
    /// <summary>a + b</summary>
    Add,
    /// <summary>a - b</summary>
    Subtract,
    /// <summary>a * b</summary>
    Multiply,
    /// <summary>a / b</summary>
    Divide,
    /// <summary>a ^ b</summary>
    Power,
}

/// <summary>A binary operation.</summary>
public sealed record Binary(BinaryOperator Operator, Expr Left, Expr Right) : Expr;

/// <summary>A call of a built-in function.</summary>
public sealed record Call(Function Function, IReadOnlyList<Expr> Arguments) : Expr;
