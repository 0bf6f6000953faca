using CellTherapySim.Populations;
using CellTherapySim.Studies;

namespace CellTherapySim.Output;

/// <summary>Writes a simulated cohort into a folder: observations.csv (long format) and summary.csv (group statistics and PRED).</summary>
public static class CohortFiles
{
    /// <summary>The long-format readings and doses of every animal.</summary>
    public const string Observations = "observations.csv";

    /// <summary>Per group, day and endpoint: statistics of the readings and the typical animal's prediction.</summary>
    public const string Summary = "summary.csv";

    /// <summary>The results journal of a cohort run: each animal's noise-free readouts per day, written as animals finish.</summary>
    public const string Predictions = "predictions.csv";

    /// <summary>Writes both files into <paramref name="folder"/> (created if needed) and returns the summaries.</summary>
    /// <remarks>The two files are written at once, on two threads (the observations are the larger part).</remarks>
    public static IReadOnlyList<SummaryStatistics> Write(string folder, Cohort cohort)
    {
        Directory.CreateDirectory(folder);
        var observations = Task.Run(() =>
        {
            ResultFile.Write(Path.Combine(folder, Observations), writer => ObservationCsvWriter.Write(writer, cohort.Animals));
        });
        var summaries = ObservationSummary.Summarize(cohort.Animals);
        ResultFile.Write(Path.Combine(folder, Summary), writer => SummaryCsvWriter.Write(writer, summaries, row => cohort.Prediction(row.Group, row.Time, row.Endpoint)));
        try
        {
            observations.Wait();
        }
        catch (AggregateException e) when (e.InnerException is { } inner)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(inner);
        }
        return summaries;
    }
}
