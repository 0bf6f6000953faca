using CellTherapySim.Compilation;
using CellTherapySim.Modeling;
using CellTherapySim.Modeling.Expressions;
using static CellTherapySim.Tests.Modeling.InputTestSupport;

namespace CellTherapySim.Tests.Modeling;

/// <summary>Model files: a small valid model, and each kind of mistake reported at its file:line:column with its symbol.</summary>
public sealed class ModelFileReaderTests
{
    [Fact]
    public void MinimalModelLoads()
    {
        var model = Read(MinimalModel);
        Assert.Equal("tiny", model.Name);
        Assert.Equal(FileName, model.Source);
        Assert.Equal(["k", "X0"], model.Parameters.Select(p => p.Name));
        Assert.Equal(["1/day", "1"], model.Parameters.Select(p => p.Unit));
        Assert.Equal("a scale", model.Parameters[1].Description);
        Assert.Equal(PriorFamily.LogNormal, model.Parameters[1].Prior.Family);
        Assert.Equal(2.0, model.Parameters[1].Prior.Arguments["median"]);
        Assert.Equal(["X", "Y"], model.States.Select(s => s.Name));
        Assert.Equal(["flux"], model.Intermediates.Select(i => i.Name));
        Assert.Equal(2, model.Equations.Count);
        Assert.Equal("total", Assert.Single(model.Readouts).Name);
        var product = Assert.Single(model.Products);
        Assert.Equal(("cells", "cells"), (product.Name, product.Unit.Symbol));
        var route = Assert.Single(product.Routes);
        Assert.Equal(("iv", 0, "1e-6"), (route.Name, route.TargetState, route.ScaleText));
        Assert.Equal([(0, 2.0)], Assert.Single(model.Injuries).InitialValues);
        var endpoint = Assert.Single(model.Endpoints);
        Assert.Equal((0, ErrorModel.Additive, 0.1), (endpoint.Readout, endpoint.ErrorModel, endpoint.ErrorSd));
        Assert.Equal("hurt", model.Scenario.Injury);
        Assert.Equal(["1:iv:1e6"], model.Scenario.Doses);
        Assert.Equal("0:3:1", model.Scenario.Times);
    }

    [Fact]
    public void UnclosedFlowMappingIsAYamlErrorNotACrash()
    {
        var text = Mutate("X: {initial: 1, unit: 1e6 cells}", "X: {initial: 1, unit: 1e6 cells");
        var error = ReadError(text);
        Assert.Contains("invalid YAML", error.Message);
        Assert.True(error.Line >= PositionOf(text, "X: {").Line, error.Message);
        Assert.True(error.Column > 0, error.Message);
    }

    [Fact]
    public void BadIndentationIsAYamlErrorAtItsLine()
    {
        var text = Mutate("  flux: k*X\n", "  flux: k*X\n    bad: 1\n");
        var error = ReadError(text);
        Assert.Contains("invalid YAML", error.Message);
        Assert.Equal(PositionOf(text, "bad: 1").Line, error.Line);
        Assert.True(error.Column > 0, error.Message);
    }

    [Fact]
    public void UnclosedQuoteIsAYamlError()
    {
        var text = Mutate("expression: \"X + Y\"", "expression: \"X + Y");
        var error = ReadError(text);
        Assert.Contains("invalid YAML", error.Message);
        Assert.True(error.Line > 0 && error.Column > 0, error.Message);
    }

    [Fact]
    public void ATabInTheIndentationIsReportedAtTheTab() =>
        AssertErrorAt(Mutate("  flux: k*X", "\tflux: k*X"), "\tflux", "invalid YAML", "tab");

    [Fact]
    public void DuplicateKeyInASectionIsReportedAtTheSecondKey() =>
        AssertErrorAtOccurrence(Mutate("  X0:\n", "  k: {value: 1, unit: \"1\"}\n  X0:\n"), "k: {", 2, "invalid YAML", "Duplicate key k");

    [Fact]
    public void DuplicateKeyInAnEntryIsReportedAtTheSecondKey() =>
        AssertErrorAtOccurrence(Mutate("X: {initial: 1,", "X: {initial: 1, initial: 2,"), "initial: 2", 1, "Duplicate key initial");

    [Fact]
    public void DuplicateTopLevelKeyIsReported() =>
        AssertErrorAtOccurrence(MinimalModel + "\nname: again\n", "name:", 2, "Duplicate key name");

    [Fact]
    public void AStateWithAParameterNameIsReportedAtTheState() =>
        AssertErrorAt(Mutate("  Y: {initial: 0", "  k: {initial: 0"), "k: {initial", "'k' is defined twice");

