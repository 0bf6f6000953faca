using System.Text.RegularExpressions;
using System.Xml.Linq;
using static CellTherapySim.Tests.Modeling.InputTestSupport;

namespace CellTherapySim.Tests.Reports;

/// <summary>`ctsim report`: one self-contained page per output folder, partial and other-version folders said so, bad folders refused.</summary>
public sealed class ReportTests : IDisposable
{
    private readonly string _directory = CreateTempDirectory();

    /// <summary>Deletes the temporary folder.</summary>
    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static readonly string Observations = Path.Combine(RepositoryRoot(), "models", "data", "cci-iv-day7", "observations.csv");

    private string Cohort()
    {
        var folder = Path.Combine(_directory, "cohort");
        var (exit, _, error) = RunCli("simulate", "--study", Path.Combine(RepositoryRoot(), "models", "studies", "cci-iv-day7.yaml"), "--animals-per-group", "4", "--out", folder);
        Assert.True(exit == 0, error);
        return folder;
    }

    private string Fit()
    {
        var folder = Path.Combine(_directory, "fit");
        var (exit, _, error) = RunCli("fit", "--data", Observations, "--out", folder, "--free", "k_act,k_Z", "--chains", "2", "--warmup", "20", "--draws", "20", "--max-depth", "3");
        Assert.True(exit == 0, error);
        return folder;
    }

    private string Sweep()
    {
        var folder = Path.Combine(_directory, "sweep");
        var (exit, _, error) = RunCli("sweep", "--spec", Path.Combine(RepositoryRoot(), "models", "sweeps", "dose-day-route.yaml"), "--out", folder);
        Assert.True(exit == 0, error);
        return folder;
    }

    private string Sensitivity()
    {
        var folder = Path.Combine(_directory, "sensitivity");
        var (exit, _, error) = RunCli("sensitivity", "--spec", Path.Combine(RepositoryRoot(), "models", "sweeps", "sensitivity.yaml"), "--out", folder, "--samples", "16", "--bootstrap", "20");
        Assert.True(exit == 0, error);
        return folder;
    }

    private string Snapshots()
    {
        var folder = Path.Combine(_directory, "snapshots");
        var (exit, output, error) = RunCli("simulate", "--engine", "agent", "--replicates", "2", "--times", "0:15:5", "--snapshots", folder, "--snapshot-days", "5,15");
        Assert.True(exit == 0, error);
        Assert.Contains("and 4 lattice maps beside them (lattice-rR-dayD.svg).", Regex.Replace(output, @"\s+", " "));
        return folder;
    }

    private string Comparison()
    {
        var file = Path.Combine(_directory, "comparison", "routes.csv");
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        var (exit, _, error) = RunCli("compare", "--regimen", "iv:1e6@7", "--regimen", "it:1e6@7", "--animals", "10", "--out", file);
        Assert.True(exit == 0, error);
        return file;
    }

    /// <summary>The report's path: DIR/report.html, or FILE.html beside compare's FILE.csv.</summary>
    private static string ReportPath(string folder) => File.Exists(folder) ? Path.ChangeExtension(folder, ".html") : Path.Combine(folder, "report.html");

    private static string Report(string folder, params string[] more)
    {
        var (exit, output, error) = RunCli(["report", folder, .. more]);
        Assert.True(exit == 0, error);
        Assert.Matches(@"Wrote the report \(\d+ figures, [\d,]+ KB\) to .*\.html in \d+\.\d s\.", output);
        return File.ReadAllText(ReportPath(folder));
    }

    /// <summary>The page is self-contained: no scripts, nothing fetched (no src or external href), and every inline SVG is well-formed with a size.</summary>
    private static void AssertSelfContained(string html, int figures)
    {
        Assert.StartsWith("<!DOCTYPE html>", html);
        Assert.DoesNotContain("<script", html);
        Assert.DoesNotMatch(@"(src|href)\s*=\s*""(https?:|//)", html);
        var svgs = Regex.Matches(html, @"<svg .*?</svg>\n(?=<figcaption>)", RegexOptions.Singleline);
        Assert.Equal(figures, svgs.Count);
        foreach (Match svg in svgs)
        {
            var root = XDocument.Parse(svg.Value).Root!;
            Assert.True(double.Parse((string)root.Attribute("width")!, System.Globalization.CultureInfo.InvariantCulture) > 0);
            Assert.True(double.Parse((string)root.Attribute("height")!, System.Globalization.CultureInfo.InvariantCulture) > 0);
        }
    }

