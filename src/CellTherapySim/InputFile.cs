namespace CellTherapySim;

/// <summary>Opens users' input files; a file that cannot be read is bad input (an <see cref="InputException"/>), not an I/O failure.</summary>
public static class InputFile
{
    /// <summary>Opens <paramref name="path"/> for reading; <paramref name="kind"/> ("model", "study", "data") names it in the message.</summary>
    public static StreamReader Open(string path, string kind)
    {
        try
        {
            return File.OpenText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new InputException(path, $"cannot read the {kind} file: {e.Message}");
        }
    }

    /// <summary>The whole text of <paramref name="path"/>.</summary>
    public static string ReadAllText(string path, string kind)
    {
        using var reader = Open(path, kind);
        try
        {
            return reader.ReadToEnd();
        }
        catch (IOException e)
        {
            throw new InputException(path, $"cannot read the {kind} file: {e.Message}");
        }
    }
}
