using System.Diagnostics;
using CellTherapySim.Sweeps;
using static CellTherapySim.Tests.Modeling.InputTestSupport;

namespace CellTherapySim.Tests.Sweeps;

/// <summary>`ctsim sweep`: same bytes whatever the threads, shards merged in any order, SIGKILL then --resume, a full disk, bad input.</summary>
public sealed class SweepCommandTests : IDisposable
{
    private readonly string _directory = CreateTempDirectory();

    /// <summary>Deletes the temporary folder.</summary>
    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static string Spec(string name) => Path.Combine(RepositoryRoot(), "models", "sweeps", name);

    private string Write(string name, string text)
    {
        var path = Path.Combine(_directory, name);
        File.WriteAllText(path, text);
        return path;
    }

    private string Sweep(string spec, string folder, params string[] more)
    {
        var (code, _, error) = RunCli(["sweep", "--spec", spec, "--out", Path.Combine(_directory, folder), .. more]);
        Assert.True(code == 0, error);
        return File.ReadAllText(Path.Combine(_directory, folder, SweepRun.Results));
    }

    private const string SmallLhs = """
        name: small
        days: 0:15:1
        factors:
          dose: {range: [1e5, 1e7], scale: log}
          day: {range: [2, 10]}
          route: {values: [iv, it]}
          k_act: {parameter: k_act, range: [0.8, 1.3]}
        regimen:
          - {route: $route, cells: $dose, day: $day}
        design: {type: lhs, points: 30}
        cohort: {animals: 5}
        """;

    [Fact]
    public void ThreadCountsGiveTheSameBytesAndShardsMergeInAnyOrderToThem()
    {
        var spec = Write("small.yaml", SmallLhs);
        var one = Sweep(spec, "t1", "--threads", "1", "--seed", "3");
        var two = Sweep(spec, "t2", "--threads", "2", "--seed", "3");
        Assert.Equal(one, two);
        Assert.Equal(61, one.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length); // header + 30 points × 2 routes
        for (var k = 0; k < 3; k++) Sweep(spec, $"s{k}", "--threads", "1", "--seed", "3", "--shard", $"{k}/3");
        var (code, _, error) = RunCli("sweep", "merge", Path.Combine(_directory, "s2"), Path.Combine(_directory, "s0"), Path.Combine(_directory, "s1"), "--out", Path.Combine(_directory, "m"));
        Assert.True(code == 0, error);
        Assert.Equal(one, File.ReadAllText(Path.Combine(_directory, "m", SweepRun.Results)));
        Assert.NotEqual(one, Sweep(spec, "other-seed", "--seed", "4"));
    }

    [Fact]
    public void MergingShardsOfDifferentSweepsMissingOrRepeatedShardsIsRefused()
    {
        var spec = Write("small.yaml", SmallLhs);
        for (var k = 0; k < 2; k++) Sweep(spec, $"s{k}", "--shard", $"{k}/2");
        Sweep(spec, "other", "--shard", "1/2", "--seed", "9");
        string Merge(params string[] folders) => RunBadInput(["sweep", "merge", .. folders.Select(f => Path.Combine(_directory, f)), "--out", Path.Combine(_directory, "m")]);
        Assert.Contains("its seed is 9, not 1", Merge("s0", "other"));
        Assert.Contains("shard 1/2 missing", Merge("s0"));
        Assert.Contains("is given twice", Merge("s0", "s1", "s1"));
    }

