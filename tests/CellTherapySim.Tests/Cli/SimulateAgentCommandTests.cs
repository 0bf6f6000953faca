using System.Globalization;
using static CellTherapySim.Tests.Modeling.InputTestSupport;

namespace CellTherapySim.Tests.Cli;

/// <summary>
/// `ctsim simulate --engine agent`: the replicate summary CSV, reproducibility across thread counts, lattice snapshots,
/// agent-based studies and bad input.
/// </summary>
public sealed class SimulateAgentCommandTests : IDisposable
{
    /// <summary>A short run: a small IV dose on day 3, days 0-10.</summary>
    private static readonly string[] ShortRun = ["--dose", "3:iv:2e5", "--times", "0:10:1"];

    private static readonly string[] StateAndReadoutNames = ["B", "L", "Q", "T", "S", "D", "R", "A", "M", "C", "Z", "VB", "VQ", "NI", "NG", "NP", "PMWT", "TWL", "Iba1"];

    private static readonly string[] LatticeHeader = ["row", "column", "x_um", "y_um", "activated", "R", "C", "S", "cells"];

    private readonly string _directory = CreateTempDirectory();

    /// <summary>Deletes the temporary folder.</summary>
    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void AgentCsvHasOdeMeanAndQuantileColumnsPerStateAndReadout()
    {
        var agentPath = Path.Combine(_directory, "agent.csv");
        var (exitCode, output, error) = RunCli(["simulate", "--engine", "agent", .. ShortRun, "--replicates", "3", "--out", agentPath, "--seed", "5"]);
        Assert.Equal((0, ""), (exitCode, error));
        Assert.Contains("Wrote 11 rows", output);
        Assert.Contains("agent engine, 3 replicates, seed 5", output);

        var agent = ReadCsv(agentPath);
        Assert.Equal(
            StateAndReadoutNames.SelectMany(n => new[] { n, $"{n}_mean", $"{n}_q05", $"{n}_q95" }).Prepend("time"),
            agent[0]);
        Assert.Contains("PMWT_mean", agent[0]);
        Assert.Contains("M_q95", agent[0]);
        Assert.Contains("TWL_q05", agent[0]);
        Assert.Equal(1 + 10 + 1, agent.Length);
        Assert.All(agent.Skip(1), row => Assert.Equal(agent[0].Length, row.Length));
        Assert.Equal(Enumerable.Range(0, 11).Select(d => d.ToString(CultureInfo.InvariantCulture)), agent.Skip(1).Select(row => row[0]));

        foreach (var name in StateAndReadoutNames)
        {
            var mean = Column(agent, $"{name}_mean");
            var q05 = Column(agent, $"{name}_q05");
            var q95 = Column(agent, $"{name}_q95");
            for (var i = 0; i < mean.Length; i++)
            {
                Assert.True(double.IsFinite(mean[i]), $"{name}_mean at row {i} is {mean[i]}");
                Assert.True(q05[i] <= mean[i] + 1e-12, $"{name} at row {i}: q05 {q05[i]} > mean {mean[i]}");
                Assert.True(mean[i] <= q95[i] + 1e-12, $"{name} at row {i}: mean {mean[i]} > q95 {q95[i]}");
            }
        }

        // The ODE columns are the plain ODE run of the same model and schedule, to the byte.
        var odePath = Path.Combine(_directory, "ode.csv");
        var ode = RunCli(["simulate", .. ShortRun, "--out", odePath]);
        Assert.Equal((0, ""), (ode.ExitCode, ode.Error));
        var plain = ReadCsv(odePath);
        Assert.Equal(StateAndReadoutNames.Prepend("time"), plain[0]);
        Assert.Equal(plain.Length, agent.Length);
        foreach (var name in plain[0])
        {
            var odeColumn = Array.IndexOf(plain[0], name);
            var agentColumn = Array.IndexOf(agent[0], name);
            Assert.Equal(plain.Skip(1).Select(row => row[odeColumn]), agent.Skip(1).Select(row => row[agentColumn]));
        }

        // The replicates are stochastic: after the dose, the cells differ between runs.
        Assert.Contains(Enumerable.Range(0, 11), i => Column(agent, "B_q05")[i] < Column(agent, "B_q95")[i]);
    }