    [Fact]
    public void AnIntermediateWithAStateNameIsReportedAtTheIntermediate() =>
        AssertErrorAt(Mutate("  flux: k*X", "  X: k*X"), "X: k*X", "'X' is defined twice");

    [Fact]
    public void TheTimeVariableIsReserved() =>
        AssertErrorAt(Mutate("  X0:\n", "  t:\n"), "t:\n    value", "'t' is reserved");

    [Fact]
    public void FunctionNamesAreReserved() =>
        AssertErrorAt(Mutate("  Y: {initial: 0", "  exp: {initial: 0"), "exp: {", "'exp' is reserved");

    [Fact]
    public void AnInvalidNameIsReported() =>
        AssertErrorAt(Mutate("  X0:\n", "  2X:\n"), "2X:", "'2X' is not a valid name");

    [Fact]
    public void AStateWithoutEquationIsReportedAtTheState() =>
        AssertErrorAt(Mutate("  dY/dt: flux\n", ""), "Y: {initial", "state 'Y' has no equation", "dY/dt");

    [Fact]
    public void AnEquationForAnUnknownStateIsReportedAtItsKey() =>
        AssertErrorAt(Mutate("  dY/dt: flux", "  dY/dt: flux\n  dZ/dt: 1"), "dZ/dt", "'Z', which is not a state", "expected one of X, Y");

    [Fact]
    public void AnEquationForAParameterIsReportedAtItsKey() =>
        AssertErrorAt(Mutate("  dY/dt: flux", "  dY/dt: flux\n  dk/dt: 1"), "dk/dt", "'k', which is not a state");

    [Fact]
    public void TwoEquationsForOneStateAreReported() =>
        AssertErrorAt(Mutate("  dY/dt: flux", "  dY/dt: flux\n  d Y/dt: 1"), "d Y/dt", "state 'Y' has two equations");

    [Theory]
    [InlineData("dY/dx")]
    [InlineData("Y")]
    [InlineData("dY_dt")]
    public void ABadEquationKeyIsReported(string key) =>
        AssertErrorAt(Mutate("  dY/dt: flux", $"  {key}: flux"), $"{key}: flux", $"'{key}' is not an equation name");

    [Fact]
    public void ANonNumericParameterValueIsReportedAtTheValue() =>
        AssertErrorAt(Mutate("value: 2", "value: two"), "two", "parameter 'X0'", "'two'");

    [Fact]
    public void AParameterValueOutsideItsPriorIsReportedAtTheValue() =>
        AssertErrorAt(Mutate("k: {value: 0.5,", "k: {value: -0.2,"), "-0.2", "parameter 'k' has value -0.2, outside its prior lognormal(median=0.5, sdlog=0.5); expected k > 0");

    [Fact]
    public void AFractionAtOneIsOutsideABetaPrior() =>
        AssertErrorAt(Mutate("k: {value: 0.5, unit: 1/day, prior: {distribution: lognormal, median: 0.5, sdlog: 0.5}}", "k: {value: 1, unit: \"1\", prior: {distribution: beta, a: 9, b: 1}}"),
            "1, unit", "parameter 'k' has value 1, outside its prior beta(a=9, b=1); expected 0 < k < 1");

    [Fact]
    public void ANegativeInitialStateIsReportedAtTheValue() =>
        AssertErrorAt(Mutate("X: {initial: 1,", "X: {initial: -1,"), "-1,", "the initial value of state 'X' is negative; expected a number ≥ 0");

    [Fact]
    public void ANegativeInitialStateOfAnInjuryIsReportedAtTheValue() =>
        AssertErrorAt(Mutate("initial: {X: 2}", "initial: {X: -2}"), "-2}", "the initial value of 'X' in", "is negative");

    [Fact]
    public void AnInfiniteParameterValueIsReported() =>
        AssertErrorAt(Mutate("value: 2", "value: 1e999"), "1e999", "parameter 'X0'", "must be a number");

    [Fact]
    public void ANonNumericInitialValueIsReported() =>
        AssertErrorAt(Mutate("X: {initial: 1,", "X: {initial: one,"), "one,", "state 'X'", "'one'");

    [Fact]
    public void AMissingUnitIsReportedAtTheParameter() =>
        AssertErrorAt(Mutate("k: {value: 0.5, unit: 1/day, ", "k: {value: 0.5, "), "{value: 0.5", "parameter 'k' has no 'unit'");

    [Fact]
    public void AMissingUnitInABlockEntryIsReportedInThatEntry() =>
        AssertErrorAt(Mutate("    unit: \"1\"\n    description: a scale", "    description: a scale"), "value: 2", "parameter 'X0' has no 'unit'");

