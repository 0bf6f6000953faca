using CellTherapySim.Inference.Sampling;

namespace CellTherapySim.Inference;

/// <summary>
/// Where a chain's output goes, handed to <see cref="FitRunner"/> (the engine writes no file itself): the adaptation
/// at the end of warm-up, each draw after it, the timing at the end; each call leaves what it wrote complete.
/// </summary>
public interface IChainWriter : IDisposable
{
    /// <summary>The adapted step size and inverse metric (once, before the first draw).</summary>
    void WriteAdaptation(double stepSize, ReadOnlySpan<double> inverseMetric);

    /// <summary>One draw after warm-up: the sampler's statistics and the constrained parameters.</summary>
    void WriteDraw(in NutsDraw draw, ReadOnlySpan<double> parameters);

    /// <summary>After each draw: the log-likelihood of each observation at it (for PSIS-LOO), in the data's order.</summary>
    void WriteLogLikelihood(in NutsDraw draw, ReadOnlySpan<double> pointwise);

    /// <summary>The warm-up and sampling times (once, last, when the chain completed).</summary>
    void WriteTiming(double warmupSeconds, double samplingSeconds);
}
