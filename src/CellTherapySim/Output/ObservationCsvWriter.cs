using System.Globalization;
using CellTherapySim.Studies;

namespace CellTherapySim.Output;

/// <summary>
/// Writes animals in the NONMEM/Monolix-style long format of the study data
/// (ID,GROUP,INJURY,TIME,EVID,AMT,ROUTE,DVID,DV,CENS): one row per reading (EVID 0) or dose (EVID 1, AMT in cells),
/// by time; at equal times readings come before doses (measured before dosing).
/// </summary>
public static class ObservationCsvWriter
{
    /// <summary>The header line.</summary>
    public const string Header = "ID,GROUP,INJURY,TIME,EVID,AMT,ROUTE,DVID,DV,CENS";

    /// <summary>Writes the header.</summary>
    public static void WriteHeader(TextWriter writer) => writer.WriteLine(Header);

    /// <summary>Writes one animal's rows.</summary>
    public static void Write(TextWriter writer, AnimalRecord animal)
    {
        var group = Csv.Field(animal.Group);
        var doses = animal.Doses.OrderBy(d => d.Time).ToList();
        var d = 0;
        foreach (var observation in animal.Observations.OrderBy(o => o.Time))
        {
            for (; d < doses.Count && doses[d].Time < observation.Time; d++) WriteDose(writer, animal, group, doses[d]);
            writer.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{animal.Id},{group},{animal.Injury},{Csv.Number(observation.Time)},0,,,{observation.Endpoint},{Csv.Number(observation.Value)},{(int)observation.Censoring}"));
        }
        for (; d < doses.Count; d++) WriteDose(writer, animal, group, doses[d]);
    }

    private static void WriteDose(TextWriter writer, AnimalRecord animal, string group, Simulation.Dose dose) =>
        writer.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{animal.Id},{group},{animal.Injury},{Csv.Number(dose.Time)},1,{Csv.Number(dose.Cells)},{dose.Route},,,"));
}
