using CellTherapySim.Simulation;

namespace CellTherapySim.Studies;

/// <summary>One animal in long-format study data: identity, group, injury preset, the doses it got and its readings.</summary>
public sealed record AnimalRecord(int Id, string Group, string Injury, IReadOnlyList<Dose> Doses, IReadOnlyList<Observation> Observations);

/// <summary>A group-level summary of one endpoint on one day (the summary data format: GROUP,TIME,DVID,MEAN,SD,N).</summary>
public sealed record SummaryRow(string Group, double Time, string Endpoint, double Mean, double Sd, int N);
