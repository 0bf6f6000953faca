using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace CellTherapySim.Output;

/// <summary>
/// An append-only CSV of per-unit results (a replicate's or an animal's rows), written in unit order as units finish
/// and flushed, so an interrupted run keeps its work and a rerun with the same settings resumes after the last unit
/// on disk. Line 1 is `# ctsim results FINGERPRINT` (the run's settings), line 2 the header `unit,time,COLUMNS…`,
/// then one row per unit and time with round-trip numbers; units are numbered from 1 in the file (the replicate or
/// animal ID) and from 0 in code. Thread-safe.
/// </summary>
public sealed class ResultJournal : IResultJournal, IDisposable
{
    private const string Marker = "# ctsim results ";
    private readonly StreamWriter _writer;
    private readonly SortedDictionary<int, double[][]> _pending = new();
    private readonly Lock _lock = new();
    private int _next;

    private ResultJournal(StreamWriter writer, IReadOnlyList<double[][]> completed)
    {
        _writer = writer;
        Completed = completed;
        _next = completed.Count;
    }

    /// <summary>The units read back on resume, in order (unit k at index k); each is its rows of [time, columns…].</summary>
    public IReadOnlyList<double[][]> Completed { get; }

    /// <summary>
    /// Opens the journal at <paramref name="path"/> for a run identified by <paramref name="fingerprint"/> with
    /// <paramref name="rowsPerUnit"/> rows of <paramref name="columns"/> per unit. With <paramref name="resume"/>, the units
    /// already in the file are kept (a unit cut short by an interruption is dropped) and new units are appended; without
    /// it, the file is started afresh.
    /// </summary>
    /// <exception cref="InputException">The file cannot be written, or it belongs to a different run or is damaged.</exception>
    public static ResultJournal Open(string path, string fingerprint, IReadOnlyList<string> columns, int rowsPerUnit, bool resume)
    {
        var header = string.Join(",", new[] { "unit", "time" }.Concat(columns.Select(Csv.Field)));
        var completed = resume && File.Exists(path) ? Read(path, fingerprint, header, columns.Count, rowsPerUnit) : [];
        try
        {
            var writer = new StreamWriter(path, append: false);
            writer.WriteLine(Marker + fingerprint);
            writer.WriteLine(header);
            for (var unit = 0; unit < completed.Count; unit++) WriteUnit(writer, unit, completed[unit]);
            writer.Flush();
            return new ResultJournal(writer, completed);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InputException(path, $"cannot write the results journal: {e.Message}");
        }
    }

    /// <summary>A short fingerprint (SHA-256, hex) of everything that determines a run's results.</summary>
    public static string Fingerprint(IEnumerable<string> parts) =>
        Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join("\u001f", parts))))[..32].ToLowerInvariant();

    /// <summary>Records unit <paramref name="unit"/>'s rows; units are written in order, each as soon as all before it are.</summary>
    public void Add(int unit, double[][] rows)
    {
        lock (_lock)
        {
            _pending[unit] = rows;
            while (_pending.Remove(_next, out var next))
            {
                WriteUnit(_writer, _next, next);
                _next++;
            }
            _writer.Flush();
        }
    }

    /// <summary>Closes the file.</summary>
    public void Dispose() => _writer.Dispose();

    private static void WriteUnit(TextWriter writer, int unit, double[][] rows)
    {
        var prefix = (unit + 1).ToString(CultureInfo.InvariantCulture) + ",";
        foreach (var row in rows) writer.WriteLine(prefix + string.Join(",", row.Select(Csv.Number)));
    }

    /// <summary>The complete units at the start of an existing journal, checked against the run's fingerprint and header.</summary>
    private static List<double[][]> Read(string path, string fingerprint, string header, int columns, int rowsPerUnit)
    {
        var lines = InputFile.ReadAllText(path, "results journal").Split('\n');
        if (lines.Length < 2 || lines[0].TrimEnd('\r') != Marker + fingerprint || lines[1].TrimEnd('\r') != header)
            throw new InputException(path, 1, 1, "this results journal belongs to a different run (other model, options or seed); remove it or drop --resume to start afresh");
        var units = new List<double[][]>();
        var rows = new List<double[]>();
        // The text after the last line break is a line cut short by an interruption: ignored, as is an unfinished unit.
        for (var i = 2; i < lines.Length - 1; i++)
        {
            var fields = lines[i].TrimEnd('\r').Split(',');
            var values = new double[columns + 1];
            var valid = fields.Length == columns + 2
                && int.TryParse(fields[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out var unit) && unit == units.Count + 1;
            for (var k = 0; valid && k <= columns; k++)
                valid = double.TryParse(fields[k + 1], NumberStyles.Float, CultureInfo.InvariantCulture, out values[k]);
            if (!valid)
                throw new InputException(path, i + 1, 1, $"damaged results journal: expected unit {units.Count + 1} and {columns + 1} numbers; remove the file or drop --resume");
            rows.Add(values);
            if (rows.Count == rowsPerUnit) { units.Add(rows.ToArray()); rows.Clear(); }
        }
        return units;
    }
}
