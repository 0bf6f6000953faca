using CellTherapySim.Modeling;
using CellTherapySim.Simulation;

namespace CellTherapySim.Tests.Simulation;

/// <summary>Regimen text "ROUTE:CELLS@DAY[,DAY...]" joined with '+'.</summary>
public class RegimenParseTests
{
    private static IReadOnlyList<Dose> Parse(string text) => Regimen.Parse(text, DefaultModel.Definition, "--regimen");

    [Fact]
    public void OneRouteOnSeveralDays() =>
        Assert.Equal([Dose.Cells(7, "iv", 1e6), Dose.Cells(14, "iv", 1e6), Dose.Cells(21, "iv", 1e6)], Parse("iv:1e6@7,14,21"));

    [Fact]
    public void SeveralPartsAreMergedInDayOrder() =>
        Assert.Equal([Dose.Cells(7, "iv", 1e6), Dose.Cells(10.5, "it", 1e5), Dose.Cells(14, "iv", 1e6)], Parse("iv:1e6@7,14+it:1e5@10.5"));

    [Theory]
    [InlineData("iv:1e6", "is not a regimen; expected ROUTE:CELLS@DAY")]
    [InlineData("7:iv:1e6", "is not a regimen")]
    [InlineData("iv@7", "is not a regimen")]
    [InlineData("iv:1e6@7@8", "is not a regimen")]
    [InlineData("iv:1e6@7+", "is not a regimen")]
    [InlineData("xx:1e6@7", "unknown route 'xx'; expected one of iv, it")]
    [InlineData("iv:-1@7", "the cell count must be ≥ 0")]
    [InlineData("iv:lots@7", "the cell count 'lots' is not a number")]
    [InlineData("iv:1e6@-2", "the day must be ≥ 0")]
    [InlineData("iv:1e6@7,,14", "the day '' is not a number")]
    public void BadRegimensNameTheOptionAndTheProblem(string text, string problem)
    {
        var error = Assert.Throws<InputException>(() => Parse(text));
        Assert.Equal("--regimen", error.Source);
        Assert.Contains($"'{text}'", error.Message);
        Assert.Contains(problem, error.Message);
    }
}
