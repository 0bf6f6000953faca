using CellTherapySim.Runs;
using CellTherapySim.Simulation;

namespace CellTherapySim.Tests.Runs;

/// <summary>The one runner: in-order commits whatever the thread count, a bounded window, the lowest failure, cancellation.</summary>
public sealed class OrderedRunnerTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(4)]
    public void CommitsEveryPositionOnceInOrder(int threads)
    {
        var committed = new List<long>();
        var outcome = OrderedRunner.Run(5, 2005, () => new Random(1), (p, random) =>
        {
            Thread.SpinWait(random.Next(2000)); // uneven work so positions finish out of order
            return p * p;
        }, (p, value) =>
        {
            Assert.Equal(p * p, value);
            committed.Add(p);
        }, threads);
        Assert.Equal(Enumerable.Range(5, 2000).Select(i => (long)i), committed);
        Assert.Equal(new RunOutcome(2000, false), outcome);
    }

    [Fact]
    public void NoPositionStartsMoreThanTheWindowAheadOfTheOldestUnfinished()
    {
        long committed = 0, furthest = 0;
        using var slowFirst = new ManualResetEventSlim(false);
        var outcome = OrderedRunner.Run(0, 200, () => 0, (p, _) =>
        {
            if (p == 0) slowFirst.Wait(TimeSpan.FromMilliseconds(300));
            var ahead = p - Interlocked.Read(ref committed);
            InterlockedMax(ref furthest, ahead);
            return p;
        }, (p, _) => Interlocked.Exchange(ref committed, p + 1), threads: 2, window: 10);
        Assert.Equal(200, outcome.Committed);
        Assert.True(furthest < 10, $"a position started {furthest} ahead of the oldest unfinished one");
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void TheLowestFailureIsRethrownAfterCommittingEverythingBeforeIt(int threads)
    {
        var committed = new List<long>();
        var failure = Assert.Throws<SimulationException>(() => OrderedRunner.Run(0, 500, () => 0, (p, _) =>
            p is 137 or 300 ? throw new SimulationException($"failed at {p}") : p,
            (p, _) => committed.Add(p), threads));
        Assert.Equal("failed at 137", failure.Message);
        Assert.Equal(Enumerable.Range(0, 137).Select(i => (long)i), committed);
    }

    [Fact]
    public void CancellationCommitsAPrefixAndSaysSo()
    {
        using var cancellation = new CancellationTokenSource();
        var committed = new List<long>();
        var outcome = OrderedRunner.Run(0, 100_000, () => 0, (p, _) =>
        {
            if (p == 1000) cancellation.Cancel();
            return p;
        }, (p, _) => committed.Add(p), threads: 2, cancellation: cancellation.Token);
        Assert.True(outcome.Cancelled);
        Assert.InRange(outcome.Committed, 1000, 99_999);
        Assert.Equal(Enumerable.Range(0, (int)outcome.Committed).Select(i => (long)i), committed);
    }

    private static void InterlockedMax(ref long target, long value)
    {
        for (var current = Interlocked.Read(ref target); value > current; current = Interlocked.Read(ref target))
            if (Interlocked.CompareExchange(ref target, value, current) == current) return;
    }
}
