using CellTherapySim.Studies;

namespace CellTherapySim.Cli;

/// <summary>Reads a study file for a command, telling the user on standard error what it allows but warns about.</summary>
internal static class StudyInput
{
    /// <summary>The study in <paramref name="path"/>; its warnings (e.g. a dose after the last readout day) are written to standard error.</summary>
    public static Study Read(string path)
    {
        var study = StudyFileReader.ReadFile(path);
        foreach (var warning in study.Warnings) Console.Error.WriteLine($"ctsim: warning: {warning}");
        return study;
    }
}
