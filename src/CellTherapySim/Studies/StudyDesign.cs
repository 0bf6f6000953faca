using CellTherapySim.Modeling;
using CellTherapySim.Simulation;

namespace CellTherapySim.Studies;

/// <summary>One group of a study: its injury preset, dosing regimen and number of animals.</summary>
public sealed record StudyGroup(string Name, string Injury, IReadOnlyList<Dose> Doses, int Animals);

/// <summary>What a study does: groups, the days behaviour is read and the endpoints read on them.</summary>
public sealed record StudyDesign(IReadOnlyList<StudyGroup> Groups, IReadOnlyList<double> ReadoutDays, IReadOnlyList<string> Endpoints);
