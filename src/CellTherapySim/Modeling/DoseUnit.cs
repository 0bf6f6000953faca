using System.Globalization;
using System.Text.RegularExpressions;

namespace CellTherapySim.Modeling;

/// <summary>What a dose unit measures: a count (cells), a mass, or a mass per kilogram of body weight.</summary>
public enum DoseDimension
{
    /// <summary>A number of items (cells); an amount without a unit is a count.</summary>
    Count,
    /// <summary>A mass (ng, ug, mg, g).</summary>
    Mass,
    /// <summary>A mass per kilogram of body weight (ng/kg, ug/kg, mg/kg, g/kg).</summary>
    MassPerBodyWeight,
}

/// <summary>A unit of dose amounts: its symbol, its dimension and its size in the dimension's base unit (count, g, g/kg) as a power of ten.</summary>
public sealed partial record DoseUnit(string Symbol, DoseDimension Dimension, int Exponent)
{
    private static readonly DoseUnit[] Known =
    [
        new("cells", DoseDimension.Count, 0),
        new("ng", DoseDimension.Mass, -9), new("ug", DoseDimension.Mass, -6), new("mg", DoseDimension.Mass, -3), new("g", DoseDimension.Mass, 0),
        new("ng/kg", DoseDimension.MassPerBodyWeight, -9), new("ug/kg", DoseDimension.MassPerBodyWeight, -6),
        new("mg/kg", DoseDimension.MassPerBodyWeight, -3), new("g/kg", DoseDimension.MassPerBodyWeight, 0),
    ];

    /// <summary>The unit written <paramref name="symbol"/> (µg and mcg are ug), or null when it is not a dose unit.</summary>
    public static DoseUnit? Find(string symbol)
    {
        var normal = symbol.Replace(" ", "", StringComparison.Ordinal).Replace("µg", "ug", StringComparison.Ordinal).Replace("μg", "ug", StringComparison.Ordinal).Replace("mcg", "ug", StringComparison.Ordinal);
        return Known.FirstOrDefault(u => u.Symbol == normal);
    }

    /// <summary>The symbols of every known dose unit, for messages.</summary>
    public static IEnumerable<string> Symbols => Known.Select(u => u.Symbol);

    /// <summary>The units an amount of this unit may be written in (same dimension), for messages.</summary>
    public IEnumerable<string> Compatible => Known.Where(u => u.Dimension == Dimension).Select(u => u.Symbol);

    /// <summary>Whether doses in this unit scale with body weight.</summary>
    public bool PerBodyWeight => Dimension == DoseDimension.MassPerBodyWeight;

    /// <summary>
    /// Parses an amount with its unit ("100ug", "0.1 mg", "150mg/kg", "1e6", "1e6 cells") into this unit: the value
    /// converted from the written unit. Null with a reason when the text is not a number, the unit is unknown or of
    /// another dimension, a unit is missing where this unit needs one (only counts may be written bare), or the amount is negative.
    /// </summary>
    public (double Amount, string? Problem) Parse(string text)
    {
        var match = AmountPattern().Match(text);
        if (!match.Success || !double.TryParse(match.Groups["number"].Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || !double.IsFinite(value))
            return (0, $"'{text}' is not an amount; expected a number with its unit, e.g. {Example}");
        var symbol = match.Groups["unit"].Value.Trim();
        DoseUnit written;
        if (symbol.Length == 0)
        {
            if (Dimension != DoseDimension.Count)
                return (0, $"the amount '{text}' has no unit; expected one of {string.Join(", ", Compatible)} (e.g. {Example})");
            written = this;
        }
        else if (Find(symbol) is { } unit && unit.Dimension == Dimension) written = unit;
        else
            return (0, $"the unit '{symbol}' of '{text}' does not fit doses in {Symbol}; expected one of {string.Join(", ", Compatible)}{(Dimension == DoseDimension.Count ? " or no unit" : "")}");
        if (value < 0) return (0, $"the amount '{text}' is negative; expected an amount ≥ 0");
        // Powers of ten applied as exact integers, so 0.1 mg is 100 ug and 2500 ng is 2.5 ug to the last bit.
        var shift = written.Exponent - Exponent;
        return (shift >= 0 ? value * Math.Pow(10, shift) : value / Math.Pow(10, -shift), null);
    }

    private string Example => Dimension switch
    {
        DoseDimension.Count => $"1e6 or 1e6{Symbol}",
        DoseDimension.Mass => $"100{Symbol}",
        _ => $"150{Symbol}",
    };

    /// <summary>An amount in this unit as text: "1,000,000 cells", "100 ug", "150 mg/kg".</summary>
    public string Format(double amount) => string.Create(CultureInfo.InvariantCulture, $"{amount:#,0.###} {Symbol}");

    [GeneratedRegex(@"^\s*(?<number>[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?)\s*(?<unit>\S*(\s*/\s*\S+)?)\s*$")]
    private static partial Regex AmountPattern();
}
