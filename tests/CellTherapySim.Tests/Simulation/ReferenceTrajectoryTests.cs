using CellTherapySim.Compilation;
using CellTherapySim.Modeling;
using CellTherapySim.Simulation;
using CellTherapySim.Solvers;
using YamlDotNet.RepresentationModel;

namespace CellTherapySim.Tests.Simulation;

/// <summary>The default model reproduces its file's reference solution with both solvers (MODEL.md's rounded tables: DefaultModelV2Tests).</summary>
public class ReferenceTrajectoryTests
{
    /// <summary>The scenarios of the model file's `reference:` section (its v2 reference solution at rtol 1e-10).</summary>
    public static TheoryData<string> FileScenarios()
    {
        var data = new TheoryData<string>();
        foreach (var name in ReferenceSection().Children.Keys) data.Add(((YamlScalarNode)name).Value!);
        return data;
    }

    private static YamlMappingNode ReferenceSection()
    {
        var yaml = new YamlStream();
        yaml.Load(new StringReader(DefaultModel.Text));
        return (YamlMappingNode)((YamlMappingNode)yaml.Documents[0].RootNode).Children[new YamlScalarNode("reference")];
    }

    /// <summary>
    /// The model file's reference table (10 significant digits) is this model's solution: Rodas4 at rtol 1e-10 within
    /// 1e-8 (relative to the value, at least 1), and Dormand–Prince, an independent explicit method, within 1e-6.
    /// </summary>
    [Theory]
    [MemberData(nameof(FileScenarios))]
    public void ReproducesTheModelFilesReferenceSolution(string scenario)
    {
        var entry = (YamlMappingNode)ReferenceSection().Children[new YamlScalarNode(scenario)];
        double[] Numbers(string key) => ((YamlSequenceNode)entry.Children[new YamlScalarNode(key)]).Children
            .Select(n => double.Parse(((YamlScalarNode)n).Value!, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        var model = CompiledModel.Compile(DefaultModel.Definition);
        var doses = ((YamlSequenceNode)entry.Children[new YamlScalarNode("doses")]).Children
            .SelectMany(n => Dose.Parse(((YamlScalarNode)n).Value!, model.Definition, "reference")).ToList();
        var injury = ((YamlScalarNode)entry.Children[new YamlScalarNode("injury")]).Value!;
        var days = Numbers("days");
        var tight = new SolverOptions(RelativeTolerance: 1e-10, AbsoluteTolerance: 1e-12);
        foreach (var (kind, tolerance) in new[] { (SolverKind.Stiff, 1e-8), (SolverKind.Nonstiff, 1e-6) })
        {
            var trajectory = new Simulator(model, kind, tight).Simulate(model.DefaultParameters(), model.InitialState(injury), doses, days);
            foreach (var readout in new[] { "PMWT", "TWL", "Iba1" })
            {
                var expected = Numbers(readout);
                var r = model.Definition.Readouts.ToList().FindIndex(x => x.Name == readout);
                for (var i = 0; i < days.Length; i++)
                    Assert.True(Math.Abs(trajectory.Readout(i, r) - expected[i]) <= tolerance * Math.Max(1, Math.Abs(expected[i])),
                        $"{scenario} {kind} {readout} day {days[i]}: {trajectory.Readout(i, r):R} vs {expected[i]:R}");
            }
        }
    }
}
