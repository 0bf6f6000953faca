using System.Globalization;

namespace CellTherapySim.Modeling.Units;

/// <summary>A unit string that cannot be read: where (0-based offset into the text) and why.</summary>
public sealed class UnitSyntaxException(int offset, string problem) : Exception(problem)
{
    /// <summary>0-based offset of the offending character in the unit text.</summary>
    public int Offset { get; } = offset;
}

/// <summary>
/// Reads unit strings: names of the field's units (day, h, min, s; g, mg, ug, kg; cells; L, mL, uL; mol, mmol, nmol;
/// M, mM, uM; m, mm, um; % and 1), numbers as scale factors (1e6 cells), products (* · or a space), quotients (/,
/// grouping from the left: mg/kg/day is (mg/kg)/day), powers (um^2, day^-1, µm²) and parentheses: 1/(1e6 cells),
/// (1e6 cells*day)/ug.
/// </summary>
public static class UnitParser
{
    private static readonly Dictionary<string, Unit> Names = BuildNames();

    /// <summary>Unit names for messages.</summary>
    public const string Examples = "day, h, min, s, g, mg, ug, kg, cells, L, mL, uL, mol, nmol, uM, um, 1 or a combination such as 1/day, 1/(1e6 cells), mg/kg, um^2/day";

    private static Dictionary<string, Unit> BuildNames()
    {
        var time = new Dimension(1, 0, 0, 0, 0);
        var mass = new Dimension(0, 1, 0, 0, 0);
        var length = new Dimension(0, 0, 1, 0, 0);
        var amount = new Dimension(0, 0, 0, 1, 0);
        var cells = new Dimension(0, 0, 0, 0, 1);
        var names = new Dictionary<string, Unit>(StringComparer.Ordinal)
        {
            ["s"] = new(1, time), ["ms"] = new(1e-3, time), ["min"] = new(60, time), ["h"] = new(3600, time),
            ["day"] = new(86400, time), ["week"] = new(7 * 86400, time),
            ["cells"] = new(1, cells), ["cell"] = new(1, cells),
            ["%"] = new(0.01, Dimension.None),
            ["mcg"] = new(1e-9, mass),
        };
        (string Prefix, double Factor)[] prefixes = [("", 1), ("k", 1e3), ("d", 1e-1), ("c", 1e-2), ("m", 1e-3), ("u", 1e-6), ("µ", 1e-6), ("μ", 1e-6), ("n", 1e-9), ("p", 1e-12)];
        var litre = new Unit(1e-3, length.Times(3));
        var molar = new Unit(1e3, amount.Plus(length.Times(-3)));
        foreach (var (prefix, factor) in prefixes)
        {
            if (prefix != "k" && prefix != "d") names[prefix + "g"] = new(1e-3 * factor, mass);
            if (prefix != "k") names[prefix + "L"] = new(litre.Scale * factor, litre.Dimension);
            if (prefix is "" or "c" or "m" or "u" or "µ" or "μ" or "n") names[prefix + "m"] = new(factor, length);
            if (prefix is not ("d" or "c")) names[prefix + "mol"] = new(factor, amount);
            if (prefix is not ("k" or "d" or "c")) names[prefix + "M"] = new(molar.Scale * factor, molar.Dimension);
        }
        names["kg"] = new(1, mass);
        return names;
    }

    /// <summary>Parses <paramref name="text"/>.</summary>
    /// <exception cref="UnitSyntaxException">The text is empty, has an unknown name or is malformed.</exception>
    public static Unit Parse(string text)
    {
        var reader = new Reader(text);
        reader.SkipSpace();
        if (reader.AtEnd) throw new UnitSyntaxException(0, "the unit is empty; write \"1\" for a dimensionless quantity");
        var unit = reader.Product();
        reader.SkipSpace();
        if (!reader.AtEnd) throw new UnitSyntaxException(reader.Position, $"unexpected '{reader.Current}' in the unit '{text}'; expected *, /, ^ or the end");
        return unit;
    }

    private sealed class Reader(string text)
    {
        public int Position;

        public bool AtEnd => Position >= text.Length;

        public char Current => text[Position];

        public void SkipSpace()
        {
            while (!AtEnd && Current == ' ') Position++;
        }

        /// <summary>term (( * | · | / | space) term)*, grouped from the left.</summary>
        public Unit Product()
        {
            var result = Term();
            while (true)
            {
                var before = Position;
                SkipSpace();
                if (AtEnd || Current == ')') { Position = before; return result; }
                if (Current is '*' or '·' or '/')
                {
                    var divide = Current == '/';
                    Position++;
                    SkipSpace();
                    var next = Term();
                    result = divide ? result / next : result * next;
                }
                else if (Position > before) result *= Term();
                else return result;
            }
        }

        private Unit Term()
        {
            var primary = Primary();
            if (AtEnd) return primary;
            switch (Current)
            {
                case '²': Position++; return primary.Pow(2);
                case '³': Position++; return primary.Pow(3);
                case '^':
                    Position++;
                    var start = Position;
                    var parenthesised = !AtEnd && Current == '(';
                    if (parenthesised) Position++;
                    if (!AtEnd && (Current == '-' || Current == '+')) Position++;
                    while (!AtEnd && (char.IsDigit(Current) || Current == '.')) Position++;
                    var exponentText = text[(start + (parenthesised ? 1 : 0))..Position];
                    if (!double.TryParse(exponentText, NumberStyles.Float, CultureInfo.InvariantCulture, out var exponent))
                        throw new UnitSyntaxException(start, $"'^' needs a number in the unit '{text}' (e.g. um^2, day^-1)");
                    if (parenthesised)
                    {
                        if (AtEnd || Current != ')') throw new UnitSyntaxException(start, $"'(' is never closed in the unit '{text}'");
                        Position++;
                    }
                    return primary.Pow(exponent);
                default:
                    return primary;
            }
        }

        private Unit Primary()
        {
            if (AtEnd) throw new UnitSyntaxException(Position, $"the unit '{text}' ends where a unit or number was expected");
            var start = Position;
            if (Current == '(')
            {
                Position++;
                SkipSpace();
                var inner = Product();
                SkipSpace();
                if (AtEnd || Current != ')') throw new UnitSyntaxException(start, $"'(' is never closed in the unit '{text}'");
                Position++;
                return inner;
            }
            if (char.IsDigit(Current) || Current == '.')
            {
                while (!AtEnd && (char.IsDigit(Current) || Current == '.')) Position++;
                if (!AtEnd && (Current == 'e' || Current == 'E') && Position + 1 < text.Length &&
                    (char.IsDigit(text[Position + 1]) || (text[Position + 1] is '-' or '+' && Position + 2 < text.Length && char.IsDigit(text[Position + 2]))))
                {
                    Position += 2;
                    while (!AtEnd && char.IsDigit(Current)) Position++;
                }
                var number = text[start..Position];
                if (!double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || !(value > 0) || !double.IsFinite(value))
                    throw new UnitSyntaxException(start, $"'{number}' in the unit '{text}' is not a positive finite number");
                return new Unit(value, Dimension.None);
            }
            while (!AtEnd && (char.IsLetter(Current) || Current == '%')) Position++;
            if (Position == start) throw new UnitSyntaxException(start, $"unexpected '{Current}' in the unit '{text}'; expected a unit name, a number or '('");
            var name = text[start..Position];
            return Names.TryGetValue(name, out var unit)
                ? unit
                : throw new UnitSyntaxException(start, $"'{name}' is not a unit; expected {Examples} (say what a dimensionless quantity means in its description and write \"1\")");
        }
    }
}
