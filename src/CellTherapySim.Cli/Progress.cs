using Spectre.Console;

namespace CellTherapySim.Cli;

/// <summary>Runs long work with a progress bar on a terminal (nothing extra when the output is not a terminal).</summary>
internal static class Progress
{
    /// <summary>Runs <paramref name="work"/>, which reports how many of <paramref name="total"/> units are done.</summary>
    public static T Run<T>(IAnsiConsole console, string description, int total, Func<Action<int>, T> work)
    {
        if (!console.Profile.Capabilities.Interactive)
            return work(_ => { });
        return console.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
            .Start(context =>
            {
                var task = context.AddTask(description, maxValue: total);
                var result = work(done => task.Value = done);
                task.Value = total;
                return result;
            });
    }
}

/// <summary>
/// Progress of long runs counted in units (scenarios): on a terminal a bar with units per second and the time left;
/// when the output is piped, a plain line every few seconds.
/// </summary>
internal static class RateProgress
{
    /// <summary>Seconds between two plain progress lines.</summary>
    private const double PlainEvery = 5;

    /// <summary>Runs <paramref name="work"/>, which reports (done, total) from any thread.</summary>
    public static T Run<T>(IAnsiConsole console, string what, long total, Func<Action<long, long>, T> work)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        long? first = null;
        string Rate(long done)
        {
            first ??= done;
            var seconds = clock.Elapsed.TotalSeconds;
            var rate = (done - first.Value) / Math.Max(seconds, 1e-9);
            var left = rate > 0 ? TimeSpan.FromSeconds((total - done) / rate) : (TimeSpan?)null;
            return $"{what}: {done:N0}/{total:N0}, {rate:N0}/s, ETA {(left is { } l ? l.ToString(@"hh\:mm\:ss") : "--:--:--")}";
        }
        if (!console.Profile.Capabilities.Interactive)
        {
            var last = 0.0;
            var gate = new object();
            return work((done, _) =>
            {
                lock (gate)
                {
                    var text = Rate(done);
                    if (clock.Elapsed.TotalSeconds - last < PlainEvery) return;
                    last = clock.Elapsed.TotalSeconds;
                    console.WriteLine(text);
                }
            });
        }
        return console.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
            .Start(context =>
            {
                var task = context.AddTask(what, maxValue: Math.Max(total, 1));
                var result = work((done, _) =>
                {
                    task.Description = Markup.Escape(Rate(done));
                    task.Value = done;
                });
                return result;
            });
    }
}
