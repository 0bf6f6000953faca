using CellTherapySim.Modeling;
using CellTherapySim.Modeling.Units;
using static CellTherapySim.Tests.Modeling.InputTestSupport;

namespace CellTherapySim.Tests.Modeling;

/// <summary>The unit algebra (parsing, normalisation, equality) and the dimensional analysis of model files.</summary>
public class UnitTests
{
    private const double Day = 86400;

    private static readonly Dimension Time = new(1, 0, 0, 0, 0);
    private static readonly Dimension Mass = new(0, 1, 0, 0, 0);
    private static readonly Dimension Length = new(0, 0, 1, 0, 0);
    private static readonly Dimension Amount = new(0, 0, 0, 1, 0);
    private static readonly Dimension Cells = new(0, 0, 0, 0, 1);

    public static TheoryData<string, double, Dimension> Forms => new()
    {
        { "1", 1, Dimension.None },
        { "%", 0.01, Dimension.None },
        { "day", Day, Time },
        { "h", 3600, Time },
        { "min", 60, Time },
        { "s", 1, Time },
        { "1/day", 1 / Day, Time.Times(-1) },
        { "day^-1", 1 / Day, Time.Times(-1) },
        { "g", 1e-3, Mass },
        { "mg", 1e-6, Mass },
        { "ug", 1e-9, Mass },
        { "µg", 1e-9, Mass },
        { "kg", 1, Mass },
        { "cells", 1, Cells },
        { "1e6 cells", 1e6, Cells },
        { "1/(1e6 cells)", 1e-6, Cells.Times(-1) },
        { "(1e6 cells*day)/ug", 1e6 * Day / 1e-9, Cells.Plus(Time).Plus(Mass.Times(-1)) },
        { "L", 1e-3, Length.Times(3) },
        { "mL", 1e-6, Length.Times(3) },
        { "uL", 1e-9, Length.Times(3) },
        { "mol", 1, Amount },
        { "nmol", 1e-9, Amount },
        { "uM", 1e-3, Amount.Plus(Length.Times(-3)) },
        { "mg/kg", 1e-6, Dimension.None },
        { "mg/kg/day", 1e-6 / Day, Time.Times(-1) },
        { "mg/L", 1e-3, Mass.Plus(Length.Times(-3)) },
        { "L/kg", 1e-3, Length.Times(3).Plus(Mass.Times(-1)) },
        { "um^2/day", 1e-12 / Day, Length.Times(2).Plus(Time.Times(-1)) },
        { "µm²/day", 1e-12 / Day, Length.Times(2).Plus(Time.Times(-1)) },
        { "cm^2/s", 1e-4, Length.Times(2).Plus(Time.Times(-1)) },
        { "mg·day", 1e-6 * Day, Mass.Plus(Time) },
        { "day^(0.5)", Math.Sqrt(Day), Time.Times(0.5) },
    };

    [Theory]
    [MemberData(nameof(Forms))]
    public void EveryDocumentedFormParsesToItsScaleAndDimension(string text, double scale, Dimension dimension)
    {
        var unit = UnitParser.Parse(text);
        Assert.True(unit.Dimension.Matches(dimension), $"'{text}': dimension {unit.Dimension}, expected {dimension}");
        Assert.Equal(scale, unit.Scale, scale * 1e-12);
    }

    [Theory]
    [InlineData("1/day", "day^-1")]
    [InlineData("1/day", "1/(24 h)")]
    [InlineData("ug", "µg")]
    [InlineData("ug", "mcg")]
    [InlineData("ug", "1e-3 mg")]
    [InlineData("mL", "cm^3")]
    [InlineData("mL", "1e-3 L")]
    [InlineData("mg/kg/day", "mg/(kg*day)")]
    [InlineData("1e6 cells/day", "1e6 cells * 1/day")]
    [InlineData("mg/kg", "1e-6")]
    public void EquivalentWritingsAreTheSameUnit(string a, string b) =>
        Assert.True(UnitParser.Parse(a).Matches(UnitParser.Parse(b)), $"'{a}' and '{b}' differ");

    [Theory]
    [InlineData("1/day", "1/h")]
    [InlineData("1e6 cells", "cells")]
    [InlineData("mg", "mg/kg")]
    [InlineData("g", "s")]
    public void DifferentUnitsDiffer(string a, string b) =>
        Assert.False(UnitParser.Parse(a).Matches(UnitParser.Parse(b)));

