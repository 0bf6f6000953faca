namespace CellTherapySim.Inference.Diagnostics;

/// <summary>One chain's CmdStan sample CSV as read by <see cref="CmdStanCsvReader"/>: settings, columns, draws, adaptation, timing.</summary>
public sealed class CmdStanCsv
{
    private readonly Dictionary<string, int> _columnIndex;

    internal CmdStanCsv(
        IReadOnlyDictionary<string, string> settings, IReadOnlyList<string> columnNames, IReadOnlyList<double[]> draws,
        double? stepSize, IReadOnlyList<double[]>? inverseMetric, double? warmupSeconds, double? samplingSeconds, double? totalSeconds)
    {
        Settings = settings;
        ColumnNames = columnNames;
        Draws = draws;
        StepSize = stepSize;
        InverseMetric = inverseMetric;
        WarmupSeconds = warmupSeconds;
        SamplingSeconds = samplingSeconds;
        TotalSeconds = totalSeconds;
        _columnIndex = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < columnNames.Count; i++)
            _columnIndex.TryAdd(columnNames[i], i);
    }

    /// <summary>
    /// The "key = value" settings of the comment header (before the header row), "(Default)" dropped; when a key
    /// repeats (CmdStan's data and output <c>file</c>) the first one is kept.
    /// </summary>
    public IReadOnlyDictionary<string, string> Settings { get; }

    /// <summary>The header row: sampler columns (lp__ … energy__) then parameters; empty if the file ends before it.</summary>
    public IReadOnlyList<string> ColumnNames { get; }

    /// <summary>The draws in file order, each an array of <see cref="ColumnNames"/>' length.</summary>
    public IReadOnlyList<double[]> Draws { get; }

    /// <summary>The step size adaptation ended with ("# Step size = …"), if written.</summary>
    public double? StepSize { get; }

    /// <summary>The adapted inverse metric: one row (its diagonal) for diag_e, one row per parameter for dense_e; null if not written.</summary>
    public IReadOnlyList<double[]>? InverseMetric { get; }

    /// <summary>Warm-up seconds of the timing comments, if written.</summary>
    public double? WarmupSeconds { get; }

    /// <summary>Sampling seconds of the timing comments, if written.</summary>
    public double? SamplingSeconds { get; }

    /// <summary>Total seconds of the timing comments, if written.</summary>
    public double? TotalSeconds { get; }

    /// <summary>Whether the run finished: the timing comments that end a complete file were read.</summary>
    public bool IsComplete => TotalSeconds is not null;

    /// <summary>The columns that are posterior variables, as cmdstanr splits them: lp__ and every column not ending in "__".</summary>
    public IEnumerable<string> Variables => ColumnNames.Where(IsVariable);

    /// <summary>Whether a column is a posterior variable (lp__ or not ending in "__") rather than a sampler diagnostic.</summary>
    public static bool IsVariable(string column) => column == "lp__" || !column.EndsWith("__", StringComparison.Ordinal);

    /// <summary>The position of a column, or −1 if there is none of that name.</summary>
    public int ColumnIndex(string name) => _columnIndex.TryGetValue(name, out var index) ? index : -1;

    /// <summary>All draws of one column.</summary>
    /// <exception cref="KeyNotFoundException">No column of that name.</exception>
    public double[] Column(string name)
    {
        var index = ColumnIndex(name);
        if (index < 0)
            throw new KeyNotFoundException($"no column '{name}'");
        var values = new double[Draws.Count];
        for (var i = 0; i < values.Length; i++)
            values[i] = Draws[i][index];
        return values;
    }
}
