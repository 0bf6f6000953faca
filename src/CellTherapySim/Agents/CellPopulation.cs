using MathNet.Numerics.Distributions;

namespace CellTherapySim.Agents;

/// <summary>
/// The transplanted cells of one animal as agents, advanced epoch by epoch: each cell is a continuous-time Markov chain
/// over <see cref="CellLocation"/> with competing exponential clocks (Gillespie, J Phys Chem 1977); the homing rate
/// k_BT·D(t), with D linear on each epoch, is handled exactly by thinning (Lewis &amp; Shedler, Nav Res Logist Q 1979).
/// </summary>
/// <remarks>
/// <para>Rates from each location: blood → lung k_BL, → liver/spleen k_BO, → site k_BT·D(t); lung → blood k_LB, → dead k_Ld;
/// CSF → site k_QT, → blood k_QB; site → dead k_Td. A cell in a constant-rate location holds the time of its next event.
/// A cell in blood draws candidates at the constant rate Λ = k_BL + k_BO + k_BT·max(D) over the epoch; a candidate at t
/// goes to lung with probability k_BL/Λ, to liver/spleen with k_BO/Λ, to the site with k_BT·D(t)/Λ and is otherwise
/// rejected; a candidate beyond the epoch is discarded and the cell resumes from the epoch's end (memoryless).</para>
/// <para>Event-driven and structure-of-arrays: a byte location, a double clock, an int link and an int lattice site per
/// cell. Cells wait in a calendar of time buckets (Brown, Commun ACM 1988) keyed by their next event (blood cells: the
/// epoch's end), so an epoch visits only the cells due in it; absorbed cells are never visited again.</para>
/// </remarks>
public sealed class CellPopulation
{
    private const byte Blood = (byte)CellLocation.Blood, Lung = (byte)CellLocation.Lung, Organ = (byte)CellLocation.LiverSpleen,
        Csf = (byte)CellLocation.Csf, Site = (byte)CellLocation.Site, Dead = (byte)CellLocation.Dead;
    private const int None = -1;

    private readonly TraffickingRates _rates;
    private readonly SitePlacement? _placement;
    private readonly byte[] _location;
    private readonly double[] _clock;
    private readonly int[] _link;
    private readonly int[]? _site;
    private readonly int[] _head;
    private readonly double _inverseWidth;
    private readonly long[] _counts = new long[TraffickingResult.LocationCount];
    private int _cells;
    private int _firstBucket;

    /// <summary>
    /// Creates an empty population with room for <paramref name="capacity"/> cells, to be advanced up to
    /// <paramref name="horizon"/> days with buckets <paramref name="bucketWidth"/> days wide (about one epoch);
    /// cells arriving at the site settle on a lattice site drawn from <paramref name="placement"/>, if given.
    /// </summary>
    public CellPopulation(TraffickingRates rates, long capacity, double horizon, double bucketWidth, SitePlacement? placement = null)
    {
        var all = new[] { rates.KBL, rates.KLB, rates.KLd, rates.KBO, rates.KBT, rates.KQT, rates.KQB, rates.KTd };
        if (all.Any(r => !(r >= 0) || !double.IsFinite(r))) throw new ArgumentException("rates must be finite and ≥ 0", nameof(rates));
        if (capacity < 0 || capacity > Array.MaxLength) throw new ArgumentException($"cannot hold {capacity} cells (limit {Array.MaxLength})", nameof(capacity));
        if (!(horizon > 0) || !(bucketWidth > 0) || horizon / bucketWidth > 1e7)
            throw new ArgumentException("horizon and bucket width must be positive, with at most 1e7 buckets");
        _rates = rates;
        _placement = placement;
        var n = (int)capacity;
        _location = new byte[n];
        _clock = new double[n];
        _link = new int[n];
        _site = placement is null ? null : new int[n];
        SiteCells = placement is null ? null : new int[placement.SiteCount];
        _inverseWidth = 1 / bucketWidth;
        _head = new int[(int)Math.Ceiling(horizon * _inverseWidth) + 2];
        Array.Fill(_head, None);
        Horizon = horizon;
    }

