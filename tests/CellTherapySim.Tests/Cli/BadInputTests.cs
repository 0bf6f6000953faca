using static CellTherapySim.Tests.Modeling.InputTestSupport;

namespace CellTherapySim.Tests.Cli;

/// <summary>Bad command-line input and bad model files: one "ctsim:" line naming the option or file:line:column, exit code 2.</summary>
public sealed class BadInputTests : IDisposable
{
    private readonly string _directory = CreateTempDirectory();

    /// <summary>Deletes the temporary folder.</summary>
    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Theory]
    [InlineData("--dose 7:iv:-5", "--dose", "the amount '-5' is negative; expected an amount ≥ 0")]
    [InlineData("--dose 7:iv:abc", "--dose", "'abc' is not an amount")]
    [InlineData("--dose 7:xx:1e6", "--dose", "product 'cells' is not given by route 'xx'; its routes are iv, it")]
    [InlineData("--dose 7:iv", "--dose", "'7:iv' is not a dose; expected DAY:ROUTE:PRODUCT:AMOUNT")]
    [InlineData("--dose 7:it:exo:100ug", "--dose", "unknown product 'exo'; expected one of cells, ev, nac")]
    [InlineData("--dose 7:ip:ev:100ug", "--dose", "product 'ev' is not given by route 'ip'; its routes are iv, it")]
    [InlineData("--dose 7:iv:cells:100ug", "--dose", "the unit 'ug' of '100ug' does not fit doses in cells; expected one of cells or no unit")]
    [InlineData("--dose 7:it:ev:100", "--dose", "the amount '100' has no unit; expected one of ng, ug, mg, g")]
    [InlineData("--dose 7:it:ev:-100ug", "--dose", "the amount '-100ug' is negative")]
    [InlineData("--dose 0:ip:nac:150mg", "--dose", "the unit 'mg' of '150mg' does not fit doses in mg/kg; expected one of ng/kg, ug/kg, mg/kg, g/kg")]
    [InlineData("--dose 14-0/1:ip:nac:150mg/kg", "--dose", "the last day 0 is before the first day 14")]
    [InlineData("--dose 0-14/0:ip:nac:150mg/kg", "--dose", "the step 0 must be > 0 days")]
    [InlineData("--dose 0-14/-1:ip:nac:150mg/kg", "--dose", "the step -1 must be > 0 days")]
    [InlineData("--dose -1:iv:1e6", "--dose", "the day must be ≥ 0")]
    [InlineData("--dose x:iv:1e6", "--dose", "the day 'x' is not a number")]
    [InlineData("--dose 7:iv:1e6 --dose 8:iv:NaN", "--dose", "'NaN' is not an amount")]
    [InlineData("--injury foo", "--injury", "unknown injury preset 'foo'; expected one of cci, sham")]
    [InlineData("--times 5,3,1", "--times", "times must increase, but 3 follows 5")]
    [InlineData("--times 0,0", "--times", "times must increase, but 0 follows 0")]
    [InlineData("--times 0:15:-1", "--times", "the step must be > 0")]
    [InlineData("--times 0:15:0", "--times", "the step must be > 0")]
    [InlineData("--times 15:0:1", "--times", "stop 0 is before start 15")]
    [InlineData("--times -1:3:1", "--times", "time -1 is negative")]
    [InlineData("--times 0,a,2", "--times", "'a' in '0,a,2' is not a number")]
    [InlineData("--times 0:1:2:3", "--times", "not a time range")]
    [InlineData("--times 0:1e300:1e-300", "--times", "gives more than 10,000,000 output times")]
    [InlineData("--set nope=1", "--set", "'nope' is not a parameter")]
    [InlineData("--set k_act=abc", "--set", "'abc' is not a number")]
    [InlineData("--animals-per-group 2147483647", "--animals-per-group", "2147483647 is more than 1,000,000, the largest allowed")]
    [InlineData("--animals-per-group 99999999999999999999", "--animals-per-group", "99999999999999999999 is more than 1,000,000")]
    [InlineData("--animals-per-group 0", "--animals-per-group", "'0' is not a whole number ≥ 1")]
    [InlineData("--replicates 100001", "--replicates", "100001 is more than 100,000, the largest allowed")]
    [InlineData("--set k_act=-1", "--set", "'k_act=-1': -1 is outside the prior of k_act, lognormal(", "expected k_act > 0")]
    [InlineData("--set ImaxP=1", "--set", "'ImaxP=1': 1 is outside the prior of ImaxP, beta(", "expected 0 < ImaxP < 1")]
    [InlineData("--set k_act", "--set", "not an assignment; expected NAME=VALUE")]
    [InlineData("--rtol -1", "--rtol", "'-1' is not a positive number")]
    [InlineData("--rtol abc", "--rtol", "'abc' is not a positive number")]
    [InlineData("--atol 0", "--atol", "'0' is not a positive number")]
    [InlineData("--solver weird", "--solver", "unknown solver 'weird'; expected stiff or nonstiff")]
    [InlineData("--bogus", "--bogus", "unknown option '--bogus'")]
    [InlineData("--seeds 3", "--seeds", "unknown option '--seeds'; did you mean '--seed'?")]
    [InlineData("--times", "--times", "--times: a value is required")]
    [InlineData("--model missing-file.yaml", "missing-file.yaml", "cannot read the model file")]
    public void SimulateRejectsBadOptions(string arguments, string option, params string[] problems)
    {
        var line = RunBadInput(["simulate", .. arguments.Split(' ')]);
        Assert.Contains(option, line);
        foreach (var problem in problems) Assert.Contains(problem, line);
    }

    [Theory]
    [InlineData("frob", "unknown command 'frob'")]
    [InlineData("simualte", "unknown command 'simualte'; did you mean 'simulate'?")]
    [InlineData("check a.yaml b.yaml", "unknown argument 'b.yaml'")]
    [InlineData("fit --metric dens --data d.csv --out o", "--metric: 'dens' is not one of dense, diag")]
    [InlineData("fit --data", "--data: a value is required; --out is required")]
    public void UnknownCommandsOptionsAndValuesAreNamed(string arguments, string message)
    {
        var line = RunBadInput(arguments.Split(' '));
        Assert.Contains(message, line);
        Assert.DoesNotContain("\t", line);
    }

    [Fact]
    public void CheckRejectsAMissingFile() =>
        Assert.Contains("missing-file.yaml: cannot read the model file", RunBadInput("check", "missing-file.yaml"));

    [Fact]
    public void AnInjuryIsRejectedWhenTheModelDefinesNone()
    {
        var path = Write("no-injuries.yaml", Mutate(Mutate("injuries:\n  hurt:\n    initial: {X: 2}\n", ""), "  injury: hurt\n", ""));
        Assert.Contains("--injury: unknown injury preset 'hurt'; model 'tiny' defines none", RunBadInput("simulate", "--model", path, "--injury", "hurt"));
    }

    [Fact]
    public void AnUnwritableOutputFileIsRejected() =>
        Assert.Contains("--out: cannot write", RunBadInput("simulate", "--out", Path.Combine(_directory, "no", "such", "dir", "x.csv")));

    [Fact]
    public void ABrokenModelIsReportedAtItsFileLineAndColumn()
    {
        var text = Mutate("dX/dt: -flux", "dX/dt: -flux*zz");
        var path = Write("broken.yaml", text);
        var (line, column) = PositionOf(text, "zz");
        var expected = $"{path}:{line}:{column}: unknown name 'zz'";
        Assert.Contains(expected, RunBadInput("simulate", "--model", path));
        Assert.Contains(expected, RunBadInput("check", path));
    }

    [Fact]
    public void AModelWithAYamlSyntaxErrorIsRejectedWithoutCrashing()
    {
        var path = Write("syntax.yaml", Mutate("X: {initial: 1, unit: 1e6 cells}", "X: {initial: 1, unit: 1e6 cells"));
        Assert.Matches($@"^ctsim: error: {System.Text.RegularExpressions.Regex.Escape(path)}:\d+:\d+: invalid YAML", RunBadInput("check", path));
    }

    [Fact]
    public void AModelWithABadScenarioIsRejectedAtTheScenario()
    {
        var text = Mutate("times: \"0:3:1\"", "times: \"0:3:-1\"");
        var path = Write("scenario.yaml", text);
        var (line, column) = PositionOf(text, "\"0:3:-1\"");
        Assert.Contains($"{path}:{line}:{column}: '0:3:-1': the step must be > 0", RunBadInput("simulate", "--model", path));
    }

    private string Write(string name, string text)
    {
        var path = Path.Combine(_directory, name);
        File.WriteAllText(path, text);
        return path;
    }
}