    [Fact]
    public void AnEmptyUnitIsReported() =>
        AssertErrorAt(Mutate("    unit: \"1\"\n    description", "    unit: \"\"\n    description"), "X0:", "parameter 'X0' has an empty unit");

    [Fact]
    public void AStateWithoutUnitIsReported() =>
        AssertErrorAt(Mutate("Y: {initial: 0, unit: 1e6 cells}", "Y: {initial: 0}"), "{initial: 0}", "state 'Y' has no 'unit'");

    [Fact]
    public void AMisspelledKeyIsReportedWithTheExpectedKeys() =>
        AssertErrorAt(Mutate("unit: 1/day", "unti: 1/day"), "unti", "unknown key 'unti' in parameter 'k'", "value, unit, description, prior, fitted, source");

    [Fact]
    public void AMisspelledTopLevelKeyIsReported() =>
        AssertErrorAt(Mutate("intermediates:", "intermediate:"), "intermediate:", "unknown key 'intermediate'");

    [Fact]
    public void ANonPositiveSdlogIsReportedAtTheArgument() =>
        AssertErrorAt(Mutate("sdlog: 0.5}}", "sdlog: -1}}"), "-1}}", "the prior of parameter 'k'", "sdlog must be > 0");

    [Fact]
    public void AZeroSdlogIsReported() =>
        AssertErrorAt(Mutate("sdlog: 0.5}}", "sdlog: 0}}"), "0}}", "sdlog must be > 0");

    [Fact]
    public void AnUnknownDistributionIsReportedAtItsName() =>
        AssertErrorAt(Mutate("distribution: lognormal", "distribution: lognormel"), "lognormel", "unknown distribution 'lognormel'", "parameter 'k'", "lognormal, normal, halfnormal, beta, uniform");

    [Fact]
    public void AMissingPriorArgumentIsReportedAtThePrior() =>
        AssertErrorAt(Mutate("median: 0.5, sdlog", "sdlog"), "{distribution", "has no 'median'", "parameter 'k'");

    [Fact]
    public void AnArgumentOfAnotherFamilyIsReported() =>
        AssertErrorAt(Mutate("sdlog: 0.5}}", "sdlog: 0.5, sd: 1}}"), "sd: 1", "unknown key 'sd'", "median, sdlog");

    [Fact]
    public void AnInvalidBetaArgumentIsReportedAtIt() =>
        AssertErrorAt(Mutate("{distribution: lognormal, median: 0.5, sdlog: 0.5}", "{distribution: beta, a: 2, b: 0}"), "0}}", "beta b must be > 0");

    [Fact]
    public void ANonPositiveValueWithoutPriorIsReported() =>
        AssertErrorAt(Mutate("value: 2", "value: 0"), "X0:", "parameter 'X0' has value 0 and no prior");

    [Fact]
    public void ARouteToAnUnknownStateIsReportedAtTheTarget() =>
        AssertErrorAt(Mutate("target: X", "target: Q"), "Q, scale", "route 'iv' targets 'Q'", "not a state");

    private const string Products = """
        products:
          drug:
            unit: mg/kg
            routes:
              ip: {target: X, scale: 1e3*BW*F}
          ev:
            unit: ug
            routes:
              it: {target: Y, scale: 1}
        """;

    private static string WithProducts(string products) =>
        Mutate(Mutate("routes:\n  iv: {target: X, scale: 1e-6}\n", products + "\n"), "doses: [\"1:iv:1e6\"]", "doses: [\"0-2/1:ip:drug:10mg/kg\", \"1:it:ev:0.5mg\"]")
            .Replace("  k: {value", "  BW: {value: 0.3, unit: kg}\n  F: {value: 0.5, unit: \"1\", prior: {distribution: beta, a: 5, b: 5}}\n  k: {value")
            .Replace("unit: 1e6 cells", "unit: ug");

    [Fact]
    public void ProductsHaveUnitsRoutesAndParameterScales()
    {
        var model = Read(WithProducts(Products));
        Assert.Equal(["drug", "ev"], model.Products.Select(p => p.Name));
        Assert.True(model.Product("drug")!.Unit.PerBodyWeight);
        var scales = CellTherapySim.Compilation.CompiledModel.Compile(model).DoseScaleValues(model.Parameters.Select(p => p.Value).ToArray());
        Assert.Equal([1e3 * 0.3 * 0.5, 1], scales);
        Assert.Equal([model.ParameterIndex("BW"), model.ParameterIndex("F")], CellTherapySim.Compilation.CompiledModel.Compile(model).DoseScaleParameters.Order());
    }

