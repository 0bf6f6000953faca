using CellTherapySim.Studies;

namespace CellTherapySim.Cli;

/// <summary>Reads a study file for a command, telling the user on the run's error writer what it allows but warns about.</summary>
internal static class StudyInput
{
    /// <summary>The error writer of the ctsim run on this logical thread (set by <see cref="CliApp.Run"/>).</summary>
    private static readonly AsyncLocal<TextWriter?> Warnings = new();

    /// <summary>Sends the warnings of the studies read during the run to <paramref name="error"/>.</summary>
    public static void WarnTo(TextWriter error) => Warnings.Value = error;

    /// <summary>The study in <paramref name="path"/>; its warnings (e.g. a dose after the last readout day) go to the run's error writer.</summary>
    public static Study Read(string path)
    {
        var study = StudyFileReader.ReadFile(path);
        var writer = Warnings.Value ?? Console.Error;
        foreach (var warning in study.Warnings) writer.WriteLine($"ctsim: warning: {warning}");
        return study;
    }
}
