using CellTherapySim.Modeling.Expressions;

namespace CellTherapySim.Tests.Modeling;

/// <summary>The expression language: precedence, associativity, number syntax, functions and located errors.</summary>
public sealed class ExpressionParserTests
{
    private const string File = "f.yaml";
    private const int StartLine = 3;
    private const int StartColumn = 10;
    private const double X = 2.5;

    private static Symbol? Resolve(string name) => name switch
    {
        "x" => new Symbol("x", SymbolKind.Parameter, 0),
        "t" => new Symbol("t", SymbolKind.Time, 0),
        _ => null,
    };

    private static Expr Parse(string text) => ExpressionParser.Parse(text, File, StartLine, StartColumn, Resolve);

    /// <summary>Evaluates a parsed tree with x = <see cref="X"/> and t = 0.</summary>
    private static double Evaluate(Expr expr) => expr switch
    {
        Number n => n.Value,
        Symbol { Kind: SymbolKind.Parameter } => X,
        Symbol { Kind: SymbolKind.Time } => 0,
        Negate n => -Evaluate(n.Operand),
        Binary b => b.Operator switch
        {
            BinaryOperator.Add => Evaluate(b.Left) + Evaluate(b.Right),
            BinaryOperator.Subtract => Evaluate(b.Left) - Evaluate(b.Right),
            BinaryOperator.Multiply => Evaluate(b.Left) * Evaluate(b.Right),
            BinaryOperator.Divide => Evaluate(b.Left) / Evaluate(b.Right),
            BinaryOperator.Power => Math.Pow(Evaluate(b.Left), Evaluate(b.Right)),
            _ => throw new ArgumentOutOfRangeException(nameof(expr)),
        },
        Call c => Apply(c.Function, c.Arguments.Select(Evaluate).ToArray()),
        _ => throw new ArgumentOutOfRangeException(nameof(expr)),
    };

    private static double Apply(Function function, double[] a) => function switch
    {
        Function.Exp => Math.Exp(a[0]),
        Function.Log => Math.Log(a[0]),
        Function.Sqrt => Math.Sqrt(a[0]),
        Function.Abs => Math.Abs(a[0]),
        Function.Min => Math.Min(a[0], a[1]),
        Function.Max => Math.Max(a[0], a[1]),
        Function.Pos => Math.Max(a[0], 0),
        Function.Hill => a[0] > 0 ? Math.Pow(a[0], a[2]) / (Math.Pow(a[1], a[2]) + Math.Pow(a[0], a[2])) : 0,
        _ => throw new ArgumentOutOfRangeException(nameof(function)),
    };

    [Theory]
    [InlineData("2^3^2", 512)]
    [InlineData("(2^3)^2", 64)]
    [InlineData("-2^2", -4)]
    [InlineData("(-2)^2", 4)]
    [InlineData("2^-1", 0.5)]
    [InlineData("1-2-3", -4)]
    [InlineData("1-(2-3)", 2)]
    [InlineData("8/4/2", 1)]
    [InlineData("2+3*4", 14)]
    [InlineData("2*3+4", 10)]
    [InlineData("(2+3)*4", 20)]
    [InlineData("2*-3", -6)]
    [InlineData("- -2", 2)]
    [InlineData("+2", 2)]
    [InlineData("-x^2", -6.25)]
    [InlineData("2*x^2", 12.5)]
    [InlineData("x/2*4", 5)]
    [InlineData("t + x", 2.5)]
    public void OperatorsFollowPrecedenceAndAssociativity(string text, double expected) =>
        Assert.Equal(expected, Evaluate(Parse(text)), 12);

    [Theory]
    [InlineData("1e-3", 1e-3)]
    [InlineData(".5", 0.5)]
    [InlineData("2.5E+2", 250)]
    [InlineData("1E3", 1000)]
    [InlineData("3.", 3)]
    [InlineData("0.25", 0.25)]
    [InlineData("7e0", 7)]
    public void NumbersAreRead(string text, double expected) =>
        Assert.Equal(expected, Assert.IsType<Number>(Parse(text)).Value, 15);