    [Fact]
    public void ACohortFolderGetsItsPanelsDesignCensoringAndProvenance()
    {
        var html = Report(Cohort());
        AssertSelfContained(html, 1);
        Assert.Contains("<h2>Design</h2>", html);
        Assert.Contains("<td>C&amp;U</td><td>4</td><td>1000000 cells iv at day 7</td>", html);
        Assert.Contains("<h2>Censored readings</h2>", html);
        Assert.Contains("PMWT (g)", html);
        Assert.Contains("ctsim simulate --study", html);
        Assert.Contains("msc-neuropathic-pain (SHA-256 ", html);
        Assert.Contains("<td>k_act</td><td>1.6</td><td></td>", html); // the typical animal's parameter table
        Assert.DoesNotContain("class=\"notice\"", html);
    }

    [Fact]
    public void AFitFolderGetsItsChecksTracesRanksDensitiesPairsAndLoo()
    {
        var folder = Fit();
        var html = Report(folder);
        AssertSelfContained(html, 6);
        foreach (var section in new[] { "Posterior summary", "Visual predictive check", "Sampler", "Traces", "Rank plots", "Marginal densities", "Most correlated pairs", "PSIS-LOO", "Individual fits", "Run" })
            Assert.Contains($"<h2>{section}</h2>", html);
        // 2 × 20 draws: R-hat and ESS fail the thresholds and are marked.
        Assert.Matches("<td class=\"fail\">[0-9.]+</td>", html);
        Assert.Contains("<td>k_act</td><td>", html);
        Assert.Contains("<td>elpd_loo</td>", html);
        Assert.Contains("All 30 animals, the largest mean |IWRES| first", html);
        Assert.Contains("every reading of observations.csv (censored ones as triangles at the cutoff), the observed mean ± SD", html);
    }

    [Fact]
    public void ASweepFolderGetsItsBestScenariosDoseResponseAndHeatMap()
    {
        var html = Report(Sweep());
        AssertSelfContained(html, 1);
        Assert.Contains("<h2>Best scenarios</h2>", html);
        Assert.Contains("40 scenarios (Grid design of 40), ranked by PMWT_auc (higher is better).", html);
        Assert.Contains("<td>1E+07</td><td>3</td><td>it</td><td>235.7</td>", html);
        Assert.Contains("PMWT_auc against dose", html);
        Assert.Contains("PMWT_auc over dose and day", html);
        Assert.Contains("<td>model</td><td>msc-neuropathic-pain (SHA-256 ", html); // from the spec named in the manifest
        html = Report(Path.Combine(_directory, "sweep"), "--metric", "TWL:peak", "--force");
        Assert.Contains("ranked by TWL_peak (higher is better)", html);
        Assert.Contains("TWL_peak against dose", html);
        var (exit, _, error) = RunCli("report", Path.Combine(_directory, "sweep"), "--metric", "TWL:speed", "--force");
        Assert.Equal(2, exit);
        Assert.StartsWith("ctsim: error: --metric: 'TWL:speed' is not measured in this sweep; expected ENDPOINT:METRIC of its columns (PMWT_auc,", error);
    }

    [Fact]
    public void ASensitivityFolderGetsItsSobolBarsAndTornado()
    {
        var html = Report(Sensitivity());
        AssertSelfContained(html, 1);
        Assert.Contains("indices of PMWT_auc (95% bootstrap intervals)</text>", html);
        Assert.Contains("Tornado: PMWT_auc", html);
        Assert.Contains("<h2>Sobol&#39; indices of every metric</h2>", html);
    }

    [Fact]
    public void ASnapshotFolderGetsItsLatticeMapsAndTheMapsStandBesideTheCsvs()
    {
        var folder = Snapshots();
        foreach (var csv in Directory.EnumerateFiles(folder, "lattice-r*-day*.csv"))
        {
            var svg = XDocument.Load(Path.ChangeExtension(csv, ".svg"));
            Assert.Equal(4, svg.Root!.Elements().Count(e => (string?)e.Attribute("class") == "panel")); // activated, R, C, S
        }
        var html = Report(folder);
        AssertSelfContained(html, 2);
        Assert.Contains("<h2>Lattice, replicate 1, day 5</h2>", html);
        Assert.Contains("<h2>Lattice, replicate 1, day 15</h2>", html);
        Assert.Contains("replicate 1, day 15: activated microglia", html);
    }

