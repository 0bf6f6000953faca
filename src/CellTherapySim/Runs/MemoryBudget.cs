using System.Globalization;

namespace CellTherapySim.Runs;

/// <summary>
/// The memory a run that keeps its results in memory (a cohort, a comparison, agent replicates) may use: checked
/// before the run starts against an estimate of what it will hold, so that a run too large for the machine is
/// refused with the estimate instead of growing until it fails.
/// </summary>
public static class MemoryBudget
{
    /// <summary>The environment variable that sets the default budget (e.g. 8G).</summary>
    public const string Variable = "CTSIM_MEMORY_BUDGET";

    /// <summary>The default budget: <see cref="Variable"/> if set, else half of the memory available to the process.</summary>
    /// <exception cref="InputException">The variable is set but is not a size.</exception>
    public static long Default =>
        Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } text
            ? Parse(text) ?? throw new InputException(Variable, $"'{text}' is not a memory size; expected a number with K, M, G or T (e.g. 8G)")
            : GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / 2;

    /// <summary>A size written as bytes or with a binary suffix (512M, 1.5G, 2T), or null when it is not one (or not positive).</summary>
    public static long? Parse(string text)
    {
        var trimmed = text.Trim().TrimEnd('B', 'b');
        var factor = trimmed.Length == 0 ? 1 : char.ToUpperInvariant(trimmed[^1]) switch
        {
            'K' => 1L << 10,
            'M' => 1L << 20,
            'G' => 1L << 30,
            'T' => 1L << 40,
            _ => 1L,
        };
        if (factor > 1) trimmed = trimmed[..^1];
        return double.TryParse(trimmed, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && value > 0 && value * factor < long.MaxValue
            ? (long)(value * factor)
            : null;
    }

    /// <summary>A size for messages: "3.7 GB".</summary>
    public static string Format(double bytes) =>
        bytes >= 1L << 30 ? $"{bytes / (1L << 30):0.#} GB" : bytes >= 1L << 20 ? $"{bytes / (1L << 20):0.#} MB" : $"{bytes / 1024:0.#} KB";

    /// <summary>Refuses a run whose estimated memory exceeds the budget, naming what is large and how to change it.</summary>
    /// <exception cref="InputException">The estimate exceeds <paramref name="budget"/>.</exception>
    public static void Check(double estimate, long budget, string option, string what)
    {
        if (estimate > budget)
            throw new InputException(option, $"{what} would hold about {Format(estimate)} in memory, more than the budget of {Format(budget)}; " +
                $"make it smaller, or raise the budget with --memory-budget (or {Variable}) if the machine has the memory");
    }

    /// <summary>
    /// Bytes a virtual cohort holds: per animal its record and parameters, per reading the observation and its
    /// prediction. Measured: 170.5 MB more for 72,000 more animals of the shipped study (55 parameters, 18 readings),
    /// 2.37 KB per animal, which 300 + 8 per parameter + 96 per reading reproduces.
    /// </summary>
    public static double Cohort(long animals, int parameters, int readings) => animals * (300 + 8.0 * parameters + 96.0 * readings);

    /// <summary>Bytes a comparison holds: per animal its parameters (an array) and its metrics for every curve.</summary>
    public static double Comparison(long animals, int parameters, int metricsPerAnimal) => animals * (32 + 8.0 * parameters + 8.0 * metricsPerAnimal);

    /// <summary>Bytes agent replicates hold: per replicate its trajectory values and its lattice snapshots.</summary>
    public static double AgentReplicates(long replicates, int trajectoryValues, long snapshotValues) => replicates * 8.0 * (trajectoryValues + snapshotValues);
}
