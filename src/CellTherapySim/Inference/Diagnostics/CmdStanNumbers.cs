using System.Globalization;

namespace CellTherapySim.Inference.Diagnostics;

/// <summary>Numbers as CmdStan writes them (C++ streams: 1e-05, nan, inf, -inf) and reads them back.</summary>
internal static class CmdStanNumbers
{
    /// <summary>
    /// <paramref name="value"/> with <paramref name="significantDigits"/> digits (C++'s default %g style), or in the
    /// shortest form that reads back to the same double when null.
    /// </summary>
    public static string Format(double value, int? significantDigits) => value switch
    {
        double.NaN => "nan",
        double.PositiveInfinity => "inf",
        double.NegativeInfinity => "-inf",
        _ => value.ToString(significantDigits is { } digits ? $"G{digits}" : "R", CultureInfo.InvariantCulture).Replace('E', 'e'),
    };

    /// <summary>Parses a number written by CmdStan (or by <see cref="Format"/>); surrounding blanks are ignored.</summary>
    public static bool TryParse(ReadOnlySpan<char> text, out double value)
    {
        text = text.Trim();
        var unsigned = text.Length > 0 && text[0] is '-' or '+' ? text[1..] : text;
        if (unsigned.Equals("nan", StringComparison.OrdinalIgnoreCase))
        {
            value = double.NaN;
            return true;
        }
        if (unsigned.Equals("inf", StringComparison.OrdinalIgnoreCase))
        {
            value = text[0] == '-' ? double.NegativeInfinity : double.PositiveInfinity;
            return true;
        }
        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value);
    }
}
