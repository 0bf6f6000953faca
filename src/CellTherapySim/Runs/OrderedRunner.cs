namespace CellTherapySim.Runs;

/// <summary>How a run ended: every unit done, or stopped early (cancelled) with the units before <see cref="Committed"/> done.</summary>
/// <param name="Committed">Units committed, a prefix of the run's positions: [start, start + Committed).</param>
public readonly record struct RunOutcome(long Committed, bool Cancelled);

/// <summary>
/// The one runner of long work (cohorts, comparisons, agent replicates, sweeps, predictive checks): units at positions
/// [start, end) are evaluated in parallel, one worker per thread, and committed one at a time in position order as soon
/// as all before them are (e.g. appended to a journal), so finished work reaches disk in order. A worker does not start
/// a unit more than <c>window</c> positions ahead of the oldest unfinished one, so memory stays bounded however many
/// units there are. The evaluation of a position must depend only on the position (random draws seeded by it), so
/// results do not depend on the thread count. A failure (a <see cref="Simulation.SimulationException"/> or
/// <see cref="InputException"/>) stops dispatching; the units before the lowest failed position are still committed and
/// that failure is rethrown, whatever the thread count. Cancellation stops dispatching, lets running units finish and
/// commits the in-order prefix.
/// </summary>
public static class OrderedRunner
{
    /// <summary>The default bound on units evaluated ahead of the oldest unfinished one, per thread.</summary>
    public const int WindowPerThread = 256;

    /// <summary>Evaluates positions [<paramref name="start"/>, <paramref name="end"/>) and commits their results in order.</summary>
    /// <param name="createWorker">Creates one worker (e.g. a simulator) per thread.</param>
    /// <param name="evaluate">The result of a position, computed on a worker (from worker threads).</param>
    /// <param name="commit">Called with each position and its result in increasing position order, one call at a time.</param>
    /// <param name="threads">Worker threads; 0 or less: all cores.</param>
    /// <param name="progress">Called with the number of units committed in this call, at most ~256 times plus the last.</param>
    /// <param name="window">Bound on units in flight or waiting to be committed; 0: <see cref="WindowPerThread"/> per thread.</param>
    /// <exception cref="Simulation.SimulationException">The failure of the lowest failed position (or an <see cref="InputException"/>).</exception>
    public static RunOutcome Run<TWorker, TResult>(long start, long end, Func<TWorker> createWorker, Func<long, TWorker, TResult> evaluate,
        Action<long, TResult> commit, int threads = 0, Action<long>? progress = null, CancellationToken cancellation = default, int window = 0)
    {
        var workers = threads > 0 ? threads : Environment.ProcessorCount;
        var count = Math.Max(end - start, 0);
        var capacity = (int)Math.Min(window > 0 ? window : WindowPerThread * (long)workers, Math.Max(count, 1));
        var state = new State<TResult>(start, end, capacity, Math.Max(1, count / 256));
        var threadsToRun = (int)Math.Min(workers, Math.Max(count, 1));
        var failures = new Exception?[threadsToRun];
        var pool = new Thread[threadsToRun];
        for (var w = 0; w < threadsToRun; w++)
        {
            var index = w;
            pool[w] = new Thread(() =>
            {
                try
                {
                    Work(state, createWorker, evaluate, commit, progress, cancellation);
                }
                catch (Exception e)
                {
                    // A defect in commit or the worker factory: stop everyone and rethrow after the others end.
                    failures[index] = e;
                    state.Abort();
                }
            }) { IsBackground = true, Name = $"ctsim worker {w + 1}" };
            pool[w].Start();
        }
        foreach (var thread in pool) thread.Join();
        if (failures.FirstOrDefault(f => f is not null) is { } defect) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(defect);
        if (state.Failure is { } failure) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failure);
        return new RunOutcome(state.Committed - start, state.Committed < end);
    }

    private static void Work<TWorker, TResult>(State<TResult> state, Func<TWorker> createWorker, Func<long, TWorker, TResult> evaluate,
        Action<long, TResult> commit, Action<long>? progress, CancellationToken cancellation)
    {
        var worker = createWorker();
        while (state.Take(cancellation) is { } position)
        {
            TResult result;
            try
            {
                result = evaluate(position, worker);
            }
            catch (Exception failure) when (failure is Simulation.SimulationException or InputException)
            {
                state.Fail(position, failure);
                continue;
            }
            state.Finish(position, result, commit, progress);
        }
    }

    /// <summary>The shared state of one run: next position to hand out, results waiting to be committed, the lowest failure.</summary>
    private sealed class State<TResult>(long start, long end, int capacity, long progressEvery)
    {
        private readonly object _lock = new();
        private readonly long _first = start;
        private readonly long _end = end;
        private readonly TResult[] _slots = new TResult[capacity];
        private readonly bool[] _filled = new bool[capacity];
        private long _next = start;
        private long _stopAt = end;
        private bool _committing;

        /// <summary>The first position not committed.</summary>
        public long Committed { get; private set; } = start;

        /// <summary>The failure of the lowest failed position, if any.</summary>
        public Exception? Failure { get; private set; }

        /// <summary>The next position to evaluate, or null when there is none (done, failed before it, cancelled).</summary>
        public long? Take(CancellationToken cancellation)
        {
            lock (_lock)
            {
                while (true)
                {
                    if (cancellation.IsCancellationRequested) _stopAt = Math.Min(_stopAt, _next);
                    if (_next >= _stopAt) return null;
                    if (_next < Committed + capacity) return _next++;
                    Monitor.Wait(_lock, 100);
                }
            }
        }

        /// <summary>Records a failed position: nothing at or after it is dispatched or committed.</summary>
        public void Fail(long position, Exception failure)
        {
            lock (_lock)
            {
                if (position < _stopAt)
                {
                    _stopAt = position;
                    Failure = failure;
                }
                Monitor.PulseAll(_lock);
            }
        }

        /// <summary>Stops handing out positions after a defect.</summary>
        public void Abort()
        {
            lock (_lock)
            {
                _stopAt = Math.Min(_stopAt, _next);
                Monitor.PulseAll(_lock);
            }
        }

        /// <summary>Stores a result and, unless another thread is committing, commits every result that is next in order.</summary>
        public void Finish(long position, TResult result, Action<long, TResult> commit, Action<long>? progress)
        {
            lock (_lock)
            {
                var slot = (int)(position % capacity);
                _slots[slot] = result;
                _filled[slot] = true;
                if (_committing) return;
                _committing = true;
            }
            while (true)
            {
                long next;
                TResult ready;
                lock (_lock)
                {
                    next = Committed;
                    var slot = (int)(next % capacity);
                    if (next >= _stopAt || !_filled[slot])
                    {
                        _committing = false;
                        Monitor.PulseAll(_lock);
                        return;
                    }
                    ready = _slots[slot];
                    _slots[slot] = default!;
                    _filled[slot] = false;
                }
                // Commit outside the lock (it may write a file); only this thread commits now, so order holds.
                commit(next, ready);
                lock (_lock)
                {
                    Committed = next + 1;
                    Monitor.PulseAll(_lock);
                }
                if (progress is not null && ((next + 1 - _first) % progressEvery == 0 || next + 1 == _end)) progress(next + 1 - _first);
            }
        }
    }
}