    [Fact]
    public void AgentCsvDoesNotDependOnTheThreadCountButOnTheSeed()
    {
        string Run(string name, string seed, string threads)
        {
            var path = Path.Combine(_directory, name);
            var (exitCode, _, error) = RunCli(["simulate", "--engine", "agent", .. ShortRun, "--replicates", "3", "--seed", seed, "--threads", threads, "--out", path]);
            Assert.Equal((0, ""), (exitCode, error));
            return path;
        }

        var one = File.ReadAllBytes(Run("t1.csv", "5", "1"));
        var two = File.ReadAllBytes(Run("t2.csv", "5", "2"));
        var other = File.ReadAllBytes(Run("s6.csv", "6", "2"));
        Assert.Equal(one, two);
        Assert.NotEqual(one, other);
    }

    [Fact]
    public void SnapshotsWriteEveryReplicatesLatticeAndAnIndex()
    {
        var folders = new[] { "1", "2" }.Select(threads =>
        {
            var folder = Path.Combine(_directory, $"snapshots-t{threads}");
            var (exitCode, output, error) = RunCli("simulate", "--engine", "agent", "--dose", "7:iv:2e5", "--replicates", "2", "--threads", threads,
                "--snapshots", folder, "--snapshot-days", "7,15");
            Assert.Equal((0, ""), (exitCode, error));
            Assert.Contains("Wrote 5 snapshot files", output);
            return folder;
        }).ToArray();

        var expected = new[] { "lattice-r1-day15.csv", "lattice-r1-day15.svg", "lattice-r1-day7.csv", "lattice-r1-day7.svg", "lattice-r2-day15.csv", "lattice-r2-day15.svg", "lattice-r2-day7.csv", "lattice-r2-day7.svg", "snapshots.csv" };
        foreach (var folder in folders)
            Assert.Equal(expected, Directory.GetFiles(folder).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        foreach (var name in expected)
            Assert.Equal(File.ReadAllBytes(Path.Combine(folders[0], name)), File.ReadAllBytes(Path.Combine(folders[1], name)));

        var index = ReadCsv(Path.Combine(folders[0], "snapshots.csv"));
        Assert.Equal(["replicate", "day", "activated_fraction", "R_mean", "C_mean", "S_mean", "site_cells", "file"], index[0]);
        Assert.Equal(
            new[] { "1,7,lattice-r1-day7.csv", "1,15,lattice-r1-day15.csv", "2,7,lattice-r2-day7.csv", "2,15,lattice-r2-day15.csv" },
            index.Skip(1).Select(row => $"{row[0]},{row[1]},{row[^1]}"));

        foreach (var entry in index.Skip(1))
        {
            var lattice = ReadCsv(Path.Combine(folders[0], entry[^1]));
            Assert.Equal(LatticeHeader, lattice[0]);
            Assert.Equal(64 * 64, lattice.Length - 1);
            Assert.All(lattice.Skip(1), row => Assert.Equal(LatticeHeader.Length, row.Length));
            Assert.Equal(
                Enumerable.Range(0, 64 * 64).Select(s => $"{s / 64},{s % 64}"),
                lattice.Skip(1).Select(row => $"{row[0]},{row[1]}"));

            var activated = lattice.Skip(1).Select(row => row[4]).ToArray();
            Assert.All(activated, a => Assert.Contains(a, new[] { "0", "1" }));
            var fraction = activated.Count(a => a == "1") / (double)activated.Length;
            Assert.Equal(Parse(entry[2]), fraction, 1e-12);

            foreach (var (field, at) in new[] { ("R", 5), ("C", 6), ("S", 7) })
            {
                var mean = lattice.Skip(1).Average(row => Parse(row[at]));
                Assert.Equal(Parse(entry[Array.IndexOf(index[0], $"{field}_mean")]), mean, 1e-9 * Math.Max(1, Math.Abs(mean)));
            }

            var cells = lattice.Skip(1).Sum(row => long.Parse(row[^1], CultureInfo.InvariantCulture));
            Assert.Equal(long.Parse(entry[6], CultureInfo.InvariantCulture), cells);
            if (entry[1] == "7") Assert.Equal(0, cells); // the dose is given right after the day-7 reading
            else Assert.True(cells > 0, $"no engrafted cells in {entry[^1]}");
        }
    }

    [Fact]
    public void AgentStudyDoesNotDependOnTheThreadCountAndDiffersFromTheOde()
    {
        var study = Path.Combine(RepositoryRoot(), "models", "studies", "cci-iv-day7.yaml");
        string Run(string name, params string[] extra)
        {
            var folder = Path.Combine(_directory, name);
            var (exitCode, output, error) = RunCli(["simulate", "--study", study, "--animals-per-group", "2", "--out", folder, .. extra]);
            Assert.Equal((0, ""), (exitCode, error));
            Assert.Contains("6 animals", output);
            return folder;
        }

        var one = Run("agent-t1", "--engine", "agent", "--threads", "1");
        var two = Run("agent-t2", "--engine", "agent", "--threads", "2");
        var ode = Run("ode", "--threads", "2");
        foreach (var file in new[] { "observations.csv", "summary.csv" })
        {
            var agentBytes = File.ReadAllBytes(Path.Combine(one, file));
            Assert.Equal(agentBytes, File.ReadAllBytes(Path.Combine(two, file)));
            Assert.NotEqual(agentBytes, File.ReadAllBytes(Path.Combine(ode, file)));
        }
    }

    [Theory]
    [InlineData("--engine agent --replicates 0", "--replicates", "'0' is not a whole number ≥ 1")]
    [InlineData("--engine agent --replicates x", "--replicates", "'x' is not a whole number ≥ 1")]
    [InlineData("--replicates 3", "--replicates", "needs --engine agent")]
    [InlineData("--snapshots DIR", "--snapshots", "needs --engine agent")]
    [InlineData("--engine agent --snapshot-days 7", "--snapshot-days", "needs --snapshots")]
    [InlineData("--engine agent --snapshots DIR --snapshot-days 99", "--snapshot-days", "day 99 is after the last output day 15")]
    [InlineData("--engine agent --snapshots DIR --snapshot-days 7,x", "--snapshot-days", "'x'")]
    [InlineData("--engine agent --dose 7:iv:1e9", "--dose", "the doses give 1e9 cells; the agent engine follows every cell and takes at most 5e7 per animal")]
    public void SimulateRejectsBadAgentOptions(string arguments, string option, string problem)
    {
        var args = arguments.Split(' ').Select(a => a == "DIR" ? Path.Combine(_directory, "snapshots") : a).ToArray();
        var line = RunBadInput(["simulate", .. args]);
        Assert.Contains(option, line);
        Assert.Contains(problem, line);
        Assert.False(Directory.Exists(Path.Combine(_directory, "snapshots")), "no snapshot folder after bad input");
    }

    [Fact]
    public void AModelWithoutAnAgentSectionIsRejected()
    {
        var path = Path.Combine(_directory, "tiny.yaml");
        File.WriteAllText(path, MinimalModel);
        var line = RunBadInput("simulate", "--engine", "agent", "--model", path);
        Assert.Contains(path, line);
        Assert.Contains("no 'agent' section", line);
        Assert.Contains("--engine ode", line);
    }

    [Fact]
    public void AStudyRejectsReplicatesAndSnapshots()
    {
        var study = Path.Combine(RepositoryRoot(), "models", "studies", "cci-iv-day7.yaml");
        var replicates = RunBadInput("simulate", "--engine", "agent", "--study", study, "--replicates", "2");
        Assert.Contains("--replicates", replicates);
        Assert.Contains("cannot be combined with --study", replicates);
        var snapshots = RunBadInput("simulate", "--engine", "agent", "--study", study, "--snapshots", Path.Combine(_directory, "s"));
        Assert.Contains("--snapshots", snapshots);
        Assert.Contains("cannot be combined with --study", snapshots);
    }

    /// <summary>An unknown engine is named with the option and the choices, like every other option's message.</summary>
    [Fact]
    public void AnUnknownEngineIsRejectedNamingTheOption()
    {
        var line = RunBadInput("simulate", "--engine", "magic");
        Assert.Contains("--engine", line);
        Assert.Contains("'magic'", line);
        Assert.Contains("ode", line);
        Assert.Contains("agent", line);
    }

    [Fact]
    public void AFixedAgentStepThatIsTooCoarseIsRejected()
    {
        var text = Mutate(File.ReadAllText(Path.Combine(RepositoryRoot(), "models", "msc-neuropathic-pain.yaml")), "  # step: 0.005", "  step: 0.1");
        var path = Path.Combine(_directory, "coarse.yaml");
        File.WriteAllText(path, text);

        // With the default parameters the fastest local rate of this run is about 2.98/day, so a fixed step must be ≤ 0.1/2.98 day.
        var line = RunBadInput(["simulate", "--engine", "agent", "--model", path, .. ShortRun, "--replicates", "2"]);
        Assert.Contains(path, line);
        Assert.Contains("agent: step 0.1 day is too coarse", line);
        Assert.Contains("so the step must be ≤ 0.0335", line);

        // A step within the limit runs.
        File.WriteAllText(path, text.Replace("  step: 0.1", "  step: 0.02"));
        var accepted = RunCli(["simulate", "--engine", "agent", "--model", path, .. ShortRun, "--replicates", "2"]);
        Assert.Equal((0, ""), (accepted.ExitCode, accepted.Error));
        Assert.Contains("steps of ≤ 0.02 day per replicate", accepted.Output);
    }

    /// <summary>
    /// An interrupted agent run (its journal cut after two of four replicates, mid-line) resumed with --resume gives the
    /// same summary and journal, to the byte, as the uninterrupted run; other settings are refused.
    /// </summary>
    [Fact]
    public void AnInterruptedAgentRunResumesToTheSameBytes()
    {
        string[] Args(string file, params string[] more) => ["simulate", "--engine", "agent", .. ShortRun, "--replicates", "4", "--out", Path.Combine(_directory, file), .. more];
        Assert.Equal(0, RunCli(Args("full.csv")).ExitCode);
        var journal = File.ReadAllLines(Path.Combine(_directory, "full.replicates.csv"));
        Assert.Equal(2 + 4 * 11, journal.Length);
        File.WriteAllText(Path.Combine(_directory, "part.replicates.csv"), string.Join("\n", journal.Take(2 + 2 * 11)) + "\n" + journal[2 + 2 * 11][..20]);

        var resumed = RunCli(Args("part.csv", "--resume"));
        Assert.Equal((0, ""), (resumed.ExitCode, resumed.Error));
        Assert.Contains("Resumed: 2 replicates", resumed.Output);
        Assert.Equal(File.ReadAllBytes(Path.Combine(_directory, "full.csv")), File.ReadAllBytes(Path.Combine(_directory, "part.csv")));
        Assert.Equal(File.ReadAllBytes(Path.Combine(_directory, "full.replicates.csv")), File.ReadAllBytes(Path.Combine(_directory, "part.replicates.csv")));

        var other = RunBadInput(Args("part.csv", "--resume", "--seed", "2"));
        Assert.Contains("part.replicates.csv:1:1: this results journal belongs to a different run", other);
    }

    /// <summary>An interrupted agent-based study resumes from DIR/predictions.csv to the same bytes.</summary>
    [Fact]
    public void AnInterruptedAgentStudyResumesToTheSameBytes()
    {
        var study = Path.Combine(RepositoryRoot(), "models", "studies", "cci-iv-day7.yaml");
        string[] Args(string folder, params string[] more) => ["simulate", "--engine", "agent", "--study", study, "--animals-per-group", "2", "--out", Path.Combine(_directory, folder), .. more];
        Assert.Equal(0, RunCli(Args("full")).ExitCode);
        var journal = File.ReadAllLines(Path.Combine(_directory, "full", "predictions.csv"));
        Directory.CreateDirectory(Path.Combine(_directory, "part"));
        File.WriteAllLines(Path.Combine(_directory, "part", "predictions.csv"), journal.Take(2 + 3 * 9));

        Assert.Equal(0, RunCli(Args("part", "--resume")).ExitCode);
        foreach (var file in new[] { "observations.csv", "summary.csv", "predictions.csv" })
            Assert.Equal(File.ReadAllBytes(Path.Combine(_directory, "full", file)), File.ReadAllBytes(Path.Combine(_directory, "part", file)));
    }

    [Theory]
    [InlineData("--resume needs --out", "--engine", "agent", "--resume")]
    [InlineData("--resume a single ODE run", "--out", "OUT", "--resume")]
    [InlineData("--resume with snapshots", "--engine", "agent", "--out", "OUT", "--snapshots", "SNAP", "--resume")]
    public void ResumeIsRefusedWhereThereIsNothingToResume(string what, params string[] args)
    {
        var line = RunBadInput(["simulate", .. args.Select(a => a is "OUT" or "SNAP" ? Path.Combine(_directory, a) : a)]);
        Assert.True(line.Contains("--resume"), $"{what}: {line}");
    }

    [Fact]
    public void SimulateHelpListsTheAgentOptions()
    {
        var (exitCode, output, error) = RunCli("simulate", "--help");
        Assert.Equal((0, ""), (exitCode, error));
        foreach (var option in new[] { "--engine", "--replicates", "--snapshots", "--snapshot-days" })
            Assert.Contains(option, output);
        Assert.Contains("ode|agent", output);
    }

    private static string[][] ReadCsv(string path) =>
        File.ReadAllLines(path).Select(line => line.Split(',')).ToArray();

    private static double Parse(string text) => double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture);

    private static double[] Column(string[][] csv, string name)
    {
        var index = Array.IndexOf(csv[0], name);
        Assert.True(index >= 0, $"no column {name}");
        return csv.Skip(1).Select(row => Parse(row[index])).ToArray();
    }
}
