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
