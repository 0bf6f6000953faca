using System.Text;

namespace CellTherapySim.Output;

/// <summary>
/// A result file written under a temporary name beside its final one (<c>NAME.partial</c>) and renamed to the final
/// name only when complete (<see cref="Commit"/>), so that an interrupted or failed run never leaves a final file that
/// looks finished: what it did write stays in the <c>.partial</c> file, whose name says what it is.
/// </summary>
public sealed class ResultFile : IDisposable
{
    /// <summary>The suffix of a file still being written.</summary>
    public const string PartialSuffix = ".partial";

    private readonly FileStream _stream;
    private bool _committed;

    private ResultFile(string path)
    {
        Path = path;
        PartialPath = path + PartialSuffix;
        _stream = new FileStream(PartialPath, FileMode.Create, FileAccess.Write, FileShare.Read);
        Writer = new StreamWriter(_stream, new UTF8Encoding(false), 1 << 16) { NewLine = "\n" };
    }

    /// <summary>The final name.</summary>
    public string Path { get; }

    /// <summary>The temporary name written to until <see cref="Commit"/>.</summary>
    public string PartialPath { get; }

    /// <summary>UTF-8 text (no byte-order mark, "\n" line ends) into the temporary file.</summary>
    public StreamWriter Writer { get; }

    /// <summary>Opens <paramref name="path"/>'s temporary file for writing (readable by others while it is written).</summary>
    public static ResultFile Create(string path) => new(path);

    /// <summary>Writes the whole file with <paramref name="write"/> and renames it to <paramref name="path"/> when that returns.</summary>
    public static void Write(string path, Action<StreamWriter> write)
    {
        using var file = Create(path);
        write(file.Writer);
        file.Commit();
    }

    /// <summary>Flushes and closes the temporary file and renames it to the final name (replacing an earlier file of that name).</summary>
    public void Commit()
    {
        if (_committed) return;
        Writer.Dispose();
        File.Move(PartialPath, Path, overwrite: true);
        _committed = true;
    }

    /// <summary>Closes the file; without <see cref="Commit"/> it keeps its temporary name.</summary>
    public void Dispose()
    {
        if (!_committed) Writer.Dispose();
    }
}
