using static CellTherapySim.Tests.Modeling.InputTestSupport;

namespace CellTherapySim.Tests.Inference;

/// <summary>`ctsim fit` on the command line: bad input is one message with exit code 2; a short fit writes every file.</summary>
public class FitCommandTests
{
    private static readonly string Observations = Path.Combine(RepositoryRoot(), "models", "data", "cci-iv-day7", "observations.csv");
    private static readonly string Summary = Path.Combine(RepositoryRoot(), "models", "data", "cci-iv-day7", "summary.csv");
    private static readonly string DefaultModelFile = Path.Combine(RepositoryRoot(), "models", "msc-neuropathic-pain.yaml");

    [Theory]
    [InlineData("--free k_act,k_nope", "'k_nope' is not a parameter")]
    [InlineData("--random-effects k_nope", "--random-effects: 'k_nope' is not a parameter of model 'msc-neuropathic-pain'; expected one of k_BL, k_LB,")]
    [InlineData("--random-effects k_act,P0,k_act", "--random-effects: 'k_act' is listed twice")]
    [InlineData("--free k_act,k_Z,k_act", "--free: 'k_act' is listed twice")]
    [InlineData("--random-effects BW", "--random-effects: 'BW' scales doses (a product route's scale uses it), so it cannot vary between animals in a fit")]
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

    [Theory]
    [InlineData("P0", "{distribution: lognormal, median: 15.0, sdlog: 0.1}", "{distribution: uniform, lower: 2, upper: 20}",
        "--random-effects: 'P0' has a uniform(2, 20) prior: a log-normal random effect would leave its bounds (a logit-normal scale on (2, 20) would be needed, which --random-effects does not offer); give it a log-normal prior in the model file (a beta prior for a fraction in (0, 1)) or leave it out of --random-effects")]
    [InlineData("W0", "{distribution: lognormal, median: 11.0, sdlog: 0.1}", "{distribution: normal, mean: 11, sd: 1}",
        "--random-effects: 'W0' has a normal(11, 1) prior, on all real numbers: a log-normal random effect needs a positive parameter and a logit-normal one a parameter in (0, 1) (an additive normal random effect would be needed, which --random-effects does not offer); give it a log-normal prior in the model file (a beta prior for a fraction in (0, 1)) or leave it out of --random-effects")]
    [InlineData("ImaxP", "{distribution: beta, a: 9, b: 1}", "{distribution: uniform, lower: 0.5, upper: 1}",
        "--random-effects: 'ImaxP' has a uniform(0.5, 1) prior: a log-normal random effect would leave its bounds (a logit-normal scale on (0.5, 1) would be needed")]
    public void ARandomEffectNeedsAPriorOnTheLogOrLogitScale(string parameter, string prior, string replacement, string problem)
    {
        var folder = CreateTempDirectory();
        var model = Path.Combine(folder, "model.yaml");
        File.WriteAllText(model, Mutate(File.ReadAllText(DefaultModelFile), prior, replacement));
        Assert.Contains(problem, RunBadInput("fit", "--model", model, "--data", Observations, "--out", folder, "--random-effects", $"k_act,{parameter}"));
        // The model itself is valid: only the random effect is refused.
        var (exit, _, error) = RunCli("check", model);
        Assert.True(exit == 0, error);
        Directory.Delete(folder, recursive: true);
    }

    [Fact]
    public void RandomEffectsNeedTwoAnimalsEachWithReadings()
    {
        var folder = CreateTempDirectory();
        var lines = File.ReadAllLines(Observations);
        var one = Path.Combine(folder, "one.csv");
        File.WriteAllLines(one, lines.Take(1).Concat(lines.Where(l => l.StartsWith("1,", StringComparison.Ordinal))));
        Assert.Equal("ctsim: error: --random-effects: random effects need at least 2 animals; the data have 1",
            RunBadInput("fit", "--data", one, "--out", folder, "--random-effects", "k_act").TrimEnd());

        // Animals with dose rows only: no data inform their ηs. Without random effects they are harmless.
        var empty = Path.Combine(folder, "dose-only.csv");
        File.WriteAllLines(empty, lines.Append("98,C&U,cci,7,1,1000000,iv,,,"));
        Assert.Equal($"ctsim: error: --random-effects: animal 98 has no readings in '{empty}' (dose rows only): its random effects would be informed by no data; remove it from the data or fit without --random-effects",
            RunBadInput("fit", "--data", empty, "--out", folder, "--random-effects", "k_act").TrimEnd());
        File.WriteAllLines(empty, lines.Append("98,C&U,cci,7,1,1000000,iv,,,").Append("99,Solo,cci,7,1,2000000,iv,,,"));
        Assert.Contains("animals 98, 99 have no readings in", RunBadInput("fit", "--data", empty, "--out", folder, "--random-effects", "k_act"));
        var (exit, _, error) = RunCli("fit", "--data", empty, "--out", folder, "--free", "k_act", "--chains", "1", "--warmup", "4", "--draws", "4", "--max-depth", "2");
        Assert.True(exit == 0, error);
        Directory.Delete(folder, recursive: true);
    }

