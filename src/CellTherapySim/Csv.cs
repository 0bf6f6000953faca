using System.Globalization;

namespace CellTherapySim;

/// <summary>CSV fields: quoting (RFC 4180: a field with a comma, quote or line break is quoted, quotes doubled) and round-trip numbers.</summary>
public static class Csv
{
    /// <summary>The field as it must appear in a CSV line.</summary>
    public static string Field(string field) =>
        field.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? $"\"{field.Replace("\"", "\"\"")}\"" : field;

    /// <summary>A number in invariant culture, shortest text that round-trips.</summary>
    public static string Number(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}
