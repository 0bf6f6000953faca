using CellTherapySim.Compilation;
using CellTherapySim.Output;
using CellTherapySim.Populations;
using CellTherapySim.Studies;
using CellTherapySim.Tests.Modeling;

namespace CellTherapySim.Tests.Populations;

/// <summary>Simulate a study → observations.csv → read and derive the design: the same design comes back.</summary>
public class StudyRoundTripTests
{
    [Theory]
    [InlineData("cci-iv-day7.yaml")]
    [InlineData("cci-routes-repeated.yaml")]
    public void DescribeRecoversTheSimulatedDesign(string file)
    {
        var study = StudyFileReader.ReadFile(Path.Combine(InputTestSupport.RepositoryRoot(), "models", "studies", file));
        var model = CompiledModel.Compile(study.Model);
        var cohort = CohortSimulator.Simulate(study, model, model.DefaultParameters(), new CohortOptions(Seed: 11));
        var folder = InputTestSupport.CreateTempDirectory();
        CohortFiles.Write(folder, cohort);

        var animals = ObservationCsvReader.Read(Path.Combine(folder, CohortFiles.Observations), study.Model);
        Assert.Equal(cohort.Animals, animals);
        var derived = DesignDerivation.Derive(animals);
        Assert.Empty(derived.MixedGroups);
        var design = derived.Design;
        Assert.Equal(study.Design.ReadoutDays, design.ReadoutDays);
        Assert.Equal(study.Design.Endpoints, design.Endpoints);
        Assert.Equal(study.Design.Groups.Count, design.Groups.Count);
        for (var g = 0; g < design.Groups.Count; g++)
        {
            var (expected, actual) = (study.Design.Groups[g], design.Groups[g]);
            Assert.Equal(expected.Name, actual.Name);
            Assert.Equal(expected.Injury, actual.Injury);
            Assert.Equal(expected.Animals, actual.Animals);
            Assert.Equal(expected.Doses, actual.Doses);
        }

        // The summary file is in the summary data format and reads back against the design.
        var summary = SummaryCsvReader.Read(Path.Combine(folder, CohortFiles.Summary), study.Model, design);
        Assert.Equal(design.Groups.Count * design.ReadoutDays.Count * design.Endpoints.Count, summary.Count);
        Directory.Delete(folder, recursive: true);
    }
}
