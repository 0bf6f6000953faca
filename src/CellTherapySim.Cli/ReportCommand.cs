using System.CommandLine;
using CellTherapySim.Reports;
using Spectre.Console;

namespace CellTherapySim.Cli;

/// <summary>`ctsim report DIR`: one self-contained HTML report of an output folder.</summary>
internal static class ReportCommand
{
    /// <summary>The report's default file name inside the folder.</summary>
    public const string DefaultName = "report.html";

    public static Command Create(IAnsiConsole console)
    {
        var folder = new Argument<string>("DIR") { Description = "An output folder of 'simulate --study', 'fit', 'sweep' or 'sensitivity' (a partial one too), a --snapshots folder, or the --out FILE.csv of compare or of simulate for one animal." };
        var output = new Option<string?>("--out") { Description = $"The HTML file to write (default: DIR/{DefaultName}, or FILE.html beside a FILE.csv).", HelpName = "FILE.html" };
        var force = CommonOptions.Force();
        var metric = new Option<string?>("--metric") { Description = "Sweep or sensitivity: the metric to chart, ENDPOINT:METRIC (e.g. TWL:peak). Default: the run's ranking metric.", HelpName = "ENDPOINT:METRIC" };
        var command = new Command("report", "Write one self-contained HTML report of an output folder (inline SVG and CSS, nothing fetched, no scripts): figures, tables, the run's command, model and tool version; a partial folder is reported as partial.")
        {
            folder, output, force, metric,
        };
        command.SetAction(parse =>
        {
            var dir = parse.GetValue(folder)!;
            var path = parse.GetValue(output) ?? (File.Exists(dir) ? Path.ChangeExtension(dir, ".html") : Path.Combine(dir, DefaultName));
            if (!path.EndsWith(".html", StringComparison.OrdinalIgnoreCase) && !path.EndsWith(".htm", StringComparison.OrdinalIgnoreCase))
                throw new InputException("--out", $"'{path}' is not an .html file; expected FILE.html");
            OutputFolderReport.Kind(dir);
            OutputFolder.ClaimFiles(console, parse.GetValue(force), false, path);
            var clock = System.Diagnostics.Stopwatch.StartNew();
            var report = OutputFolderReport.Build(dir, parse.GetValue(metric));
            var html = report.Render();
            OutputFolder.WriteFile("--out", path, writer => writer.Write(html));
            console.MarkupLineInterpolated($"Wrote the report ({report.Figures} figures, {System.Text.Encoding.UTF8.GetByteCount(html) / 1024.0:N0} KB) to [bold]{path}[/] in {clock.Elapsed.TotalSeconds:F1} s.");
            return CliApp.Success;
        });
        return command;
    }
}