    [Theory]
    [InlineData("unit: mg/kg", "unit: mg/kgs", "mg/kgs", "'mg/kgs' is not a dose unit; expected one of cells, ng, ug")]
    [InlineData("scale: 1e3*BW*F", "scale: 1e3*F", "1e3*F}", "drug' is dosed per kilogram, so the scale of route 'ip' must use the body weight 'BW'")]
    [InlineData("scale: 1e3*BW*F", "scale: BW*X", "BW*X", "the scale of route 'ip' uses 'X', which is not a parameter")]
    [InlineData("scale: 1e3*BW*F", "scale: -1e3*BW*F", "-1e3*BW*F", "the scale of route 'ip' must be > 0", "-150 at the parameters' values")]
    [InlineData("{target: X, scale: 1e3*BW*F}", "{target: Q, scale: 1e3*BW*F}", "Q,", "route 'ip' targets 'Q', which is not a state")]
    [InlineData("  ev:\n", "  ev!:\n", "ev!", "'ev!' is not a valid product name")]
    [InlineData("it: {target: Y, scale: 1}", "it: {target: Y, scale: 1, dose: 2}", "dose", "unknown key 'dose' in route 'it'")]
    [InlineData("\"1:it:ev:0.5mg\"", "\"1:it:ev:0.5\"", "\"1:it:ev:0.5\"", "the amount '0.5' has no unit")]
    [InlineData("\"1:it:ev:0.5mg\"", "\"1:iv:ev:0.5mg\"", "\"1:iv:ev:0.5mg\"", "product 'ev' is not given by route 'iv'; its routes are it")]
    public void BadProductsAreReportedWhereTheyAre(string find, string replace, string token, params string[] mentions) =>
        AssertErrorAt(Mutate(WithProducts(Products), find, replace), token, mentions);

    [Fact]
    public void APerKgProductNeedsABodyWeightParameter() =>
        AssertErrorAt(WithProducts(Products).Replace("  BW: {value: 0.3, unit: kg}\n", ""), "mg/kg", "dosed per kilogram of body weight (mg/kg) but the model has no body-weight parameter 'BW' in kg");

    [Fact]
    public void ProductsAndRoutesTogetherAreAnError() =>
        AssertErrorAt(Mutate("routes:\n", Products + "\nroutes:\n"), "iv: {target: X", "has both 'products' and 'routes'");

    [Theory]
    [InlineData("0")]
    [InlineData("-2e-6")]
    public void ANonPositiveRouteScaleIsReportedAtTheScale(string scale) =>
        AssertErrorAt(Mutate("scale: 1e-6", $"scale: {scale}"), $"{scale}}}", "the scale of route 'iv' must be > 0");

    [Fact]
    public void AnInjuryPresetSettingAnUnknownStateIsReportedAtTheState() =>
        AssertErrorAt(Mutate("initial: {X: 2}", "initial: {Q: 2}"), "Q: 2", "injury 'hurt' sets 'Q'", "not a state");

    [Fact]
    public void AnEndpointWithAnUnknownReadoutIsReportedAtTheReadout() =>
        AssertErrorAt(Mutate("readout: total", "readout: totl"), "totl", "endpoint 'obs' observes 'totl'", "expected one of total");

    [Fact]
    public void AnUnknownErrorModelIsReported() =>
        AssertErrorAt(Mutate("model: additive", "model: additiv"), "additiv,", "unknown error model 'additiv'");

    [Fact]
    public void AnIntermediateCycleIsReported() =>
        AssertErrorAt(Mutate("  flux: k*X", "  flux: k*X\n  a: b\n  b: a"), "a: b", "intermediate 'a' depends on itself: a -> b -> a");

    [Fact]
    public void ASelfReferenceIsACycle() =>
        AssertErrorAt(Mutate("  flux: k*X", "  flux: k*X + flux"), "flux: k*X", "intermediate 'flux' depends on itself: flux -> flux");

    [Fact]
    public void IntermediatesMayBeDeclaredBeforeTheIntermediatesTheyUse()
    {
        var model = Read(Mutate("  flux: k*X", "  flux: k*X*g\n  g: 2*h\n  h: X0"));
        Assert.Equal(["h", "g", "flux"], model.Intermediates.Select(i => i.Name));
        Assert.Equal("k*X*g", model.Intermediates[2].Text);
        Assert.Contains(new Symbol("g", SymbolKind.Intermediate, 1), Symbols(model.Intermediates[2].Expression));

        // dX/dt = -flux = -k*X*2*X0 = -0.5*1*2*2 = -2 at the states' initial values.
        var compiled = CompiledModel.Compile(model);
        var f = new double[2];
        compiled.RightHandSide(0, compiled.InitialState(null), compiled.DefaultParameters(), f);
        Assert.Equal([-2.0, 2.0], f);
    }

