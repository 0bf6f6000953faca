using System.Globalization;
using System.Text.RegularExpressions;
using static CellTherapySim.Tests.Modeling.InputTestSupport;

namespace CellTherapySim.Tests.Cli;

/// <summary>`ctsim simulate` and `ctsim check` on good input: exit code 0, tables, CSV output, help.</summary>
public sealed class CommandTests : IDisposable
{
    private const string CsvHeader = "time,B,L,Q,T,S,D,R,A,M,C,Z,VB,VQ,NI,NG,NP,PMWT,TWL,Iba1";

    private readonly string _directory = CreateTempDirectory();

    /// <summary>Deletes the temporary folder.</summary>
    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void SimulateWithoutArgumentsPrintsPmwtAndTwlForDays0To15()
    {
        var (exitCode, output, error) = RunCli("simulate");
        Assert.Equal(0, exitCode);
        Assert.Equal("", error);
        Assert.Contains("PMWT (g)", output);
        Assert.Contains("TWL (s)", output);
        Assert.Contains("injury cci; 1,000,000 cells iv at day 7", output);
        var days = output.Split('\n')
            .Select(line => Regex.Match(line, @"^\s*(\d+)\s+(\d+\.\d\d)\s+(\d+\.\d\d)\s+(\d+\.\d\d)\s*$"))
            .Where(m => m.Success)
            .Select(m => int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture));
        Assert.Equal(Enumerable.Range(0, 16), days);
    }

    [Theory]
    [InlineData("--help")]
    [InlineData("-h")]
    [InlineData("simulate --help")]
    [InlineData("check --help")]
    public void HelpExitsWithZero(string arguments)
    {
        var (exitCode, output, error) = RunCli(arguments.Split(' '));
        Assert.Equal(0, exitCode);
        Assert.Equal("", error);
        Assert.Contains("Usage:", output);
    }

    [Fact]
    public void SimulateHelpListsTheOptions()
    {
        var output = RunCli("simulate", "--help").Output;
        foreach (var option in new[] { "--model", "--injury", "--dose", "--times", "--out", "--set", "--rtol", "--atol", "--solver" })
            Assert.Contains(option, output);
    }

    [Fact]
    public void OutWritesTheCsvTrajectory()
    {
        var path = Path.Combine(_directory, "tmp.csv");
        var (exitCode, output, error) = RunCli("simulate", "--out", path);
        Assert.Equal((0, ""), (exitCode, error));
        Assert.Contains("Wrote 16 rows", output);
        var lines = File.ReadAllLines(path);
        Assert.Equal(CsvHeader, lines[0]);
        Assert.Equal(16, lines.Length - 1);
        Assert.All(lines.Skip(1), line => Assert.Equal(20, line.Split(',').Length));
        Assert.Equal(Enumerable.Range(0, 16).Select(d => d.ToString(CultureInfo.InvariantCulture)), lines.Skip(1).Select(line => line.Split(',')[0]));
    }

    [Fact]
    public void DoseNoneGivesTheSalineCourse()
    {
        var (exitCode, output, _) = RunCli("simulate", "--dose", "none", "--out", Path.Combine(_directory, "none.csv"));
        Assert.Equal(0, exitCode);
        Assert.Contains("injury cci; no dose", output);
        Assert.Equal(3.5, Math.Round(Column(ReadCsv("none.csv"), "PMWT")[15], 1)); // MODEL.md v2: CCI + saline, day 15
    }

    [Fact]
    public void RepeatedDoseOptionsAccumulate()
    {
        var (exitCode, output, error) = RunCli("simulate", "--dose", "7:iv:1e6", "--dose", "9:it:5e5", "--out", Path.Combine(_directory, "two.csv"));
        Assert.Equal((0, ""), (exitCode, error));
        Assert.Contains("1,000,000 cells iv at day 7; 500,000 cells it at day 9", output);
        RunCli("simulate", "--dose", "7:iv:1e6", "--out", Path.Combine(_directory, "one.csv"));

        var two = ReadCsv("two.csv");
        var one = ReadCsv("one.csv");
        Assert.Equal(0, Column(one, "Q")[10]);
        Assert.True(Column(two, "Q")[10] > 0, "the intrathecal dose reaches the CSF");
        Assert.Equal(Column(one, "B")[..8], Column(two, "B")[..8]);
        Assert.NotEqual(Column(one, "PMWT")[15], Column(two, "PMWT")[15]);
    }

    [Fact]
    public void OptionsChangeTheRun()
    {
        var (exitCode, output, error) = RunCli("simulate", "--injury", "sham", "--times", "0,1,3,7", "--set", "k_act=1.5", "--solver", "Nonstiff", "--rtol", "1e-5", "--atol", "1e-8");
        Assert.Equal((0, ""), (exitCode, error));
        Assert.Contains("injury sham", output);
        Assert.Matches(@"(?m)^\s*7\s+\d", output);
        Assert.DoesNotMatch(@"(?m)^\s*15\s+\d", output);
    }

    [Fact]
    public void CheckListsTheDefaultModel()
    {
        var (exitCode, output, error) = RunCli("check");
        Assert.Equal((0, ""), (exitCode, error));
        Assert.Contains("msc-neuropathic-pain", output);
        Assert.Contains("OK — 16 states, 55 parameters", output);
        foreach (var text in new[] { "Parameters", "k_act", "1/day", "1/(1e6 cells)", "lognormal(median=300, sdlog=0.5)", "Products", "cells", "ev", "nac", "mg/kg", "BW*F_ip", "iv", "it", "ip", "oral", "Injury presets", "cci", "sham", "D = 0.03", "Endpoints", "PMWT", "TWL", "source", "Between-animal variability", "logit", "Default scenario", "7:iv:cells:1e6", "0:15:1" })
            Assert.Contains(text, output);
    }

    [Fact]
    public void CheckAndSimulateAcceptASmallModelFile()
    {
        var path = Path.Combine(_directory, "tiny.yaml");
        File.WriteAllText(path, MinimalModel);
        var check = RunCli("check", path);
        Assert.Equal((0, ""), (check.ExitCode, check.Error));
        Assert.Contains("tiny", check.Output);
        var simulate = RunCli("simulate", "--model", path);
        Assert.Equal((0, ""), (simulate.ExitCode, simulate.Error));
        Assert.Contains("injury hurt; 1,000,000 cells iv at day 1", simulate.Output);
    }

    private string[][] ReadCsv(string name) =>
        File.ReadAllLines(Path.Combine(_directory, name)).Select(line => line.Split(',')).ToArray();

    private static double[] Column(string[][] csv, string name)
    {
        var index = Array.IndexOf(csv[0], name);
        Assert.True(index >= 0, $"no column {name}");
        return csv.Skip(1).Select(row => double.Parse(row[index], CultureInfo.InvariantCulture)).ToArray();
    }
}
