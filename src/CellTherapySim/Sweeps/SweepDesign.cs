using CellTherapySim.Sweeps.Designs;

namespace CellTherapySim.Sweeps;

/// <summary>The scenarios of a run, by id (0 … Size − 1): each id's factor values, computed on its own (random access).</summary>
public interface IScenarioDesign
{
    /// <summary>Number of scenarios.</summary>
    long Size { get; }

    /// <summary>The factor values of scenario <paramref name="id"/>, in the spec's factor order, as they appear in results.csv.</summary>
    string[] Values(long id);
}

/// <summary>
/// The scenarios of a sweep, by id (0 … Size − 1, stable from run to run): each id's factor values as they appear in
/// results.csv. A grid counts through every combination, the last factor fastest. A sampled design (LHS, Sobol; seeded)
/// maps its N points' coordinates onto the range factors; listed factors are either crossed with every point (id =
/// point × combinations + combination) or sampled as further design dimensions (a value chosen uniformly). Every id
/// is computed on its own (random access), so shards and resumed runs need no state.
/// </summary>
public sealed class SweepDesign : IScenarioDesign
{
    private readonly SweepSpec _spec;
    private readonly int[] _sampled;
    private readonly int[] _crossed;
    private readonly long _combinations;
    private readonly LatinHypercube? _lhs;
    private readonly SobolSequence? _sobol;
    private readonly IReadOnlyList<string>[] _levels;

    /// <summary>The design of <paramref name="spec"/> with the random design seeded by <paramref name="seed"/>.</summary>
    /// <exception cref="InputException">The design has more than <see cref="long.MaxValue"/> scenarios or too many dimensions.</exception>
    public SweepDesign(SweepSpec spec, int seed)
    {
        _spec = spec;
        var factors = spec.Factors;
        _levels = factors.Select(f => f.IsListed || spec.Design == DesignKind.Grid ? f.Levels() : []).ToArray();
        if (spec.Design == DesignKind.Grid)
        {
            _sampled = [];
            _crossed = Enumerable.Range(0, factors.Count).ToArray();
        }
        else
        {
            var sampleListed = spec.Categorical == CategoricalMode.Sampled;
            _sampled = Enumerable.Range(0, factors.Count).Where(i => !factors[i].IsListed || sampleListed).ToArray();
            _crossed = sampleListed ? [] : Enumerable.Range(0, factors.Count).Where(i => factors[i].IsListed).ToArray();
        }
        _combinations = 1;
        foreach (var i in _crossed) _combinations = Multiply(_combinations, _levels[i].Count);
        Size = spec.Design == DesignKind.Grid ? _combinations : Multiply(spec.Points, _combinations);
        var designSeed = DesignSeed(seed);
        if (spec.Design == DesignKind.LatinHypercube) _lhs = new LatinHypercube(spec.Points, _sampled.Length, designSeed);
        if (spec.Design == DesignKind.Sobol)
        {
            if (_sampled.Length > SobolSequence.MaxDimensions)
                throw new InputException(spec.Source, $"a Sobol design has at most {SobolSequence.MaxDimensions} sampled factors, not {_sampled.Length}");
            _sobol = new SobolSequence(_sampled.Length, designSeed);
        }
    }

    /// <summary>Number of scenarios.</summary>
    public long Size { get; }

    /// <summary>The 64-bit seed of a random design (LHS permutations, Sobol scrambling) from the run's --seed.</summary>
    public static ulong DesignSeed(int seed) => unchecked((ulong)seed * 0x9E3779B97F4A7C15UL + 0xD1B54A32D192ED03UL);

    /// <summary>The factor values of scenario <paramref name="id"/>, in the spec's factor order.</summary>
    public string[] Values(long id)
    {
        if (id < 0 || id >= Size) throw new ArgumentOutOfRangeException(nameof(id));
        var values = new string[_spec.Factors.Count];
        var (point, combination) = _spec.Design == DesignKind.Grid ? (0, id) : (id / _combinations, id % _combinations);
        for (var k = _crossed.Length - 1; k >= 0; k--)
        {
            var levels = _levels[_crossed[k]];
            values[_crossed[k]] = levels[(int)(combination % levels.Count)];
            combination /= levels.Count;
        }
        if (_sampled.Length == 0) return values;
        Span<double> u = stackalloc double[_sampled.Length];
        if (_lhs is not null) _lhs.Point(point, u);
        else _sobol!.Point(point, u);
        for (var k = 0; k < _sampled.Length; k++)
        {
            var factor = _spec.Factors[_sampled[k]];
            values[_sampled[k]] = factor.IsListed
                ? factor.Values![Math.Min((int)(u[k] * factor.Values.Count), factor.Values.Count - 1)]
                : SweepFactor.Format(factor.At(u[k]));
        }
        return values;
    }

    private long Multiply(long a, long b) =>
        b != 0 && a > long.MaxValue / b ? throw new InputException(_spec.Source, "the design has more scenarios than can be counted; reduce the factors' levels or points") : a * b;
}
