using CellTherapySim.Modeling;
using CellTherapySim.Simulation;

namespace CellTherapySim.Scenarios;

/// <summary>
/// A scenario without its parameter values, as asked for: the injury preset, the doses (in time order) and the increasing
/// output times (days); <see cref="DoseSource"/> names where the doses came from (an option or the model's scenario), for messages.
/// </summary>
public sealed record ScenarioRequest(string Injury, IReadOnlyList<Dose> Doses, double[] Times, string DoseSource)
{
    /// <summary>The scenario of these parameter values (model order).</summary>
    public Scenario For(double[] parameters) => new(parameters, Injury, Doses, Times);
}

/// <summary>
/// Builds scenarios from what a command line gives — an injury preset name, dose texts, an output-time text — checked
/// against the model, with the model's default scenario for whatever is not given. Every command that takes these
/// options builds its scenarios here, so each mistake gets the same message naming the option.
/// </summary>
public static class ScenarioBuilder
{
    /// <summary>
    /// The injury, doses and times: <paramref name="doseTexts"/> as for <see cref="Doses"/>, the others as for
    /// <see cref="Injury"/> and <see cref="Times"/>; the option names go into messages.
    /// </summary>
    /// <exception cref="InputException">An unknown injury preset, a bad dose or bad times, naming the option (or the model's scenario).</exception>
    public static ScenarioRequest From(ModelDefinition model, string? injury, IReadOnlyList<string>? doseTexts, string? times,
        string injuryOption = "--injury", string doseOption = "--dose", string timesOption = "--times")
    {
        var name = Injury(model, injury, injuryOption);
        var (doses, source) = Doses(model, doseTexts, doseOption);
        return new ScenarioRequest(name, doses, Times(model, times, timesOption), source);
    }

    /// <summary>The injury preset <paramref name="injury"/> of the model (its scenario's when null); "" is no preset.</summary>
    /// <exception cref="InputException">The model has no such preset; the message lists those it has.</exception>
    public static string Injury(ModelDefinition model, string? injury, string option = "--injury")
    {
        var name = injury ?? model.Scenario.Injury;
        if (name.Length > 0 && model.Injury(name) is null)
            throw new InputException(option, $"unknown injury preset '{name}'; " + (model.Injuries.Count > 0
                ? $"expected one of {string.Join(", ", model.Injuries.Select(i => i.Name))}"
                : $"model '{model.Name}' defines none"));
        return name;
    }

    /// <summary>
    /// The doses of <paramref name="texts"/> (each as <see cref="Dose.Parse"/> reads it; "none" alone for no dose) in time
    /// order, or the model scenario's when none is given; with the option or file they came from.
    /// </summary>
    /// <exception cref="InputException">A dose that does not parse or that the model does not allow.</exception>
    public static (IReadOnlyList<Dose> Doses, string Source) Doses(ModelDefinition model, IReadOnlyList<string>? texts, string option = "--dose")
    {
        var (given, source) = texts is { Count: > 0 } ? (texts, option) : (model.Scenario.Doses, $"{model.Source} (scenario)");
        IReadOnlyList<Dose> doses = given.Count == 1 && given[0] == "none"
            ? []
            : given.SelectMany(d => Dose.Parse(d, model, source)).OrderBy(d => d.Time).ToList();
        return (doses, source);
    }

    /// <summary>The output times of <paramref name="text"/> (<see cref="TimeGrid.Parse"/>), or the model scenario's when null.</summary>
    /// <exception cref="InputException">Times that do not parse, are negative or do not increase.</exception>
    public static double[] Times(ModelDefinition model, string? text, string option = "--times") =>
        text is not null ? TimeGrid.Parse(text, option) : TimeGrid.Parse(model.Scenario.Times, $"{model.Source} (scenario)");
}
