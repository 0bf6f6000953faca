using CellTherapySim.Modeling;
using CellTherapySim.Simulation;

namespace CellTherapySim.Studies;

/// <summary>The animals of one group that got the same doses.</summary>
public sealed record GroupRegimen(string Group, IReadOnlyList<Dose> Doses, IReadOnlyList<int> AnimalIds);

/// <summary>
/// A design derived from individual animals, with every distinct regimen of each group: <see cref="Design"/> gives a
/// group the regimen of most of its animals, and <see cref="MixedGroups"/> names the groups whose animals differ.
/// </summary>
public sealed record DerivedDesign(StudyDesign Design, IReadOnlyList<GroupRegimen> Regimens)
{
    /// <summary>The distinct regimens of <paramref name="group"/>, most animals first.</summary>
    public IReadOnlyList<GroupRegimen> RegimensOf(string group) => Regimens.Where(r => r.Group == group).ToList();

    /// <summary>The groups whose animals did not all get the same doses.</summary>
    public IReadOnlyList<string> MixedGroups => Regimens.GroupBy(r => r.Group).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
}

/// <summary>How many readings of one group, day and endpoint there are, and how many of them are censored.</summary>
public sealed record ReadingCount(string Group, double Day, string Endpoint, int Readings, int RightCensored, int LeftCensored);

/// <summary>Derives what a study did from its animals: groups, regimens, readout days, endpoints and reading counts.</summary>
public static class DesignDerivation
{
    /// <summary>
    /// Groups in order of first appearance (injury of their animals, the regimen of most of them, ties going to the
    /// regimen seen first), readout days = the union of reading times (ascending), endpoints in order of appearance.
    /// </summary>
    /// <exception cref="ArgumentException">The animals of a group have different injuries.</exception>
    public static DerivedDesign Derive(IReadOnlyList<AnimalRecord> animals)
    {
        var groups = new List<StudyGroup>();
        var regimens = new List<GroupRegimen>();
        foreach (var group in animals.GroupBy(a => a.Group))
        {
            var injuries = group.Select(a => a.Injury).Distinct().ToList();
            if (injuries.Count > 1)
                throw new ArgumentException($"the animals of group '{group.Key}' have different injuries ({string.Join(", ", injuries)})", nameof(animals));
            var byRegimen = new List<(IReadOnlyList<Dose> Doses, List<int> Ids)>();
            foreach (var animal in group)
            {
                var doses = animal.Doses.OrderBy(d => d.Time).ToList();
                var same = byRegimen.FindIndex(r => r.Doses.SequenceEqual(doses));
                if (same < 0) byRegimen.Add((doses, [animal.Id]));
                else byRegimen[same].Ids.Add(animal.Id);
            }
            var ordered = byRegimen.OrderByDescending(r => r.Ids.Count).ToList(); // stable: ties keep first-seen order
            regimens.AddRange(ordered.Select(r => new GroupRegimen(group.Key, r.Doses, r.Ids)));
            groups.Add(new StudyGroup(group.Key, injuries[0], ordered[0].Doses, group.Count()));
        }
        var observations = animals.SelectMany(a => a.Observations).ToList();
        var days = observations.Select(o => o.Time).Distinct().Order().ToList();
        var endpoints = observations.Select(o => o.Endpoint).Distinct().ToList();
        return new DerivedDesign(new StudyDesign(groups, days, endpoints), regimens);
    }

    /// <summary>Readings and censored readings by group (order of appearance), day (ascending) and endpoint (order of appearance).</summary>
    public static IReadOnlyList<ReadingCount> CountReadings(IReadOnlyList<AnimalRecord> animals)
    {
        var readings = animals.SelectMany(a => a.Observations.Select(o => (a.Group, Observation: o))).ToList();
        var groupOrder = Positions(animals.Select(a => a.Group));
        var endpointOrder = Positions(readings.Select(r => r.Observation.Endpoint));
        return readings
            .GroupBy(r => (r.Group, r.Observation.Time, r.Observation.Endpoint))
            .OrderBy(g => groupOrder[g.Key.Group]).ThenBy(g => g.Key.Time).ThenBy(g => endpointOrder[g.Key.Endpoint])
            .Select(g => new ReadingCount(g.Key.Group, g.Key.Time, g.Key.Endpoint, g.Count(),
                g.Count(r => r.Observation.Censoring == Censoring.Right), g.Count(r => r.Observation.Censoring == Censoring.Left)))
            .ToList();
    }

    private static Dictionary<string, int> Positions(IEnumerable<string> names) =>
        names.Distinct().Select((name, i) => (name, i)).ToDictionary(x => x.name, x => x.i);
}