    [Fact]
    public void AFolderWithAnEarlierFitIsRefusedUnlessForced()
    {
        var folder = CreateTempDirectory();
        File.WriteAllText(Path.Combine(folder, "notes.txt"), "mine");
        string[] fit = ["fit", "--data", Observations, "--out", folder, "--free", "k_act", "--chains", "1", "--warmup", "4", "--draws", "4", "--max-depth", "2"];
        var (exit, _, error) = RunCli(fit);
        Assert.True(exit == 0, error);
        var summary = File.ReadAllText(Path.Combine(folder, "summary.csv"));
        Assert.StartsWith($"ctsim: error: --out: '{folder}' already holds results (draws-chain-1.csv, ipred.csv, log-lik-animal-chain-1.csv, log-lik-chain-1.csv and 4 more); give --force to replace them",
            RunBadInput(fit));
        Assert.Equal(summary, File.ReadAllText(Path.Combine(folder, "summary.csv")));
        (exit, var output, error) = RunCli([.. fit, "--force"]);
        Assert.True(exit == 0, error);
        Assert.Contains($"Replacing the results in {folder} (--force)", output);
        Assert.Equal("mine", File.ReadAllText(Path.Combine(folder, "notes.txt")));
        Directory.Delete(folder, recursive: true);
    }

    [Fact]
    public void AFitKilledMidRunLeavesItsDrawsUnderTemporaryNamesAndNoFinalFile()
    {
        var folder = CreateTempDirectory();
        var start = new System.Diagnostics.ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "ctsim.dll"), "fit", "--data", Observations, "--out", folder,
            "--free", "k_act", "--chains", "1", "--warmup", "20", "--draws", "100000", "--max-depth", "3"]) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = System.Diagnostics.Process.Start(start)!;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        // SIGKILL (no chance to clean up) once draws are being written.
        var partial = Path.Combine(folder, "draws-chain-1.csv.partial");
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (!process.HasExited && !(File.Exists(partial) && DrawLines(partial) >= 20) && clock.Elapsed < TimeSpan.FromSeconds(120)) Thread.Sleep(50);
        Assert.False(process.HasExited, "the fit ended before it could be killed");
        process.Kill(entireProcessTree: true);
        process.WaitForExit();
        Assert.True(DrawLines(partial) >= 20);
        Assert.True(File.Exists(Path.Combine(folder, "log-lik-chain-1.csv.partial")));
        Assert.True(File.Exists(Path.Combine(folder, "log-lik-animal-chain-1.csv.partial")));
        foreach (var final in new[] { "draws-chain-1.csv", "log-lik-chain-1.csv", "log-lik-animal-chain-1.csv", "summary.csv", "ppc.csv", "loo.csv", "loo-animal.csv", "ipred.csv" })
            Assert.False(File.Exists(Path.Combine(folder, final)), $"{final} exists after the fit was killed");
        // A new fit into the folder is refused until --force, which removes the partial files too.
        Assert.Contains("draws-chain-1.csv.partial", RunBadInput("fit", "--data", Observations, "--out", folder));
        Directory.Delete(folder, recursive: true);

        static int DrawLines(string path)
        {
            using var reader = new StreamReader(new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite));
            return reader.ReadToEnd().Split('\n').Count(l => l.Length > 0 && !l.StartsWith('#') && !l.StartsWith("lp__", StringComparison.Ordinal));
        }
    }

    [Fact]
    public void AFitWithNoFiniteStartNamesTheCauseNotAnAggregateError()
    {
        // An absurd ROS turnover makes every simulation fail at day 0: the message says which design fails and why.
        var folder = CreateTempDirectory();
        var (exit, _, error) = RunCli("fit", "--data", Observations, "--out", folder, "--set", "k_R=1e300", "--chains", "2", "--warmup", "4", "--draws", "4");
        Assert.Equal(1, exit);
        Assert.DoesNotContain("internal error", error);
        Assert.DoesNotContain("   at ", error);
        Assert.Contains("no initial point with a finite log density in 100 tries within ±1 of the prior medians; at the prior medians the simulation of design 1 (sham, 0 doses): simulation failed at day 0", error);
        Directory.Delete(folder, recursive: true);
    }

    [Fact]
    public void RandomEffectsOnParametersThatAreNotFreeAddThemToTheFreeSet()
    {
        var folder = CreateTempDirectory();
        var lines = File.ReadAllLines(Observations);
        var two = Path.Combine(folder, "two.csv");
        File.WriteAllLines(two, lines.Take(1).Concat(lines.Where(l => l.StartsWith("1,", StringComparison.Ordinal) || l.StartsWith("21,", StringComparison.Ordinal))));
        var (exit, output, error) = RunCli("fit", "--data", two, "--out", folder, "--free", "k_act", "--random-effects", "P0,W0,k_act",
            "--chains", "1", "--warmup", "10", "--draws", "10", "--max-depth", "3", "--seed", "3");
        Assert.True(exit == 0, error);
        Assert.Contains("Random effects on P0, W0 need them free: added to the free parameters, with their priors from the model file.", output);
        Assert.Contains("3 free parameters (k_act, P0, W0)", output);
        var draws = File.ReadAllLines(Path.Combine(folder, "draws-chain-1.csv"));
        Assert.Contains("lp__,accept_stat__,stepsize__,treedepth__,n_leapfrog__,divergent__,energy__,k_act,P0,W0,sigma_PMWT,sigma_TWL,omega_P0,omega_W0,omega_k_act,eta_P0.1,eta_P0.21,eta_W0.1,eta_W0.21,eta_k_act.1,eta_k_act.21", draws);

        (exit, output, error) = RunCli("fit", "--data", two, "--out", Path.Combine(folder, "one"), "--free", "k_act,k_Z", "--random-effects", "k_Z",
            "--chains", "1", "--warmup", "4", "--draws", "4", "--max-depth", "2");
        Assert.True(exit == 0, error);
        Assert.DoesNotContain("added to the free parameters", output);
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
