using System.Globalization;
using CellTherapySim.Inference;
using CellTherapySim.Inference.Diagnostics;

namespace CellTherapySim.Output;

/// <summary>Writes a fit's summary.csv (posterior::summarise_draws columns) and ppc.csv (posterior predictive check).</summary>
public static class FitFiles
{
    /// <summary>The posterior summary file.</summary>
    public const string Summary = "summary.csv";

    /// <summary>The posterior predictive check file.</summary>
    public const string Ppc = "ppc.csv";

    /// <summary>The names of every file a fit writes (patterns for the chains' files).</summary>
    public static IReadOnlyList<string> Patterns { get; } =
        ["draws-chain-*.csv", FitLoo.FilePattern(LooUnit.Observation), FitLoo.FilePattern(LooUnit.Animal), Summary, Ppc, LooFiles.Loo, LooFiles.AnimalLoo, IndividualFiles.Individuals, IndividualFiles.Ipred];

    /// <summary>Summaries of lp__ and every parameter over the chains' draws after warm-up (chains with no draws left out).</summary>
    public static IReadOnlyList<VariableSummary> Summarise(FitModel fit, IReadOnlyList<ChainResult> chains)
    {
        var used = chains.Where(c => c.Draws.Count > 0).ToList();
        var length = used.Count == 0 ? 0 : used.Min(c => c.Draws.Count);
        var rows = new List<VariableSummary> { PosteriorSummary.Summarise("lp__", used.Select(c => c.LogDensities.Take(length).ToArray()).ToList()) };
        for (var k = 0; k < fit.Names.Length; k++)
            rows.Add(PosteriorSummary.Summarise(fit.Names[k], used.Select(c => c.Draws.Take(length).Select(d => d[k]).ToArray()).ToList()));
        return rows;
    }

    /// <summary>Writes summary.csv into <paramref name="folder"/>.</summary>
    public static void WriteSummary(string folder, IEnumerable<VariableSummary> rows)
    {
        ResultFile.Write(Path.Combine(folder, Summary), writer => WriteSummary(writer, rows));
    }

    /// <summary>
    /// Writes <see cref="PosteriorSummary.CsvHeader"/> and one line per variable; numbers in round-trip form, NaN (posterior's NA) as
    /// <c>NA</c> and infinities as <c>Inf</c>, <c>-Inf</c>, as R writes them.
    /// </summary>
    public static void WriteSummary(TextWriter writer, IEnumerable<VariableSummary> rows)
    {
        writer.WriteLine(PosteriorSummary.CsvHeader);
        foreach (var r in rows)
            writer.WriteLine(string.Join(',', Csv.Field(r.Variable),
                Number(r.Mean), Number(r.Median), Number(r.Sd), Number(r.Mad), Number(r.Q5), Number(r.Q95),
                Number(r.Rhat), Number(r.EssBulk), Number(r.EssTail)));
    }

    private static string Number(double value) => value switch
    {
        double.NaN => "NA",
        double.PositiveInfinity => "Inf",
        double.NegativeInfinity => "-Inf",
        _ => value.ToString("R", CultureInfo.InvariantCulture),
    };

    /// <summary>The file of chain <paramref name="chain"/> (1-based) in a fit folder.</summary>
    public static string ChainFile(string folder, int chain) => Path.Combine(folder, $"draws-chain-{chain}.csv");

    /// <summary>The pointwise log-likelihood file of chain <paramref name="chain"/> (1-based) in a fit folder.</summary>
    public static string LogLikelihoodFile(string folder, int chain) => Path.Combine(folder, FitLoo.FileName(LooUnit.Observation, chain));

    /// <summary>The per-animal log-likelihood file of chain <paramref name="chain"/> (1-based) in a fit folder.</summary>
    public static string AnimalLogLikelihoodFile(string folder, int chain) => Path.Combine(folder, FitLoo.FileName(LooUnit.Animal, chain));

    /// <summary>
    /// The chain writers of a fit of <paramref name="data"/> into <paramref name="folder"/> (created): draws-chain-N.csv,
    /// log-lik-chain-N.csv and, for individual animals, log-lik-animal-chain-N.csv in CmdStan's layout, with the data
    /// file and each file's own path in the settings comments.
    /// </summary>
    public static Func<CmdStanSettings, IReadOnlyList<string>, int, IChainWriter> ChainWriters(string folder, FitData data)
    {
        Directory.CreateDirectory(folder);
        var animalOf = data.AnimalOfObservations();
        var animals = data.AnimalNames.Count;
        return (settings, names, observations) =>
        {
            CmdStanCsvWriter Open(string path, IReadOnlyList<string> columns) =>
                CmdStanCsvWriter.Create(path, settings with { DataFile = data.Source, OutputFile = path }, columns);
            var draws = Open(ChainFile(folder, settings.ChainId), names);
            var logLik = Open(LogLikelihoodFile(folder, settings.ChainId), FitChainWriter.LogLikelihoodNames(observations));
            var perAnimal = animals > 0 ? Open(AnimalLogLikelihoodFile(folder, settings.ChainId), FitChainWriter.AnimalLogLikelihoodNames(animals)) : null;
            return new FitChainWriter(draws, logLik, perAnimal, animalOf, animals);
        };
    }

    /// <summary>Writes ppc.csv into <paramref name="folder"/>: GROUP,TIME,DVID,N,OBSERVED_MEAN,PRED_MEDIAN,PRED_Q5,PRED_Q25,PRED_Q75,PRED_Q95.</summary>
    public static void WritePpc(string folder, IEnumerable<PredictiveRow> rows)
    {
        ResultFile.Write(Path.Combine(folder, Ppc), writer =>
        {
            writer.WriteLine("GROUP,TIME,DVID,N,OBSERVED_MEAN,PRED_MEDIAN,PRED_Q5,PRED_Q25,PRED_Q75,PRED_Q95");
            foreach (var r in rows)
                writer.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{Csv.Field(r.Group)},{r.Time:R},{r.Endpoint},{r.N},{r.ObservedMean:0.0000},{r.Median:0.0000},{r.Q5:0.0000},{r.Q25:0.0000},{r.Q75:0.0000},{r.Q95:0.0000}"));
        });
    }
}
