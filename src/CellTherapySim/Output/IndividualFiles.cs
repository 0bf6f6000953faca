using System.Globalization;
using CellTherapySim.Inference;

namespace CellTherapySim.Output;

/// <summary>Writes a fit's individuals.csv (each animal's individual parameter values and ηs) and ipred.csv (each reading's IPRED, PRED and IWRES).</summary>
public static class IndividualFiles
{
    /// <summary>The per-animal file (fits with random effects).</summary>
    public const string Individuals = "individuals.csv";

    /// <summary>The per-reading file (fits to individual animals).</summary>
    public const string Ipred = "ipred.csv";

    /// <summary>Writes individuals.csv into <paramref name="folder"/>.</summary>
    public static void WriteIndividuals(string folder, IReadOnlyList<AnimalEstimate> rows)
    {
        ResultFile.Write(Path.Combine(folder, Individuals), writer => WriteIndividuals(writer, rows));
    }

    /// <summary>
    /// Writes <c>ID,GROUP</c> and, per random effect, <c>name_median,name_q5,name_q95,eta_name_median,eta_name_q5,eta_name_q95</c>,
    /// one line per animal; numbers in round-trip form.
    /// </summary>
    public static void WriteIndividuals(TextWriter writer, IReadOnlyList<AnimalEstimate> rows)
    {
        var names = rows.Count == 0 ? [] : rows[0].Effects.Select(e => e.Parameter).ToList();
        writer.WriteLine(string.Join(',', names.SelectMany(n => new[] { $"{n}_median", $"{n}_q5", $"{n}_q95", $"eta_{n}_median", $"eta_{n}_q5", $"eta_{n}_q95" }).Select(Csv.Field).Prepend("ID,GROUP")));
        foreach (var r in rows)
            writer.WriteLine(string.Join(',', r.Effects.SelectMany(e => new[] { e.Value.Median, e.Value.Q5, e.Value.Q95, e.Eta.Median, e.Eta.Q5, e.Eta.Q95 }).Select(Csv.Number)
                .Prepend(Csv.Field(r.Group)).Prepend(r.Id.ToString(CultureInfo.InvariantCulture))));
    }

    /// <summary>Writes ipred.csv into <paramref name="folder"/>.</summary>
    public static void WriteIpred(string folder, IEnumerable<ReadingPrediction> rows)
    {
        ResultFile.Write(Path.Combine(folder, Ipred), writer => WriteIpred(writer, rows));
    }

    /// <summary>
    /// Writes <c>ID,TIME,DVID,DV,CENS,IPRED_median,IPRED_q5,IPRED_q95,PRED,IWRES</c>, one line per reading; numbers in
    /// round-trip form, CENS as in the data (-1, 0, 1), IWRES empty for a censored reading.
    /// </summary>
    public static void WriteIpred(TextWriter writer, IEnumerable<ReadingPrediction> rows)
    {
        writer.WriteLine("ID,TIME,DVID,DV,CENS,IPRED_median,IPRED_q5,IPRED_q95,PRED,IWRES");
        foreach (var r in rows)
            writer.WriteLine(string.Join(',', r.Id.ToString(CultureInfo.InvariantCulture), Csv.Number(r.Time), Csv.Field(r.Endpoint), Csv.Number(r.Value),
                ((int)r.Censoring).ToString(CultureInfo.InvariantCulture), Csv.Number(r.Ipred.Median), Csv.Number(r.Ipred.Q5), Csv.Number(r.Ipred.Q95),
                Csv.Number(r.Pred), double.IsNaN(r.Iwres) ? "" : Csv.Number(r.Iwres)));
    }
}