    [Fact]
    public void ACompareCsvGetsItsReliefCurvesAucIntervalsAndMetrics()
    {
        var file = Comparison();
        var html = Report(file);
        Assert.True(File.Exists(Path.ChangeExtension(file, ".html")));
        AssertSelfContained(html, 1);
        Assert.Contains("PMWT: relief against the untreated reference", html);
        Assert.Contains("AUC of relief: estimate and 90% interval", html);
        Assert.Contains("<td>it:1e6@7</td><td>TWL</td><td>auc</td><td>s*day</td>", html);
        var other = Path.Combine(_directory, "other.csv");
        File.WriteAllText(other, "a,b\n1,2\n");
        var (exit, _, error) = RunCli("report", other);
        Assert.Equal(2, exit);
        Assert.Contains("a file that is neither compare's CSV", error);
    }

    [Fact]
    public void OneAnimalsCsvGetsAPanelPerStateAndReadout()
    {
        var file = Path.Combine(_directory, "animal.csv");
        Assert.Equal(0, RunCli("simulate", "--out", file).ExitCode);
        var html = Report(file);
        AssertSelfContained(html, 1);
        Assert.Equal(16 + 3, Regex.Matches(html, "class=\"panel\"").Count);
        var agent = Path.Combine(_directory, "agent.csv");
        Assert.Equal(0, RunCli("simulate", "--engine", "agent", "--replicates", "2", "--times", "0:15:5", "--out", agent).ExitCode);
        html = Report(agent);
        Assert.Contains("replicates, 90% band", html);
    }

    [Fact]
    public void APartialFitAndAnotherToolVersionAreSaidSo()
    {
        var folder = Fit();
        File.Delete(Path.Combine(folder, "summary.csv"));
        File.Move(Path.Combine(folder, "draws-chain-2.csv"), Path.Combine(folder, "draws-chain-2.csv.partial"));
        var record = Path.Combine(folder, "fit-record.json");
        File.WriteAllText(record, Regex.Replace(File.ReadAllText(record), "\"tool_version\": \"[^\"]*\"", "\"tool_version\": \"0.0.1\""));
        var html = Report(folder);
        Assert.Contains("Partial results: the run that wrote this folder did not finish (draws-chain-2.csv.partial still under their temporary names).", html);
        Assert.Contains("This folder was written by ctsim 0.0.1; this report is made by ctsim ", html);
        Assert.Contains("No summary.csv: the fit did not finish", html);
        Assert.Contains("<h2>Traces</h2>", html);
    }

    [Fact]
    public void BadFoldersAreRefusedWithoutLeavingAReport()
    {
        var empty = Path.Combine(_directory, "empty");
        Directory.CreateDirectory(empty);
        var other = Path.Combine(_directory, "other");
        Directory.CreateDirectory(other);
        File.WriteAllText(Path.Combine(other, "notes.txt"), "mine");
        foreach (var (folder, message) in new[]
        {
            (Path.Combine(_directory, "missing"), "no such folder; expected an output folder of 'simulate --study', 'fit', 'sweep' or 'sensitivity'"),
            (empty, "the folder is empty; expected an output folder"),
            (other, "holds no ctsim results (notes.txt); expected an output folder"),
        })
        {
            var (exit, output, error) = RunCli("report", folder);
            Assert.Equal((2, ""), (exit, output));
            Assert.Equal($"ctsim: error: {folder}: {message}", error.Trim()[..Math.Min(error.Trim().Length, $"ctsim: error: {folder}: {message}".Length)]);
            Assert.False(File.Exists(Path.Combine(folder, "report.html")));
        }
        var cohort = Cohort();
        var summary = Path.Combine(cohort, "summary.csv");
        var text = File.ReadAllText(summary);
        File.WriteAllText(summary, text[..(text.Length / 2)].TrimEnd('\n').Remove(text[..(text.Length / 2)].TrimEnd('\n').LastIndexOf(',')));
        var lines = File.ReadAllLines(summary).Length;
        var (code, _, problem) = RunCli("report", cohort);
        Assert.Equal(2, code);
        Assert.StartsWith($"ctsim: error: {summary}:{lines}: row has ", problem);
        Assert.Contains("the file is cut short or not a ctsim result", problem);
        Assert.DoesNotContain("   at ", problem);
        Assert.Empty(Directory.EnumerateFiles(cohort, "report.html*"));
    }

