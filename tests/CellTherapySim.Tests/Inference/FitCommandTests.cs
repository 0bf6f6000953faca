using static CellTherapySim.Tests.Modeling.InputTestSupport;

namespace CellTherapySim.Tests.Inference;

/// <summary>`ctsim fit` on the command line: bad input is one message with exit code 2; a short fit writes every file.</summary>
public class FitCommandTests
{
    private static readonly string Observations = Path.Combine(RepositoryRoot(), "models", "data", "cci-iv-day7", "observations.csv");
    private static readonly string Summary = Path.Combine(RepositoryRoot(), "models", "data", "cci-iv-day7", "summary.csv");

    [Theory]
    [InlineData("--free k_act,k_nope", "'k_nope' is not a parameter")]
    [InlineData("--free k_act --random-effects k_Z", "must be a free parameter")]
    [InlineData("--chains 0", "--chains")]
    [InlineData("--metric sparse", "sparse")]
    [InlineData("--adapt-delta 1", "--adapt-delta: '1' is not a target acceptance; expected a number strictly between 0 and 1")]
    [InlineData("--adapt-delta high", "'high' is not a target acceptance")]
    [InlineData("--solver nonstiff", "stiff solver")]
    [InlineData("--design SUMMARY", "applies to summary data only")]
    public void BadOptionsAreInputErrors(string options, string problem)
    {
        var folder = CreateTempDirectory();
        var args = new[] { "fit", "--data", Observations, "--out", folder }.Concat(options.Replace("SUMMARY", Observations).Split(' ')).ToArray();
        Assert.Contains(problem, RunBadInput(args));
        Directory.Delete(folder, recursive: true);
    }

    [Fact]
    public void SummaryDataNeedADesignAndNoRandomEffects()
    {
        var folder = CreateTempDirectory();
        Assert.Contains("--design", RunBadInput("fit", "--data", Summary, "--out", folder));
        Assert.Contains("random effects need individual animals",
            RunBadInput("fit", "--data", Summary, "--design", Observations, "--out", folder, "--random-effects", "k_act"));
        Assert.Contains("cannot read the data file", RunBadInput("fit", "--data", Path.Combine(folder, "missing.csv"), "--out", folder));
        Directory.Delete(folder, recursive: true);
    }

    [Fact]
    public void AShortFitWritesDrawsSummaryAndPredictiveCheck()
    {
        var folder = CreateTempDirectory();
        var (exit, output, error) = RunCli("fit", "--data", Summary, "--design", Observations, "--out", folder,
            "--free", "k_act,C50", "--chains", "2", "--warmup", "40", "--draws", "30", "--seed", "4");
        Assert.True(exit == 0, error);
        Assert.Contains("E-BFMI", output);
        var draws = File.ReadAllLines(Path.Combine(folder, "draws-chain-2.csv"));
        Assert.Contains("lp__,accept_stat__,stepsize__,treedepth__,n_leapfrog__,divergent__,energy__,k_act,C50,sigma_PMWT,sigma_TWL", draws);
        Assert.Equal(30, draws.Count(l => l.Length > 0 && !l.StartsWith('#') && !l.StartsWith("lp__")));
        var summary = File.ReadAllLines(Path.Combine(folder, "summary.csv"));
        Assert.Equal("variable,mean,median,sd,mad,q5,q95,rhat,ess_bulk,ess_tail", summary[0]);
        Assert.Equal(1 + 1 + 4, summary.Length);
        var ppc = File.ReadAllLines(Path.Combine(folder, "ppc.csv"));
        Assert.StartsWith("GROUP,TIME,DVID,N,OBSERVED_MEAN,PRED_MEDIAN", ppc[0]);
        Assert.Equal(1 + 54, ppc.Length);
        Assert.False(File.Exists(Path.Combine(folder, "ipred.csv")));   // group means: no animals
        Directory.Delete(folder, recursive: true);
    }

    [Fact]
    public void AFitToIndividualAnimalsWritesTheirPredictions()
    {
        var folder = CreateTempDirectory();
        var (exit, output, error) = RunCli("fit", "--data", Observations, "--out", folder,
            "--free", "k_act", "--chains", "1", "--warmup", "20", "--draws", "10", "--seed", "3");
        Assert.True(exit == 0, error);
        Assert.Contains("Animals with the largest residuals", output);
        Assert.Contains("ipred.csv", output);
        var ipred = File.ReadAllLines(Path.Combine(folder, "ipred.csv"));
        Assert.Equal("ID,TIME,DVID,DV,CENS,IPRED_median,IPRED_q5,IPRED_q95,PRED,IWRES", ipred[0]);
        Assert.Equal(1 + 540, ipred.Length);   // every reading (EVID 0 row) of the 30 animals
        Assert.False(File.Exists(Path.Combine(folder, "individuals.csv")));   // no random effects
        Directory.Delete(folder, recursive: true);
    }
}
