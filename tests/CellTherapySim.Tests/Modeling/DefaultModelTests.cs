using System.Text;
using CellTherapySim.Compilation;
using CellTherapySim.Modeling;

namespace CellTherapySim.Tests.Modeling;

/// <summary>The default model file: its states, parameters, routes, injuries and endpoints, and the embedded copy.</summary>
public sealed class DefaultModelTests
{
    private static readonly ModelDefinition Model = DefaultModel.Definition;

    private static string FilePath => Path.Combine(InputTestSupport.RepositoryRoot(), "models", "msc-neuropathic-pain.yaml");

    [Fact]
    public void HasSixteenStatesInOrder() =>
        Assert.Equal(["B", "L", "Q", "T", "S", "D", "R", "A", "M", "C", "Z", "VB", "VQ", "NI", "NG", "NP"], Model.States.Select(s => s.Name));

    [Fact]
    public void HasFiftyFiveDocumentedParametersWithPriors()
    {
        Assert.Equal(55, Model.Parameters.Count);
        Assert.All(Model.Parameters, p =>
        {
            Assert.False(string.IsNullOrWhiteSpace(p.Unit), $"{p.Name} has no unit");
            Assert.False(string.IsNullOrWhiteSpace(p.Description), $"{p.Name} has no description");
            Assert.False(string.IsNullOrWhiteSpace(p.Source), $"{p.Name} has no source");
            Assert.NotNull(p.Prior);
            Assert.Null(Prior.Validate(p.Prior.Family, p.Prior.Arguments));
        });
    }

    [Fact]
    public void EveryParameterStatesItsPriorInTheFile()
    {
        // The reader supplies a default prior when none is given; the default model gives every one explicitly.
        var text = DefaultModel.Text;
        var parameterSection = text[text.IndexOf("\nparameters:", StringComparison.Ordinal)..text.IndexOf("\nstates:", StringComparison.Ordinal)];
        Assert.Equal(55, parameterSection.Split('\n').Count(line => line.TrimStart().StartsWith("prior: {distribution:", StringComparison.Ordinal)));
    }

    [Fact]
    public void FittedFlagsAreExactlyTheCalibratedParameters() =>
        Assert.Equal(
            new[] { "k_act", "k_deact", "rho_S", "sig_L", "k_Z", "Z50", "ImaxP", "C50" }.Order(),
            Model.Parameters.Where(p => p.Fitted).Select(p => p.Name).Order());

    [Fact]
    public void ProductsRoutesAndScalesAreThoseOfModelMd()
    {
        Assert.Equal(["cells", "ev", "nac"], Model.Products.Select(p => p.Name));
        Assert.Equal(["cells", "ug", "mg/kg"], Model.Products.Select(p => p.Unit.Symbol));
        var scales = CompiledModel.Compile(Model).DoseScaleValues(Model.Parameters.Select(p => p.Value).ToArray());
        (string Product, string Route, string Target, double Scale)[] expected =
            [("cells", "iv", "B", 1e-6), ("cells", "it", "Q", 1e-6), ("ev", "iv", "VB", 1), ("ev", "it", "VQ", 1), ("nac", "ip", "NI", 0.25 * 0.5), ("nac", "oral", "NG", 0.25 * 0.1)];
        foreach (var (product, route, target, scale) in expected)
        {
            var r = Model.DoseRoute(product, route).Route!;
            Assert.Equal((target, Model.StateIndex(target)), (r.TargetName, r.TargetState));
            Assert.Equal(scale, scales[r.Index], 15);
        }
    }

    [Fact]
    public void InjuryPresetsSetTheNerveInjury()
    {
        Assert.Equal(["cci", "sham"], Model.Injuries.Select(i => i.Name));
        var d = Model.StateIndex("D");
        Assert.Equal([(d, 1.0)], Model.Injury("cci")!.InitialValues);
        Assert.Equal([(d, 0.03)], Model.Injury("sham")!.InitialValues);
    }

    [Fact]
    public void EndpointsAreMechanicalAndThermalThresholds()
    {
        Assert.Equal(["PMWT", "TWL"], Model.Endpoints.Select(e => e.Name));
        var pmwt = Model.Endpoints[0];
        var twl = Model.Endpoints[1];
        Assert.Equal(("PMWT", ErrorModel.Multiplicative, 15.0, (double?)null), (Model.Readouts[pmwt.Readout].Name, pmwt.ErrorModel, pmwt.UpperCutoff, pmwt.LowerCutoff));
        Assert.Equal(("TWL", ErrorModel.Additive, 20.0, (double?)null), (Model.Readouts[twl.Readout].Name, twl.ErrorModel, twl.UpperCutoff, twl.LowerCutoff));
    }

    [Fact]
    public void ScenarioIsCciWithAnIvDoseOnDaySeven()
    {
        Assert.Equal("cci", Model.Scenario.Injury);
        Assert.Equal(["7:iv:cells:1e6"], Model.Scenario.Doses);
        Assert.Equal("0:15:1", Model.Scenario.Times);
    }

    [Fact]
    public void TheFileOnDiskIsTheEmbeddedModel() =>
        Assert.Equal(File.ReadAllBytes(FilePath), new UTF8Encoding(encoderShouldEmitUTF8Identifier: false).GetBytes(DefaultModel.Text));

    [Fact]
    public void TheFileOnDiskReadsLikeTheEmbeddedModel()
    {
        var fromDisk = ModelFileReader.ReadFile(FilePath);
        Assert.Equal(Model.Parameters, fromDisk.Parameters, (a, b) => (a.Name, a.Value, a.Unit, a.Fitted, a.Prior.ToString()) == (b.Name, b.Value, b.Unit, b.Fitted, b.Prior.ToString()));
        Assert.Equal(Model.States, fromDisk.States);
        Assert.Equal(FilePath, fromDisk.Source);
    }
}
