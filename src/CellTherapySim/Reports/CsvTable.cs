using System.Globalization;

namespace CellTherapySim.Reports;

/// <summary>A CSV file of an output folder read as a table of text cells, every row checked against the header.</summary>
public sealed class CsvTable
{
    private readonly Dictionary<string, int> _columns;

    private CsvTable(string path, string[] header, List<string[]> rows)
    {
        Path = path;
        Header = header;
        Rows = rows;
        _columns = header.Select((h, i) => (h, i)).GroupBy(x => x.h).ToDictionary(g => g.Key, g => g.First().i, StringComparer.Ordinal);
    }

    /// <summary>The file.</summary>
    public string Path { get; }

    /// <summary>The column names.</summary>
    public IReadOnlyList<string> Header { get; }

    /// <summary>The rows (without comment lines starting with '#').</summary>
    public IReadOnlyList<string[]> Rows { get; }

    /// <summary>Reads <paramref name="path"/>; lines starting with '#' (CmdStan's comments) are skipped.</summary>
    /// <exception cref="InputException">The file is empty, or a row has another number of fields than the header (a truncated file).</exception>
    public static CsvTable Read(string path)
    {
        var lines = File.ReadLines(path).Select((text, i) => (Text: text, Line: i + 1)).Where(l => l.Text.Length > 0 && l.Text[0] != '#').ToList();
        if (lines.Count == 0) throw new InputException(path, "the file is empty; expected a header line and rows (an interrupted run?)");
        var header = lines[0].Text.Split(',');
        var rows = new List<string[]>(lines.Count - 1);
        foreach (var (text, line) in lines.Skip(1))
        {
            var fields = text.Split(',');
            if (fields.Length != header.Length)
                throw new InputException(path, line, 0, $"row has {fields.Length} fields but the header has {header.Length}; the file is cut short or not a ctsim result");
            rows.Add(fields);
        }
        return new CsvTable(path, header, rows);
    }

    /// <summary>Whether the table has the column.</summary>
    public bool Has(string column) => _columns.ContainsKey(column);

    /// <summary>The index of a column.</summary>
    /// <exception cref="InputException">The column is missing.</exception>
    public int Column(string name) =>
        _columns.TryGetValue(name, out var index) ? index : throw new InputException(Path, 1, 0, $"no column '{name}'; expected the columns ctsim writes ({string.Join(",", Header.Take(8))}…)");

    /// <summary>A cell as a number (NaN for NA or an empty cell).</summary>
    /// <exception cref="InputException">The cell is not a number.</exception>
    public double Number(string[] row, int column)
    {
        var text = row[column];
        if (text is "" or "NA" or "NaN") return double.NaN;
        if (text == "Inf") return double.PositiveInfinity;
        if (text == "-Inf") return double.NegativeInfinity;
        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new InputException(Path, $"'{text}' in column '{Header[column]}' is not a number");
    }
}
