using CellTherapySim.Inference;
using CellTherapySim.Inference.Diagnostics;
using CellTherapySim.Inference.Sampling;

namespace CellTherapySim.Output;

/// <summary>
/// One chain of a fit on disk: draws-chain-N.csv (the parameters), log-lik-chain-N.csv (each draw's pointwise
/// log-likelihood as CmdStan writes a generated-quantities array: sampler columns, then log_lik.1 … log_lik.N) and, for
/// individual animals, log-lik-animal-chain-N.csv (each animal's log-likelihood, the sum over its readings in the data's
/// order: log_lik_animal.1 … log_lik_animal.A, animals as in the data file), all in CmdStan's layout, so R's
/// loo/posterior and ArviZ read them unchanged.
/// </summary>
/// <param name="animalLogLikelihood">The per-animal file (null: none, as for group means), with one column per animal.</param>
/// <param name="animalOfObservation">Per pointwise term, the index of its animal among <paramref name="animals"/>, or -1 for a group mean.</param>
public sealed class FitChainWriter(CmdStanCsvWriter draws, CmdStanCsvWriter logLikelihood,
    CmdStanCsvWriter? animalLogLikelihood = null, IReadOnlyList<int>? animalOfObservation = null, int animals = 0) : IChainWriter
{
    private readonly double[] _animals = new double[animals];

    /// <summary>The column names of <paramref name="observations"/> pointwise log-likelihoods: log_lik.1 … log_lik.N.</summary>
    public static IReadOnlyList<string> LogLikelihoodNames(int observations) => Names(FitLoo.Variable(LooUnit.Observation), observations);

    /// <summary>The column names of <paramref name="animals"/> animals' log-likelihoods: log_lik_animal.1 … log_lik_animal.A.</summary>
    public static IReadOnlyList<string> AnimalLogLikelihoodNames(int animals) => Names(FitLoo.Variable(LooUnit.Animal), animals);

    private static string[] Names(string variable, int count) => Enumerable.Range(1, count).Select(i => $"{variable}.{i}").ToArray();

    /// <inheritdoc/>
    public void WriteAdaptation(double stepSize, ReadOnlySpan<double> inverseMetric)
    {
        draws.WriteAdaptation(stepSize, inverseMetric);
        logLikelihood.WriteAdaptation(stepSize, inverseMetric);
        animalLogLikelihood?.WriteAdaptation(stepSize, inverseMetric);
    }

    /// <inheritdoc/>
    public void WriteDraw(in NutsDraw draw, ReadOnlySpan<double> parameters) => draws.WriteDraw(draw, parameters);

    /// <inheritdoc/>
    public void WriteLogLikelihood(in NutsDraw draw, ReadOnlySpan<double> pointwise)
    {
        logLikelihood.WriteDraw(draw, pointwise);
        if (animalLogLikelihood is null || animalOfObservation is null) return;
        Array.Clear(_animals);
        for (var i = 0; i < pointwise.Length; i++)
            if (animalOfObservation[i] >= 0) _animals[animalOfObservation[i]] += pointwise[i];
        animalLogLikelihood.WriteDraw(draw, _animals);
    }

    /// <inheritdoc/>
    public void WriteTiming(double warmupSeconds, double samplingSeconds)
    {
        draws.WriteTiming(warmupSeconds, samplingSeconds);
        logLikelihood.WriteTiming(warmupSeconds, samplingSeconds);
        animalLogLikelihood?.WriteTiming(warmupSeconds, samplingSeconds);
    }

    /// <summary>Closes the files.</summary>
    public void Dispose()
    {
        draws.Dispose();
        logLikelihood.Dispose();
        animalLogLikelihood?.Dispose();
    }
}
