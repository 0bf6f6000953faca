using CellTherapySim.Modeling;

namespace CellTherapySim.Studies;

/// <summary>A study file: the model it uses, its design, the between-animal variability of its virtual animals and their body weight.</summary>
/// <param name="BodyWeight">The animals' body weight (kg; the model's BW parameter), or null for the model's value.</param>
public sealed record Study(string Name, string Description, string Source, ModelDefinition Model, StudyDesign Design, BetweenAnimalVariability Variability, double? BodyWeight = null)
{
    /// <summary>The typical parameter values of the study's animals: <paramref name="model"/>'s values (a copy) with the study's body weight.</summary>
    public double[] TypicalParameters(double[] model) => Model.WithBodyWeight(model, BodyWeight);

    /// <summary>What is allowed but probably a mistake (e.g. a dose after the last readout day), each located in the study file.</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];
}
