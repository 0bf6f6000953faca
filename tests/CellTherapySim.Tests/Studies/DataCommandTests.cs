using static CellTherapySim.Tests.Modeling.InputTestSupport;
using static CellTherapySim.Tests.Studies.DataTestSupport;

namespace CellTherapySim.Tests.Studies;

/// <summary>`ctsim data describe`: the shipped files print their design (exit 0); bad files give one "ctsim:" line (exit 2).</summary>
public sealed class DataCommandTests : IDisposable
{
    private readonly string _directory = CreateTempDirectory();

    /// <summary>Deletes the temporary folder.</summary>
    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void DescribeObservationsPrintsGroupsRegimensDaysEndpointsAndCounts()
    {
        var output = Succeed("data", "describe", ObservationsPath);
        Assert.Contains("individual animals — 30 animals in 3 groups, 540 readings, 10 doses.", output);
        Assert.Matches(@"S&S\s+sham\s+no dose\s+10", output);
        Assert.Matches(@"C&S\s+cci\s+no dose\s+10", output);
        Assert.Matches(@"C&U\s+cci\s+1,000,000 cells iv at day 7\s+10", output);
        Assert.Contains("Readout days: 0, 1, 3, 5, 7, 9, 11, 13, 15", output);
        Assert.Contains("Endpoints: PMWT (g), TWL (s)", output);
        Assert.Matches(@"C&U\s+TWL(\s+10){9}", output);
        Assert.Matches(@"S&S\s+PMWT\s+52\s+0\s+90", output); // censored readings: right, left, of all
        Assert.DoesNotContain("Ignored columns", output);
    }

    [Fact]
    public void DescribeSummaryPrintsGroupsDaysEndpointsAndN()
    {
        var output = Succeed("data", "describe", SummaryPath);
        Assert.Contains("group summary — 54 rows: 3 groups, 9 days, 2 endpoints.", output);
        Assert.Contains("Groups: S&S, C&S, C&U (injuries and regimens: give the study's observations file with --design).", output);
        Assert.Contains("Readout days: 0, 1, 3, 5, 7, 9, 11, 13, 15", output);
        Assert.Matches(@"C&U\s+PMWT(\s+10){9}", output);
    }

    [Fact]
    public void DescribeSummaryWithItsDesignPrintsTheRegimens()
    {
        var output = Succeed("data", "describe", SummaryPath, "--design", ObservationsPath);
        Assert.Matches(@"C&U\s+cci\s+1,000,000 cells iv at day 7\s+10", output);
    }

    [Fact]
    public void DescribeShowsProductsAndBodyWeights()
    {
        var path = Write("products.csv", """
            ID,GROUP,INJURY,TIME,EVID,AMT,ROUTE,DVID,DV,CENS,PRODUCT,WT
            1,EV,cci,0,0,,,TWL,8,0,,0.3
            1,EV,cci,7,1,100,it,,,,ev,0.3
            1,EV,cci,10,1,100,it,,,,ev,0.3
            2,NAC,cci,0,0,,,TWL,8,0,,
            2,NAC,cci,0,1,150,ip,,,,nac,
            """);
        var output = Succeed("data", "describe", path);
        Assert.Contains("Products: ev (ug; it): 2 doses; nac (mg/kg; ip): 1 dose.", output);
        Assert.Contains("Body weights (WT): 1 animal, 0.3–0.3 kg; the others weigh the model's BW.", output);
        Assert.Matches(@"EV\s+cci\s+100 ug ev it at days 7, 10\s+1", output);
        Assert.DoesNotContain("Ignored columns", output);
    }

    [Fact]
    public void DescribeReportsMixedRegimensAndIgnoredColumns()
    {
        var path = Write("mixed.csv", """
            ID,GROUP,INJURY,TIME,EVID,AMT,ROUTE,DVID,DV,CENS,MDV
            1,T,cci,0,0,,,TWL,8,0,0
            1,T,cci,7,1,1000000,iv,,,,1
            2,T,cci,0,0,,,TWL,8,0,0
            2,T,cci,7,1,1000000,iv,,,,1
            3,T,cci,0,0,,,TWL,8,0,0
            """);
        var output = Succeed("data", "describe", path);
        Assert.Contains("Ignored columns: MDV (not part of the format).", output);
        Assert.Contains("1,000,000 cells iv at day 7 — 2 animals (1, 2)", output);
        Assert.Contains("no dose — 1 animal (3)", output);
        Assert.Contains("Group T: its animals got 2 different regimens", output);
    }

