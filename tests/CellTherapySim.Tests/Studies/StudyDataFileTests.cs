using CellTherapySim.Modeling;
using CellTherapySim.Simulation;
using CellTherapySim.Studies;
using static CellTherapySim.Tests.Studies.DataTestSupport;

namespace CellTherapySim.Tests.Studies;

/// <summary>Telling the two formats apart by the header, and deriving a study's design from its animals.</summary>
public sealed class StudyDataFileTests
{
    private static void Read(TextReader reader, string source) => StudyDataFile.Read(reader, source, Model);

    [Fact]
    public void BothShippedFilesAreReadAsTheirFormat()
    {
        var observations = StudyDataFile.Read(ObservationsPath, Model);
        Assert.Equal((StudyDataFormat.Observations, 30, 0), (observations.Format, observations.Animals.Count, observations.Summary.Count));
        Assert.Empty(observations.IgnoredColumns);
        var summary = StudyDataFile.Read(SummaryPath, Model);
        Assert.Equal((StudyDataFormat.Summary, 0, 54), (summary.Format, summary.Animals.Count, summary.Summary.Count));
        Assert.Equal(SummaryPath, summary.Source);
    }

    [Fact]
    public void IgnoredColumnsAreListedAsWritten()
    {
        var data = StudyDataFile.Read(new StringReader("Source,GROUP,TIME,DVID,MEAN,SD,N,\nFig 2,A,0,TWL,9,1,6,\n"), Source, Model);
        Assert.Equal(StudyDataFormat.Summary, data.Format);
        Assert.Equal(["Source", "(unnamed, field 8)"], data.IgnoredColumns);
    }

    [Fact]
    public void AnObservationsHeaderWithSomeColumnsMissingIsReportedAsSuch() =>
        AssertErrorAtLine(Read, "ID,GROUP,TIME,EVID,DVID,DV\n1,A,0,0,PMWT,9\n", 1, "missing columns INJURY, AMT, ROUTE, CENS; an observations file");

    [Fact]
    public void AHeaderOfNeitherFormatIsRejected() =>
        AssertErrorAtLine(Read, "a,b,c\n1,2,3\n", 1,
            "the header has none of the columns that tell the format apart; expected the header ID,GROUP,INJURY,TIME,EVID,AMT,ROUTE,DVID,DV,CENS (individual animals) or GROUP,TIME,DVID,MEAN,SD,N (group summary)");

    [Fact]
    public void AHeaderWithAnotherSeparatorIsRejected() =>
        AssertErrorAtLine(Read, "GROUP;TIME;DVID;MEAN;SD;N\nA;0;TWL;9;1;6\n", 1,
            "the header has a single column 'GROUP;TIME;DVID;MEAN;SD;N'; are the columns separated by something other than commas?; expected the header ID,GROUP");

    [Fact]
    public void AHeaderMixingBothFormatsEquallyIsRejected() =>
        AssertErrorAtLine(Read, "ID,GROUP,TIME,DVID,MEAN\n1,A,0,TWL,9\n", 1, "the header mixes columns of both formats (ID; MEAN)");

    [Fact]
    public void AnEmptyFileNamesBothHeaders() =>
        Assert.Equal($"{Source}: the file is empty; expected a header line: ID,GROUP,INJURY,TIME,EVID,AMT,ROUTE,DVID,DV,CENS (individual animals) or GROUP,TIME,DVID,MEAN,SD,N (group summary)",
            Assert.Throws<InputException>(() => Read(new StringReader(""), Source)).Message);

