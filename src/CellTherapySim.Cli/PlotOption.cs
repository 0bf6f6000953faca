using System.CommandLine;
using CellTherapySim.Plots;
using Spectre.Console;

namespace CellTherapySim.Cli;

/// <summary>--plot FILE.svg|FILE.pdf: a figure of the run's results, checked before the run starts and written like every result file.</summary>
internal sealed class PlotOption(string what)
{
    /// <summary>The option.</summary>
    public Option<string?> Option { get; } = new("--plot") { Description = $"Write a figure of {what} as SVG or PDF (by the file's extension).", HelpName = "FILE.svg|FILE.pdf" };

    /// <summary>
    /// The figure's path, or null when not asked for: its extension must be .svg or .pdf and its folder must exist,
    /// and an earlier figure there needs --force (checked before any work).
    /// </summary>
    /// <exception cref="InputException">A wrong extension, a missing folder, or an earlier file without --force.</exception>
    public string? Claim(ParseResult parse, IAnsiConsole console, bool force)
    {
        if (parse.GetValue(Option) is not { } path) return null;
        var extension = Path.GetExtension(path).ToLowerInvariant();
        if (!Figure.Extensions.Contains(extension))
            throw new InputException("--plot", $"'{path}' has {(extension.Length == 0 ? "no extension" : $"the extension '{Path.GetExtension(path)}'")}; expected {string.Join(" or ", Figure.Extensions)}");
        var folder = Path.GetDirectoryName(Path.GetFullPath(path))!;
        if (!Directory.Exists(folder)) throw new InputException("--plot", $"cannot write '{path}': its folder does not exist");
        OutputFolder.ClaimFilesOf(console, "--plot", force, false, path);
        return path;
    }

    /// <summary>Writes <paramref name="figure"/> to <paramref name="path"/> and says so; a failed write names the option.</summary>
    /// <exception cref="InputException">The file cannot be written.</exception>
    public static void Write(IAnsiConsole console, Figure figure, string path)
    {
        try
        {
            figure.Write(path, "--plot");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InputException("--plot", $"cannot write '{path}': {e.Message}");
        }
        console.MarkupLineInterpolated($"Wrote the figure ({figure.Panels.Count} panel{(figure.Panels.Count == 1 ? "" : "s")}) to [bold]{path}[/].");
    }
}
