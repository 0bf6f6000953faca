using System.Globalization;

namespace CellTherapySim.Modeling.Expressions;

/// <summary>
/// Recursive-descent parser of the model expression language: numbers (1e-3), + - * / ^ (right-associative,
/// binding tighter than unary minus), parentheses, unary minus, the functions of <see cref="FunctionTable"/>
/// and names resolved through a symbol table. Errors name the file, line, column and the offending symbol.
/// </summary>
public sealed class ExpressionParser
{
    private readonly string _text;
    private readonly string _file;
    private readonly int _line;
    private readonly int _column;
    private readonly Func<string, Symbol?> _resolve;
    private readonly Dictionary<Expr, (int Start, int End)> _spans = new(ReferenceEqualityComparer.Instance);
    private int _pos;

    private ExpressionParser(string text, string file, int line, int column, Func<string, Symbol?> resolve)
    {
        _text = text;
        _file = file;
        _line = line;
        _column = column;
        _resolve = resolve;
    }

    /// <summary>
    /// Parses <paramref name="text"/>, which starts at <paramref name="line"/>:<paramref name="column"/> of
    /// <paramref name="file"/>; <paramref name="resolve"/> maps a name to its symbol or null when unknown.
    /// </summary>
    /// <exception cref="InputException">Syntax error, unknown name, or wrong number of function arguments.</exception>
    public static Expr Parse(string text, string file, int line, int column, Func<string, Symbol?> resolve) =>
        ParseLocated(text, file, line, column, resolve).Expression;

    /// <summary>As <see cref="Parse"/>, keeping where in the text each node of the tree was written.</summary>
    public static LocatedExpression ParseLocated(string text, string file, int line, int column, Func<string, Symbol?> resolve)
    {
        var parser = new ExpressionParser(text, file, line, column, resolve);
        parser.SkipSpace();
        if (parser.AtEnd) throw parser.Error(0, "empty expression; expected a formula such as 'k*X'");
        var result = parser.ParseSum();
        parser.SkipSpace();
        if (!parser.AtEnd) throw parser.Error(parser._pos, $"unexpected '{parser._text[parser._pos]}'; expected an operator (+ - * / ^) or the end of the expression");
        return new LocatedExpression(result, text, file, line, column, parser._spans);
    }

    /// <summary>Records that <paramref name="node"/> was written from <paramref name="start"/> to the current position.</summary>
    private Expr Located(Expr node, int start)
    {
        _spans[node] = (start, _pos);
        return node;
    }

    private bool AtEnd => _pos >= _text.Length;

    private char Current => _text[_pos];

    private Expr ParseSum() => ParseLeftAssociative(ParseProduct, ('+', BinaryOperator.Add), ('-', BinaryOperator.Subtract));

    private Expr ParseProduct() => ParseLeftAssociative(ParseUnary, ('*', BinaryOperator.Multiply), ('/', BinaryOperator.Divide));

    /// <summary>operand (op operand)*, grouped from the left, for one precedence level's two operators.</summary>
    private Expr ParseLeftAssociative(Func<Expr> operand, (char Symbol, BinaryOperator Operator) first, (char Symbol, BinaryOperator Operator) second)
    {
        SkipSpace();
        var start = _pos;
        var left = operand();
        while (true)
        {
            SkipSpace();
            if (AtEnd || (Current != first.Symbol && Current != second.Symbol)) return left;
            var op = Current == first.Symbol ? first.Operator : second.Operator;
            _pos++;
            SkipSpace();
            var rightStart = _pos;
            var right = operand();
            if (op == BinaryOperator.Divide && Constant(right) is 0.0)
                throw Error(rightStart, $"division by zero: '{_text[rightStart.._pos].Trim()}' is 0; expected a divisor that is not zero");
            left = Located(Finite(new Binary(op, left, right), start), start);
        }
    }

    /// <summary>
    /// <paramref name="node"/>, checked when it is a constant (no names): a constant part of a formula that is not finite
    /// (log(0), sqrt(-1), 10^400) is refused where it starts, at <paramref name="start"/>.
    /// </summary>
    private Expr Finite(Expr node, int start) =>
        Constant(node) is { } value && !double.IsFinite(value)
            ? throw Error(start, $"'{_text[start.._pos].Trim()}' is {(double.IsNaN(value) ? "not a number (NaN)" : value > 0 ? "infinite (∞)" : "infinite (-∞)")}; " +
                "expected a constant part of a formula to have a finite value (check the domain of log, sqrt and ^)")
            : node;

    /// <summary>The value of an expression made of numbers only, or null when it holds a name.</summary>
    public static double? Constant(Expr e) => e switch
    {
        Number n => n.Value,
        Negate { Operand: var a } => -Constant(a),
        Binary b when Constant(b.Left) is { } x && Constant(b.Right) is { } y => b.Operator switch
        {
            BinaryOperator.Add => x + y,
            BinaryOperator.Subtract => x - y,
            BinaryOperator.Multiply => x * y,
            BinaryOperator.Divide => x / y,
            _ => Math.Pow(x, y),
        },
        Call c when c.Arguments.Select(Constant).ToList() is var args && args.All(a => a is not null) => (c.Function, args) switch
        {
            (Function.Exp, [var x]) => Math.Exp(x!.Value),
            (Function.Log, [var x]) => Math.Log(x!.Value),
            (Function.Sqrt, [var x]) => Math.Sqrt(x!.Value),
            (Function.Abs, [var x]) => Math.Abs(x!.Value),
            (Function.Pos, [var x]) => Math.Max(x!.Value, 0),
            (Function.Min, [var x, var y]) => Math.Min(x!.Value, y!.Value),
            (Function.Max, [var x, var y]) => Math.Max(x!.Value, y!.Value),
            (Function.Hill, [var x, var x50, var n]) => Compilation.ModelFunctions.Hill(x!.Value, x50!.Value, n!.Value),
            _ => null,
        },
        _ => null,
    };

