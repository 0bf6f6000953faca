using CellTherapySim.Sweeps;
using static CellTherapySim.Tests.Modeling.InputTestSupport;

namespace CellTherapySim.Tests.Sweeps;

/// <summary>Sweep designs: grid size and scenario ids stable (the last factor fastest), sampled designs within their ranges and seeded.</summary>
public class SweepDesignTests
{
    private static SweepSpec Spec(string name) => SweepSpecReader.ReadFile(Path.Combine(RepositoryRoot(), "models", "sweeps", name));

    [Fact]
    public void AGridCountsThroughEveryCombinationTheLastFactorFastest()
    {
        var design = new SweepDesign(Spec("dose-day-route.yaml"), seed: 1);
        Assert.Equal(5 * 4 * 2, design.Size);
        Assert.Equal(["100000", "3", "iv"], design.Values(0));
        Assert.Equal(["100000", "3", "it"], design.Values(1));
        Assert.Equal(["100000", "7", "iv"], design.Values(2));
        Assert.Equal(["10000000", "3", "it"], design.Values(33));
        Assert.Equal(["10000000", "14", "it"], design.Values(39));
        // The seed does not move a grid.
        Assert.Equal(design.Values(17), new SweepDesign(Spec("dose-day-route.yaml"), seed: 9).Values(17));
    }

    [Fact]
    public void ALatinHypercubeCrossedWithRoutesStaysInItsRangesAndDependsOnlyOnTheSeed()
    {
        var spec = Spec("schedules-lhs.yaml");
        var design = new SweepDesign(spec, seed: 3);
        Assert.Equal(200 * 2, design.Size);
        var names = spec.Factors.Select(f => f.Name).ToList();
        for (long id = 0; id < design.Size; id++)
        {
            var values = design.Values(id);
            Assert.Equal(id % 2 == 0 ? "iv" : "it", values[names.IndexOf("route")]);
            Assert.InRange(double.Parse(values[names.IndexOf("dose")], System.Globalization.CultureInfo.InvariantCulture), 1e5, 3e6);
            Assert.Contains(values[names.IndexOf("n")], new[] { "1", "2", "3" });
        }
        // Crossed: both routes of one point share its sampled values.
        Assert.Equal(design.Values(10)[..2], design.Values(11)[..2]);
        Assert.Equal(design.Values(123), new SweepDesign(spec, seed: 3).Values(123));
        Assert.NotEqual(design.Values(123), new SweepDesign(spec, seed: 4).Values(123));
    }
}
