using CellTherapySim.Inference;
using CellTherapySim.Inference.Diagnostics;
using CellTherapySim.Inference.Sampling;

namespace CellTherapySim.Output;

/// <summary>
/// One chain of a fit on disk: draws-chain-N.csv (the parameters) and log-lik-chain-N.csv (each draw's pointwise
/// log-likelihood as CmdStan writes a generated-quantities array: sampler columns, then log_lik.1 … log_lik.N), both in
/// CmdStan's layout, so R's loo/posterior and ArviZ read them unchanged.
/// </summary>
public sealed class FitChainWriter(CmdStanCsvWriter draws, CmdStanCsvWriter logLikelihood) : IChainWriter
{
    /// <summary>The column names of <paramref name="observations"/> pointwise log-likelihoods: log_lik.1 … log_lik.N.</summary>
    public static IReadOnlyList<string> LogLikelihoodNames(int observations) =>
        Enumerable.Range(1, observations).Select(i => $"log_lik.{i}").ToArray();

    /// <inheritdoc/>
    public void WriteAdaptation(double stepSize, ReadOnlySpan<double> inverseMetric)
    {
        draws.WriteAdaptation(stepSize, inverseMetric);
        logLikelihood.WriteAdaptation(stepSize, inverseMetric);
    }

    /// <inheritdoc/>
    public void WriteDraw(in NutsDraw draw, ReadOnlySpan<double> parameters) => draws.WriteDraw(draw, parameters);

    /// <inheritdoc/>
    public void WriteLogLikelihood(in NutsDraw draw, ReadOnlySpan<double> pointwise) => logLikelihood.WriteDraw(draw, pointwise);

    /// <inheritdoc/>
    public void WriteTiming(double warmupSeconds, double samplingSeconds)
    {
        draws.WriteTiming(warmupSeconds, samplingSeconds);
        logLikelihood.WriteTiming(warmupSeconds, samplingSeconds);
    }

    /// <summary>Closes both files.</summary>
    public void Dispose()
    {
        draws.Dispose();
        logLikelihood.Dispose();
    }
}
