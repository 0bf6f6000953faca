using CellTherapySim.Simulation;
using CellTherapySim.Solvers;
using MathNet.Numerics.Random;
using MathNet.Numerics.Statistics;

namespace CellTherapySim.Agents;

/// <summary>
/// Replicate runs of the hybrid engine for one animal, beside its mean-field (ODE) trajectory. Columns are the model's
/// states (0 … n − 1) then its readouts (n … n + nr − 1).
/// </summary>
public sealed record ReplicateSummary(Trajectory MeanField, IReadOnlyList<HybridRun> Runs)
{
    /// <summary>Number of columns: states then readouts.</summary>
    public int Columns => MeanField.StateCount + MeanField.ReadoutCount;

    /// <summary>Column <paramref name="column"/> of <paramref name="trajectory"/> at output time index <paramref name="time"/>.</summary>
    public static double Value(Trajectory trajectory, int time, int column) =>
        column < trajectory.StateCount ? trajectory.State(time, column) : trajectory.Readout(time, column - trajectory.StateCount);

    /// <summary>The replicates' mean of a column at an output time.</summary>
    public double Mean(int time, int column) => Runs.Average(r => Value(r.Trajectory, time, column));

    /// <summary>The replicates' <paramref name="probability"/> quantile of a column at an output time (R's type 7, linear interpolation).</summary>
    public double Quantile(int time, int column, double probability) =>
        Runs.Select(r => Value(r.Trajectory, time, column)).QuantileCustom(probability, QuantileDefinition.R7);
}

/// <summary>
/// Runs replicates of the hybrid engine in parallel. Replicate r uses the r-th seed drawn from a Xoshiro256** seeded
/// with the user's seed, and each run is sequential, so the results do not depend on the thread count.
/// </summary>
public static class AgentReplicates
{
    /// <summary>The seeds of <paramref name="count"/> replicates (or animals) derived from <paramref name="seed"/>.</summary>
    public static int[] Seeds(int seed, int count)
    {
        var random = new Xoshiro256StarStar(seed, false);
        return Enumerable.Range(0, count).Select(_ => random.Next()).ToArray();
    }

    /// <summary>
    /// Simulates <paramref name="replicates"/> hybrid runs and the mean-field trajectory; <paramref name="progress"/> is
    /// called with the number of replicates done (from worker threads).
    /// </summary>
    /// <param name="threads">Worker threads; 0 or less: all cores.</param>
    public static ReplicateSummary Run(AgentModel model, double[] parameters, double[] initial, IReadOnlyList<Dose> doses, double[] times,
        int replicates, int seed, int threads = 0, IReadOnlyList<double>? snapshotTimes = null, SolverKind solver = SolverKind.Stiff,
        SolverOptions? options = null, Action<int>? progress = null)
    {
        if (replicates < 1) throw new ArgumentOutOfRangeException(nameof(replicates), "at least one replicate");
        var seeds = Seeds(seed, replicates);
        var runs = new HybridRun[replicates];
        var done = 0;
        Exception?[] failures = new Exception?[replicates];
        Parallel.For(0, replicates, new ParallelOptions { MaxDegreeOfParallelism = threads > 0 ? threads : Environment.ProcessorCount },
            () => new HybridSimulator(model, solver, options),
            (r, _, engine) =>
            {
                try
                {
                    runs[r] = engine.Simulate(parameters, initial, doses, times, seeds[r], snapshotTimes);
                }
                catch (Exception e) when (e is SimulationException or InputException)
                {
                    failures[r] = e;
                }
                progress?.Invoke(Interlocked.Increment(ref done));
                return engine;
            },
            _ => { });
        if (failures.FirstOrDefault(f => f is not null) is { } first) throw first;
        var meanField = new Simulator(model.Model, solver, options).Simulate(parameters, initial, doses, times);
        return new ReplicateSummary(meanField, runs);
    }
}
