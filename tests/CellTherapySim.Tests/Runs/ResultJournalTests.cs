using CellTherapySim.Runs;
using static CellTherapySim.Tests.Modeling.InputTestSupport;

namespace CellTherapySim.Tests.Runs;

/// <summary>The results journal: units appended in order, read back exactly, cut-short tails cut off (never rewritten), foreign or damaged files refused.</summary>
public sealed class ResultJournalTests : IDisposable
{
    private static readonly string Header = ResultJournal.NumericHeader(["PMWT", "TWL"]);
    private readonly string _directory = CreateTempDirectory();

    /// <summary>Deletes the temporary folder.</summary>
    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private string Path_ => Path.Combine(_directory, "journal.csv");

    /// <summary>Unit k: two rows [time, PMWT, TWL] with values that need every digit to round-trip.</summary>
    private static double[][] Unit(int k) => [[0, 15 + k / 3.0, Math.PI * k], [1, 1e-300 * k, -k / 7.0]];

    private ResultJournal Open(bool resume, string fingerprint = "abc", string? header = null) =>
        ResultJournal.Open(Path_, fingerprint, header ?? Header, 2, ResultJournal.NumericUnitId, resume);

    [Fact]
    public void UnitsAreAppendedAndReadBackExactly()
    {
        using (var journal = Open(resume: false))
            for (var k = 0; k < 3; k++) journal.Append(ResultJournal.NumericLines(k, Unit(k)));
        var lines = File.ReadAllLines(Path_);
        Assert.Equal("# ctsim results abc", lines[0]);
        Assert.Equal("unit,time,PMWT,TWL", lines[1]);
        Assert.Equal(["1", "1", "2", "2", "3", "3"], lines.Skip(2).Select(l => l.Split(',')[0]));

        using var resumed = Open(resume: true);
        Assert.Equal(3, resumed.CompletedUnits);
        var units = resumed.ReadNumericUnits(3, 2, 2);
        for (var k = 0; k < 3; k++) Assert.Equal(Unit(k), units[k]);
    }

    [Fact]
    public void ACutShortLineAndAnUnfinishedUnitAreCutOffAndTheRestIsKeptByteForByte()
    {
        using (var journal = Open(resume: false))
            for (var k = 0; k < 3; k++) journal.Append(ResultJournal.NumericLines(k, Unit(k)));
        var lines = File.ReadAllLines(Path_);
        // Keep unit 1 complete, unit 2's first row, and half of unit 2's second row without its line break.
        var kept = string.Join("\n", lines.Take(4)) + "\n";
        File.WriteAllText(Path_, kept + lines[4] + "\n" + lines[5][..5]);
        using (var resumed = Open(resume: true))
        {
            Assert.Equal(1, resumed.CompletedUnits);
            Assert.StartsWith(kept, File.ReadAllText(Path_));
            resumed.Append(ResultJournal.NumericLines(1, Unit(1)));
        }
        Assert.Equal(["1", "1", "2", "2"], File.ReadAllLines(Path_).Skip(2).Select(l => l.Split(',')[0]));
        Assert.Equal(string.Join("\n", lines.Take(6)) + "\n", File.ReadAllText(Path_));
    }

    [Fact]
    public void WithoutResumeTheJournalStartsAfresh()
    {
        using (var journal = Open(resume: false)) journal.Append(ResultJournal.NumericLines(0, Unit(0)));
        using var fresh = Open(resume: false, fingerprint: "other");
        Assert.Equal(0, fresh.CompletedUnits);
        Assert.Equal(2, File.ReadAllLines(Path_).Length);
    }

    [Fact]
    public void AJournalCutShortInsideItsHeaderStartsAfresh()
    {
        File.WriteAllText(Path_, "# ctsim res");
        using var journal = Open(resume: true);
        Assert.Equal(0, journal.CompletedUnits);
        Assert.Equal(["# ctsim results abc", "unit,time,PMWT,TWL"], File.ReadAllLines(Path_));
    }

    [Fact]
    public void ResumingAnotherRunsJournalIsRefused()
    {
        using (var journal = Open(resume: false)) journal.Append(ResultJournal.NumericLines(0, Unit(0)));
        var foreign = Assert.Throws<InputException>(() => Open(resume: true, fingerprint: "xyz"));
        Assert.Contains("different run", foreign.Message);
        var otherColumns = Assert.Throws<InputException>(() => Open(resume: true, header: ResultJournal.NumericHeader(["PMWT"])));
        Assert.Contains("other columns", otherColumns.Message);
    }

    [Fact]
    public void ADamagedJournalIsRefusedWithItsLine()
    {
        using (var journal = Open(resume: false))
            for (var k = 0; k < 2; k++) journal.Append(ResultJournal.NumericLines(k, Unit(k)));
        var lines = File.ReadAllLines(Path_);
        lines[4] = "7" + lines[4][1..];
        File.WriteAllText(Path_, string.Join("\n", lines) + "\n");
        var error = Assert.Throws<InputException>(() => Open(resume: true));
        Assert.Equal(5, error.Line);
        Assert.Contains("expected unit 2", error.Message);
    }

    [Fact]
    public void FingerprintsDifferWithTheSettings()
    {
        var a = ResultJournal.Fingerprint(["model", "seed 1"]);
        Assert.Equal(a, ResultJournal.Fingerprint(["model", "seed 1"]));
        Assert.NotEqual(a, ResultJournal.Fingerprint(["model", "seed 2"]));
        Assert.NotEqual(a, ResultJournal.Fingerprint(["models", "eed 1"]));
    }

    [Fact]
    public void QuotedFieldsSplitBack()
    {
        Assert.Equal(["1", "a,b", "say \"hi\"", ""], ResultJournal.SplitFields("1,\"a,b\",\"say \"\"hi\"\"\","));
    }
}
