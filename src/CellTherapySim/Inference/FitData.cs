using CellTherapySim.Modeling;
using CellTherapySim.Simulation;
using CellTherapySim.Studies;

namespace CellTherapySim.Inference;

/// <summary>A design the likelihood simulates: an injury, a regimen, the output days (increasing) and the body weight.</summary>
/// <param name="BodyWeight">The animals' body weight (kg, the data's WT), or null for the model's (or --set) value.</param>
public sealed record FitScenario(string Injury, IReadOnlyList<Dose> Doses, double[] Times, double? BodyWeight = null);

/// <summary>One reading: scenario, index of its day in the scenario's times, endpoint (index into the model's endpoints), value, censoring and animal (index into <see cref="FitData.AnimalNames"/>).</summary>
public readonly record struct FitReading(int Scenario, int Time, int Endpoint, double Value, Censoring Censoring, int Animal);

/// <summary>One group mean of the summary format: scenario, day index, endpoint, MEAN, SD and N.</summary>
public readonly record struct FitGroupMean(int Scenario, int Time, int Endpoint, double Mean, double Sd, int N);

/// <summary>
/// Study data arranged for the likelihood: the distinct simulations to run and the readings (individual animals) or
/// group means (summary format) that refer to them.
/// </summary>
public sealed record FitData(
    string Source,
    IReadOnlyList<FitScenario> Scenarios,
    IReadOnlyList<FitReading> Readings,
    IReadOnlyList<FitGroupMean> Means,
    IReadOnlyList<int> Endpoints,
    IReadOnlyList<string> AnimalNames,
    IReadOnlyList<(string Group, int Scenario)> Groups)
{
    /// <summary>
    /// Individual animals: one scenario per distinct injury, regimen and body weight (its days those of all its animals),
    /// each reading tied to its animal.
    /// </summary>
    /// <exception cref="InputException">No readings, or every reading censored.</exception>
    public static FitData FromAnimals(string source, IReadOnlyList<AnimalRecord> animals, ModelDefinition model)
    {
        var scenarioKeys = new List<(string Injury, IReadOnlyList<Dose> Doses, double? BodyWeight)>();
        var times = new List<SortedSet<double>>();
        var scenarioOfAnimal = new int[animals.Count];
        for (var a = 0; a < animals.Count; a++)
        {
            var animal = animals[a];
            var index = scenarioKeys.FindIndex(k => k.Injury == animal.Injury && k.BodyWeight == animal.BodyWeight && k.Doses.SequenceEqual(animal.Doses));
            if (index < 0)
            {
                scenarioKeys.Add((animal.Injury, animal.Doses, animal.BodyWeight));
                times.Add([]);
                index = scenarioKeys.Count - 1;
            }
            scenarioOfAnimal[a] = index;
            foreach (var o in animal.Observations) times[index].Add(o.Time);
        }
        var scenarios = scenarioKeys.Select((k, i) => new FitScenario(k.Injury, k.Doses, times[i].ToArray(), k.BodyWeight)).ToList();
        var readings = new List<FitReading>();
        for (var a = 0; a < animals.Count; a++)
        {
            var s = scenarios[scenarioOfAnimal[a]];
            foreach (var o in animals[a].Observations)
                readings.Add(new FitReading(scenarioOfAnimal[a], Array.IndexOf(s.Times, o.Time), Endpoint(model, o.Endpoint), o.Value, o.Censoring, a));
        }
        if (readings.Count == 0) throw new InputException(source, "the data have no readings (EVID 0 rows); there is nothing to fit");
        if (readings.All(r => r.Censoring != Censoring.Exact))
            throw new InputException(source, $"all {readings.Count} readings are censored; censored readings alone cannot identify the parameters");
        var groups = animals.Select((a, i) => (a.Group, scenarioOfAnimal[i])).Distinct().ToList();
        return new FitData(source, scenarios, readings, [], readings.Select(r => r.Endpoint).Distinct().Order().ToList(),
            animals.Select(a => a.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToList(), groups);
    }

    /// <summary>
    /// Group means of the summary format, with the design (injury and regimen of each group) given separately, and the
    /// animals' <paramref name="bodyWeight"/> (kg; a study file's body_weight) or null for the model's.
    /// </summary>
    /// <exception cref="InputException">A group missing from the design, or no usable rows.</exception>
    public static FitData FromSummary(string source, IReadOnlyList<SummaryRow> rows, StudyDesign design, ModelDefinition model, double? bodyWeight = null)
    {
        var scenarios = new List<FitScenario>();
        var groups = new List<(string, int)>();
        foreach (var group in rows.Select(r => r.Group).Distinct())
        {
            var g = design.Groups.FirstOrDefault(x => x.Name == group)
                ?? throw new InputException(source, $"group '{group}' is not in the design; expected one of {string.Join(", ", design.Groups.Select(x => x.Name))}");
            scenarios.Add(new FitScenario(g.Injury, g.Doses, rows.Where(r => r.Group == group).Select(r => r.Time).Distinct().Order().ToArray(), bodyWeight));
            groups.Add((group, scenarios.Count - 1));
        }
        var means = rows.Select(r =>
        {
            var s = groups.First(g => g.Item1 == r.Group).Item2;
            return new FitGroupMean(s, Array.IndexOf(scenarios[s].Times, r.Time), Endpoint(model, r.Endpoint), r.Mean, r.Sd, r.N);
        }).ToList();
        if (means.Count == 0) throw new InputException(source, "the summary has no rows; there is nothing to fit");
        return new FitData(source, scenarios, [], means, means.Select(m => m.Endpoint).Distinct().Order().ToList(), [], groups);
    }

    /// <summary>Per pointwise log-likelihood term (readings, then group means, as <see cref="FitPosterior.LogLikelihoods"/>), its animal's index, or -1 for a group mean.</summary>
    public int[] AnimalOfObservations() => Readings.Select(r => r.Animal).Concat(Means.Select(_ => -1)).ToArray();

    /// <summary>The index of a data endpoint (the readers have checked that the model has it).</summary>
    private static int Endpoint(ModelDefinition model, string endpoint) =>
        model.EndpointIndex(endpoint) is var index and >= 0 ? index : throw new ArgumentException($"unknown endpoint '{endpoint}'", nameof(endpoint));
}
