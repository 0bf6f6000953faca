using System.Globalization;
using System.Text;

namespace CellTherapySim.Modeling.Units;

/// <summary>Powers of the base dimensions a unit is made of: time, mass, length, amount of substance and cell count.</summary>
public readonly record struct Dimension(double Time, double Mass, double Length, double Amount, double Cells)
{
    /// <summary>No dimension: a pure number.</summary>
    public static readonly Dimension None = new(0, 0, 0, 0, 0);

    /// <summary>The dimension of a product: exponents add.</summary>
    public Dimension Plus(Dimension o) => new(Time + o.Time, Mass + o.Mass, Length + o.Length, Amount + o.Amount, Cells + o.Cells);

    /// <summary>The dimension raised to a power: exponents multiply.</summary>
    public Dimension Times(double power) => new(Time * power, Mass * power, Length * power, Amount * power, Cells * power);

    /// <summary>Whether every exponent agrees with <paramref name="o"/>'s to 1e-9.</summary>
    public bool Matches(Dimension o) =>
        Math.Abs(Time - o.Time) < 1e-9 && Math.Abs(Mass - o.Mass) < 1e-9 && Math.Abs(Length - o.Length) < 1e-9 &&
        Math.Abs(Amount - o.Amount) < 1e-9 && Math.Abs(Cells - o.Cells) < 1e-9;
}

/// <summary>
/// A physical unit: <see cref="Scale"/> times a product of powers of the base units s, kg, m, mol and one cell
/// (e.g. 1/day is 1/86400 s⁻¹, 1e6 cells is 10⁶ cells, mg/L is 10⁻³ kg m⁻³). Two units are the same when their
/// dimensions agree and their scales agree to a relative 1e-9.
/// </summary>
public readonly record struct Unit(double Scale, Dimension Dimension)
{
    /// <summary>The unit of a pure number ("1").</summary>
    public static readonly Unit One = new(1, Dimension.None);

    /// <summary>Whether this is a pure number with scale 1.</summary>
    public bool IsOne => Matches(One);

    /// <summary>Whether this unit has no dimension (a ratio, possibly with a scale such as mg/kg = 10⁻⁶).</summary>
    public bool IsDimensionless => Dimension.Matches(Dimension.None);

    /// <summary>The product of two units.</summary>
    public static Unit operator *(Unit a, Unit b) => new(a.Scale * b.Scale, a.Dimension.Plus(b.Dimension));

    /// <summary>The quotient of two units.</summary>
    public static Unit operator /(Unit a, Unit b) => new(a.Scale / b.Scale, a.Dimension.Plus(b.Dimension.Times(-1)));

    /// <summary>The unit raised to a (possibly fractional) power.</summary>
    public Unit Pow(double power) => new(Math.Pow(Scale, power), Dimension.Times(power));

    /// <summary>Whether the dimensions agree and the scales agree to a relative 1e-9.</summary>
    public bool Matches(Unit other) => Dimension.Matches(other.Dimension) && Math.Abs(Scale - other.Scale) <= 1e-9 * Math.Max(Math.Abs(Scale), Math.Abs(other.Scale));

    /// <summary>
    /// The unit written in the display units <paramref name="time"/> (e.g. day), g, m, mol and cells, with a leading
    /// factor when the scale is not 1: "1/day", "1e6 cells/day", "0.001 g/m^3".
    /// </summary>
    public string Format(NamedUnit time)
    {
        (string Name, double Scale, double Power)[] parts =
        [
            ("cells", 1, Dimension.Cells), ("g", 1e-3, Dimension.Mass), ("m", 1, Dimension.Length),
            ("mol", 1, Dimension.Amount), (time.Name, time.Unit.Scale, Dimension.Time),
        ];
        var factor = Scale;
        foreach (var p in parts) factor /= Math.Pow(p.Scale, p.Power);
        var numerator = string.Join("*", parts.Where(p => p.Power > 1e-9).Select(p => Power(p.Name, p.Power)));
        var denominators = parts.Where(p => p.Power < -1e-9).Select(p => Power(p.Name, -p.Power)).ToList();
        var text = new StringBuilder();
        var leading = Math.Abs(factor - 1) > 1e-9 ? Number(factor) : null;
        if (leading is not null) text.Append(leading);
        if (numerator.Length > 0) text.Append(leading is null ? "" : " ").Append(numerator);
        else if (leading is null) text.Append('1');
        if (denominators.Count > 0) text.Append('/').Append(denominators.Count == 1 ? denominators[0] : $"({string.Join("*", denominators)})");
        return text.ToString();
    }

    private static string Power(string name, double power) =>
        Math.Abs(power - 1) < 1e-9 ? name : $"{name}^{power.ToString("0.###", CultureInfo.InvariantCulture)}";

    /// <summary>A scale factor as written in unit strings: powers of ten as 1e6, others with six significant digits.</summary>
    public static string Number(double value)
    {
        var log = Math.Log10(Math.Abs(value));
        if (Math.Abs(log - Math.Round(log)) < 1e-9 && value > 0) return $"1e{Math.Round(log).ToString(CultureInfo.InvariantCulture)}";
        var text = value.ToString("G6", CultureInfo.InvariantCulture);
        return text.IndexOf('E') is var e and >= 0 ? $"{text[..e]}e{int.Parse(text[(e + 1)..], CultureInfo.InvariantCulture)}" : text;
    }
}

/// <summary>A unit together with the text it was written as (for messages).</summary>
public readonly record struct NamedUnit(string Name, Unit Unit)
{
    /// <summary>The text as written.</summary>
    public override string ToString() => Name;
}
