using System.Globalization;
using CellTherapySim.Comparison;

namespace CellTherapySim.Output;

/// <summary>
/// Writes a regimen comparison in long format: REGIMEN,ENDPOINT,METRIC,DAY,UNIT,ESTIMATE,MEAN,Q5,Q50,Q95,N, with METRIC
/// one of effect (one row per readout day, DAY filled), auc, onset, peak, peak_day, duration and responders. ESTIMATE is
/// the metric of the cohort's mean relief curve; MEAN and the quantiles are over the N animals (for onset, the
/// responders; for responders, MEAN is the share of animals). Undefined values are empty. A comparison over posterior
/// draws (<see cref="PosteriorComparisonResult.Summary"/>) is written the same way over the draws instead of animals
/// (ESTIMATE = Q50, the posterior median), and its probabilities in a second file (<see cref="WriteProbabilities"/>).
/// </summary>
public static class ComparisonCsvWriter
{
    /// <summary>The header line.</summary>
    public const string Header = "REGIMEN,ENDPOINT,METRIC,DAY,UNIT,ESTIMATE,MEAN,Q5,Q50,Q95,N";

    /// <summary>Writes the header and every row, regimen by regimen, endpoint by endpoint.</summary>
    public static void Write(TextWriter writer, ComparisonResult result)
    {
        writer.WriteLine(Header);
        foreach (var x in result.Efficacies)
        {
            void Row(string metric, double? day, string unit, MetricSummary s) =>
                writer.WriteLine(string.Join(',', Csv.Field(x.Regimen.Name), Csv.Field(x.Endpoint), metric,
                    day is { } d ? Csv.Number(d) : "", Csv.Field(unit),
                    Number(s.Estimate), Number(s.Mean), Number(s.Q5), Number(s.Q50), Number(s.Q95), s.N.ToString(CultureInfo.InvariantCulture)));

            foreach (var effect in x.Effects) Row("effect", effect.Day, x.Unit, effect.Relief);
            Row("auc", null, $"{x.Unit}*day", x.Auc);
            Row("onset", null, "day", x.Onset);
            Row("peak", null, x.Unit, x.Peak);
            Row("peak_day", null, "day", x.PeakDay);
            Row("duration", null, "day", x.Duration);
            Row("responders", null, "1", new MetricSummary(x.Responders, x.Responders, double.NaN, double.NaN, double.NaN, x.Auc.N));
        }
    }

    /// <summary>The header of the probabilities file.</summary>
    public const string ProbabilitiesHeader = "REGIMEN,VERSUS,ENDPOINT,METRIC,P,N";

    /// <summary>
    /// Writes one row per probability: P(METRIC of REGIMEN &gt; METRIC of VERSUS) over N draws, VERSUS another regimen or the
    /// untreated reference (P(METRIC &gt; 0)).
    /// </summary>
    public static void WriteProbabilities(TextWriter writer, IEnumerable<BeatProbability> probabilities)
    {
        writer.WriteLine(ProbabilitiesHeader);
        foreach (var p in probabilities)
            writer.WriteLine(string.Join(',', Csv.Field(p.Regimen), Csv.Field(p.Versus), Csv.Field(p.Endpoint), p.Metric,
                Number(p.Probability), p.Draws.ToString(CultureInfo.InvariantCulture)));
    }

    /// <summary>Four decimals ("0.0000", never "-0.0000"), empty for NaN.</summary>
    private static string Number(double value)
    {
        if (double.IsNaN(value)) return "";
        var text = value.ToString("0.0000", CultureInfo.InvariantCulture);
        return text == "-0.0000" ? "0.0000" : text;
    }
}