    /// <summary>The current time (day).</summary>
    public double Time { get; private set; }

    /// <summary>The last time the population can be advanced to (day).</summary>
    public double Horizon { get; }

    /// <summary>Cells given so far.</summary>
    public int Cells => _cells;

    /// <summary>Cells per lattice site now (null without a placement).</summary>
    public int[]? SiteCells { get; }

    /// <summary>Cell transitions so far.</summary>
    public long Events { get; private set; }

    /// <summary>Rejected thinning candidates so far.</summary>
    public long RejectedCandidates { get; private set; }

    /// <summary>Cells in <paramref name="location"/> now.</summary>
    public long Count(CellLocation location) => _counts[(int)location];

    /// <summary>Gives <paramref name="cells"/> cells now into <paramref name="entry"/> (blood or CSF).</summary>
    public void Give(CellLocation entry, long cells, Random random)
    {
        if (entry is not (CellLocation.Blood or CellLocation.Csf)) throw new ArgumentException("cells enter blood or CSF", nameof(entry));
        if (cells < 0 || _cells + cells > _location.Length) throw new ArgumentException($"room for {_location.Length - _cells} more cells, not {cells}", nameof(cells));
        var leaveCsf = _rates.KQT + _rates.KQB;
        for (var i = _cells; i < _cells + cells; i++)
        {
            if (entry == CellLocation.Csf) { _location[i] = Csf; _clock[i] = Time + Next(random, leaveCsf); }
            else { _location[i] = Blood; _clock[i] = Time; }
            Insert(i, _firstBucket);
        }
        _counts[(int)entry] += cells;
        _cells += (int)cells;
    }

    /// <summary>
    /// Advances every cell from <see cref="Time"/> to <paramref name="end"/>, with D linear from
    /// <paramref name="injuryAtStart"/> to <paramref name="injuryAtEnd"/> over the epoch.
    /// </summary>
    public void Advance(double end, double injuryAtStart, double injuryAtEnd, Random random)
    {
        var start = Time;
        if (!(end > start) || end > Horizon * (1 + 1e-12)) throw new ArgumentException($"cannot advance from {start} to {end} (horizon {Horizon})", nameof(end));
        if (!(injuryAtStart >= 0) || !(injuryAtEnd >= 0)) throw new ArgumentException("D must be ≥ 0");
        var r = _rates;
        double leaveLung = r.KLB + r.KLd, leaveCsf = r.KQT + r.KQB, slope = (injuryAtEnd - injuryAtStart) / (end - start);
        var bound = r.KBL + r.KBO + r.KBT * Math.Max(injuryAtStart, injuryAtEnd);
        // Every waiting cell is filed at or after _firstBucket, and a cell due before `end` no later than `last`;
        // cells left waiting are due at or after `end`, so they are filed from the bucket holding `end` on.
        var endBucket = (int)Math.Min(end * _inverseWidth, _head.Length - 1);
        var last = endBucket / _inverseWidth >= end ? endBucket - 1 : endBucket; // bucket endBucket may start at `end`
        last = Math.Clamp(last, _firstBucket, _head.Length - 1);
        var resume = Math.Max(endBucket, _firstBucket);
        long events = 0, rejected = 0;
        for (var bucket = _firstBucket; bucket <= last; bucket++)
        {
            var i = _head[bucket];
            _head[bucket] = None;
            while (i != None)
            {
                var following = _link[i];
                var loc = _location[i];
                var t = _clock[i];
                while (true)
                {
                    if (loc == Blood)
                    {
                        t += Next(random, bound);
                        if (t >= end) { t = end; break; }
                        var u = random.NextDouble() * bound;
                        if (u < r.KBL) { loc = Move(i, Blood, Lung, random); t += Next(random, leaveLung); events++; }
                        else if (u < r.KBL + r.KBO) { loc = Move(i, Blood, Organ, random); t = double.PositiveInfinity; events++; break; }
                        else if (u < r.KBL + r.KBO + r.KBT * (injuryAtStart + slope * (t - start))) { loc = Move(i, Blood, Site, random); t += Next(random, r.KTd); events++; }
                        else rejected++;
                    }
                    else
                    {
                        if (t >= end) break; // includes absorbed cells (t = +∞)
                        events++;
                        if (loc == Lung)
                        {
                            if (random.NextDouble() * leaveLung < r.KLB) loc = Move(i, Lung, Blood, random);
                            else { loc = Move(i, Lung, Dead, random); t = double.PositiveInfinity; break; }
                        }
                        else if (loc == Csf)
                        {
                            if (random.NextDouble() * leaveCsf < r.KQT) { loc = Move(i, Csf, Site, random); t += Next(random, r.KTd); }
                            else loc = Move(i, Csf, Blood, random);
                        }
                        else { loc = Move(i, Site, Dead, random); t = double.PositiveInfinity; break; }
                    }
                }
                _location[i] = loc;
                _clock[i] = t;
                if (double.IsFinite(t)) Insert(i, resume);
                i = following;
            }
        }
        _firstBucket = resume;
        Time = end;
        Events += events;
        RejectedCandidates += rejected;
    }

