using CellTherapySim.Studies;
using static CellTherapySim.Tests.Modeling.InputTestSupport;
using static CellTherapySim.Tests.Studies.DataTestSupport;

namespace CellTherapySim.Tests.Studies;

/// <summary>
/// Bad observation files: each mistake gives one <see cref="InputException"/> naming the file, the line (header = 1),
/// the column (by name, and the character column where the field starts) and what was expected.
/// </summary>
public sealed class BadObservationTests
{
    private static void Read(TextReader reader, string source) => ObservationCsvReader.Read(reader, source, Model);

    [Theory]
    [InlineData("1,S&S,sham,7,", "1,S&S,sham,§x7,", "TIME", "'x7' is not a number; expected the day since surgery")]
    [InlineData("1,S&S,sham,7,", "1,S&S,sham,§-7,", "TIME", "-7 is negative; expected the day since surgery, a number ≥ 0")]
    [InlineData("1,S&S,sham,7,", "1,S&S,sham,§,", "TIME", "column TIME is empty")]
    [InlineData("cci,9,0,", "cci,§5,0,", "TIME", "day 5 of animal 2 comes after its day 7 (line 7); expected the rows of an animal in time order")]
    [InlineData("cci,9,0,", "cci,§7,0,", "TIME", "this reading of animal 2 at day 7 comes after its dose at day 7 (line 7)")]
    [InlineData("1,S&S,sham,7,", "§1.5,S&S,sham,7,", "ID", "'1.5' is not an integer; expected the animal's id")]
    [InlineData("1,S&S,sham,7,", "§A1,S&S,sham,7,", "ID", "'A1' is not an integer")]
    [InlineData("1,S&S,sham,7,", "§,S&S,sham,7,", "ID", "column ID is empty")]
    [InlineData("cci,9,0,", "cci,9,§0.5,", "EVID", "'0.5' is not an integer; expected 0 (a reading) or 1 (a dose)")]
    [InlineData("cci,9,0,", "cci,9,§2,", "EVID", "2 is not an event of this format; expected 0 (a reading) or 1 (a dose)")]
    [InlineData("PMWT,12,0", "PMWT,12,§2", "CENS", "2 is not a censoring code; expected -1 (right-censored at the upper cutoff), 0 (exact) or 1 (left-censored")]
    [InlineData("PMWT,12,0", "PMWT,12,§yes", "CENS", "'yes' is not an integer")]
    [InlineData("PMWT,12,0", "PMWT,12,§", "CENS", "column CENS is empty")]
    [InlineData("PMWT,15,-1", "PMWT,§14.5,-1", "DV", "14.5 is right-censored (CENS -1) but is not the upper cutoff of PMWT, 15 g")]
    [InlineData("TWL,11.2,0", "TWL,11.2,§1", "CENS", "left-censored (CENS 1) but endpoint TWL", "has no lower cutoff; expected 0 (exact)")]
    [InlineData("1000000,iv,,,", "1000000,§,,,", "ROUTE", "column ROUTE is empty; a dose row (EVID 1) needs the route: iv or it")]
    [InlineData("1000000,iv,,,", "1000000,§ip,,,", "ROUTE", "product 'cells' is not given by route 'ip'; its routes are iv, it")]
    [InlineData("7,1,1000000", "7,1,§", "AMT", "column AMT is empty; a dose row (EVID 1) needs the amount of cells in cells")]
    [InlineData("7,1,1000000", "7,1,§-1000000", "AMT", "-1000000 is negative")]
    [InlineData("7,1,1000000", "7,1,§0", "AMT", "0 is not a dose; a dose row (EVID 1) needs the amount of cells in cells, > 0", "no dose rows")]
    [InlineData("PMWT,12,0", "PMWT,§-1.2,0", "DV", "-1.2 is not a possible reading of PMWT; expected > 0 g (its residual error is log-normal)")]
    [InlineData("PMWT,12,0", "PMWT,§0,0", "DV", "0 is not a possible reading of PMWT; expected > 0 g")]
    [InlineData("TWL,11.2,0", "TWL,§-3,0", "DV", "-3 is not a possible reading of TWL; expected ≥ 0 s")]
    [InlineData("PMWT,12,0", "PMWT,§16,0", "DV", "16 is above the upper cutoff of PMWT, 15 g, and not censored (CENS 0); expected a reading ≤ 15, or DV = 15 with CENS -1")]
    [InlineData("1,S&S,sham,7,0,,,PMWT,14.1,0", "1,S&S,sham,0,0,,,§PMWT,14.1,0", "DVID", "animal 1 has a second PMWT reading at day 0 (the first on line 2); expected one reading per endpoint and day")]
    [InlineData("7,1,1000000", "7,1,§1e6 cells", "AMT", "'1e6 cells' is not a number")]
    [InlineData("0,,,TWL,11.2", "0,,,§,11.2", "DVID", "column DVID is empty; a reading row (EVID 0) needs the endpoint: PMWT or TWL")]
    [InlineData("0,,,TWL,11.2", "0,,,§TWX,11.2", "DVID", "unknown endpoint 'TWX'; expected an endpoint of model 'msc-neuropathic-pain': PMWT or TWL")]
    [InlineData("TWL,11.2,0", "TWL,§,0", "DV", "column DV is empty; a reading row (EVID 0) needs the reading, a number")]
    [InlineData("TWL,11.2,0", "TWL,§n/a,0", "DV", "'n/a' is not a number")]
    [InlineData("TWL,11.2,0", "TWL,§NaN,0", "DV", "'NaN' is not a number")]
    [InlineData("1,S&S,sham,7,", "1,S&S,§shame,7,", "INJURY", "unknown injury preset 'shame'; expected an injury preset of model 'msc-neuropathic-pain': cci or sham")]
    [InlineData("1,S&S,sham,7,", "1,S&S,§,7,", "INJURY", "column INJURY is empty")]
    [InlineData("1,S&S,sham,7,", "1,§C&S,sham,7,", "GROUP", "animal 1 is in group 'C&S' here but in group 'S&S' on line 2; expected one group per animal")]
    [InlineData("1,S&S,sham,7,", "1,S&S,§cci,7,", "INJURY", "animal 1 has injury 'cci' here but 'sham' on line 2; expected one injury preset per animal")]
    [InlineData("1,S&S,sham,7,", "3,S&S,§cci,7,", "INJURY", "animal 3 has injury 'cci' but group 'S&S' has 'sham' (animal 1, line 2); expected one injury preset per group")]
    [InlineData("1,S&S,sham,7,", "1,§,sham,7,", "GROUP", "column GROUP is empty; expected the group label")]
    public void ABadValueIsReportedAtItsLineAndColumn(string find, string replace, string column, params string[] mentions) =>
        AssertErrorAt(Read, Mutate(Observations, find, replace), column, mentions);

