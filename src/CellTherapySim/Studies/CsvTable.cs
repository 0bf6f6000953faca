using System.Globalization;
using System.Text;
using CsvHelper;

namespace CellTherapySim.Studies;

/// <summary>
/// A CSV data file read row by row under its header: CsvHelper splits the raw fields (quotes, separators inside
/// quotes), and this class looks columns up by name and turns bad values into <see cref="InputException"/>s located at
/// the file's line and the field's character column, naming the column.
/// </summary>
/// <remarks>
/// Header names match case-insensitively and in any order. Values are trimmed and '.' (NONMEM's missing value) reads as
/// empty. Rows whose fields are all empty are skipped; every other row must have as many fields as the header.
/// </remarks>
internal sealed class CsvTable : IDisposable
{
    private readonly CsvReader _reader;
    private readonly Dictionary<string, int> _index = new(StringComparer.OrdinalIgnoreCase);
    private CsvMalformedRecord? _malformed;
    private int _rows;

    private CsvTable(TextReader text, string source, string expectedHeader, bool leaveOpen)
    {
        Source = source;
        _reader = CsvReader.Create(text, CsvReaderOptions.Default with
        {
            Separator = ',',
            HasHeader = false,
            TrackLineNumbers = true,
            OnMalformedRecord = record => _malformed ??= record,
        }, leaveOpen);
        if (!NextRecord()) throw new InputException(source, $"the file is empty; expected a header line: {expectedHeader}");
        HeaderLine = Line;
        var header = new List<string>();
        for (var i = 0; i < _reader.FieldCount; i++)
        {
            var name = _reader.GetString(i).Trim();
            if (name.Length > 0 && !_index.TryAdd(name, i))
                throw Error(i, $"column {header[_index[name]]} appears twice in the header (fields {_index[name] + 1} and {i + 1}); expected each column once");
            header.Add(name);
        }
        Header = header;
    }

    /// <summary>The file name used in messages.</summary>
    public string Source { get; }

    /// <summary>The column names as written in the header (trimmed; "" for an unnamed column).</summary>
    public IReadOnlyList<string> Header { get; }

    /// <summary>The 1-based line of the header.</summary>
    public int HeaderLine { get; }

    /// <summary>The 1-based line where the current row starts.</summary>
    public int Line => (int)_reader.LineNumber;

    /// <summary>Opens <paramref name="path"/> (see <see cref="InputFile"/>).</summary>
    public static CsvTable Open(string path, string expectedHeader)
    {
        var text = InputFile.Open(path, "data");
        try
        {
            return new CsvTable(text, path, expectedHeader, leaveOpen: false);
        }
        catch
        {
            text.Dispose();
            throw;
        }
    }

    /// <summary>Reads the header of <paramref name="text"/> (left open); <paramref name="source"/> names it in messages.</summary>
    public static CsvTable Open(TextReader text, string source, string expectedHeader) => new(text, source, expectedHeader, leaveOpen: true);

    /// <summary>Whether the header has the column.</summary>
    public bool Has(string column) => _index.ContainsKey(column);

    /// <summary>Fails at the header, naming every one of <paramref name="columns"/> that it lacks.</summary>
    public void Require(IReadOnlyList<string> columns, string what)
    {
        var missing = columns.Where(c => !Has(c)).ToList();
        if (missing.Count > 0)
            throw new InputException(Source, HeaderLine, 0,
                $"missing column{(missing.Count > 1 ? "s" : "")} {string.Join(", ", missing)}; {what} has the columns {string.Join(",", columns)} (in any order)");
    }

    /// <summary>The header's columns that are not in <paramref name="known"/>, as written (an unnamed one as "(unnamed, field N)").</summary>
    public IReadOnlyList<string> OtherColumns(IReadOnlyList<string> known) =>
        Header.Select((name, i) => name.Length == 0 ? $"(unnamed, field {i + 1})" : known.Contains(name, StringComparer.OrdinalIgnoreCase) ? null : name)
            .OfType<string>().ToList();

