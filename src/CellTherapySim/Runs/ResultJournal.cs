using System.Security.Cryptography;
using System.Text;

namespace CellTherapySim.Runs;

/// <summary>
/// An append-only CSV journal of a long run's finished units (an animal's or replicate's rows, a sweep scenario's row),
/// written in the run's order and flushed unit by unit, so an interrupted run keeps its work and a rerun with the same
/// settings resumes after the last complete unit. Line 1 is `# ctsim results FINGERPRINT` (the run's settings), line 2
/// the header; then each unit is <c>linesPerUnit</c> lines whose first field is the unit's id. Finished work is never
/// rewritten: on resume a cut-short tail (a line without its line break, an incomplete unit) is cut off and new units
/// are appended. Not thread-safe: the <see cref="OrderedRunner"/> commits one unit at a time.
/// </summary>
public sealed class ResultJournal : IDisposable
{
    private const string Marker = "# ctsim results ";
    private readonly FileStream _stream;
    private readonly StreamWriter _writer;
    private readonly string _path;

    private ResultJournal(string path, FileStream stream, long completed)
    {
        _path = path;
        _stream = stream;
        _writer = new StreamWriter(stream, new UTF8Encoding(false)) { NewLine = "\n" };
        CompletedUnits = completed;
    }

    /// <summary>Units already on disk when the journal was opened (a prefix of the run's order).</summary>
    public long CompletedUnits { get; }