    [Fact]
    public void AValueInAQuotedGroupWithACommaIsLocatedAfterTheQuotes() =>
        AssertErrorAt(Read, Mutate(Observations, "2,\"C, &U\",cci,9,0,,,PMWT", "2,\"C, &U\",cci,9,0,,,§PMVT"), "DVID", "unknown endpoint 'PMVT'");

    [Fact]
    public void AFieldAfterALineBreakInQuotesIsLocatedOnItsOwnLine()
    {
        var marked = "ID,GROUP,INJURY,TIME,EVID,AMT,ROUTE,DVID,DV,CENS\n1,\"two\nlines\",cci,§x,0,,,PMWT,9,0\n";
        var error = AssertErrorAt(Read, marked, "TIME", "'x' is not a number");
        Assert.Equal(3, error.Line);
    }

    [Fact]
    public void AllMissingColumnsAreNamed() =>
        AssertErrorAtLine(Read, "ID,GROUP,TIME,EVID,AMT,ROUTE,DV\n1,A,0,0,,,9\n", 1,
            "missing columns INJURY, DVID, CENS; an observations file (individual animals) has the columns ID,GROUP,INJURY,TIME,EVID,AMT,ROUTE,DVID,DV,CENS (in any order)");

    [Fact]
    public void AnEmptyFileHasItsOwnMessage()
    {
        foreach (var text in new[] { "", "\n\n", "\r\n" })
        {
            var error = Assert.Throws<InputException>(() => Read(new StringReader(text), Source));
            Assert.Equal($"{Source}: the file is empty; expected a header line: ID,GROUP,INJURY,TIME,EVID,AMT,ROUTE,DVID,DV,CENS", error.Message);
        }
    }

    [Fact]
    public void AHeaderOnlyFileHasItsOwnMessage()
    {
        foreach (var text in new[] { "ID,GROUP,INJURY,TIME,EVID,AMT,ROUTE,DVID,DV,CENS", "ID,GROUP,INJURY,TIME,EVID,AMT,ROUTE,DVID,DV,CENS\n\n,,,,,,,,,\n" })
        {
            var error = Assert.Throws<InputException>(() => Read(new StringReader(text), Source));
            Assert.Equal($"{Source}: the file has a header but no data rows; expected at least one row after the header", error.Message);
        }
    }

    [Fact]
    public void AFileThatDoesNotExistIsBadInput()
    {
        var path = Path.Combine(Path.GetTempPath(), $"ctsim-no-such-{Guid.NewGuid():N}.csv");
        var error = Assert.Throws<InputException>(() => ObservationCsvReader.Read(path, Model));
        Assert.StartsWith($"{path}: cannot read the data file: ", error.Message);
    }

    [Fact]
    public void ARowWithTooFewOrTooManyFieldsIsRejected()
    {
        AssertErrorAtLine(Read, Mutate(Observations, "TWL,11.2,0", "TWL,11.2"), 3, "the row has 9 fields but the header (line 1) has 10");
        AssertErrorAtLine(Read, Mutate(Observations, "2,\"C, &U\",cci,9", "2,C, &U,cci,9"), 8, "the row has 11 fields", "quote a value that contains a comma");
    }

    [Fact]
    public void AColumnTwiceInTheHeaderIsRejected() =>
        AssertErrorAt(Read, "ID,GROUP,INJURY,TIME,EVID,AMT,ROUTE,DVID,DV,CENS,§time\n", "TIME", "appears twice in the header (fields 4 and 11)");

    [Theory]
    [InlineData("1,S&S,sham,7,", "1,S\"&S,sham,7,", "a quote inside an unquoted field")]
    [InlineData("2,\"C, &U\",cci,9,", "2,\"C, &U\"x,cci,9,", "text after the closing quote")]
    [InlineData("2,\"C, &U\",cci,9,", "2,\"C, &U,cci,9,", "a quoted field that is never closed")]
    public void MalformedQuotingIsReportedAtItsLine(string find, string replace, string mention) =>
        AssertErrorAtLine(Read, Mutate(Observations, find, replace), replace.StartsWith('1') ? 4 : 8, "malformed CSV: " + mention);
}
