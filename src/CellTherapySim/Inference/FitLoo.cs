using CellTherapySim.Inference.Diagnostics;

namespace CellTherapySim.Inference;

/// <summary>What PSIS-LOO leaves out: one observation (reading or group mean), or one animal with all its readings.</summary>
public enum LooUnit
{
    /// <summary>One observation at a time (log-lik-chain-N.csv).</summary>
    Observation,

    /// <summary>One animal at a time (log-lik-animal-chain-N.csv): leave-one-group-out, the question of a new animal.</summary>
    Animal,
}

/// <summary>PSIS-LOO of a fit folder: its chains' pointwise (or per-animal) log-likelihoods pooled over chains.</summary>
public static class FitLoo
{
    /// <summary>The pattern of the log-likelihood files for <paramref name="unit"/>.</summary>
    public static string FilePattern(LooUnit unit) => Prefix(unit) + "*.csv";

    /// <summary>The log-likelihood file of chain <paramref name="chain"/> (1-based) for <paramref name="unit"/>, e.g. log-lik-chain-1.csv.</summary>
    public static string FileName(LooUnit unit, int chain) => $"{Prefix(unit)}{chain}.csv";

    /// <summary>The generated-quantities variable of the columns for <paramref name="unit"/>: log_lik (log_lik.1 …) or log_lik_animal.</summary>
    public static string Variable(LooUnit unit) => unit == LooUnit.Animal ? "log_lik_animal" : "log_lik";

    private static string Prefix(LooUnit unit) => unit == LooUnit.Animal ? "log-lik-animal-chain-" : "log-lik-chain-";

    /// <summary>PSIS-LOO of the fit in <paramref name="folder"/>, leaving out one <paramref name="unit"/> at a time.</summary>
    /// <exception cref="InputException">The folder has no log-likelihood file, or its chains disagree on the observations.</exception>
    public static PsisLoo Compute(string folder, LooUnit unit = LooUnit.Observation)
    {
        var pattern = FilePattern(unit);
        var (prefix, variable) = (Prefix(unit), Variable(unit) + ".");
        var files = Directory.Exists(folder) ? Directory.GetFiles(folder, pattern).OrderBy(f => ChainNumber(f, prefix)).ToList() : [];
        if (files.Count == 0)
            throw new InputException(folder, unit == LooUnit.Animal
                ? $"no per-animal log-likelihood ({pattern}); it is written by 'ctsim fit' of individual animals (not of group means) since per-animal LOO: rerun the fit"
                : $"no pointwise log-likelihood ({pattern}); it is written by 'ctsim fit' since the hierarchical-fit issue: rerun the fit");
        var logLik = new List<double[]>();
        var chains = new List<int>();
        int? observations = null;
        foreach (var (file, chain) in files.Select((f, i) => (f, i + 1)))
        {
            var csv = CmdStanCsvReader.Read(file);
            var columns = csv.ColumnNames.Select((name, i) => (name, i)).Where(x => x.name.StartsWith(variable, StringComparison.Ordinal)).Select(x => x.i).ToArray();
            if (observations is { } n && n != columns.Length)
                throw new InputException(file, $"{columns.Length} observations, but the first chain has {n}");
            observations = columns.Length;
            foreach (var draw in csv.Draws)
            {
                logLik.Add(columns.Select(c => draw[c]).ToArray());
                chains.Add(chain);
            }
        }
        if (logLik.Count < 2) throw new InputException(folder, $"{logLik.Count} draws with a log-likelihood; PSIS-LOO needs at least 2");
        return PsisLooEstimator.Compute(logLik.ToArray(), chains.ToArray());
    }

    private static int ChainNumber(string file, string prefix) =>
        int.TryParse(Path.GetFileNameWithoutExtension(file)[prefix.Length..], out var n) ? n : int.MaxValue;
}
