using CellTherapySim.Modeling;

namespace CellTherapySim.Studies;

/// <summary>A study file: the model it uses, its design and the between-animal variability of its virtual animals.</summary>
public sealed record Study(string Name, string Description, string Source, ModelDefinition Model, StudyDesign Design, BetweenAnimalVariability Variability);
