using CellTherapySim.Sweeps;
using CellTherapySim.Sweeps.Designs;

namespace CellTherapySim.Sensitivity;

/// <summary>
/// The evaluations of a global sensitivity analysis of a sweep spec's factors, by id: the <see cref="SaltelliDesign"/>
/// of N base samples on a scrambled 2d-dimensional Sobol' sequence (seeded), each unit-cube coordinate mapped onto its
/// factor's range with <see cref="SweepFactor.At"/> — N(d + 2) scenarios that <see cref="SweepEvaluator"/> and
/// <see cref="SweepRun"/> run like a sweep's (journal, resume, shards, merge). Every factor must be a range, and the
/// scenarios are for the typical animal (no cohort).
/// </summary>
public sealed class SensitivityDesign : IScenarioDesign
{
    private readonly IReadOnlyList<SweepFactor> _factors;
    private readonly SobolSequence _sequence;

    /// <summary>The design of <paramref name="baseSamples"/> base rows over <paramref name="spec"/>'s factors, scrambled from <paramref name="seed"/>.</summary>
    /// <exception cref="InputException">A factor lists values, the spec has a cohort, or the design is too small or too large.</exception>
    public SensitivityDesign(SweepSpec spec, long baseSamples, int seed)
    {
        foreach (var factor in spec.Factors.Where(f => f.IsListed))
            throw new InputException(spec.Source, factor.Line, factor.Column,
                $"factor '{factor.Name}' lists values; a sensitivity analysis needs every factor to be a range ({{range: [low, high]}}), so run listed values (e.g. routes) as separate specs");
        if (spec.Cohort is not null)
            throw new InputException(spec.Source, "'cohort' is not supported by a sensitivity analysis (its indices are for the typical animal); remove it");
        if (baseSamples < 2) throw new InputException("--samples", $"{baseSamples} base samples are too few; expected at least 2 (the variance needs two rows), e.g. 1024");
        if (baseSamples > SobolSequence.MaxPoints) throw new InputException("--samples", $"at most {SobolSequence.MaxPoints:N0} base samples, not {baseSamples:N0}");
        var dimensions = 2 * spec.Factors.Count;
        if (dimensions > SobolSequence.MaxDimensions)
            throw new InputException(spec.Source, $"a sensitivity analysis has at most {SobolSequence.MaxDimensions / 2} factors, not {spec.Factors.Count}");
        _factors = spec.Factors;
        _sequence = new SobolSequence(dimensions, SweepDesign.DesignSeed(seed));
        BaseSamples = baseSamples;
        Size = SaltelliDesign.EvaluationCount(baseSamples, spec.Factors.Count);
    }

    /// <summary>N, the rows of each base matrix.</summary>
    public long BaseSamples { get; }

    /// <summary>Number of evaluations, N(d + 2).</summary>
    public long Size { get; }

    /// <summary>The factor values of evaluation <paramref name="id"/>, in the spec's factor order.</summary>
    public string[] Values(long id)
    {
        if (id < 0 || id >= Size) throw new ArgumentOutOfRangeException(nameof(id));
        Span<double> u = stackalloc double[_factors.Count];
        SaltelliDesign.Point(_sequence, id, _factors.Count, u);
        var values = new string[_factors.Count];
        for (var k = 0; k < values.Length; k++) values[k] = SweepFactor.Format(_factors[k].At(u[k]));
        return values;
    }
}
