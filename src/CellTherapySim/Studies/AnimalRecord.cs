using CellTherapySim.Modeling;
using CellTherapySim.Simulation;

namespace CellTherapySim.Studies;

/// <summary>One animal in long-format study data: identity, group, injury preset, the doses it got, its readings and its body weight.</summary>
/// <param name="BodyWeight">The animal's body weight (kg, the data's WT column; the model's BW), or null for the study's or model's value.</param>
/// <remarks>Equality compares the doses and readings element by element, not the list instances.</remarks>
public sealed record AnimalRecord(int Id, string Group, string Injury, IReadOnlyList<Dose> Doses, IReadOnlyList<Observation> Observations, double? BodyWeight = null)
{
    /// <summary>Whether <paramref name="other"/> is the same animal with the same doses and readings, in the same order.</summary>
    public bool Equals(AnimalRecord? other) =>
        other is not null && Id == other.Id && Group == other.Group && Injury == other.Injury && BodyWeight == other.BodyWeight &&
        Doses.SequenceEqual(other.Doses) && Observations.SequenceEqual(other.Observations);

    /// <summary>A hash consistent with <see cref="Equals(AnimalRecord?)"/>.</summary>
    public override int GetHashCode() => HashCode.Combine(Id, Group, Injury, Doses.Count, Observations.Count);
}

/// <summary>A group-level summary of one endpoint on one day (the summary data format: GROUP,TIME,DVID,MEAN,SD,N).</summary>
public sealed record SummaryRow(string Group, double Time, string Endpoint, double Mean, double Sd, int N);
