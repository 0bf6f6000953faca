using System.Globalization;
using CellTherapySim.Modeling;
using static CellTherapySim.Studies.DataColumns;

namespace CellTherapySim.Studies;

/// <summary>
/// Reads group-level summary data (GROUP,TIME,DVID,MEAN,SD,N; models/data/README.md), checks it against a model's
/// endpoints and, when a design is given, against the design's groups.
/// </summary>
/// <remarks>Columns may come in any order; other columns are ignored. Rows are returned in file order.</remarks>
public static class SummaryCsvReader
{
    /// <summary>The columns of the format.</summary>
    public static IReadOnlyList<string> Columns { get; } = [Group, Time, Endpoint, Mean, Sd, Count];

    /// <summary>The header line of the format.</summary>
    public static string Header { get; } = string.Join(",", Columns);

    /// <summary>
    /// Reads the rows of the file at <paramref name="path"/>; with <paramref name="design"/>, every group must be one of
    /// its groups (the summary alone does not say what the groups are).
    /// </summary>
    public static IReadOnlyList<SummaryRow> Read(string path, ModelDefinition model, StudyDesign? design = null)
    {
        using var table = CsvTable.Open(path, Header);
        return Read(table, model, design);
    }

    /// <summary>Reads the rows in <paramref name="reader"/>; <paramref name="sourceName"/> names it in messages.</summary>
    public static IReadOnlyList<SummaryRow> Read(TextReader reader, string sourceName, ModelDefinition model, StudyDesign? design = null)
    {
        using var table = CsvTable.Open(reader, sourceName, Header);
        return Read(table, model, design);
    }

    internal static IReadOnlyList<SummaryRow> Read(CsvTable table, ModelDefinition model, StudyDesign? design)
    {
        table.Require(Columns, "a summary file (group means)");
        var rows = new List<SummaryRow>();
        var lines = new Dictionary<(string, double, string), int>();
        while (table.Read())
        {
            var group = ReadGroup(table);
            if (design is not null && design.Groups.All(g => g.Name != group))
                throw table.Error(Group, $"column {Group}: group '{group}' is not in the study design; expected one of {string.Join(", ", design.Groups.Select(g => $"'{g.Name}'"))}");
            var time = ReadTime(table);
            var definition = ReadEndpoint(table, model, "a summary row");
            var endpoint = definition.Name;
            var mean = table.Number(Mean, "expected the group mean, a number");
            ObservationCsvReader.CheckRange(table, Mean, definition, mean, Censoring.Exact);
            var sd = table.NonNegative(Sd, "expected the standard deviation across animals, a number ≥ 0");
            var n = table.Integer(Count, "expected the number of animals, a positive integer");
            if (n <= 0) throw table.Error(Count, $"column {Count}: {n} is not a positive number of animals; expected the number of animals, a positive integer");
            if (!lines.TryAdd((group, time, endpoint), table.Line))
                throw table.RowError($"a second row for group '{group}', day {time.ToString(CultureInfo.InvariantCulture)} and endpoint {endpoint} " +
                    $"(the first is on line {lines[(group, time, endpoint)]}); expected one row per {Group}, {Time} and {Endpoint}");
            rows.Add(new SummaryRow(group, time, endpoint, mean, sd, n));
        }
        return rows;
    }
}
