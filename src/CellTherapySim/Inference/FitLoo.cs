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
    public static string FilePattern(LooUnit unit) => Names(unit).Prefix + "*.csv";

    /// <summary>The file name before the chain number and the column names' variable, for <paramref name="unit"/>.</summary>
    private static (string Prefix, string Variable) Names(LooUnit unit) =>
        unit == LooUnit.Animal ? ("log-lik-animal-chain-", "log_lik_animal.") : ("log-lik-chain-", "log_lik.");

    /// <summary>PSIS-LOO of the fit in <paramref name="folder"/>, leaving out one <paramref name="unit"/> at a time.</summary>
    /// <exception cref="InputException">The folder has no log-likelihood file, or its chains disagree on the observations.</exception>
    public static PsisLoo Compute(string folder, LooUnit unit = LooUnit.Observation)
    {
        var pattern = FilePattern(unit);
        var (prefix, variable) = Names(unit);
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
