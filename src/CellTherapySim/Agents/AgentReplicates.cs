using CellTherapySim.Modeling;
using CellTherapySim.Runs;
using CellTherapySim.Simulation;
using CellTherapySim.Solvers;
using MathNet.Numerics.Random;
using MathNet.Numerics.Statistics;

namespace CellTherapySim.Agents;

/// <summary>
/// Replicate runs of the hybrid engine for one animal, beside its mean-field (ODE) trajectory. Columns are the model's
/// states (0 … n − 1) then its readouts (n … n + nr − 1).
/// </summary>
/// <param name="MeanField">The ODE trajectory.</param>
/// <param name="Replicates">Every replicate's lattice-mean trajectory, in replicate order.</param>
/// <param name="Runs">Every replicate's run with its snapshots and statistics; null for replicates read back from a journal.</param>
public sealed record ReplicateSummary(Trajectory MeanField, IReadOnlyList<Trajectory> Replicates, IReadOnlyList<HybridRun?> Runs)
{
    /// <summary>Column <paramref name="column"/> of <paramref name="trajectory"/> at output time index <paramref name="time"/>.</summary>
    public static double Value(Trajectory trajectory, int time, int column) => trajectory.Value(time, column);

    /// <summary>The replicates' mean of a column at an output time.</summary>
    public double Mean(int time, int column) => Replicates.Average(r => Value(r, time, column));

    /// <summary>The replicates' <paramref name="probability"/> quantile of a column at an output time (R's type 7, linear interpolation).</summary>
    public double Quantile(int time, int column, double probability) =>
        Replicates.Select(r => Value(r, time, column)).QuantileCustom(probability, QuantileDefinition.R7);

    /// <summary>A trajectory's journal rows: per output time, [time, states…, readouts…].</summary>
    public static double[][] Rows(Trajectory trajectory) =>
        Enumerable.Range(0, trajectory.Times.Length).Select(i =>
            Enumerable.Range(0, trajectory.StateCount + trajectory.ReadoutCount).Select(c => Value(trajectory, i, c)).Prepend(trajectory.Times[i]).ToArray()).ToArray();

    /// <summary>The trajectory stored as journal rows by <see cref="Rows"/>.</summary>
    public static Trajectory FromRows(double[][] rows, int stateCount, int readoutCount) => new(
        rows.Select(r => r[0]).ToArray(),
        rows.SelectMany(r => r.Skip(1).Take(stateCount)).ToArray(),
        rows.SelectMany(r => r.Skip(1 + stateCount)).ToArray(),
        stateCount, readoutCount, default);
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
    /// called with the number of replicates done (from worker threads). Replicates already in <paramref name="journal"/>
    /// are read back instead of run, and each new one is added to it.
    /// </summary>
    /// <param name="threads">Worker threads; 0 or less: all cores.</param>
    public static ReplicateSummary Run(AgentModel model, double[] parameters, double[] initial, IReadOnlyList<Dose> doses, double[] times,
        int replicates, int seed, int threads = 0, IReadOnlyList<double>? snapshotTimes = null, SolverKind solver = SolverKind.Stiff,
        SolverOptions? options = null, ResultJournal? journal = null, Action<int>? progress = null)
    {
        if (replicates < 1) throw new ArgumentOutOfRangeException(nameof(replicates), "at least one replicate");
        var seeds = Seeds(seed, replicates);
        var runs = new HybridRun?[replicates];
        var trajectories = new Trajectory[replicates];
        var resumed = (int)Math.Min(journal?.CompletedUnits ?? 0, replicates);
        if (resumed > 0)
        {
            var units = journal!.ReadNumericUnits(resumed, times.Length, model.Model.StateCount + model.Model.ReadoutCount);
            for (var r = 0; r < resumed; r++) trajectories[r] = ReplicateSummary.FromRows(units[r], model.Model.StateCount, model.Model.ReadoutCount);
            progress?.Invoke(resumed);
        }
        OrderedRunner.Run(resumed, replicates, () => new HybridSimulator(model, solver, options),
            (r, engine) => engine.Simulate(parameters, initial, doses, times, seeds[r], snapshotTimes),
            (r, run) =>
            {
                runs[r] = run;
                trajectories[r] = run.Trajectory;
                journal?.Append(ResultJournal.NumericLines(r, ReplicateSummary.Rows(run.Trajectory)));
            }, threads, progress is null ? null : done => progress(resumed + (int)done));
        var meanField = new Simulator(model.Model, solver, options).Simulate(parameters, initial, doses, times);
        return new ReplicateSummary(meanField, trajectories, runs);
    }
}
