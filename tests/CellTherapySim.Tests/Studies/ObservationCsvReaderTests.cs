using System.Globalization;
using CellTherapySim.Modeling;
using CellTherapySim.Output;
using CellTherapySim.Simulation;
using CellTherapySim.Studies;
using static CellTherapySim.Tests.Modeling.InputTestSupport;
using static CellTherapySim.Tests.Studies.DataTestSupport;

namespace CellTherapySim.Tests.Studies;

/// <summary>Reading individual animals in the long format: the shipped study, round trips through the writer, and the format's latitude.</summary>
public sealed class ObservationCsvReaderTests
{
    private static IReadOnlyList<AnimalRecord> ReadAnimals(string text) => ObservationCsvReader.Read(new StringReader(text), Source, Model);

    [Fact]
    public void TheShippedStudyHas30AnimalsInThreeGroups()
    {
        var animals = ObservationCsvReader.Read(ObservationsPath, Model);
        Assert.Equal(30, animals.Count);
        Assert.Equal(Enumerable.Range(1, 30), animals.Select(a => a.Id));
        Assert.All(animals, a => Assert.Equal(18, a.Observations.Count));

        var derived = DesignDerivation.Derive(animals);
        var design = derived.Design;
        Assert.Equal(["S&S", "C&S", "C&U"], design.Groups.Select(g => g.Name));
        Assert.Equal(["sham", "cci", "cci"], design.Groups.Select(g => g.Injury));
        Assert.Equal([10, 10, 10], design.Groups.Select(g => g.Animals));
        Assert.Empty(design.Groups[0].Doses);
        Assert.Empty(design.Groups[1].Doses);
        Assert.Equal([Dose.Cells(7, "iv", 1_000_000)], design.Groups[2].Doses);
        Assert.Empty(derived.MixedGroups);
        Assert.Equal([0.0, 1, 3, 5, 7, 9, 11, 13, 15], design.ReadoutDays);
        Assert.Equal(["PMWT", "TWL"], design.Endpoints);
    }

    [Fact]
    public void TheShippedStudysCensoredReadingsAreCountedAsInTheRawFile()
    {
        // Independently of the reader: the file has no quoted fields, so splitting at commas gives its fields.
        var lines = File.ReadAllLines(ObservationsPath);
        var header = lines[0].Split(',').ToList();
        var rows = lines.Skip(1).Where(l => l.Length > 0).Select(l => l.Split(',')).ToList();
        string Field(string[] row, string column) => row[header.IndexOf(column)];
        var expected = rows.Where(r => Field(r, "EVID") == "0")
            .GroupBy(r => (Group: Field(r, "GROUP"), Endpoint: Field(r, "DVID")))
            .ToDictionary(g => g.Key, g => (Right: g.Count(r => Field(r, "CENS") == "-1"), Left: g.Count(r => Field(r, "CENS") == "1"), All: g.Count()));
        Assert.Equal(94, expected.Values.Sum(v => v.Right)); // guards the test itself: 52 sham + 42 CCI right-censored PMWT readings

        var counts = DesignDerivation.CountReadings(ObservationCsvReader.Read(ObservationsPath, Model));
        var actual = counts.GroupBy(c => (c.Group, c.Endpoint))
            .ToDictionary(g => g.Key, g => (Right: g.Sum(c => c.RightCensored), Left: g.Sum(c => c.LeftCensored), All: g.Sum(c => c.Readings)));
        Assert.Equal(expected.OrderBy(p => p.Key), actual.OrderBy(p => p.Key));
        Assert.Equal(6 * 9, counts.Count);
        Assert.All(counts, c => Assert.Equal(10, c.Readings));
    }

    [Fact]
    public void WhatTheWriterWritesReadsBackEqual()
    {
        AnimalRecord[] animals =
        [
            new(3, "C, &U \"high\"", "cci", [Dose.Cells(7, "iv", 1e6), Dose.Cells(14, "it", 250_000.5)],
                [new(0, "PMWT", 15, Censoring.Right), new(0, "TWL", 11.25, Censoring.Exact), new(7, "PMWT", 6.1, Censoring.Exact),
                 new(7, "TWL", 7.3, Censoring.Exact), new(14, "PMWT", 1.0 / 3, Censoring.Exact), new(15.5, "TWL", 20, Censoring.Right)]),
            new(1, "S&S", "sham", [], [new(0, "PMWT", 14.2, Censoring.Exact), new(1e-3, "TWL", 0.1 + 0.2, Censoring.Exact)]),
            new(2, "dose only", "cci", [Dose.Cells(0, "iv", 2.5)], []),
        ];
        using var writer = new StringWriter();
        ObservationCsvWriter.Write(writer, animals);

        Assert.Equal(animals, ReadAnimals(writer.ToString()));
    }