    [Theory]
    [InlineData("fold vs naive", 0, "'fold' is not a unit")]
    [InlineData("log g", 0, "'log' is not a unit")]
    [InlineData("mg/kgs", 3, "'kgs' is not a unit")]
    [InlineData("mg/", 3, "ends where a unit or number was expected")]
    [InlineData("1/(day", 2, "'(' is never closed")]
    [InlineData("um^x", 3, "'^' needs a number")]
    [InlineData("", 0, "the unit is empty")]
    [InlineData("-1 g", 0, "unexpected '-'")]
    [InlineData("0 cells", 0, "is not a positive finite number")]
    public void AMalformedUnitIsLocatedAtItsCharacter(string text, int offset, string mention)
    {
        var error = Assert.Throws<UnitSyntaxException>(() => UnitParser.Parse(text));
        Assert.Equal(offset, error.Offset);
        Assert.Contains(mention, error.Message);
    }

    [Theory]
    [InlineData("1e6 cells/day", "1e6 cells/day")]
    [InlineData("1/day", "1/day")]
    [InlineData("um^2/day", "1e-12 m^2/day")]
    [InlineData("1", "1")]
    public void InferredUnitsAreWrittenInTheModelsTimeUnit(string text, string written) =>
        Assert.Equal(written, UnitParser.Parse(text).Format(new NamedUnit("day", UnitParser.Parse("day"))));

    [Fact]
    public void TheShippedModelsEquationsAllCheck()
    {
        var model = ModelFileReader.Read(DefaultModel.Text, "msc-neuropathic-pain.yaml");
        Assert.Empty(model.UnitCheck.Unchecked);
        Assert.Equal(["1/day", "1", "mg/L", "1"], model.UnitCheck.IntermediateUnits);
        Assert.True(model.UnitCheck.Checked > 200, $"{model.UnitCheck.Checked} terms checked");
    }

    private static string Planted(string find, string replace) => Mutate(DefaultModel.Text, find, replace);

    [Fact]
    public void ASumOfUnlikeTermsIsFoundAtTheTerm() =>
        AssertErrorAt(Planted("-(k_QT + k_QB)*Q", "-(k_QT + k_QB*Q)"), "k_QB*Q)",
            "'k_QB*Q' is in 1e6 cells/day but 'k_QT' is in 1/day", "a sum (+) needs like units: expected 1/day");

    [Fact]
    public void LikeDimensionsAtDifferentScalesAreNotAdded() =>
        AssertErrorAt(Planted("unit: (1e6 cells*day)/ug", "unit: (cells*day)/ug"), "phi_V*(k_VT",
            "is in cells but 'T' is in 1e6 cells", "same dimension at a different scale");

    [Fact]
    public void ARateEquationWithoutPerTimeIsFoundAtItsStart() =>
        AssertErrorAt(Planted("dNG/dt: -ka_po*NG", "dNG/dt: -NG"), "-NG",
            "dNG/dt = '-NG' is in mg; expected mg/day (the unit of NG, mg, per day)");

    [Fact]
    public void MinAndMaxCompareLikeQuantities() =>
        AssertErrorAt(Planted("k_A: k_Ad + k_AR", "k_A: max(k_Ad, BW)"), "BW)", "'BW' is in kg but 'k_Ad' is in 1/day", "max(a, b) needs like units");

    [Fact]
    public void LogTakesAPureNumber() =>
        AssertErrorAt(Planted("E_N: Cp/(EC50_N + Cp)", "E_N: log(Cp)"), "Cp)", "the argument of log must be a pure number, but 'Cp' is in mg/L");

    [Fact]
    public void HillTakesXAndX50InOneUnit() =>
        AssertErrorAt(Planted("hill(Z, Z50, hP)", "hill(Z, P0, hP)"), "P0, hP", "'P0' is in g but 'Z' is in 1", "hill(x, x50, n): x and x50 needs like units");

    [Fact]
    public void HillsCoefficientIsAPureNumber() =>
        AssertErrorAt(Planted("hill(S, 1, h_S)", "hill(S, 1, k_Sd)"), "k_Sd)", "the Hill coefficient n of hill(x, x50, n) must be a pure number, but 'k_Sd' is in 1/day");

    [Fact]
    public void AQuantityWithAUnitIsRaisedOnlyToAConstantPower() =>
        AssertErrorAt(Planted("P0*(1 - ImaxP", "P0^hP*(1 - ImaxP"), "hP*(1", "'P0' is in g, so its exponent must be a constant number, not 'hP'");

    [Fact]
    public void AReadoutHasItsDeclaredUnit() =>
        AssertErrorAt(Planted("unit: s, description: \"thermal", "unit: g, description: \"thermal"), "W0*(1 - ImaxW",
            "readout 'TWL' = 'W0*(1 - ImaxW*hill(C, C50, hW))' is in s; expected its declared unit g");

