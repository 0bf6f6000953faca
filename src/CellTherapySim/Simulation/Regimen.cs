using System.Globalization;

namespace CellTherapySim.Simulation;

/// <summary>Text for dosing regimens (lists of doses).</summary>
public static class Regimen
{
    /// <summary>"1,000,000 cells iv at day 7, ..." or "no dose".</summary>
    public static string Describe(IReadOnlyList<Dose> doses) =>
        doses.Count == 0
            ? "no dose"
            : string.Join(", ", doses.Select(d => string.Create(CultureInfo.InvariantCulture, $"{d.Cells:#,0.###} cells {d.Route} at day {d.Time:0.###}")));
}