    [Fact]
    public void AZeroDoseIsNotWrittenAsADoseRow()
    {
        AnimalRecord[] animals = [new(1, "vehicle", "cci", [Dose.Cells(7, "iv", 0)], [new(7, "PMWT", 6.1, Censoring.Exact)])];
        using var writer = new StringWriter();
        ObservationCsvWriter.Write(writer, animals);
        Assert.Equal([animals[0] with { Doses = [] }], ReadAnimals(writer.ToString()));
    }

    [Fact]
    public void TheReaderAndTheWriterAgreeOnTheColumns() =>
        Assert.Equal(ObservationCsvWriter.Header, ObservationCsvReader.Header);

    [Fact]
    public void ColumnsMayComeInAnyOrderInAnyCaseAndOtherColumnsAreIgnored()
    {
        var text = """
            cens,DV,dvid,MDV,Route,AMT,EVID,TIME,INJURY,GROUP,ID
            0,9.5,PMWT,0,,,0,0,cci,A,7
            ,,,1,iv,1e6,1,0,cci,A,7
            """;
        var animal = Assert.Single(ReadAnimals(text));
        Assert.Equal(new AnimalRecord(7, "A", "cci", [Dose.Cells(0, "iv", 1e6)], [new Observation(0, "PMWT", 9.5, Censoring.Exact)]), animal);
        Assert.Equal(["MDV"], StudyDataFile.Read(new StringReader(text), Source, Model).IgnoredColumns);
    }

    [Fact]
    public void AnAnimalsRowsNeedNotBeContiguousAndKeepTheirOrder()
    {
        var animals = ReadAnimals("""
            ID,GROUP,INJURY,TIME,EVID,AMT,ROUTE,DVID,DV,CENS
            2,B,cci,0,0,,,TWL,8,0
            1,A,sham,0,0,,,PMWT,15,-1
            2,B,cci,1,0,,,TWL,9,0
            1,A,sham,3,0,,,PMWT,14,0
            """);
        Assert.Equal([2, 1], animals.Select(a => a.Id));
        Assert.Equal([0.0, 1], animals[0].Observations.Select(o => o.Time));
        Assert.Equal([0.0, 3], animals[1].Observations.Select(o => o.Time));
    }

    [Fact]
    public void DotsMeanEmptyAndDoseRowsIgnoreReadingColumns()
    {
        var animal = Assert.Single(ReadAnimals("""
            ID,GROUP,INJURY,TIME,EVID,AMT,ROUTE,DVID,DV,CENS
            1,A,cci,0,0,.,.,PMWT,9,0
            1,A,cci,7,1,1000000,iv,.,0,0
            """));
        Assert.Equal([Dose.Cells(7, "iv", 1e6)], animal.Doses);
        Assert.Equal([new Observation(0, "PMWT", 9, Censoring.Exact)], animal.Observations);
    }

    [Fact]
    public void ValuesAreTrimmedAndEmptyLinesAndEmptyRowsSkippedWithoutLosingLineNumbers()
    {
        var marked = "ID,GROUP,INJURY,TIME,EVID,AMT,ROUTE,DVID,DV,CENS\r\n\r\n 1 , A ,cci, 0 ,0,,, PMWT , 9 ,0\r\n,,,,,,,,,\r\n\r\n1,A,cci,1,0,,,§XX,9,0\r\n";
        AssertErrorAt((r, s) => ObservationCsvReader.Read(r, s, Model), marked, "DVID", "unknown endpoint 'XX'");
        var animal = Assert.Single(ReadAnimals(marked.Replace("§XX", "TWL")));
        Assert.Equal(new AnimalRecord(1, "A", "cci", [], [new(0, "PMWT", 9, Censoring.Exact), new(1, "TWL", 9, Censoring.Exact)]), animal);
    }

    [Fact]
    public void AReadingAtTheDoseTimeBeforeTheDoseRowIsKept()
    {
        var animal = ReadAnimals(Observations).Single(a => a.Id == 2);
        Assert.Equal([Dose.Cells(7, "iv", 1e6)], animal.Doses);
        Assert.Contains(new Observation(7, "TWL", 7.7, Censoring.Exact), animal.Observations);
    }