    [Fact]
    public void AnEarlierReportNeedsForceAndOutMustBeHtml()
    {
        var folder = Cohort();
        Report(folder);
        var (exit, _, error) = RunCli("report", folder);
        Assert.Equal(2, exit);
        Assert.Contains("report.html' already exists (report.html); give --force to replace it", error);
        Report(folder, "--force");
        (exit, _, error) = RunCli("report", folder, "--out", Path.Combine(_directory, "r.pdf"));
        Assert.Equal(2, exit);
        Assert.Contains("is not an .html file; expected FILE.html", error);
    }

    /// <summary>
    /// Renders a cohort's and a fit's report in real headless Chromium (Debian's chromium; .ci/run installs it and sets
    /// CTSIM_BROWSER_TESTS=require, so that CI cannot skip this): the page loads without console errors, its DOM holds
    /// every chart with a size, and the screenshot is not blank. Without chromium and without that variable the test
    /// says so and passes (a user's clone needs only the .NET SDK).
    /// </summary>
    [Fact]
    public void ReportsRenderInHeadlessChromium()
    {
        var chromium = new[] { "/usr/bin/chromium", "/usr/bin/chromium-browser" }.FirstOrDefault(File.Exists);
        if (chromium is null)
        {
            Assert.True(Environment.GetEnvironmentVariable("CTSIM_BROWSER_TESTS") != "require", "chromium is required (CTSIM_BROWSER_TESTS=require) but not installed");
            return;
        }
        foreach (var (folder, figures) in new[] { (Cohort(), 1), (Fit(), 6), (Sweep(), 1), (Sensitivity(), 1), (Snapshots(), 2), (Comparison(), 1) })
        {
            Report(folder);
            var page = new Uri(ReportPath(folder)).AbsoluteUri;
            var work = File.Exists(folder) ? Path.GetDirectoryName(folder)! : folder;
            var screenshot = Path.Combine(work, "report.png");
            string[] common = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run",
                "--enable-logging=stderr", "--v=0"];
            var (_, dom, log) = Run(chromium, [.. common, $"--user-data-dir={Path.Combine(work, "chromium-dom")}", "--dump-dom", page]);
            Assert.Equal(figures, Regex.Matches(dom, "<svg xmlns=\"http://www.w3.org/2000/svg\"[^>]* width=\"([1-9][0-9.]*)\" height=\"([1-9][0-9.]*)\"").Count);
            Assert.DoesNotContain(":CONSOLE(", log);
            var (code, _, error) = Run(chromium, [.. common, $"--user-data-dir={Path.Combine(work, "chromium-shot")}", $"--screenshot={screenshot}", "--window-size=1400,1800", page]);
            Assert.True(code == 0 && File.Exists(screenshot), error);
            Assert.DoesNotContain(":CONSOLE(", error);
            Assert.True(DistinctPixelBytes(screenshot) > 16, "the screenshot is blank");
        }
    }

    private static (int ExitCode, string Output, string Error) Run(string program, string[] args)
    {
        var start = new System.Diagnostics.ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) start.ArgumentList.Add(a);
        using var process = System.Diagnostics.Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        Assert.True(process.WaitForExit(120_000), "chromium did not finish in 2 minutes");
        return (process.ExitCode, output.Result, error.Result);
    }

    /// <summary>How many distinct byte values the PNG's decompressed image data holds (a blank page has one or two).</summary>
    private static int DistinctPixelBytes(string png)
    {
        var bytes = File.ReadAllBytes(png);
        using var idat = new MemoryStream();
        for (var at = 8; at + 8 <= bytes.Length;)
        {
            var length = (bytes[at] << 24) | (bytes[at + 1] << 16) | (bytes[at + 2] << 8) | bytes[at + 3];
            var type = System.Text.Encoding.ASCII.GetString(bytes, at + 4, 4);
            if (type == "IDAT") idat.Write(bytes, at + 8, length);
            at += 12 + length;
        }
        idat.Position = 0;
        using var inflated = new MemoryStream();
        using (var zlib = new System.IO.Compression.ZLibStream(idat, System.IO.Compression.CompressionMode.Decompress)) zlib.CopyTo(inflated);
        return inflated.ToArray().Distinct().Count();
    }
}