    [Fact]
    public void DescribeUsesTheEndpointsOfTheGivenModel()
    {
        var model = Write("tiny.yaml", MinimalModel);
        var data = Write("tiny.csv", "ID,GROUP,INJURY,TIME,EVID,AMT,ROUTE,DVID,DV,CENS\n1,g,hurt,0,0,,,obs,2,0\n");
        Assert.Contains("Endpoints: obs (1e6 cells)", Succeed("data", "describe", data, "--model", model));
        Assert.Contains("unknown injury preset 'hurt'; expected an injury preset of model 'msc-neuropathic-pain': cci or sham", RunBadInput("data", "describe", data));
    }

    [Theory]
    [InlineData("empty.csv", "", "empty.csv: the file is empty; expected a header line")]
    [InlineData("header.csv", "GROUP,TIME,DVID,MEAN,SD,N\n", "header.csv: the file has a header but no data rows")]
    [InlineData("time.csv", "ID,GROUP,INJURY,TIME,EVID,AMT,ROUTE,DVID,DV,CENS\n1,A,cci,zero,0,,,TWL,8,0\n", "time.csv:2:9: column TIME: 'zero' is not a number")]
    [InlineData("cens.csv", "ID,GROUP,INJURY,TIME,EVID,AMT,ROUTE,DVID,DV,CENS\n1,A,cci,0,0,,,TWL,8,-1\n", "cens.csv:2:19: column DV: 8 is right-censored (CENS -1) but is not the upper cutoff of TWL, 20 s")]
    [InlineData("columns.csv", "ID,GROUP,TIME,EVID\n1,A,0,0\n", "columns.csv:1: missing columns INJURY, AMT, ROUTE, DVID, DV, CENS")]
    [InlineData("n.csv", "GROUP,TIME,DVID,MEAN,SD,N\nA,0,TWL,9,1,0\n", "n.csv:2:13: column N: 0 is not a positive number of animals")]
    public void DescribeRejectsABadFileWithOneLocatedLine(string name, string text, string expected) =>
        Assert.Contains($"ctsim: error: {Path.Combine(_directory, expected)}", RunBadInput("data", "describe", Write(name, text)));

    [Fact]
    public void DescribeRejectsAMissingFile() =>
        Assert.Contains("no-such.csv: cannot read the data file", RunBadInput("data", "describe", Path.Combine(_directory, "no-such.csv")));

    [Fact]
    public void DescribeRejectsASummaryGroupThatIsNotInTheDesign()
    {
        var summary = Write("summary.csv", "GROUP,TIME,DVID,MEAN,SD,N\nS&S,0,TWL,11,1,10\nC+U,0,TWL,11,1,10\n");
        Assert.Contains($"{summary}:3:1: column GROUP: group 'C+U' is not in the study design; expected one of 'S&S', 'C&S', 'C&U'",
            RunBadInput("data", "describe", summary, "--design", ObservationsPath));
    }

    [Fact]
    public void DesignMustBeAnObservationsFileAndGoesWithASummaryOnly()
    {
        Assert.Contains("--design: '", RunBadInput("data", "describe", SummaryPath, "--design", SummaryPath));
        Assert.Contains("is a summary file; expected the observations file (individual animals) of the same study", RunBadInput("data", "describe", SummaryPath, "--design", SummaryPath));
        Assert.Contains("--design: applies to a summary file only", RunBadInput("data", "describe", ObservationsPath, "--design", ObservationsPath));
    }

    [Theory]
    [InlineData("data")]
    [InlineData("data describe")]
    [InlineData("data describe a.csv b.csv")]
    public void DataWithoutAFileIsAUsageError(string arguments) =>
        Assert.Contains("(run 'ctsim data", RunBadInput(arguments.Split(' ')));

    private static string Succeed(params string[] args)
    {
        var (exitCode, output, error) = RunCli(args);
        Assert.True(exitCode == 0, $"ctsim {string.Join(' ', args)} exited with {exitCode}: {error}");
        Assert.Equal("", error);
        return output;
    }

    private string Write(string name, string text)
    {
        var path = Path.Combine(_directory, name);
        File.WriteAllText(path, text);
        return path;
    }
}