    [Theory]
    [InlineData("exp(0)", 1)]
    [InlineData("log(1)", 0)]
    [InlineData("sqrt(x*10)", 5)]
    [InlineData("abs(-x)", 2.5)]
    [InlineData("min(2, 3)", 2)]
    [InlineData("max( 2 ,3 )", 3)]
    [InlineData("pos(-1) + pos(2)", 2)]
    [InlineData("hill(1, 1, 2)", 0.5)]
    [InlineData("exp (0)", 1)]
    public void FunctionsTakeTheirArguments(string text, double expected) =>
        Assert.Equal(expected, Evaluate(Parse(text)), 12);

    [Theory]
    [InlineData("min(1)", 0, "'min' takes 2 arguments, not 1")]
    [InlineData("min(1, 2, 3)", 0, "'min' takes 2 arguments, not 3")]
    [InlineData("x + exp(1, 2)", 4, "'exp' takes 1 argument, not 2")]
    [InlineData("hill()", 0, "'hill' takes 3 arguments, not 0")]
    [InlineData("x + foo(1)", 4, "unknown function 'foo'")]
    [InlineData("x * zz", 4, "unknown name 'zz'")]
    [InlineData("(x + 1", 0, "'(' is never closed")]
    [InlineData("x * (1 + (2)", 4, "'(' is never closed")]
    [InlineData("min(1, 2", 0, "call of 'min' is never closed")]
    [InlineData("x +", 3, "unexpected end of expression")]
    [InlineData("x * ", 4, "unexpected end of expression")]
    [InlineData("x ^", 3, "unexpected end of expression")]
    [InlineData("2k", 0, "'2k' is neither a number nor a name")]
    [InlineData("x + 2k", 4, "'2k' is neither a number nor a name")]
    [InlineData("1.2.3", 0, "'1.2.3' is not a number")]
    [InlineData("1 2", 2, "unexpected '2'")]
    [InlineData("x # 1", 2, "unexpected '#'")]
    [InlineData("x + * 2", 4, "unexpected '*'")]
    [InlineData("min(1 2)", 6, "unexpected '2' in the arguments of 'min'")]
    [InlineData("exp", 0, "'exp' is a function")]
    [InlineData("", 0, "empty expression")]
    [InlineData("x )", 2, "unexpected ')'")]
    [InlineData("x / (1 - 1)", 4, "division by zero: '(1 - 1)' is 0")]
    [InlineData("x / 0", 4, "division by zero: '0' is 0")]
    [InlineData("x + log(0)", 4, "'log(0)' is infinite (-∞)")]
    [InlineData("2 * sqrt(-1)", 4, "'sqrt(-1)' is not a number (NaN)")]
    [InlineData("x * 10^400", 4, "'10^400' is infinite (∞)")]
    [InlineData("x + 1e308 * 10", 4, "'1e308 * 10' is infinite")]
    public void ErrorsNameTheFileLineColumnAndSymbol(string text, int offset, string problem)
    {
        var error = Assert.Throws<InputException>(() => Parse(text));
        Assert.Equal(File, error.Source);
        Assert.Equal(StartLine, error.Line);
        Assert.Equal(StartColumn + offset, error.Column);
        Assert.Contains(problem, error.Problem);
        Assert.StartsWith($"{File}:{StartLine}:{StartColumn + offset}: ", error.Message);
    }

    [Fact]
    public void ErrorOnALaterLineCountsColumnsFromThatLine()
    {
        var error = Assert.Throws<InputException>(() => Parse("x +\n  zz"));
        Assert.Equal((StartLine + 1, 3), (error.Line, error.Column));
        Assert.Contains("'zz'", error.Message);
    }
}
