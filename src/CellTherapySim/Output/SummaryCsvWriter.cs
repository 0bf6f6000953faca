using System.Globalization;
using CellTherapySim.Studies;

namespace CellTherapySim.Output;

/// <summary>
/// Writes group summaries: GROUP,TIME,DVID,MEAN,SD,N (the summary data format) then Q5,Q50,Q95, CENSORED (readings at
/// a cutoff) and PRED (the typical animal's noise-free prediction).
/// </summary>
public static class SummaryCsvWriter
{
    /// <summary>Writes the header and one row per summary; <paramref name="prediction"/> gives PRED for a row.</summary>
    public static void Write(TextWriter writer, IEnumerable<SummaryStatistics> rows, Func<SummaryStatistics, double> prediction)
    {
        writer.WriteLine("GROUP,TIME,DVID,MEAN,SD,N,Q5,Q50,Q95,CENSORED,PRED");
        foreach (var r in rows)
            writer.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{Csv.Field(r.Group)},{r.Time:R},{r.Endpoint},{r.Mean:0.0000},{r.Sd:0.0000},{r.N},{r.Q5:0.0000},{r.Q50:0.0000},{r.Q95:0.0000},{r.Censored},{prediction(r):0.0000}"));
    }
}
