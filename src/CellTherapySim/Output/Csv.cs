namespace CellTherapySim.Output;

/// <summary>CSV field quoting (RFC 4180): a field with a comma, quote or line break is quoted, quotes doubled.</summary>
public static class Csv
{
    /// <summary>The field as it must appear in a CSV line.</summary>
    public static string Field(string field) =>
        field.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? $"\"{field.Replace("\"", "\"\"")}\"" : field;
}
