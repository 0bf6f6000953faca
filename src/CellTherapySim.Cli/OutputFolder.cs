using CellTherapySim.Output;
using Spectre.Console;

namespace CellTherapySim.Cli;

/// <summary>An output folder that a command fills with results of its own: never overwritten by accident.</summary>
internal static class OutputFolder
{
    /// <summary>
    /// Makes <paramref name="folder"/> ready for a new run whose results match <paramref name="patterns"/> (file name
    /// patterns such as "draws-chain-*.csv", and their temporary .partial files): refuses, naming the files, when it holds some unless <paramref name="force"/>
    /// is given — then it deletes them (only those; other files stay) and says so. <paramref name="resumable"/>: the
    /// command could continue the earlier run with --resume (the message says so).
    /// </summary>
    /// <exception cref="InputException">The folder holds earlier results and --force is not given.</exception>
    public static void Claim(IAnsiConsole console, string folder, bool force, IReadOnlyList<string> patterns, bool resumable = false, string option = "--out")
    {
        if (!Directory.Exists(folder)) return;
        // Also the temporary files of an interrupted run (ResultFile), which hold part of its results.
        var earlier = patterns.SelectMany(p => new[] { p, p + ResultFile.PartialSuffix }).SelectMany(p => Directory.EnumerateFiles(folder, p))
            .Distinct().Order(StringComparer.Ordinal).ToList();
        Replace(console, option, folder, $"'{folder}' already holds results", earlier, force, resumable, "folder");
    }

    /// <summary>As <see cref="Claim"/> for single result files (--out FILE and the files written next to it).</summary>
    /// <exception cref="InputException">A file (or its temporary .partial file) exists and --force is not given.</exception>
    public static void ClaimFiles(IAnsiConsole console, bool force, bool resumable, params string[] paths) => ClaimFilesOf(console, "--out", force, resumable, paths);

    /// <summary>As <see cref="ClaimFiles"/> for the files of <paramref name="option"/>.</summary>
    /// <exception cref="InputException">A file (or its temporary .partial file) exists and --force is not given.</exception>
    public static void ClaimFilesOf(IAnsiConsole console, string option, bool force, bool resumable, params string[] paths)
    {
        var earlier = paths.SelectMany(p => new[] { p, p + ResultFile.PartialSuffix }).Where(File.Exists).ToList();
        var folder = earlier.Count > 0 && Path.GetDirectoryName(earlier[0]) is { Length: > 0 } d ? d : ".";
        Replace(console, option, folder, earlier.Count == 1 ? $"'{earlier[0]}' already exists" : $"'{folder}' already holds results", earlier, force, resumable, "file");
    }

    private static void Replace(IAnsiConsole console, string option, string folder, string found, List<string> earlier, bool force, bool resumable, string kind)
    {
        if (earlier.Count == 0) return;
        var names = string.Join(", ", earlier.Take(4).Select(Path.GetFileName)) + (earlier.Count > 4 ? $" and {earlier.Count - 4} more" : "");
        if (!force)
            throw new InputException(option, $"{found} ({names}); give --force to replace {(earlier.Count == 1 ? "it" : "them")}{(resumable ? ", --resume to continue that run" : "")}, or choose another {kind}");
        foreach (var file in earlier) File.Delete(file);
        console.MarkupLineInterpolated($"Replacing the results in {folder} (--force): removed {names}.");
    }

    /// <summary>
    /// Writes the result file <paramref name="path"/> for <paramref name="option"/> under a temporary name, renamed when
    /// complete (<see cref="ResultFile"/>); a failure to write is bad input naming the option and the path.
    /// </summary>
    /// <exception cref="InputException">The file cannot be written.</exception>
    public static void WriteFile(string option, string path, Action<TextWriter> write)
    {
        try
        {
            ResultFile.Write(path, write);
        }
        catch (DirectoryNotFoundException)
        {
            throw new InputException(option, $"cannot write '{path}': its folder does not exist");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InputException(option, $"cannot write '{path}': {e.Message}");
        }
    }
}