    /// <summary>
    /// Moves to the next data row; false at the end. A file with no data row at all is an error, as is a row whose
    /// number of fields differs from the header's.
    /// </summary>
    public bool Read()
    {
        while (NextRecord())
        {
            if (Enumerable.Range(0, _reader.FieldCount).All(i => _reader.GetString(i).Trim().Length == 0)) continue;
            if (_reader.FieldCount != Header.Count)
                throw new InputException(Source, Line, 0,
                    $"the row has {_reader.FieldCount} field{(_reader.FieldCount == 1 ? "" : "s")} but the header (line {HeaderLine}) has {Header.Count}; expected one field per column (quote a value that contains a comma)");
            _rows++;
            return true;
        }
        if (_rows == 0) throw new InputException(Source, "the file has a header but no data rows; expected at least one row after the header");
        return false;
    }

    /// <summary>The trimmed value of <paramref name="column"/> in the current row; "" when empty or '.'.</summary>
    public string Text(string column)
    {
        var value = _reader.GetString(_index[column]).Trim();
        return value == "." ? "" : value;
    }

    /// <summary>The non-empty value of <paramref name="column"/>; an empty one fails with "column C is empty; <paramref name="expected"/>".</summary>
    public string Required(string column, string expected)
    {
        var value = Text(column);
        return value.Length > 0 ? value : throw Error(column, $"column {column} is empty; {expected}");
    }

    /// <summary>The finite number in <paramref name="column"/>; empty or other text fails, saying what was <paramref name="expected"/>.</summary>
    public double Number(string column, string expected)
    {
        var text = Required(column, expected);
        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && double.IsFinite(value)
            ? value
            : throw Error(column, $"column {column}: '{text}' is not a number; {expected}");
    }

    /// <summary>A number ≥ 0 in <paramref name="column"/>.</summary>
    public double NonNegative(string column, string expected)
    {
        var value = Number(column, expected);
        return value >= 0 ? value : throw Error(column, $"column {column}: {Text(column)} is negative; {expected}");
    }

    /// <summary>The integer in <paramref name="column"/>; empty, fractional or other text fails, saying what was <paramref name="expected"/>.</summary>
    public int Integer(string column, string expected)
    {
        var text = Required(column, expected);
        return int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw Error(column, $"column {column}: '{text}' is not an integer; {expected}");
    }

    /// <summary>An error about <paramref name="column"/> of the current row, located at its field; <paramref name="problem"/> names the column.</summary>
    public InputException Error(string column, string problem) => Error(_index[column], problem);

    /// <summary>An error about the current row as a whole, located at its line.</summary>
    public InputException RowError(string problem) => new(Source, Line, 0, problem);

    /// <summary>Disposes the reader (and the file under it, when it opened one).</summary>
    public void Dispose() => _reader.Dispose();

    private bool NextRecord()
    {
        if (!_reader.Read()) return false;
        if (_malformed is { } bad)
            throw new InputException(Source, (int)bad.LineNumber, 0, $"malformed CSV: {Describe(bad.Reason)}");
        return true;
    }

    private static string Describe(CsvMalformedReason reason) => reason switch
    {
        CsvMalformedReason.StrayQuote => "a quote inside an unquoted field; expected the whole field in quotes, with each quote in it doubled (\"a \"\"b\"\"\")",
        CsvMalformedReason.TextAfterClosingQuote => "text after the closing quote of a quoted field; expected a comma or the end of the line",
        CsvMalformedReason.UnterminatedQuote => "a quoted field that is never closed; expected a closing quote",
        _ => $"{reason}; expected comma-separated fields, quoted as in RFC 4180",
    };

    // The field's position: the record's start line plus the line breaks inside quoted fields before it, and the
    // 1-based character column on that line (the raw fields and their one-byte separators give its byte offset).
    private InputException Error(int field, string problem)
    {
        var offset = 0;
        for (var i = 0; i < field; i++) offset += _reader.GetRawSpan(i).Length + 1;
        var before = Encoding.UTF8.GetString(_reader.RawRecord[..offset]);
        var lineStart = before.LastIndexOf('\n') + 1;
        return new InputException(Source, Line + before.Count(c => c == '\n'), before.Length - lineStart + 1, problem);
    }
}