    [Fact]
    public void ARouteDeliversTheTargetsDimension() =>
        AssertErrorAt(Planted("iv: {target: B, scale: 1e-6", "iv: {target: VB, scale: 1e-6"), "1e-6, description: \"intravenous bolus (tail vein)\"}\n      it: {target: Q",
            "the scale of route 'iv' (the routes of product 'cells') is in 1, so a dose in cells enters VB as cells; expected ug");

    [Fact]
    public void ARouteConvertsBetweenScalesWithItsNumbers() =>
        AssertErrorAt(Planted("it: {target: Q, scale: 1e-6", "it: {target: Q, scale: 1e-3"), "1e-3",
            "has the numeric factor 1e-3, but turning cells into 1e6 cells (the unit of Q) needs the factor 1e-6");

    [Fact]
    public void AnEndpointIsInItsReadoutsUnit() =>
        AssertErrorAt(Planted("readout: PMWT\n    unit: g", "readout: PMWT\n    unit: s"), "s\n    upper_cutoff: 15",
            "endpoint 'PMWT' is in s but its readout 'PMWT' is in g");

    [Fact]
    public void AMultiplicativeErrorsSdIsAPureNumber()
    {
        AssertErrorAt(Planted("unit: \"1\"         # the sd of log(PMWT): a pure number", "unit: g"), "g\n      prior: {distribution: halfnormal, sd: 1}",
            "is in g; expected 1 (a multiplicative error's sd is on the log scale, a pure number)");
        AssertErrorAt(Planted("unit: \"1\"         # the sd of log(PMWT): a pure number", "unit: log g"), "log g", "'log' is not a unit");
    }

    [Fact]
    public void AnAdditiveErrorsSdIsInTheEndpointsUnit() =>
        AssertErrorAt(Planted("sd: 0.6\n      unit: s", "sd: 0.6\n      unit: g"), "g\n      prior: {distribution: halfnormal, sd: 2.5}",
            "is in g; expected s (an additive error's sd is in the endpoint's unit)");

    [Fact]
    public void AMalformedParameterUnitIsLocatedAtTheCharacter() =>
        AssertErrorAt(Planted("unit: L/kg", "unit: L/kgg"), "kgg", "the unit of parameter 'V_N': 'kgg' is not a unit");

    [Fact]
    public void TheTimeUnitIsDay() =>
        AssertErrorAt(Planted("time_unit: day", "time_unit: h"), "h\n", "'time_unit' is 'h'; expected day");

    [Fact]
    public void AnExpressionTaggedUncheckedIsExemptAndListed()
    {
        var model = ModelFileReader.Read(Planted("dNG/dt: -ka_po*NG", "dNG/dt: !units-unchecked -NG"), FileName);
        Assert.Equal(["equation 'dNG/dt'"], model.UnitCheck.Unchecked);
        Assert.Equal(new CellTherapySim.Modeling.Expressions.Negate(new CellTherapySim.Modeling.Expressions.Symbol("NG", CellTherapySim.Modeling.Expressions.SymbolKind.State, model.StateIndex("NG"))),
            model.Equations[model.StateIndex("NG")]);
    }

    [Fact]
    public void AnyOtherTagOnAnExpressionIsRefused() =>
        AssertErrorAt(Planted("dNG/dt: -ka_po*NG", "dNG/dt: !nounits -ka_po*NG"), "!nounits", "has the tag '!nounits'", "!units-unchecked");

    [Fact]
    public void CheckRefusesAUnitMismatchWithExitCode2AndOneLocatedLine()
    {
        var folder = CreateTempDirectory();
        try
        {
            var path = Path.Combine(folder, "bad-units.yaml");
            var text = Planted("-(k_QT + k_QB)*Q", "-(k_QT + k_QB*Q)");
            File.WriteAllText(path, text);
            var (exit, output, error) = RunCli("check", path);
            var (line, column) = PositionOf(text, "k_QB*Q)");
            Assert.Equal((2, ""), (exit, output));
            Assert.Equal($"ctsim: error: {path}:{line}:{column}: 'k_QB*Q' is in 1e6 cells/day but 'k_QT' is in 1/day; a sum (+) needs like units: expected 1/day", error.Trim());
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void CheckReportsTheUnitCheckAndTheIntermediatesUnits()
    {
        var (exit, output, _) = RunCli("check");
        Assert.Equal(0, exit);
        Assert.Contains("Units: consistent — ", output);
        Assert.Contains("checked against the declared units (time in day).", output);
        Assert.Matches(@"Cp\s+mg/L\s+NP/\(V_N\*BW\)", output);
    }
}
