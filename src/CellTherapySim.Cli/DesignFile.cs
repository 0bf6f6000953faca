using CellTherapySim.Modeling;
using CellTherapySim.Studies;

namespace CellTherapySim.Cli;

/// <summary>Reads the --design of summary data: a study's observations file (CSV) or its study file (YAML).</summary>
internal static class DesignFile
{
    /// <summary>The design in <paramref name="path"/>.</summary>
    public static DerivedDesign Read(string path, ModelDefinition model) => ReadWithBodyWeight(path, model).Design;

    /// <summary>The design in <paramref name="path"/> and its animals' body weight (a study file's body_weight; kg), if it gives one.</summary>
    public static (DerivedDesign Design, double? BodyWeight) ReadWithBodyWeight(string path, ModelDefinition model)
    {
        if (Path.GetExtension(path).ToLowerInvariant() is ".yaml" or ".yml")
        {
            var study = StudyInput.Read(path);
            var design = study.Design;
            return (new DerivedDesign(design, design.Groups.Select(g => new GroupRegimen(g.Name, g.Doses, [])).ToList()), study.BodyWeight);
        }
        var data = StudyDataFile.Read(path, model);
        if (data.Format != StudyDataFormat.Observations)
            throw new InputException("--design", $"'{path}' is a summary file; expected the observations file (individual animals) of the same study");
        // A summary is of groups, so one body weight: the animals' when they all give the same WT.
        var weights = data.Animals.Select(a => a.BodyWeight).Distinct().ToList();
        return (DesignDerivation.Derive(data.Animals), weights.Count == 1 ? weights[0] : null);
    }
}
