namespace CellTherapySim;

/// <summary>
/// Bad user input (a model, data or study file, or a command-line value), located as precisely as possible.
/// The message reads "source:line:column: what is wrong, and what was expected".
/// </summary>
public sealed class InputException : Exception
{
    /// <summary>Creates an error located in a file (line and column 1-based; 0 when unknown).</summary>
    public InputException(string source, int line, int column, string problem)
        : base(Format(source, line, column, problem))
    {
        Source = source;
        Line = line;
        Column = column;
        Problem = problem;
    }

    /// <summary>Creates an error about a command-line option or a value without a file position.</summary>
    public InputException(string source, string problem) : this(source, 0, 0, problem) { }

    /// <summary>The file name, or the option (e.g. "--dose"), that holds the bad input.</summary>
    public new string Source { get; }

    /// <summary>1-based line (or data row), 0 when not applicable.</summary>
    public int Line { get; }

    /// <summary>1-based column, 0 when not applicable.</summary>
    public int Column { get; }

    /// <summary>What is wrong, without the location.</summary>
    public string Problem { get; }

    private static string Format(string source, int line, int column, string problem) =>
        line > 0 ? (column > 0 ? $"{source}:{line}:{column}: {problem}" : $"{source}:{line}: {problem}") : $"{source}: {problem}";
}