    /// <summary>
    /// Opens the journal at <paramref name="path"/> for a run identified by <paramref name="fingerprint"/>, with the CSV
    /// <paramref name="header"/> and <paramref name="linesPerUnit"/> lines per unit, the k-th unit's lines starting with
    /// the field <paramref name="unitId"/>(k). With <paramref name="resume"/>, complete units in the file are kept and a
    /// cut-short tail is cut off; without it, the file is started afresh.
    /// </summary>
    /// <exception cref="InputException">The file cannot be written, or it belongs to a different run or is damaged.</exception>
    public static ResultJournal Open(string path, string fingerprint, string header, int linesPerUnit, Func<long, string> unitId, bool resume)
    {
        try
        {
            if (resume && File.Exists(path) && Scan(path, fingerprint, header, linesPerUnit, unitId) is ({ } units, var length))
            {
                var stream = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.Read);
                stream.SetLength(length);
                stream.Seek(length, SeekOrigin.Begin);
                return new ResultJournal(path, stream, units);
            }
            var fresh = new FileStream(path, FileMode.Create, FileAccess.ReadWrite, FileShare.Read);
            var journal = new ResultJournal(path, fresh, 0);
            journal._writer.Write(Marker + fingerprint + "\n" + header + "\n");
            journal._writer.Flush();
            return journal;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InputException(path, $"cannot write the results journal: {e.Message}");
        }
    }

    /// <summary>A short fingerprint (SHA-256, hex) of everything that determines a run's results.</summary>
    public static string Fingerprint(IEnumerable<string> parts) =>
        Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join("\u001f", parts))))[..32].ToLowerInvariant();

    /// <summary>Appends one unit's lines (each without its line break) and flushes them to the file.</summary>
    /// <exception cref="IOException">The write failed (e.g. a full disk or a file-size limit: .NET reports the latter as an
    /// out-of-range length); what was flushed before stays valid, and a partial last line is cut off on resume.</exception>
    public void Append(IEnumerable<string> lines)
    {
        try
        {
            foreach (var line in lines)
            {
                _writer.Write(line);
                _writer.Write('\n');
            }
            _writer.Flush();
        }
        catch (Exception e) when (e is ArgumentOutOfRangeException or UnauthorizedAccessException)
        {
            throw new IOException($"cannot write {_path}: {e.Message}", e);
        }
    }

    /// <summary>The complete units' lines, split into fields, as they are in the file now (streamed; unit by unit).</summary>
    public IEnumerable<string[]> Rows() => ReadRows(_path);

    /// <summary>The data lines of the journal at <paramref name="path"/> split into fields (after its two header lines; a cut-short last line left out).</summary>
    public static IEnumerable<string[]> ReadRows(string path)
    {
        using var reader = new StreamReader(new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite), Encoding.UTF8);
        reader.ReadLine();
        reader.ReadLine();
        foreach (var line in CompleteLines(reader)) yield return SplitFields(line);
    }

    /// <summary>The header of a journal of numeric units: `unit,time,COLUMNS…`.</summary>
    public static string NumericHeader(IEnumerable<string> columns) => string.Join(",", new[] { "unit", "time" }.Concat(columns.Select(Csv.Field)));

    /// <summary>The id of the unit at position <paramref name="position"/> (0-based) of a numeric journal: 1-based (the animal ID or replicate number).</summary>
    public static string NumericUnitId(long position) => (position + 1).ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>A numeric unit's lines: per row [time, values…], `ID,time,values…` with round-trip numbers.</summary>
    public static IEnumerable<string> NumericLines(long position, IEnumerable<double[]> rows)
    {
        var id = NumericUnitId(position);
        foreach (var row in rows) yield return id + "," + string.Join(",", row.Select(Csv.Number));
    }

    /// <summary>The first <paramref name="count"/> numeric units read back: each its <paramref name="rowsPerUnit"/> rows [time, values…].</summary>
    /// <exception cref="InputException">A row does not hold <paramref name="columns"/> + 1 numbers.</exception>
    public IReadOnlyList<double[][]> ReadNumericUnits(long count, int rowsPerUnit, int columns)
    {
        var units = new List<double[][]>();
        var rows = new List<double[]>();
        var line = 2;
        foreach (var fields in Rows())
        {
            line++;
            if (units.Count >= count) break;
            var values = new double[columns + 1];
            var valid = fields.Length == columns + 2;
            for (var k = 0; valid && k <= columns; k++)
                valid = double.TryParse(fields[k + 1], System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out values[k]);
            if (!valid) throw new InputException(_path, line, 1, $"damaged results journal: expected a unit id and {columns + 1} numbers; remove the file or drop --resume");
            rows.Add(values);
            if (rows.Count == rowsPerUnit) { units.Add(rows.ToArray()); rows.Clear(); }
        }
        return units;
    }

    /// <summary>Closes the file (a failed final flush after a failed write is not reported twice).</summary>
    public void Dispose()
    {
        try
        {
            _writer.Dispose();
        }
        catch (Exception e) when (e is IOException or ArgumentOutOfRangeException)
        {
            _stream.Dispose();
        }
    }

    /// <summary>The CSV fields of a line (quoted fields as <see cref="Csv.Field"/> writes them).</summary>
    public static string[] SplitFields(string line)
    {
        if (line.IndexOf('"') < 0) return line.Split(',');
        var fields = new List<string>();
        var field = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < line.Length && line[i + 1] == '"') { field.Append('"'); i++; }
                else if (c == '"') quoted = false;
                else field.Append(c);
            }
            else if (c == '"') quoted = true;
            else if (c == ',') { fields.Add(field.ToString()); field.Clear(); }
            else field.Append(c);
        }
        fields.Add(field.ToString());
        return fields.ToArray();
    }

    /// <summary>Lines that end in a line break (a last line without one was cut short and is left out).</summary>
    private static IEnumerable<string> CompleteLines(TextReader reader)
    {
        var line = new StringBuilder();
        int c;
        while ((c = reader.Read()) >= 0)
        {
            if (c == '\n')
            {
                yield return line.ToString();
                line.Clear();
            }
            else line.Append((char)c);
        }
    }

    /// <summary>
    /// The number of complete units at the start of an existing journal and the byte length they end at; null units when
    /// the file was cut short before its header was complete (nothing to keep).
    /// </summary>
    private static (long? Units, long Length) Scan(string path, string fingerprint, string header, int linesPerUnit, Func<long, string> unitId)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        using var reader = new StreamReader(stream, new UTF8Encoding(false));
        var lineNumber = 0;
        long offset = 0, kept = 0, units = 0;
        var inUnit = 0;
        foreach (var line in CompleteLines(reader))
        {
            lineNumber++;
            offset += Encoding.UTF8.GetByteCount(line) + 1;
            if (lineNumber == 1 && line != Marker + fingerprint)
                throw new InputException(path, 1, 1, "this results journal belongs to a different run (other model, options or seed); remove it or drop --resume to start afresh");
            if (lineNumber == 2 && line != header)
                throw new InputException(path, 2, 1, "this results journal has other columns than this run's; remove it or drop --resume to start afresh");
            if (lineNumber <= 2)
            {
                kept = offset;
                continue;
            }
            var id = line.IndexOf(',') is var comma and >= 0 ? line[..comma] : line;
            if (id != unitId(units))
                throw new InputException(path, lineNumber, 1, $"damaged results journal: expected unit {unitId(units)}, found '{id}'; remove the file or drop --resume");
            if (++inUnit == linesPerUnit)
            {
                units++;
                inUnit = 0;
                kept = offset;
            }
        }
        return lineNumber < 2 ? (null, 0) : (units, kept);
    }
}