    private static IEnumerable<Symbol> Symbols(Expr expr) => expr switch
    {
        Symbol s => [s],
        Negate n => Symbols(n.Operand),
        Binary b => Symbols(b.Left).Concat(Symbols(b.Right)),
        Call c => c.Arguments.SelectMany(Symbols),
        _ => [],
    };

    [Fact]
    public void AnUnknownSymbolInAnEquationIsReportedAtTheSymbol()
    {
        var error = AssertErrorAt(Mutate("dX/dt: -flux", "dX/dt: -flux*zz"), "zz", "unknown name 'zz'");
        Assert.Contains(FileName, error.Message);
    }

    [Fact]
    public void AnUnknownSymbolInAQuotedReadoutIsReportedAtTheSymbol() =>
        AssertErrorAt(Mutate("\"X + Y\"", "\"X + zz\""), "zz", "unknown name 'zz'");

    [Fact]
    public void AnUnknownSymbolInAnIntermediateIsReportedAtTheSymbol() =>
        AssertErrorAt(Mutate("  flux: k*X", "  flux: k*X/kk"), "kk", "unknown name 'kk'");

    [Fact]
    public void ASyntaxErrorInAnEquationIsReportedAtItsPosition() =>
        AssertErrorAt(Mutate("dY/dt: flux", "dY/dt: flux*(X + 1"), "(X + 1", "'(' is never closed");

    [Fact]
    public void AFormulaThatIsAMappingIsReported() =>
        AssertErrorAt(Mutate("dY/dt: flux", "dY/dt: {a: 1}"), "{a: 1}", "equation 'dY/dt'", "must be a single value");

    [Fact]
    public void AReadoutNamedLikeAStateIsReported() =>
        AssertErrorAt(Mutate("  total: {expression", "  X: {expression"), "X: {expression", "readout 'X' has the name of a parameter, state or intermediate");

    [Fact]
    public void AnUnknownScenarioInjuryIsReported() =>
        AssertErrorAt(Mutate("injury: hurt", "injury: hurts"), "hurts", "'hurts' is not an injury preset", "expected one of hurt");

    [Fact]
    public void ABadScenarioDoseIsReportedAtTheDose() =>
        AssertErrorAt(Mutate("\"1:iv:1e6\"", "\"1:xx:1e6\""), "\"1:xx:1e6\"", "product 'cells' is not given by route 'xx'", "its routes are iv");

    [Fact]
    public void ANegativeScenarioDoseIsReportedAtTheDose() =>
        AssertErrorAt(Mutate("\"1:iv:1e6\"", "\"1:iv:-1\""), "\"1:iv:-1\"", "the amount '-1' is negative");

    [Fact]
    public void DecreasingScenarioTimesAreReportedAtTheTimes() =>
        AssertErrorAt(Mutate("times: \"0:3:1\"", "times: \"3,1\""), "\"3,1\"", "times must increase, but 1 follows 3");

    [Fact]
    public void MissingSectionsAreReported()
    {
        var error = ReadError(Mutate("equations:\n  dX/dt: -flux\n  dY/dt: flux\n", ""));
        Assert.Contains("the model has no 'equations'", error.Message);
        Assert.Equal((1, 1), (error.Line, error.Column));
    }

    [Fact]
    public void ASectionThatIsNotAMappingIsReported() =>
        AssertErrorAt(Mutate("routes:\n  iv: {target: X, scale: 1e-6}", "routes: [iv]"), "[iv]", "'routes' must be a mapping");

    [Fact]
    public void AnEmptyFileIsReported() =>
        Assert.Contains("the file is empty", ReadError("# nothing here\n").Message);

    [Fact]
    public void ANonBooleanFittedFlagIsReported() =>
        AssertErrorAt(Mutate("    description: a scale", "    description: a scale\n    fitted: maybe"), "maybe", "'fitted' of parameter 'X0' must be true or false");

    [Fact]
    public void AMissingFileIsReportedWithItsPath()
    {
        var path = Path.Combine(Path.GetTempPath(), $"no-such-model-{Guid.NewGuid():N}.yaml");
        var error = Assert.Throws<InputException>(() => ModelFileReader.ReadFile(path));
        Assert.Equal(path, error.Source);
        Assert.Contains("cannot read the model file", error.Message);
    }
}
