using CellTherapySim.Modeling;
using CellTherapySim.Simulation;
using CellTherapySim.Studies;
using static CellTherapySim.Tests.Modeling.InputTestSupport;
using static CellTherapySim.Tests.Studies.DataTestSupport;

namespace CellTherapySim.Tests.Studies;

/// <summary>Reading group summaries (GROUP,TIME,DVID,MEAN,SD,N), alone and against a design, and their bad input.</summary>
public sealed class SummaryCsvReaderTests
{
    private static readonly StudyDesign TinyDesign = new(
        [new StudyGroup("S&S", "sham", [], 10), new StudyGroup("C, &U", "cci", [Dose.Cells(7, "iv", 1e6)], 10)], [0, 7], ["PMWT", "TWL"]);

    private static void Read(TextReader reader, string source) => SummaryCsvReader.Read(reader, source, Model, TinyDesign);

    [Fact]
    public void TheShippedSummaryHas54RowsOfTenAnimals()
    {
        var rows = SummaryCsvReader.Read(SummaryPath, Model);
        Assert.Equal(54, rows.Count);
        Assert.Equal(["S&S", "C&S", "C&U"], rows.Select(r => r.Group).Distinct());
        Assert.Equal([0.0, 1, 3, 5, 7, 9, 11, 13, 15], rows.Select(r => r.Time).Distinct());
        Assert.Equal(["PMWT", "TWL"], rows.Select(r => r.Endpoint).Distinct());
        Assert.All(rows, r => Assert.Equal(10, r.N));
        Assert.Equal(new SummaryRow("S&S", 0, "TWL", 11.252, 0.6243, 10), rows[1]);
    }

    [Fact]
    public void TheShippedSummaryFitsTheDesignOfTheShippedObservations()
    {
        var animals = ObservationCsvReader.Read(ObservationsPath, Model);
        var rows = SummaryCsvReader.Read(SummaryPath, Model, DesignDerivation.Derive(animals).Design);
        // The two files describe one study: each mean is the mean of the readings (censored ones at the cutoff).
        foreach (var row in rows)
        {
            var readings = animals.Where(a => a.Group == row.Group).SelectMany(a => a.Observations)
                .Where(o => o.Time == row.Time && o.Endpoint == row.Endpoint).Select(o => o.Value).ToList();
            Assert.Equal(row.N, readings.Count);
            Assert.Equal(row.Mean, readings.Average(), 3);
        }
    }

    [Fact]
    public void ColumnsMayComeInAnyOrder()
    {
        var rows = SummaryCsvReader.Read(new StringReader("N,SD,MEAN,DVID,TIME,GROUP,NOTE\n8,0.5,7.25,TWL,3,\"C, &U\",from Fig. 2\n"), Source, Model, TinyDesign);
        Assert.Equal([new SummaryRow("C, &U", 3, "TWL", 7.25, 0.5, 8)], rows);
    }

    [Theory]
    [InlineData("S&S,0,PMWT", "§S+S,0,PMWT", "GROUP", "group 'S+S' is not in the study design; expected one of 'S&S', 'C, &U'")]
    [InlineData("S&S,0,PMWT", "§,0,PMWT", "GROUP", "column GROUP is empty")]
    [InlineData("S&S,0,PMWT", "S&S,§-1,PMWT", "TIME", "-1 is negative; expected the day since surgery")]
    [InlineData("S&S,0,PMWT", "S&S,§day0,PMWT", "TIME", "'day0' is not a number")]
    [InlineData("S&S,0,PMWT", "S&S,0,§PMW", "DVID", "unknown endpoint 'PMW'; expected an endpoint of model 'msc-neuropathic-pain': PMWT or TWL")]
    [InlineData("PMWT,15,0,10", "PMWT,§high,0,10", "MEAN", "'high' is not a number; expected the group mean")]
    [InlineData("PMWT,15,0,10", "PMWT,§15.5,0,10", "MEAN", "15.5 is above the upper cutoff of PMWT, 15 g; expected a group mean ≤ 15")]
    [InlineData("PMWT,15,0,10", "PMWT,§-2,0,10", "MEAN", "-2 is not a possible reading of PMWT; expected > 0 g")]
    [InlineData("PMWT,15,0,10", "PMWT,15,§-0.1,10", "SD", "-0.1 is negative; expected the standard deviation across animals, a number ≥ 0")]
    [InlineData("PMWT,15,0,10", "PMWT,15,§,10", "SD", "column SD is empty")]
    [InlineData("PMWT,15,0,10", "PMWT,15,0,§0", "N", "0 is not a positive number of animals")]
    [InlineData("PMWT,15,0,10", "PMWT,15,0,§-3", "N", "-3 is not a positive number of animals")]
    [InlineData("PMWT,15,0,10", "PMWT,15,0,§9.5", "N", "'9.5' is not an integer; expected the number of animals, a positive integer")]
    public void ABadValueIsReportedAtItsLineAndColumn(string find, string replace, string column, params string[] mentions) =>
        AssertErrorAt(Read, Mutate(Summary, find, replace), column, mentions);

    [Fact]
    public void WithoutADesignAnyGroupIsAccepted() =>
        Assert.Equal("S+S", SummaryCsvReader.Read(new StringReader(Mutate(Summary, "S&S,0,PMWT", "S+S,0,PMWT")), Source, Model)[0].Group);

    [Fact]
    public void ADuplicateRowIsReportedWithBothLines() =>
        AssertErrorAtLine(Read, Summary + "S&S,0,TWL,11,1,10\n", 5,
            "a second row for group 'S&S', day 0 and endpoint TWL (the first is on line 3); expected one row per GROUP, TIME and DVID");

    [Fact]
    public void AllMissingColumnsAreNamed() =>
        AssertErrorAtLine(Read, "GROUP,TIME,DVID,MEAN\nS&S,0,PMWT,15\n", 1,
            "missing columns SD, N; a summary file (group means) has the columns GROUP,TIME,DVID,MEAN,SD,N (in any order)");

    [Fact]
    public void EmptyAndHeaderOnlyFilesHaveTheirOwnMessages()
    {
        Assert.Equal($"{Source}: the file is empty; expected a header line: GROUP,TIME,DVID,MEAN,SD,N",
            Assert.Throws<InputException>(() => Read(new StringReader(""), Source)).Message);
        Assert.Equal($"{Source}: the file has a header but no data rows; expected at least one row after the header",
            Assert.Throws<InputException>(() => Read(new StringReader("GROUP,TIME,DVID,MEAN,SD,N\n"), Source)).Message);
    }

    [Fact]
    public void AFileThatDoesNotExistIsBadInput()
    {
        var path = Path.Combine(Path.GetTempPath(), $"ctsim-no-such-{Guid.NewGuid():N}", "summary.csv");
        Assert.StartsWith($"{path}: cannot read the data file: ", Assert.Throws<InputException>(() => SummaryCsvReader.Read(path, Model)).Message);
    }
}
