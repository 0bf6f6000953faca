using CellTherapySim.Runs;
using static CellTherapySim.Tests.Modeling.InputTestSupport;

namespace CellTherapySim.Tests.Cli;

/// <summary>Runs too large for the memory budget are refused before they start, with the estimate.</summary>
public sealed class MemoryBudgetTests : IDisposable
{
    private readonly string _directory = CreateTempDirectory();

    /// <summary>Deletes the temporary folder.</summary>
    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Theory]
    [InlineData("512M", 512L << 20)]
    [InlineData("1.5G", 3L << 29)]
    [InlineData("2T", 2L << 40)]
    [InlineData("4096", 4096L)]
    [InlineData("8GB", 8L << 30)]
    public void SizesParse(string text, long bytes) => Assert.Equal(bytes, MemoryBudget.Parse(text));

    [Theory]
    [InlineData("4X")]
    [InlineData("-1G")]
    [InlineData("G")]
    [InlineData("1e30T")]
    public void NonSizesAreRefused(string text) => Assert.Null(MemoryBudget.Parse(text));

    [Fact]
    public void TheCohortEstimateMatchesTheMeasurement() =>
        // 72,000 animals of the shipped study (55 parameters, 18 readings) took 170.5 MB more resident memory.
        Assert.InRange(MemoryBudget.Cohort(72_000, 55, 18) / (1 << 20), 160, 185);

    private void Refused(string[] args, string expected)
    {
        var (exit, output, error) = RunCli(args);
        Assert.Equal(2, exit);
        Assert.Equal(expected + "; make it smaller, or raise the budget with --memory-budget (or CTSIM_MEMORY_BUDGET) if the machine has the memory", error.Trim());
        Assert.Empty(Directory.EnumerateFileSystemEntries(_directory));
        Assert.DoesNotContain("Simulating", output);
    }

    [Fact]
    public void ALargeCohortIsRefusedBeforeItStarts() =>
        Refused(["simulate", "--study", Path.Combine(RepositoryRoot(), "models", "studies", "cci-iv-day7.yaml"), "--animals-per-group", "1000000", "--memory-budget", "1G", "--out", Path.Combine(_directory, "cohort")],
            "ctsim: error: --animals-per-group: a cohort of 3,000,000 animals × 18 readings would hold about 6.9 GB in memory, more than the budget of 1 GB");

    [Fact]
    public void ALargeComparisonIsRefusedBeforeItStarts() =>
        Refused(["compare", "--regimen", "iv:1e6@7", "--animals", "10000000", "--memory-budget", "2G", "--out", Path.Combine(_directory, "c.csv")],
            "ctsim: error: --animals: a comparison of 10,000,000 animals × 42 metrics would hold about 7.5 GB in memory, more than the budget of 2 GB");

    [Fact]
    public void ManyAgentReplicatesWithSnapshotsAreRefusedBeforeTheyStart() =>
        Refused(["simulate", "--engine", "agent", "--replicates", "100000", "--snapshots", Path.Combine(_directory, "snap"), "--memory-budget", "4G"],
            "ctsim: error: --replicates: 100,000 agent-based replicates with 1 lattice snapshot(s) each would hold about 15.5 GB in memory, more than the budget of 4 GB");
}
