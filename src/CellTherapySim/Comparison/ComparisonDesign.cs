using CellTherapySim.Modeling;
using CellTherapySim.Simulation;
using CellTherapySim.Studies;

namespace CellTherapySim.Comparison;

/// <summary>A dosing regimen to compare with untreated animals of the same injury.</summary>
public sealed record ComparedRegimen(string Name, string Injury, IReadOnlyList<Dose> Doses)
{
    /// <summary>Day of the first dose (days since injury): where the relief window starts.</summary>
    public double FirstDose => Doses.Min(d => d.Time);
}

/// <summary>The untreated animals (injury, no dose) that regimens with that injury are compared with; <see cref="Synthesised"/> when no study group gave it.</summary>
public sealed record UntreatedReference(string Name, string Injury, bool Synthesised);

/// <summary>
/// What a regimen comparison simulates: the regimens, one untreated reference per injury, the readout days (the last
/// one ends the relief window), the endpoints and the between-animal variability of the virtual animals.
/// </summary>
/// <param name="Name">The study's name, or the model's for command-line regimens.</param>
/// <param name="Source">The study file or option the design comes from, for messages.</param>
/// <param name="BodyWeight">The study's body weight (kg), or null for the model's.</param>
public sealed record ComparisonDesign(
    string Name,
    string Source,
    ModelDefinition Model,
    IReadOnlyList<ComparedRegimen> Regimens,
    IReadOnlyList<UntreatedReference> References,
    IReadOnlyList<double> ReadoutDays,
    IReadOnlyList<string> Endpoints,
    BetweenAnimalVariability Variability,
    double? BodyWeight = null)
{
    /// <summary>
    /// A study's design: every group with doses is a regimen; the reference of an injury is the study's first group
    /// with that injury and no doses, or a synthesised untreated group when the study has none.
    /// </summary>
    /// <exception cref="InputException">No group has doses, or a regimen starts after the last readout day.</exception>
    public static ComparisonDesign FromStudy(Study study)
    {
        var groups = study.Design.Groups;
        var regimens = groups.Where(g => g.Doses.Count > 0).Select(g => new ComparedRegimen(g.Name, g.Injury, g.Doses)).ToList();
        if (regimens.Count == 0)
            throw new InputException(study.Source, "no group has a regimen; a comparison needs at least one dosed group");
        var references = regimens.Select(r => r.Injury).Distinct().Select(injury =>
            groups.FirstOrDefault(g => g.Injury == injury && g.Doses.Count == 0) is { } untreated
                ? new UntreatedReference(untreated.Name, injury, false)
                : Synthesise(injury)).ToList();
        return Checked(new ComparisonDesign(study.Name, study.Source, study.Model, regimens, references,
            study.Design.ReadoutDays, study.Design.Endpoints, study.Variability, study.BodyWeight));
    }

    /// <summary>
    /// Regimens given directly (all with <paramref name="injury"/>), compared with synthesised untreated animals, on
    /// every endpoint of the model, with the model's variability.
    /// </summary>
    /// <exception cref="InputException">No regimen, or one starts after the last readout day; <paramref name="source"/> names the option.</exception>
    public static ComparisonDesign FromRegimens(ModelDefinition model, string injury, IReadOnlyList<(string Name, IReadOnlyList<Dose> Doses)> regimens, IReadOnlyList<double> readoutDays, string source)
    {
        if (regimens.Count == 0) throw new InputException(source, "no regimen to compare");
        return Checked(new ComparisonDesign(model.Name, source, model,
            regimens.Select(r => new ComparedRegimen(r.Name, injury, r.Doses)).ToList(), [Synthesise(injury)],
            readoutDays, model.Endpoints.Select(e => e.Name).ToList(), model.Variability));
    }

    /// <summary>The untreated reference of <paramref name="regimen"/>'s injury.</summary>
    public UntreatedReference ReferenceOf(ComparedRegimen regimen) => References.First(r => r.Injury == regimen.Injury);

    private static UntreatedReference Synthesise(string injury) => new(injury.Length > 0 ? $"untreated {injury}" : "untreated", injury, true);

    private static ComparisonDesign Checked(ComparisonDesign design)
    {
        var last = design.ReadoutDays[^1];
        foreach (var regimen in design.Regimens)
        {
            if (regimen.Doses.Count == 0) throw new InputException(design.Source, $"regimen '{regimen.Name}' has no dose");
            if (regimen.FirstDose > last)
                throw new InputException(design.Source, $"regimen '{regimen.Name}' starts on day {regimen.FirstDose:G} after the last readout day {last:G}; there is no relief to measure");
        }
        var twice = design.Regimens.GroupBy(r => r.Name).FirstOrDefault(g => g.Count() > 1);
        if (twice is not null) throw new InputException(design.Source, $"regimen '{twice.Key}' is given twice");
        return design;
    }
}
