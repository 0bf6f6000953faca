using CellTherapySim.Compilation;
using CellTherapySim.Solvers;

namespace CellTherapySim.Simulation;

/// <summary>
/// Runs per-animal (or per-replicate) simulations in parallel with one worker (e.g. a <see cref="Simulator"/>) per
/// thread. The work for an index must depend only on that index (random draws are made beforehand or seeded by it), so
/// results do not depend on the thread count; if simulations fail (a <see cref="SimulationException"/> or
/// <see cref="InputException"/>), the failure of the lowest index is rethrown, whatever the thread count.
/// </summary>
public static class AnimalLoop
{
    /// <summary>Calls <paramref name="simulate"/>(animal, simulator) for every animal in [<paramref name="start"/>, <paramref name="end"/>).</summary>
    /// <param name="threads">Worker threads; 0 or less: all cores.</param>
    /// <param name="progress">Called with the number of animals done in this call (from worker threads).</param>
    /// <exception cref="SimulationException">The failure of the lowest-numbered animal whose simulation failed (or an <see cref="InputException"/>).</exception>
    public static void Run(int start, int end, CompiledModel model, SolverKind solver, SolverOptions? options, int threads,
        Action<int, Simulator> simulate, Action<int>? progress = null) =>
        Run(start, end, () => new Simulator(model, solver, options), threads, simulate, progress);

    /// <summary>Calls <paramref name="simulate"/>(index, worker) for every index in [<paramref name="start"/>, <paramref name="end"/>), one worker from <paramref name="createWorker"/> per thread.</summary>
    /// <param name="threads">Worker threads; 0 or less: all cores.</param>
    /// <param name="progress">Called with the number of indices done in this call (from worker threads).</param>
    /// <exception cref="SimulationException">The failure of the lowest index whose simulation failed (or an <see cref="InputException"/>).</exception>
    public static void Run<TWorker>(int start, int end, Func<TWorker> createWorker, int threads, Action<int, TWorker> simulate, Action<int>? progress = null)
    {
        var failures = new Exception?[Math.Max(end - start, 0)];
        var done = 0;
        var every = Math.Max(1, (end - start) / 256); // progress at most ~256 times
        Parallel.For(start, end,
            new ParallelOptions { MaxDegreeOfParallelism = threads > 0 ? threads : Environment.ProcessorCount },
            createWorker,
            (index, _, worker) =>
            {
                try
                {
                    simulate(index, worker);
                }
                catch (Exception failure) when (failure is SimulationException or InputException)
                {
                    failures[index - start] = failure;
                }
                var count = Interlocked.Increment(ref done);
                if (progress is not null && (count % every == 0 || count == end - start)) progress(count);
                return worker;
            },
            _ => { });
        if (failures.FirstOrDefault(f => f is not null) is { } first) throw first;
    }
}
