using static CellTherapySim.Tests.Modeling.InputTestSupport;

namespace CellTherapySim.Tests.Cli;

/// <summary>No command overwrites earlier results by accident: a second run into the same --out needs --force (or --resume).</summary>
public sealed class OverwriteTests : IDisposable
{
    private readonly string _directory = CreateTempDirectory();

    /// <summary>Deletes the temporary folder.</summary>
    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private string InTemp(string name) => Path.Combine(_directory, name);

    /// <summary>Runs <paramref name="args"/> twice: the second is refused naming <paramref name="named"/>, and with --force it replaces them.</summary>
    private void SecondRunNeedsForce(string[] args, string refused, params string[] named)
    {
        var (exit, _, error) = RunCli(args);
        Assert.True(exit == 0, error);
        var first = named.ToDictionary(f => f, File.ReadAllBytes);
        var before = named.ToDictionary(f => f, File.GetLastWriteTimeUtc);

        (exit, var output, error) = RunCli(args);
        Assert.Equal(2, exit);
        Assert.StartsWith($"ctsim: error: --out: {refused}", error);
        Assert.Contains("give --force to replace", error);
        Assert.DoesNotContain("   at ", error);
        foreach (var file in named)
        {
            Assert.Equal(first[file], File.ReadAllBytes(file));
            Assert.Equal(before[file], File.GetLastWriteTimeUtc(file));
        }

        (exit, output, error) = RunCli([.. args, "--force"]);
        Assert.True(exit == 0, error);
        Assert.Contains("Replacing the results in", output);
        Assert.Contains("(--force): removed", output);
        foreach (var file in named) Assert.Equal(first[file], File.ReadAllBytes(file)); // same seed, same bytes
    }

    [Fact]
    public void SimulatingIntoAnExistingFileNeedsForce()
    {
        var file = InTemp("run.csv");
        SecondRunNeedsForce(["simulate", "--out", file], $"'{file}' already exists (run.csv)", file);
    }

    [Fact]
    public void ComparingIntoAnExistingFileNeedsForce()
    {
        var file = InTemp("compare.csv");
        SecondRunNeedsForce(["compare", "--regimen", "iv:1e6@7", "--animals", "5", "--out", file], $"'{file}' already exists (compare.csv)", file);
    }

    [Fact]
    public void ACohortFolderNeedsForceOrResume()
    {
        var folder = InTemp("cohort");
        string[] args = ["simulate", "--study", Path.Combine(RepositoryRoot(), "models", "studies", "cci-iv-day7.yaml"), "--animals-per-group", "2", "--out", folder];
        SecondRunNeedsForce(args, $"'{folder}' already holds results (observations.csv, predictions.csv, run.json, summary.csv)",
            Path.Combine(folder, "observations.csv"), Path.Combine(folder, "summary.csv"));
        var (exit, _, error) = RunCli([.. args, "--resume"]);
        Assert.True(exit == 0, error);
        (exit, _, error) = RunCli([.. args, "--resume", "--force"]);
        Assert.Equal(2, exit);
        Assert.Equal("ctsim: error: --resume: cannot be combined with --force (--resume continues the earlier results, --force replaces them)", error.Trim());
    }

    [Fact]
    public void ASweepFolderNeedsForceOrResume()
    {
        var spec = InTemp("tiny.yaml");
        File.WriteAllText(spec, """
            name: tiny
            days: 0:15:1
            factors:
              dose: {values: [1e5, 1e6]}
            regimen:
              - {route: iv, cells: $dose, day: 7}
            design: {type: grid}
            """);
        var folder = InTemp("sweep");
        string[] args = ["sweep", "--spec", spec, "--out", folder];
        var (exit, _, error) = RunCli(args);
        Assert.True(exit == 0, error);
        (exit, _, error) = RunCli(args);
        Assert.Equal(2, exit);
        Assert.Contains("already holds a sweep (manifest.json); add --resume to continue it, --force to replace it", error);
        (exit, var output, error) = RunCli([.. args, "--force"]);
        Assert.True(exit == 0, error);
        Assert.Contains("(--force): removed journal.csv, manifest.json, results.csv", output);
    }

    [Fact]
    public void ForceWithoutOutIsRefused()
    {
        var (exit, _, error) = RunCli("simulate", "--force");
        Assert.Equal(2, exit);
        Assert.Equal("ctsim: error: --force: needs --out, --snapshots or --plot (it replaces their earlier results)", error.Trim());
    }
}