    [Fact]
    public void LeftCensoredReadingsAreAcceptedAtTheLowerCutoffOfAModelThatHasOne()
    {
        var model = CellTherapySim.Tests.Modeling.InputTestSupport.Read(Mutate("    unit: 1e6 cells\n    error:", "    unit: 1e6 cells\n    lower_cutoff: 0.5\n    error:"));
        var text = "ID,GROUP,INJURY,TIME,EVID,AMT,ROUTE,DVID,DV,CENS\n1,g,hurt,0,0,,,obs,0.5,1\n1,g,hurt,1,0,,,obs,§0.4,1\n";
        AssertErrorAt((r, s) => ObservationCsvReader.Read(r, s, model), text, "DV", "0.4 is left-censored (CENS 1) but is not the lower cutoff of obs, 0.5");
        var animal = Assert.Single(ObservationCsvReader.Read(new StringReader(text.Replace("§0.4", "0.5")), Source, model));
        Assert.All(animal.Observations, o => Assert.Equal(Censoring.Left, o.Censoring));
    }

    [Fact]
    public void TimesAndAmountsAreReadWithTheInvariantCulture()
    {
        var animal = Assert.Single(ReadAnimals("ID,GROUP,INJURY,TIME,EVID,AMT,ROUTE,DVID,DV,CENS\n1,A,cci,0.5,1,2.5E+5,it,,,\n"));
        Assert.Equal(Dose.Cells(0.5, "it", 250_000), Assert.Single(animal.Doses));
        Assert.Equal("0.5", animal.Doses[0].Time.ToString(CultureInfo.InvariantCulture));
    }

    private const string Mixed = """
        ID,GROUP,INJURY,TIME,EVID,AMT,ROUTE,DVID,DV,CENS,PRODUCT,WT
        1,EV,cci,0,0,,,PMWT,15,-1,,0.31
        1,EV,cci,7,1,100,it,,,,ev,0.31
        1,EV,cci,10,1,100,it,,,,ev,
        2,NAC+cells,cci,0,1,150,ip,,,,nac,0.22
        2,NAC+cells,cci,7,1,500000,iv,,,,,0.22
        3,cells,cci,7,1,1000000,iv,,,,cells,
        """;

    [Fact]
    public void ProductAndBodyWeightColumnsAreRead()
    {
        var animals = ReadAnimals(Mixed);
        Assert.Equal([new Dose(7, "ev", "it", 100), new Dose(10, "ev", "it", 100)], animals[0].Doses);
        Assert.Equal([new Dose(0, "nac", "ip", 150), Dose.Cells(7, "iv", 5e5)], animals[1].Doses); // an empty PRODUCT is cells
        Assert.Equal([Dose.Cells(7, "iv", 1e6)], animals[2].Doses);
        Assert.Equal([0.31, 0.22, (double?)null], animals.Select(a => a.BodyWeight));
    }

    [Fact]
    public void ProductAndBodyWeightColumnsRoundTrip()
    {
        var animals = ReadAnimals(Mixed);
        using var writer = new StringWriter();
        ObservationCsvWriter.Write(writer, animals);
        Assert.StartsWith(ObservationCsvWriter.Header + ",PRODUCT,WT", writer.ToString());
        Assert.Equal(animals, ReadAnimals(writer.ToString()));
    }

    [Theory]
    [InlineData("100,it,,,,ev,0.31", "100,it,,,,§exo,0.31", "PRODUCT", "unknown product 'exo'; expected one of cells, ev, nac")]
    [InlineData("100,it,,,,ev,0.31", "100,§ip,,,,ev,0.31", "ROUTE", "product 'ev' is not given by route 'ip'; its routes are iv, it")]
    [InlineData("100,it,,,,ev,0.31", "§-100,it,,,,ev,0.31", "AMT", "-100 is negative", "the amount of ev in ug")]
    [InlineData("100,it,,,,ev,0.31", "100,it,,,,ev,§0.29", "WT", "animal 1 weighs 0.29 kg here but 0.31 kg on line 2; expected one body weight per animal")]
    [InlineData("150,ip,,,,nac,0.22", "150,ip,,,,nac,§-0.22", "WT", "-0.22 is not a body weight; expected kg > 0")]
    [InlineData("150,ip,,,,nac,0.22", "150,ip,,,,nac,§heavy", "WT", "'heavy' is not a number; expected the animal's body weight in kg")]
    public void BadProductsAndBodyWeightsAreReportedAtTheirColumn(string find, string replace, string column, params string[] mentions) =>
        AssertErrorAt((r, s) => ObservationCsvReader.Read(r, s, Model), Mutate(Mixed, find, replace), column, mentions);
}
