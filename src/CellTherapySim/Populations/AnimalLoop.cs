using CellTherapySim.Compilation;
using CellTherapySim.Simulation;
using CellTherapySim.Solvers;

namespace CellTherapySim.Populations;

/// <summary>
/// Runs per-animal simulations in parallel with one <see cref="Simulator"/> per worker thread. The work for an animal
/// must depend only on its index (random draws are made beforehand), so results do not depend on the thread count;
/// if simulations fail (a <see cref="SimulationException"/> or <see cref="InputException"/>), the failure of the
/// lowest-numbered animal is rethrown, whatever the thread count.
/// </summary>
public static class AnimalLoop
{
    /// <summary>Calls <paramref name="simulate"/>(animal, simulator) for every animal in [<paramref name="start"/>, <paramref name="end"/>).</summary>
    /// <param name="threads">Worker threads; 0 or less: all cores.</param>
    /// <param name="progress">Called with the number of animals done in this call (from worker threads).</param>
    /// <exception cref="SimulationException">The failure of the lowest-numbered animal whose simulation failed (or an <see cref="InputException"/>).</exception>
    public static void Run(int start, int end, CompiledModel model, SolverKind solver, SolverOptions? options, int threads,
        Action<int, Simulator> simulate, Action<int>? progress = null)
    {
        var failures = new Exception?[end - start];
        var done = 0;
        Parallel.For(start, end,
            new ParallelOptions { MaxDegreeOfParallelism = threads > 0 ? threads : Environment.ProcessorCount },
            () => new Simulator(model, solver, options),
            (animal, _, simulator) =>
            {
                try
                {
                    simulate(animal, simulator);
                }
                catch (Exception failure) when (failure is SimulationException or InputException)
                {
                    failures[animal - start] = failure;
                }
                var count = Interlocked.Increment(ref done);
                if (progress is not null && (count % 64 == 0 || count == end - start)) progress(count);
                return simulator;
            },
            _ => { });
        if (failures.FirstOrDefault(f => f is not null) is { } first) throw first;
    }
}
