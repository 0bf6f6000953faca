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

    [Fact]
    public void ProductsWithUnitsAndRepeatedDays() =>
        Assert.Equal(
            [new Dose(0, "nac", "ip", 150), new Dose(1, "nac", "ip", 150), new Dose(2, "nac", "ip", 150), Dose.Cells(2, "iv", 5e5), new Dose(7, "ev", "it", 100), new Dose(10, "ev", "it", 100)],
            Parse("ip:nac:150mg/kg@0-2/1+iv:cells:5e5@2+it:ev:0.1mg@7,10"));

    [Fact]
    public void DoseOptionsTakeEveryForm()
    {
        var model = DefaultModel.Definition;
        Assert.Equal([Dose.Cells(7, "iv", 1e6)], Dose.Parse("7:iv:1e6", model, "--dose"));
        Assert.Equal([Dose.Cells(7, "iv", 1e6)], Dose.Parse("7:iv:cells:1e6cells", model, "--dose"));
        Assert.Equal([new Dose(7, "ev", "it", 100)], Dose.Parse("7:it:ev:100ug", model, "--dose"));
        Assert.Equal([new Dose(7, "ev", "it", 100)], Dose.Parse("7:it:ev:100 µg", model, "--dose"));
        Assert.Equal([new Dose(7, "ev", "it", 2.5)], Dose.Parse("7:it:ev:2500ng", model, "--dose"));
        Assert.Equal([new Dose(0, "nac", "oral", 150)], Dose.Parse("0:oral:nac:0.15g/kg", model, "--dose"));
        // Daily on days 0 to 14 is 15 doses; a step that does not reach LAST stops before it.
        Assert.Equal(Enumerable.Range(0, 15).Select(d => (double)d), Dose.Parse("0-14/1:ip:nac:150mg/kg", model, "--dose").Select(d => d.Time));
        Assert.Equal([7.0, 10.5, 14], Dose.Parse("7-16/3.5:iv:1e6", model, "--dose").Select(d => d.Time));
        Assert.Equal([3.0], Dose.Parse("3-3/1:iv:1e6", model, "--dose").Select(d => d.Time));
    }

    [Fact]
    public void DescriptionsGiveProductsUnitsAndRuns() =>
        Assert.Equal("150 mg/kg nac ip on days 0-14 every 1 day; 500,000 cells iv at day 7; 100 ug ev it at days 7, 10",
            Regimen.Describe([.. Parse("ip:nac:150mg/kg@0-14/1+iv:5e5@7+it:ev:100ug@7,10")], DefaultModel.Definition));

    [Theory]
    [InlineData("iv:1e6", "is not a regimen; expected ROUTE:PRODUCT:AMOUNT@DAY")]
    [InlineData("7:iv:1e6", "is not a regimen")]
    [InlineData("iv@7", "is not a regimen")]
    [InlineData("iv:1e6@7@8", "is not a regimen")]
    [InlineData("iv:1e6@7+", "is not a regimen")]
    [InlineData("xx:1e6@7", "product 'cells' is not given by route 'xx'; its routes are iv, it")]
    [InlineData("iv:-1@7", "the amount '-1' is negative")]
    [InlineData("iv:lots@7", "'lots' is not an amount")]
    [InlineData("it:ev:100@7", "the amount '100' has no unit")]
    [InlineData("ip:nac:150mg/kg@14-0/1", "the last day 0 is before the first day 14")]
    [InlineData("oral:ev:1ug@7", "product 'ev' is not given by route 'oral'")]
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