    /// <summary>Moves cell <paramref name="i"/> between locations, keeping the counts and the lattice occupancy.</summary>
    private byte Move(int i, byte from, byte to, Random random)
    {
        _counts[from]--;
        _counts[to]++;
        if (_placement is not null)
        {
            if (from == Site) SiteCells![_site![i]]--;
            if (to == Site) SiteCells![_site![i] = _placement.Sample(random)]++;
        }
        return to;
    }

    /// <summary>Files cell <paramref name="i"/> under the bucket of its clock, but not before <paramref name="earliest"/>.</summary>
    private void Insert(int i, int earliest)
    {
        var t = _clock[i];
        if (t > Horizon) return; // never due within the run
        var bucket = Math.Min(Math.Max((int)(t * _inverseWidth), earliest), _head.Length - 1);
        _link[i] = _head[bucket];
        _head[bucket] = i;
    }

    /// <summary>An exponential waiting time with <paramref name="rate"/> (+∞ for rate 0).</summary>
    private static double Next(Random random, double rate) =>
        rate > 0 ? Exponential.Sample(random, rate) : double.PositiveInfinity;
}

/// <summary>Where cells arriving at the injured site settle: lattice site k with probability weight[k] / Σ weight.</summary>
public sealed class SitePlacement
{
    private readonly double[] _cumulative;

    /// <summary>Creates the placement from non-negative <paramref name="weights"/> (one per lattice site, not all zero).</summary>
    public SitePlacement(IReadOnlyList<double> weights)
    {
        _cumulative = new double[weights.Count];
        var sum = 0.0;
        for (var k = 0; k < weights.Count; k++)
        {
            if (!(weights[k] >= 0) || !double.IsFinite(weights[k])) throw new ArgumentException("weights must be finite and ≥ 0", nameof(weights));
            _cumulative[k] = sum += weights[k];
        }
        if (!(sum > 0)) throw new ArgumentException("at least one weight must be positive", nameof(weights));
        for (var k = 0; k < _cumulative.Length; k++) _cumulative[k] /= sum;
        _cumulative[^1] = 1;
    }

    /// <summary>Number of lattice sites.</summary>
    public int SiteCount => _cumulative.Length;

    /// <summary>A site drawn with probability proportional to its weight (inversion by binary search).</summary>
    public int Sample(Random random)
    {
        var u = random.NextDouble();
        int lo = 0, hi = _cumulative.Length - 1;
        while (lo < hi)
        {
            var mid = (lo + hi) >> 1;
            if (_cumulative[mid] > u) hi = mid; else lo = mid + 1;
        }
        return lo;
    }
}
