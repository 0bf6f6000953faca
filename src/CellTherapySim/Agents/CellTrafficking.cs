using CellTherapySim.Modeling;
using CellTherapySim.Compilation;
using CellTherapySim.Simulation;
using MathNet.Numerics.Random;

namespace CellTherapySim.Agents;

/// <summary>Where a transplanted cell is; LiverSpleen and Dead are absorbing.</summary>
public enum CellLocation : byte
{
    /// <summary>Circulating blood (model state B).</summary>
    Blood = 0,
    /// <summary>Trapped in lung capillaries (model state L).</summary>
    Lung = 1,
    /// <summary>Taken up by liver and spleen (absorbing, rate k_BO from blood).</summary>
    LiverSpleen = 2,
    /// <summary>Cerebrospinal fluid (model state Q).</summary>
    Csf = 3,
    /// <summary>Engrafted at the injured site (model state T).</summary>
    Site = 4,
    /// <summary>Dead (absorbing: lung death k_Ld, site death k_Td).</summary>
    Dead = 5,
}

/// <summary>The per-cell transition rates (1/day) of the trafficking chain; homing from blood is k_BT·D(t).</summary>
public sealed record TraffickingRates(double KBL, double KLB, double KLd, double KBO, double KBT, double KQT, double KQB, double KTd)
{
    /// <summary>Reads the eight rates from a model's parameter vector by name (k_BL, k_LB, k_Ld, k_BO, k_BT, k_QT, k_QB, k_Td).</summary>
    public static TraffickingRates FromModel(CompiledModel model, double[] parameters)
    {
        double P(string name)
        {
            var i = model.Definition.ParameterIndex(name);
            if (i < 0) throw new ArgumentException($"the model has no parameter '{name}' needed by the cell-trafficking chain", nameof(model));
            return parameters[i];
        }
        return new TraffickingRates(P("k_BL"), P("k_LB"), P("k_Ld"), P("k_BO"), P("k_BT"), P("k_QT"), P("k_QB"), P("k_Td"));
    }
}

/// <summary>
/// The injury index D(t) as a piecewise-linear curve through (time, value) nodes, constant beyond the ends; its exact
/// maximum on any interval is the largest of the interval's end values and the nodes inside it.
/// </summary>
public sealed class InjuryIndexCurve
{
    private readonly double[] _t;
    private readonly double[] _d;

    /// <summary>Creates the curve through increasing <paramref name="times"/> and non-negative <paramref name="values"/>.</summary>
    public InjuryIndexCurve(double[] times, double[] values, double interpolationErrorBound = 0)
    {
        if (times.Length == 0 || times.Length != values.Length) throw new ArgumentException("times and values must be non-empty and of equal length");
        for (var i = 1; i < times.Length; i++)
            if (!(times[i] > times[i - 1])) throw new ArgumentException("times must be strictly increasing", nameof(times));
        if (values.Any(v => !(v >= 0) || !double.IsFinite(v))) throw new ArgumentException("D must be finite and ≥ 0", nameof(values));
        _t = (double[])times.Clone();
        _d = (double[])values.Clone();
        InterpolationErrorBound = interpolationErrorBound;
    }

    /// <summary>
    /// Estimated bound on |D − curve| when the curve interpolates a smooth D: h²/8 · max|D''| per segment (h the node
    /// spacing), with max|D''| taken as twice the largest second divided difference of the nodes; 0 if not estimated.
    /// </summary>
    public double InterpolationErrorBound { get; }

    /// <summary>The node times.</summary>
    public IReadOnlyList<double> Times => _t;

    /// <summary>The node values.</summary>
    public IReadOnlyList<double> Values => _d;

    /// <summary>D at time <paramref name="t"/> (linear between nodes, constant beyond the ends).</summary>
    public double Value(double t)
    {
        if (t <= _t[0]) return _d[0];
        if (t >= _t[^1]) return _d[^1];
        var i = Array.BinarySearch(_t, t);
        if (i >= 0) return _d[i];
        i = ~i; // _t[i-1] < t < _t[i]
        var w = (t - _t[i - 1]) / (_t[i] - _t[i - 1]);
        return _d[i - 1] + w * (_d[i] - _d[i - 1]);
    }

    /// <summary>The exact maximum of the curve on [<paramref name="a"/>, <paramref name="b"/>].</summary>
    public double Max(double a, double b)
    {
        var max = Math.Max(Value(a), Value(b));
        var i = Array.BinarySearch(_t, a);
        i = i >= 0 ? i + 1 : ~i;
        for (; i < _t.Length && _t[i] < b; i++) max = Math.Max(max, _d[i]);
        return max;
    }

