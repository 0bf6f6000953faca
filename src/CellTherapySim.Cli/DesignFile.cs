using CellTherapySim.Modeling;
using CellTherapySim.Studies;

namespace CellTherapySim.Cli;

/// <summary>Reads the --design of summary data: a study's observations file (CSV) or its study file (YAML).</summary>
internal static class DesignFile
{
    /// <summary>The design in <paramref name="path"/>.</summary>
    public static DerivedDesign Read(string path, ModelDefinition model)
    {
        if (Path.GetExtension(path).ToLowerInvariant() is ".yaml" or ".yml")
        {
            var design = StudyFileReader.ReadFile(path).Design;
            return new DerivedDesign(design, design.Groups.Select(g => new GroupRegimen(g.Name, g.Doses, [])).ToList());
        }
        var data = StudyDataFile.Read(path, model);
        return data.Format == StudyDataFormat.Observations
            ? DesignDerivation.Derive(data.Animals)
            : throw new InputException("--design", $"'{path}' is a summary file; expected the observations file (individual animals) of the same study");
    }
}
