namespace CellTherapySim.Inference.Diagnostics;

/// <summary>The inverse metric (mass matrix) of Hamiltonian Monte Carlo: CmdStan's <c>diag_e</c> or <c>dense_e</c>.</summary>
public enum CmdStanMetric
{
    /// <summary>A diagonal inverse metric (<c>diag_e</c>).</summary>
    Diagonal,

    /// <summary>A dense inverse metric (<c>dense_e</c>).</summary>
    Dense,
}

/// <summary>
/// The run settings a <see cref="CmdStanCsvWriter"/> writes in the comment header, under CmdStan's names (NUTS with
/// adaptation, warm-up draws not saved, no thinning). Defaults are CmdStan's.
/// </summary>
public sealed record CmdStanSettings
{
    /// <summary>The model's name (<c>model</c>).</summary>
    public required string ModelName { get; init; }

    /// <summary>Number of draws after warm-up (<c>num_samples</c>).</summary>
    public int NumSamples { get; init; } = 1000;

    /// <summary>Number of warm-up iterations (<c>num_warmup</c>).</summary>
    public int NumWarmup { get; init; } = 1000;

    /// <summary>Whether step size and metric were adapted during warm-up (<c>adapt engaged</c>).</summary>
    public bool AdaptEngaged { get; init; } = true;

    /// <summary>Dual averaging's regularisation scale (<c>gamma</c>).</summary>
    public double AdaptGamma { get; init; } = 0.05;

    /// <summary>Target acceptance statistic (<c>delta</c>).</summary>
    public double AdaptDelta { get; init; } = 0.8;

    /// <summary>Dual averaging's relaxation exponent (<c>kappa</c>).</summary>
    public double AdaptKappa { get; init; } = 0.75;

    /// <summary>Dual averaging's iteration offset (<c>t0</c>).</summary>
    public double AdaptT0 { get; init; } = 10;

    /// <summary>Width of the initial fast adaptation interval (<c>init_buffer</c>).</summary>
    public int InitBuffer { get; init; } = 75;

    /// <summary>Width of the final fast adaptation interval (<c>term_buffer</c>).</summary>
    public int TermBuffer { get; init; } = 50;

    /// <summary>Initial width of the slow adaptation windows (<c>window</c>).</summary>
    public int Window { get; init; } = 25;

    /// <summary>Maximum tree depth of NUTS (<c>max_depth</c>).</summary>
    public int MaxDepth { get; init; } = 10;

    /// <summary>The metric (<c>metric</c>: diag_e or dense_e).</summary>
    public CmdStanMetric Metric { get; init; } = CmdStanMetric.Diagonal;

    /// <summary>Initial step size (<c>stepsize</c>); the adapted one is written after warm-up.</summary>
    public double StepSize { get; init; } = 1;

    /// <summary>The chain's identifier (<c>id</c>), 1-based.</summary>
    public int ChainId { get; init; } = 1;

    /// <summary>How initial values were chosen (<c>init</c>): CmdStan's "2" is uniform on (−2, 2) unconstrained.</summary>
    public string Init { get; init; } = "2";

    /// <summary>The random seed (<c>seed</c>).</summary>
    public long Seed { get; init; }

    /// <summary>The data file (<c>data file</c>), empty if none.</summary>
    public string DataFile { get; init; } = "";

    /// <summary>The output file (<c>output file</c>).</summary>
    public string OutputFile { get; init; } = "";

    /// <summary>
    /// Significant digits of the numbers written: null (default) for the shortest form that reads back to the same
    /// double, 6 for CmdStan's default output.
    /// </summary>
    public int? SignificantDigits { get; init; }
}
