using CellTherapySim.Output;
using static CellTherapySim.Tests.Modeling.InputTestSupport;

namespace CellTherapySim.Tests.Output;

/// <summary>The results journal: units written in order as they finish, read back exactly, cut-short tails dropped, foreign or damaged files refused.</summary>
public sealed class ResultJournalTests : IDisposable
{
    private static readonly string[] Columns = ["PMWT", "TWL"];
    private readonly string _directory = CreateTempDirectory();

    /// <summary>Deletes the temporary folder.</summary>
    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private string Path_ => Path.Combine(_directory, "journal.csv");

    /// <summary>Unit k: two rows [time, PMWT, TWL] with values that need every digit to round-trip.</summary>
    private static double[][] Unit(int k) => [[0, 15 + k / 3.0, Math.PI * k], [1, 1e-300 * k, -k / 7.0]];

    [Fact]
    public void UnitsFinishedOutOfOrderAreWrittenInOrderAndReadBackExactly()
    {
        using (var journal = ResultJournal.Open(Path_, "abc", Columns, 2, resume: false))
        {
            journal.Add(2, Unit(2));
            Assert.Equal(2, File.ReadAllLines(Path_).Length); // unit 3 waits for units 1 and 2
            journal.Add(0, Unit(0));
            journal.Add(1, Unit(1));
        }
        var lines = File.ReadAllLines(Path_);
        Assert.Equal("# ctsim results abc", lines[0]);
        Assert.Equal("unit,time,PMWT,TWL", lines[1]);
        Assert.Equal(["1", "1", "2", "2", "3", "3"], lines.Skip(2).Select(l => l.Split(',')[0]));

        using var resumed = ResultJournal.Open(Path_, "abc", Columns, 2, resume: true);
        Assert.Equal(3, resumed.Completed.Count);
        for (var k = 0; k < 3; k++) Assert.Equal(Unit(k), resumed.Completed[k]);
    }

    [Fact]
    public void ACutShortLineAndAnUnfinishedUnitAreDropped()
    {
        using (var journal = ResultJournal.Open(Path_, "abc", Columns, 2, resume: false))
            for (var k = 0; k < 3; k++) journal.Add(k, Unit(k));
        var lines = File.ReadAllLines(Path_);
        // Keep unit 1 complete, unit 2's first row, and half of unit 2's second row without its line break.
        File.WriteAllText(Path_, string.Join("\n", lines.Take(5)) + "\n" + lines[5][..5]);
        using (var resumed = ResultJournal.Open(Path_, "abc", Columns, 2, resume: true))
        {
            Assert.Single(resumed.Completed);
            Assert.Equal(Unit(0), resumed.Completed[0]);
            resumed.Add(1, Unit(1));
        }
        // The file was rewritten from the kept units: no trace of the cut-short line.
        Assert.Equal(["1", "1", "2", "2"], File.ReadAllLines(Path_).Skip(2).Select(l => l.Split(',')[0]));
    }

    [Fact]
    public void WithoutResumeTheJournalStartsAfresh()
    {
        using (var journal = ResultJournal.Open(Path_, "abc", Columns, 2, resume: false)) journal.Add(0, Unit(0));
        using var fresh = ResultJournal.Open(Path_, "other", Columns, 2, resume: false);
        Assert.Empty(fresh.Completed);
    }

    [Fact]
    public void AJournalOfAnotherRunIsRefused()
    {
        using (var journal = ResultJournal.Open(Path_, "abc", Columns, 2, resume: false)) journal.Add(0, Unit(0));
        var foreign = Assert.Throws<InputException>(() => ResultJournal.Open(Path_, "xyz", Columns, 2, resume: true));
        Assert.StartsWith($"{Path_}:1:1: this results journal belongs to a different run", foreign.Message);
        var otherColumns = Assert.Throws<InputException>(() => ResultJournal.Open(Path_, "abc", ["PMWT"], 2, resume: true));
        Assert.Contains("belongs to a different run", otherColumns.Message);
    }

    [Fact]
    public void ADamagedLineIsRefusedWithItsLineNumber()
    {
        using (var journal = ResultJournal.Open(Path_, "abc", Columns, 2, resume: false))
            for (var k = 0; k < 2; k++) journal.Add(k, Unit(k));
        var lines = File.ReadAllLines(Path_);
        lines[3] = "1,1,x,2";
        File.WriteAllLines(Path_, lines);
        var error = Assert.Throws<InputException>(() => ResultJournal.Open(Path_, "abc", Columns, 2, resume: true));
        Assert.StartsWith($"{Path_}:4:1: damaged results journal: expected unit 1 and 3 numbers", error.Message);
    }

    [Fact]
    public void TheFingerprintDependsOnEveryPartAndItsBoundaries()
    {
        var a = ResultJournal.Fingerprint(["model", "seed 1"]);
        Assert.Equal(a, ResultJournal.Fingerprint(["model", "seed 1"]));
        Assert.NotEqual(a, ResultJournal.Fingerprint(["model", "seed 2"]));
        Assert.NotEqual(a, ResultJournal.Fingerprint(["models", "eed 1"]));
        Assert.Equal(32, a.Length);
    }
}
