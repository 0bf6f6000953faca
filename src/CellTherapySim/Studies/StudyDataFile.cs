using CellTherapySim.Modeling;

namespace CellTherapySim.Studies;

/// <summary>The two formats of study data files.</summary>
public enum StudyDataFormat
{
    /// <summary>Individual animals, one row per reading or dose (<see cref="ObservationCsvReader"/>).</summary>
    Observations,
    /// <summary>Group means by day and endpoint (<see cref="SummaryCsvReader"/>).</summary>
    Summary,
}

/// <summary>
/// A study data file of either format, told apart by its header: <see cref="Animals"/> is filled for
/// <see cref="StudyDataFormat.Observations"/>, <see cref="Summary"/> for <see cref="StudyDataFormat.Summary"/>.
/// </summary>
public sealed record StudyDataFile(
    string Source,
    StudyDataFormat Format,
    IReadOnlyList<AnimalRecord> Animals,
    IReadOnlyList<SummaryRow> Summary,
    IReadOnlyList<string> IgnoredColumns)
{
    private static readonly string Expected =
        $"{ObservationCsvReader.Header} (individual animals) or {SummaryCsvReader.Header} (group summary)";

    /// <summary>Reads the file at <paramref name="path"/>; <paramref name="design"/> is checked against a summary's groups.</summary>
    public static StudyDataFile Read(string path, ModelDefinition model, StudyDesign? design = null)
    {
        using var table = CsvTable.Open(path, Expected);
        return Read(table, model, design);
    }

    /// <summary>Reads <paramref name="reader"/>; <paramref name="sourceName"/> names it in messages.</summary>
    public static StudyDataFile Read(TextReader reader, string sourceName, ModelDefinition model, StudyDesign? design = null)
    {
        using var table = CsvTable.Open(reader, sourceName, Expected);
        return Read(table, model, design);
    }

    private static StudyDataFile Read(CsvTable table, ModelDefinition model, StudyDesign? design)
    {
        var format = Detect(table);
        return format == StudyDataFormat.Observations
            ? new(table.Source, format, ObservationCsvReader.Read(table, model), [], table.OtherColumns([.. ObservationCsvReader.Columns, .. ObservationCsvReader.OptionalColumns]))
            : new(table.Source, format, [], SummaryCsvReader.Read(table, model, design), table.OtherColumns(SummaryCsvReader.Columns));
    }

    // The format whose own columns (those the other format lacks) the header has more of; neither, or as many of
    // each, is an error. Missing columns of the chosen format are then reported by its reader.
    private static StudyDataFormat Detect(CsvTable table)
    {
        var observations = ObservationCsvReader.Columns.Except(SummaryCsvReader.Columns).Where(table.Has).ToList();
        var summary = SummaryCsvReader.Columns.Except(ObservationCsvReader.Columns).Where(table.Has).ToList();
        if (observations.Count > summary.Count) return StudyDataFormat.Observations;
        if (summary.Count > observations.Count) return StudyDataFormat.Summary;
        var problem = observations.Count > 0
            ? $"the header mixes columns of both formats ({string.Join(", ", observations)}; {string.Join(", ", summary)})"
            : table.Header.Count == 1
                ? $"the header has a single column '{table.Header[0]}'; are the columns separated by something other than commas?"
                : "the header has none of the columns that tell the format apart";
        throw new InputException(table.Source, table.HeaderLine, 0, $"{problem}; expected the header {Expected}");
    }
}