    [Fact]
    public void GroupsComeInOrderOfAppearanceWithDaysAndEndpointsFromAllReadings()
    {
        AnimalRecord[] animals =
        [
            Animal(5, "B", "cci", [], (3, "TWL"), (0, "TWL")),
            Animal(2, "A", "sham", [], (1, "PMWT"), (7, "X")),
            Animal(9, "B", "cci", [], (0.5, "PMWT")),
        ];
        var design = DesignDerivation.Derive(animals).Design;
        Assert.Equal(["B", "A"], design.Groups.Select(g => g.Name));
        Assert.Equal(["cci", "sham"], design.Groups.Select(g => g.Injury));
        Assert.Equal([2, 1], design.Groups.Select(g => g.Animals));
        Assert.Equal([0.0, 0.5, 1, 3, 7], design.ReadoutDays);
        Assert.Equal(["TWL", "PMWT", "X"], design.Endpoints);
    }

    [Fact]
    public void AGroupWhoseAnimalsGotDifferentDosesListsEachRegimenWithItsAnimals()
    {
        Dose[] early = [Dose.Cells(7, "iv", 1e6)], late = [Dose.Cells(14, "iv", 1e6)];
        AnimalRecord[] animals =
        [
            Animal(1, "T", "cci", late), Animal(2, "T", "cci", early), Animal(3, "T", "cci", early), Animal(4, "T", "cci", []),
            Animal(5, "U", "cci", [Dose.Cells(7, "it", 5e5), Dose.Cells(3, "it", 5e5)]), Animal(6, "U", "cci", [Dose.Cells(3, "it", 5e5), Dose.Cells(7, "it", 5e5)]),
        ];
        var derived = DesignDerivation.Derive(animals);
        Assert.Equal(["T"], derived.MixedGroups);
        var t = derived.RegimensOf("T");
        Assert.Equal([[2, 3], [1], [4]], t.Select(r => r.AnimalIds));
        Assert.Equal([early, late, []], t.Select(r => r.Doses));
        Assert.Equal(early, derived.Design.Groups[0].Doses); // the regimen of most animals
        Assert.Equal([Dose.Cells(3, "it", 5e5), Dose.Cells(7, "it", 5e5)], Assert.Single(derived.RegimensOf("U")).Doses); // by time
    }

    [Fact]
    public void ATieBetweenRegimensGoesToTheOneSeenFirst()
    {
        var derived = DesignDerivation.Derive([Animal(1, "T", "cci", []), Animal(2, "T", "cci", [Dose.Cells(7, "iv", 1e6)])]);
        Assert.Empty(derived.Design.Groups[0].Doses);
        Assert.Equal([[1], [2]], derived.RegimensOf("T").Select(r => r.AnimalIds));
    }

    [Fact]
    public void ReadingsAreCountedByGroupDayAndEndpoint()
    {
        AnimalRecord[] animals =
        [
            Animal(1, "B", "cci", [], (3, "TWL"), (0, "PMWT")) with { Observations = [new(0, "PMWT", 15, Censoring.Right), new(3, "TWL", 9, Censoring.Exact)] },
            Animal(2, "A", "cci", [], (0, "PMWT")),
            Animal(3, "B", "cci", [], (0, "PMWT")) with { Observations = [new(0, "PMWT", 1, Censoring.Left)] },
        ];
        Assert.Equal(
            [new ReadingCount("B", 0, "PMWT", 2, 1, 1), new ReadingCount("B", 3, "TWL", 1, 0, 0), new ReadingCount("A", 0, "PMWT", 1, 0, 0)],
            DesignDerivation.CountReadings(animals));
    }

    [Fact]
    public void AnimalsOfOneGroupWithDifferentInjuriesCannotMakeADesign() =>
        Assert.Contains("group 'G' have different injuries (cci, sham)",
            Assert.Throws<ArgumentException>(() => DesignDerivation.Derive([Animal(1, "G", "cci", []), Animal(2, "G", "sham", [])])).Message);

    private static AnimalRecord Animal(int id, string group, string injury, Dose[] doses, params (double Time, string Endpoint)[] readings) =>
        new(id, group, injury, doses, readings.Select(r => new Observation(r.Time, r.Endpoint, 1, Censoring.Exact)).ToList());
}