    /// <summary>
    /// Runs <paramref name="simulator"/> (same animal: parameters, initial state, doses) at times 0, step, 2·step, …, ≥ end
    /// and interpolates its state "D" linearly, with the error bound estimated from the nodes' second differences.
    /// </summary>
    public static InjuryIndexCurve FromSimulation(Simulator simulator, double[] parameters, double[] initial,
        IReadOnlyList<Dose> doses, double end, double step = 0.01, string state = "D")
    {
        if (!(step > 0) || !(end > 0)) throw new ArgumentException("end and step must be positive");
        var index = simulator.Model.Definition.StateIndex(state);
        if (index < 0) throw new ArgumentException($"the model has no state '{state}'", nameof(state));
        var n = (int)Math.Ceiling(end / step - 1e-9) + 1;
        var times = Enumerable.Range(0, n).Select(i => i * step).ToArray();
        var trajectory = simulator.Simulate(parameters, initial, doses, times);
        var values = new double[n];
        for (var i = 0; i < n; i++) values[i] = Math.Max(0, trajectory.State(i, index));
        var second = 0.0;
        for (var i = 1; i + 1 < n; i++)
            second = Math.Max(second, Math.Abs(values[i + 1] - 2 * values[i] + values[i - 1]) / (step * step));
        return new InjuryIndexCurve(times, values, step * step / 8 * 2 * second);
    }
}

/// <summary>Cell counts per location at the output times, with the number of simulated events.</summary>
public sealed record TraffickingResult(double[] Times, long[] Counts, long Events, long RejectedCandidates)
{
    /// <summary>Number of locations (columns of <see cref="Counts"/>).</summary>
    public const int LocationCount = 6;

    /// <summary>Cells in <paramref name="location"/> at output time index <paramref name="time"/>.</summary>
    public long Count(int time, CellLocation location) => Counts[time * LocationCount + (int)location];
}

/// <summary>
/// Agent-based MSC trafficking alone, driven by a given injury index D(t): every transplanted cell of the doses moves
/// through <see cref="CellPopulation"/>, epoch by epoch between the output times, dose times and the nodes of the
/// piecewise-linear D, so the homing rate is handled exactly.
/// </summary>
/// <remarks>Doses follow <see cref="Simulator"/>: a dose at an output time is given right after that output; route "iv"
/// enters blood, "it" enters CSF.</remarks>
public sealed class CellTrafficking
{
    /// <summary>Creates the chain with <paramref name="rates"/> and the injury index <paramref name="injury"/>.</summary>
    public CellTrafficking(TraffickingRates rates, InjuryIndexCurve injury)
    {
        Rates = rates;
        Injury = injury;
    }

    /// <summary>The transition rates.</summary>
    public TraffickingRates Rates { get; }

    /// <summary>The injury index D(t).</summary>
    public InjuryIndexCurve Injury { get; }

    /// <summary>
    /// Simulates every cell of <paramref name="doses"/> (counts rounded to whole cells) from its dose time, and counts
    /// cells per location at the increasing <paramref name="times"/>; <paramref name="seed"/> seeds a Xoshiro256**.
    /// </summary>
    public TraffickingResult Simulate(IReadOnlyList<Dose> doses, double[] times, int seed)
    {
        if (times.Length == 0) throw new ArgumentException("no output times", nameof(times));
        for (var i = 1; i < times.Length; i++)
            if (!(times[i] > times[i - 1])) throw new ArgumentException("output times must be strictly increasing", nameof(times));
        var ordered = doses.OrderBy(d => d.Time).ToArray();
        foreach (var d in ordered)
        {
            if (d.Product != Dose.CellsProduct) throw new ArgumentException($"dose {d} is not of cells; only cells are trafficked", nameof(doses));
            if (!(d.Amount >= 0) || !double.IsFinite(d.Amount) || !(d.Time >= 0)) throw new ArgumentException($"invalid dose {d}", nameof(doses));
            if (d.Route is not ("iv" or "it")) throw new ArgumentException($"unknown route '{d.Route}'; expected iv or it", nameof(doses));
        }
        var boundaries = times.Concat(ordered.Select(d => d.Time)).Concat(Injury.Times).Where(t => t >= 0 && t <= times[^1])
            .Prepend(0).Distinct().OrderBy(t => t).ToArray();
        var total = ordered.Sum(d => (long)Math.Round(d.Amount));
        var population = new CellPopulation(Rates, total, Math.Max(boundaries[^1], 1e-9), Math.Max(boundaries[^1], 1e-9) / boundaries.Length);
        var random = new Xoshiro256StarStar(seed, false);

        var counts = new long[times.Length * TraffickingResult.LocationCount];
        int nextTime = 0, nextDose = 0;
        for (var e = 0; e < boundaries.Length; e++)
        {
            var a = boundaries[e];
            if (nextTime < times.Length && times[nextTime] == a)
            {
                for (var loc = 0; loc < TraffickingResult.LocationCount; loc++)
                    counts[nextTime * TraffickingResult.LocationCount + loc] = population.Count((CellLocation)loc);
                nextTime++;
            }
            for (; nextDose < ordered.Length && ordered[nextDose].Time == a; nextDose++)
                population.Give(ordered[nextDose].Route == "it" ? CellLocation.Csf : CellLocation.Blood, (long)Math.Round(ordered[nextDose].Amount), random);
            if (e + 1 < boundaries.Length) population.Advance(boundaries[e + 1], Injury.Value(a), Injury.Value(boundaries[e + 1]), random);
        }
        return new TraffickingResult((double[])times.Clone(), counts, population.Events, population.RejectedCandidates);
    }
}