    private Expr ParseUnary()
    {
        SkipSpace();
        if (!AtEnd && Current == '-')
        {
            var start = _pos++;
            var operand = ParseUnary();
            return Located(new Negate(operand), start);
        }
        if (!AtEnd && Current == '+')
        {
            _pos++;
            return ParseUnary();
        }
        return ParsePower();
    }

    private Expr ParsePower()
    {
        SkipSpace();
        var start = _pos;
        var basis = ParsePrimary();
        SkipSpace();
        if (AtEnd || Current != '^') return basis;
        _pos++;
        var exponent = ParseUnary();
        return Located(Finite(new Binary(BinaryOperator.Power, basis, exponent), start), start);
    }

    private Expr ParsePrimary()
    {
        SkipSpace();
        if (AtEnd) throw Error(_pos, "unexpected end of expression; expected a number, a name or '('");
        var c = Current;
        if (char.IsDigit(c) || c == '.') return ParseNumber();
        if (char.IsLetter(c) || c == '_') return ParseNameOrCall();
        if (c == '(')
        {
            var open = _pos++;
            var inner = ParseSum();
            SkipSpace();
            if (AtEnd || Current != ')') throw Error(open, "'(' is never closed; expected ')'");
            _pos++;
            return inner;
        }
        throw Error(_pos, $"unexpected '{c}'; expected a number, a name or '('");
    }

    private Expr ParseNumber()
    {
        var start = _pos;
        while (!AtEnd && (char.IsDigit(Current) || Current == '.')) _pos++;
        if (!AtEnd && (Current == 'e' || Current == 'E'))
        {
            var save = _pos++;
            if (!AtEnd && (Current == '+' || Current == '-')) _pos++;
            if (AtEnd || !char.IsDigit(Current)) _pos = save;
            else while (!AtEnd && char.IsDigit(Current)) _pos++;
        }
        var token = _text[start.._pos];
        if (!double.TryParse(token, NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
            throw Error(start, $"'{token}' is not a number");
        if (!AtEnd && (char.IsLetter(Current) || Current == '_'))
            throw Error(start, $"'{token}{Current}' is neither a number nor a name; write '*' between a number and a name");
        return Located(new Number(value), start);
    }

    private Expr ParseNameOrCall()
    {
        var start = _pos;
        while (!AtEnd && (char.IsLetterOrDigit(Current) || Current == '_')) _pos++;
        var name = _text[start.._pos];
        var afterName = _pos;
        SkipSpace();
        if (!AtEnd && Current == '(')
        {
            if (!FunctionTable.TryGet(name, out var function, out var arity))
                throw Error(start, $"unknown function '{name}'; expected one of {string.Join(", ", FunctionTable.Names)}");
            _pos++;
            var args = new List<Expr>();
            SkipSpace();
            if (!AtEnd && Current == ')') _pos++;
            else
            {
                while (true)
                {
                    args.Add(ParseSum());
                    SkipSpace();
                    if (AtEnd) throw Error(start, $"call of '{name}' is never closed; expected ')'");
                    if (Current == ',') { _pos++; continue; }
                    if (Current == ')') { _pos++; break; }
                    throw Error(_pos, $"unexpected '{Current}' in the arguments of '{name}'; expected ',' or ')'");
                }
            }
            if (args.Count != arity)
                throw Error(start, $"'{name}' takes {arity} argument{(arity == 1 ? "" : "s")}, not {args.Count}");
            return Located(Finite(new Call(function, args), start), start);
        }
        _pos = afterName;
        if (FunctionTable.IsReserved(name))
            throw Error(start, $"'{name}' is a function; expected '{name}(...)'");
        // A fresh copy per occurrence, so that each occurrence has its own place in the text.
        var symbol = _resolve(name) ?? throw Error(start, $"unknown name '{name}'; expected a parameter, state or intermediate of the model");
        return Located(symbol with { }, start);
    }

    private void SkipSpace()
    {
        while (!AtEnd && char.IsWhiteSpace(Current)) _pos++;
    }

    private InputException Error(int offset, string problem) => ErrorAt(_text, _file, _line, _column, offset, problem);

    /// <summary>An error at <paramref name="offset"/> of <paramref name="text"/>, which starts at <paramref name="line"/>:<paramref name="column"/> of <paramref name="file"/>.</summary>
    internal static InputException ErrorAt(string text, string file, int line, int column, int offset, string problem)
    {
        for (var i = 0; i < offset && i < text.Length; i++)
        {
            if (text[i] == '\n') { line++; column = 1; }
            else column++;
        }
        return new InputException(file, line, column, problem);
    }
}
