using CellTherapySim.Inference.Diagnostics;

namespace CellTherapySim.Output;

/// <summary>Writes a fit's loo.csv (and loo-animal.csv, leaving out one animal at a time): estimate and SE of elpd_loo, p_loo and looic, the Pareto k threshold, the counts of k by category and of observations with a constant log-likelihood.</summary>
public static class LooFiles
{
    /// <summary>The file in a fit folder.</summary>
    public const string Loo = "loo.csv";

    /// <summary>The leave-one-animal-out file in a fit folder of individual animals.</summary>
    public const string AnimalLoo = "loo-animal.csv";

    /// <summary>Writes <paramref name="file"/> (loo.csv or loo-animal.csv) into <paramref name="folder"/>: QUANTITY,ESTIMATE,SE (counts of Pareto k without an SE).</summary>
    public static void Write(string folder, PsisLoo loo, string file = Loo)
    {
        ResultFile.Write(Path.Combine(folder, file), writer =>
        {
            writer.WriteLine("QUANTITY,ESTIMATE,SE");
            void Row(string name, double estimate, double? se) =>
                writer.WriteLine($"{name},{Csv.Number(estimate)},{(se is { } s ? Csv.Number(s) : "")}");
            Row("elpd_loo", loo.ElpdLoo, loo.ElpdLooSe);
            Row("p_loo", loo.PLoo, loo.PLooSe);
            Row("looic", loo.Looic, loo.LooicSe);
            Row("pareto_k_threshold", loo.KThreshold, null);
            Row("pareto_k_good", loo.Observations - loo.HighParetoKCount - loo.ConstantCount, null);
            Row("pareto_k_bad", loo.ParetoK.Count(k => k > loo.KThreshold && k <= 1), null);
            Row("pareto_k_very_bad", loo.HighParetoKCount - loo.ParetoK.Count(k => k > loo.KThreshold && k <= 1), null);
            Row("constant_log_lik", loo.ConstantCount, null);
        });
    }
}
