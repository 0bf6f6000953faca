using CellTherapySim.Inference.Diagnostics;

namespace CellTherapySim.Inference;

/// <summary>PSIS-LOO of a fit folder: its chains' pointwise log-likelihoods (log-lik-chain-N.csv) pooled over chains.</summary>
public static class FitLoo
{
    /// <summary>The pattern of the pointwise log-likelihood files.</summary>
    public const string FilePattern = "log-lik-chain-*.csv";

    /// <summary>PSIS-LOO of the fit in <paramref name="folder"/>.</summary>
    /// <exception cref="InputException">The folder has no log-likelihood file, or its chains disagree on the observations.</exception>
    public static PsisLoo Compute(string folder)
    {
        var files = Directory.Exists(folder) ? Directory.GetFiles(folder, FilePattern).OrderBy(ChainNumber).ToList() : [];
        if (files.Count == 0)
            throw new InputException(folder, $"no pointwise log-likelihood ({FilePattern}); it is written by 'ctsim fit' since the hierarchical-fit issue: rerun the fit");
        var logLik = new List<double[]>();
        var chains = new List<int>();
        int? observations = null;
        foreach (var (file, chain) in files.Select((f, i) => (f, i + 1)))
        {
            var csv = CmdStanCsvReader.Read(file);
            var columns = csv.ColumnNames.Select((name, i) => (name, i)).Where(x => x.name.StartsWith("log_lik.", StringComparison.Ordinal)).Select(x => x.i).ToArray();
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

    private static int ChainNumber(string file) =>
        int.TryParse(Path.GetFileNameWithoutExtension(file)["log-lik-chain-".Length..], out var n) ? n : int.MaxValue;
}