    [Fact]
    public void KilledAtRandomPointsThenResumedTheResultsAreTheUninterruptedBytes()
    {
        var spec = Write("longer.yaml", SmallLhs.Replace("points: 30", "points: 500"));
        var expected = Sweep(spec, "whole", "--seed", "7");
        var random = new Random(11);
        var folder = Path.Combine(_directory, "killed");
        var kills = 0;
        for (var attempt = 0; attempt < 6 && !File.Exists(Path.Combine(folder, SweepRun.Results)); attempt++)
        {
            using var process = Ctsim(["sweep", "--spec", spec, "--out", folder, "--seed", "7", "--threads", "2", .. attempt > 0 ? new[] { "--resume" } : []]);
            // Kill after the process is up, at a random point of its run.
            if (!process.WaitForExit(600 + random.Next(900)))
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit();
                kills++;
            }
        }
        Assert.True(kills >= 1, "the run finished before it could be killed; make the sweep longer");
        var (code, _, error) = RunCli("sweep", "--spec", spec, "--out", folder, "--seed", "7", "--resume");
        Assert.True(code == 0, error);
        Assert.Equal(expected, File.ReadAllText(Path.Combine(folder, SweepRun.Results)));
    }

    [Fact]
    public void CtrlCStopsCleanlyWithExitCode130AndTheRunResumesToTheSameBytes()
    {
        var spec = Write("longer.yaml", SmallLhs.Replace("points: 30", "points: 500"));
        var expected = Sweep(spec, "whole");
        var folder = Path.Combine(_directory, "interrupted");
        using var process = Ctsim("sweep", "--spec", spec, "--out", folder, "--threads", "2");
        // Interrupt once the journal has rows (the run is under way), as Ctrl-C does.
        var journal = Path.Combine(folder, SweepRun.Journal);
        var clock = Stopwatch.StartNew();
        while (!process.HasExited && (!File.Exists(journal) || File.ReadAllLines(journal).Length < 10) && clock.Elapsed < TimeSpan.FromSeconds(60)) Thread.Sleep(20);
        Assert.False(process.HasExited, "the run finished before it could be interrupted; make the sweep longer");
        using (var kill = Process.Start("kill", ["-INT", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])) kill.WaitForExit();
        Assert.True(process.WaitForExit(60_000));
        Assert.Equal(130, process.ExitCode);
        Assert.False(File.Exists(Path.Combine(folder, SweepRun.Results)));
        var (code, _, error) = RunCli("sweep", "--spec", spec, "--out", folder, "--resume");
        Assert.True(code == 0, error);
        Assert.Equal(expected, File.ReadAllText(Path.Combine(folder, SweepRun.Results)));
    }

    [Fact]
    public void AFullDiskStopsTheRunWithAMessageAndWhatWasWrittenResumes()
    {
        var spec = Spec("slurm-test.yaml");
        var expected = Sweep(spec, "whole");
        var folder = Path.Combine(_directory, "full");
        // A 4 KiB file-size limit (ulimit -f 4) fills "the disk" while journal.csv grows; SIGXFSZ is ignored so writes fail.
        var ctsim = Path.Combine(AppContext.BaseDirectory, "ctsim.dll");
        var start = new ProcessStartInfo("bash", ["-c", $"trap '' XFSZ; ulimit -f 4; exec dotnet '{ctsim}' sweep --spec '{spec}' --out '{folder}'"])
            { RedirectStandardError = true, RedirectStandardOutput = true, Environment = { ["DOTNET_EnableWriteXorExecute"] = "0" } };
        // (W^X double-mapping would need a file beyond the limit before the runtime starts.)
        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.Equal(1, process.ExitCode);
        Assert.Contains("failed", error);
        Assert.Contains("--resume", error);
        Assert.DoesNotContain("   at ", error);
        var (code, _, resumeError) = RunCli("sweep", "--spec", spec, "--out", folder, "--resume");
        Assert.True(code == 0, resumeError);
        Assert.Equal(expected, File.ReadAllText(Path.Combine(folder, SweepRun.Results)));
    }

    [Theory]
    [InlineData("factors: {dose: {values: [1e6]}, k: {parameter: k_nope, values: [1]}}", "'k_nope' is not a parameter")]
    [InlineData("factors: {dose: {range: [1e6, 1e5], count: 3}}", "empty or inverted")]
    [InlineData("factors: {dose: {range: [0, 1e6], count: 3, scale: log}}", "a log range of factor 'dose' must be > 0")]
    [InlineData("factors: {dose: {values: []}}", "has no values")]
    [InlineData("factors: {dose: {range: [1e5, 1e6]}}", "needs 'count'")]
    [InlineData("factors: {dose: {values: [1e6]}, extra: {values: [1]}}", "factor 'extra' is neither a parameter nor used")]
    [InlineData("factors: {dose: {values: [1e6]}}\nregimen: [{route: xx, cells: $dose, day: 7}]", "not given by route 'xx'")]
    [InlineData("factors: {dose: {values: [1e6]}}\nregimen: [{route: it, product: exo, amount: $dose, day: 7}]", "unknown product 'exo'")]
    [InlineData("factors: {dose: {values: [1e6]}}\nregimen: [{route: iv, cells: $dos, day: 7}]", "unknown factor '$dos'")]
    [InlineData("factors: {dose: {values: [1e6]}}\ndesign: {type: cube}", "unknown design 'cube'")]
    [InlineData("factors: {dose: {values: [1e6]}}\nfoo: 1", "unknown key 'foo'")]
    public void BadSpecsAreRefusedAtTheirLine(string body, string expected)
    {
        var text = body.Contains("regimen:") ? body : body + "\nregimen: [{route: iv, cells: $dose, day: 7}]";
        var spec = Write("bad.yaml", text);
        var line = RunBadInput("sweep", "--spec", spec, "--out", Path.Combine(_directory, "out"));
        Assert.Contains(expected, line);
        Assert.Matches(@"bad\.yaml:\d+:\d+: ", line);
    }

    [Fact]
    public void BadOptionsAndFoldersAreRefused()
    {
        var spec = Write("small.yaml", SmallLhs);
        var output = Path.Combine(_directory, "out");
        Assert.Contains("K must be below N", RunBadInput("sweep", "--spec", spec, "--out", output, "--shard", "3/2"));
        Assert.Contains("more than --max-scenarios 10", RunBadInput("sweep", "--spec", spec, "--out", output, "--max-scenarios", "10"));
        Assert.Contains("is not a ctsim fit output", RunBadInput("sweep", "--spec", spec, "--out", output, "--posterior", _directory));
        Sweep(spec, "out");
        Assert.Contains("already holds a sweep", RunBadInput("sweep", "--spec", spec, "--out", output));
        Assert.Contains("its spec differs", RunBadInput("sweep", "--spec", Spec("slurm-test.yaml"), "--out", output, "--resume"));
        Assert.Contains("its seed is 1, not 2", RunBadInput("sweep", "--spec", spec, "--out", output, "--resume", "--seed", "2"));
    }

    private static Process Ctsim(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "ctsim.dll"), .. args]) { RedirectStandardOutput = true, RedirectStandardError = true };
        var process = Process.Start(start)!;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }
}
