using System.Globalization;
using CellTherapySim.Modeling;
using CellTherapySim.Simulation;
using CellTherapySim.Studies;

namespace CellTherapySim.Output;

/// <summary>
/// Writes animals in the NONMEM/Monolix-style long format of the study data
/// (ID,GROUP,INJURY,TIME,EVID,AMT,ROUTE,DVID,DV,CENS, then PRODUCT when a dose is not of cells and WT when an animal has
/// its own body weight): one row per reading (EVID 0) or dose (EVID 1, AMT in the product's dose unit), by time; at
/// equal times readings come before doses (measured before dosing).
/// </summary>
public static class ObservationCsvWriter
{
    /// <summary>The columns every file has.</summary>
    public const string Header = "ID,GROUP,INJURY,TIME,EVID,AMT,ROUTE,DVID,DV,CENS";

    /// <summary>Writes the header and every animal's rows.</summary>
    public static void Write(TextWriter writer, IReadOnlyList<AnimalRecord> animals)
    {
        var products = animals.Any(a => a.Doses.Any(d => d.Product != Dose.CellsProduct && d.Amount != 0));
        var weights = animals.Any(a => a.BodyWeight is not null);
        writer.WriteLine(Header + (products ? $",{DataColumns.Product}" : "") + (weights ? $",{DataColumns.Weight}" : ""));
        foreach (var animal in animals) Write(writer, animal, products, weights);
    }

    private static void Write(TextWriter writer, AnimalRecord animal, bool products, bool weights)
    {
        var group = Csv.Field(animal.Group);
        var weight = weights ? $",{(animal.BodyWeight is { } w ? Csv.Number(w) : "")}" : "";
        // A zero dose is no dose event (DoseSchedule); the format has no zero-amount dose rows (an untreated animal has none).
        var doses = animal.Doses.Where(dose => dose.Amount != 0).OrderBy(dose => dose.Time).ToList();
        var d = 0;
        void WriteDose(Dose dose) => writer.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{animal.Id},{group},{animal.Injury},{Csv.Number(dose.Time)},1,{Csv.Number(dose.Amount)},{dose.Route},,,{(products ? $",{dose.Product}" : "")}{weight}"));
        foreach (var observation in animal.Observations.OrderBy(o => o.Time))
        {
            for (; d < doses.Count && doses[d].Time < observation.Time; d++) WriteDose(doses[d]);
            writer.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{animal.Id},{group},{animal.Injury},{Csv.Number(observation.Time)},0,,,{observation.Endpoint},{Csv.Number(observation.Value)},{(int)observation.Censoring}{(products ? "," : "")}{weight}"));
        }
        for (; d < doses.Count; d++) WriteDose(doses[d]);
    }
}
