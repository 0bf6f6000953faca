using System.Diagnostics;
using System.Globalization;
using CellTherapySim.Inference;
using Spectre.Console;

namespace CellTherapySim.Cli;

/// <summary>Progress of sampling chains: one bar per chain (warm-up/sampling, draws per second) on a terminal, plain lines every 10% otherwise.</summary>
internal static class ChainProgressDisplay
{
    /// <summary>Runs <paramref name="work"/>, which reports each chain's progress.</summary>
    public static T Run<T>(IAnsiConsole console, FitRunSettings settings, Func<Action<ChainProgress>, T> work)
    {
        var total = settings.Warmup + settings.Draws;
        if (!console.Profile.Capabilities.Interactive)
        {
            var lastDecile = new int[settings.Chains + 1];
            var clock = Stopwatch.StartNew();
            var gate = new object();
            return work(p =>
            {
                var decile = p.Iteration * 10 / p.Total;
                if (decile == lastDecile[p.Chain]) return;
                lastDecile[p.Chain] = decile;
                lock (gate)
                    console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"chain {p.Chain}: {p.Iteration}/{p.Total} ({(p.Warmup ? "warm-up" : "sampling")}), {clock.Elapsed.TotalSeconds:F0} s"));
            });
        }
        return console.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
            .Start(context =>
            {
                var tasks = Enumerable.Range(1, settings.Chains).Select(c => context.AddTask($"chain {c}: warm-up", maxValue: total)).ToArray();
                var clocks = Enumerable.Range(0, settings.Chains).Select(_ => Stopwatch.StartNew()).ToArray();
                return work(p =>
                {
                    var task = tasks[p.Chain - 1];
                    task.Value = p.Iteration;
                    if (p.Iteration % 10 == 0)
                        task.Description = string.Create(CultureInfo.InvariantCulture,
                            $"chain {p.Chain}: {(p.Warmup ? "warm-up" : "sampling")}, {p.Iteration / clocks[p.Chain - 1].Elapsed.TotalSeconds:F1} it/s");
                });
            });
    }
}
