using System.Globalization;
using CellTherapySim.Modeling;
using CellTherapySim.Simulation;
using CellTherapySim.Solvers;
using MathNet.Numerics.Random;

namespace CellTherapySim.Agents;

/// <summary>The lattice at one time: microglia, fields and engrafted cells per site (copies).</summary>
/// <param name="Time">Day.</param>
/// <param name="Size">Sites per side (row-major sites, row 0 dorsal, column 0 medial).</param>
/// <param name="Spacing">µm between sites.</param>
/// <param name="Activated">Per site: 1 if the microglial cell is activated.</param>
/// <param name="FieldNames">The fields' state names.</param>
/// <param name="Fields">Per field: its value at every site.</param>
/// <param name="SiteCells">Per site: engrafted transplanted cells.</param>
public sealed record LatticeSnapshot(double Time, int Size, double Spacing, byte[] Activated, IReadOnlyList<string> FieldNames, IReadOnlyList<double[]> Fields, int[] SiteCells)
{
    /// <summary>Fraction of activated microglia.</summary>
    public double ActivatedFraction => DorsalHornLattice.Fraction(Activated);
}

/// <summary>Work done by one hybrid run.</summary>
/// <param name="Steps">Lattice time steps.</param>
/// <param name="LargestStep">Largest step (day).</param>
/// <param name="SiteUpdates">Microglia and local field updates (sites × steps).</param>
/// <param name="CellEvents">Transitions of transplanted cells.</param>
/// <param name="MicrogliaTransitions">Activations plus deactivations.</param>
public sealed record AgentStatistics(int Steps, double LargestStep, long SiteUpdates, long CellEvents, long MicrogliaTransitions)
{
    /// <summary>Agent updates: site updates plus cell transitions.</summary>
    public long AgentUpdates => SiteUpdates + CellEvents;
}

/// <summary>The fastest rates (1/day) along a run's mean-field path: of a lattice state (fields, microglia) and of a well-mixed state.</summary>
public readonly record struct FastestRates(double Lattice, double WellMixed);

/// <summary>One hybrid run: lattice-mean states and readouts at the output times, snapshots and work counters.</summary>
public sealed record HybridRun(Trajectory Trajectory, IReadOnlyList<LatticeSnapshot> Snapshots, AgentStatistics Statistics);

/// <summary>
/// The hybrid agent-based engine: every transplanted cell is an agent (<see cref="CellPopulation"/>), microglia and the
/// fields live on a <see cref="DorsalHornLattice"/>, and the remaining states stay well-mixed. The ODE is its
/// mean-field limit: with uniform afferents and fast diffusion the lattice means follow the ODE.
/// </summary>
/// <remarks>
/// <para>A step [t, t + Δ] (operator splitting, first order): (1) well-mixed states by the linearly implicit Euler step
/// x += Δ f / (1 − Δ min(∂f/∂x, 0)) at the lattice-mean state; (2) at every site, the fields by the same step with the
/// model's own equations evaluated at the local state — local fields, the site's microglial cell as M ∈ {0, 1}, the
/// site's engrafted cells as T = cells·scale·sites (lattice mean = the ODE's T) and the afferent state times the site's
/// territory weight — and the microglial cell flips with probability 1 − exp(−rate·Δ), rate α = f_M(M = 0) when
/// resting and β = −f_M(M = 1) when activated; (3) diffusion (<see cref="DorsalHornLattice.Diffuse"/>); (4) the cells
/// over [t, t + Δ] with D linear between its values at t and t + Δ (exact thinning).</para>
/// <para>Δ is the largest step ≤ 0.01 day with Δ·r ≤ 0.02, r the fastest rate |∂fᵢ/∂xᵢ| of a field or the microglia
/// state along the mean-field (ODE) path, and output, dose and snapshot times fall on step boundaries; the well-mixed
/// states take as many sub-steps of (1) as keep their own fastest rate times the sub-step at or below 0.002 (a
/// multirate splitting: a fast product compartment, e.g. NAC absorption at 100/day, does not shrink the lattice's step).
/// Doses of products other than cells go into their well-mixed target state (or uniformly onto a field they target).</para>
/// </remarks>
public sealed class HybridSimulator
{
    /// <summary>Largest automatic step (day).</summary>
    public const double MaxAutomaticStep = 0.01;

    /// <summary>Automatic steps keep Δ × the fastest rate at or below this.</summary>
    public const double StepRateProduct = 0.02;

    /// <summary>
    /// Sub-steps of the well-mixed states keep Δ × their fastest rate at or below this: they cost one right-hand side and
    /// Jacobian of the model each (no lattice work), so they can be ten times finer than the lattice's step.
    /// </summary>
    public const double WellMixedStepRateProduct = 0.002;

    /// <summary>
    /// A fixed step is refused when Δ × the fastest rate exceeds this: the splitting error is first order, and at 0.1 the
    /// well-mixed limit still meets the issue's 2% (at 0.42 it misses it: R off by 10%, PMWT by 0.34 g).
    /// </summary>
    public const double MaxStepRateProduct = 0.1;

    /// <summary>Most transplanted cells one run follows (17 bytes each: 850 MB); larger doses are for the ODE.</summary>
    public const long MaxCells = 50_000_000;

    private readonly Simulator _meanField;

    /// <summary>Creates the engine for <paramref name="model"/>; <paramref name="solver"/> and <paramref name="options"/> solve the mean-field ODE.</summary>
    public HybridSimulator(AgentModel model, SolverKind solver = SolverKind.Stiff, SolverOptions? options = null)
    {
        Model = model;
        _meanField = new Simulator(model.Model, solver, options);
    }

    /// <summary>The agent model.</summary>
    public AgentModel Model { get; }

    /// <summary>The mean-field (ODE) simulator of the same model.</summary>
    public Simulator MeanField => _meanField;

    /// <summary>
    /// The fastest rates |∂fᵢ/∂xᵢ| (1/day) along the mean-field path of the run, sampled every 0.05 day: of a field or
    /// the microglia state (<see cref="FastestRates.Lattice"/>, which sets the step) and of a well-mixed state
    /// (<see cref="FastestRates.WellMixed"/>, which sets its sub-steps). States that stay 0 on the whole path (products not
    /// dosed) do not count.
    /// </summary>
    public FastestRates Rates(double[] parameters, double[] initial, IReadOnlyList<Dose> doses, double end)
    {
        var model = Model.Model;
        var n = model.StateCount;
        var grid = Enumerable.Range(0, (int)Math.Ceiling(end / 0.05) + 1).Select(i => Math.Min(i * 0.05, end)).Distinct().ToArray();
        var path = _meanField.Simulate(parameters, initial, doses, grid);
        bool Moves(int s) => Enumerable.Range(0, grid.Length).Any(i => path.States[i * n + s] != 0);
        var lattice = Model.FieldStates.Append(Model.Section.MicrogliaState).Where(Moves).ToArray();
        var wellMixed = Model.GlobalStates.Where(Moves).ToArray();
        var x = new double[n];
        var jacobian = new double[n * n];
        var dfdt = new double[n];
        var (fastestLattice, fastestWellMixed) = (0.0, 0.0);
        for (var i = 0; i < grid.Length; i++)
        {
            Array.Copy(path.States, i * n, x, 0, n);
            model.Jacobian(grid[i], x, parameters, jacobian, dfdt);
            foreach (var s in lattice) fastestLattice = Math.Max(fastestLattice, Math.Abs(jacobian[s * n + s]));
            foreach (var s in wellMixed) fastestWellMixed = Math.Max(fastestWellMixed, Math.Abs(jacobian[s * n + s]));
        }
        return new FastestRates(fastestLattice, fastestWellMixed);
    }

    /// <summary>The fastest lattice rate (fields and microglia; see <see cref="Rates"/>), which sets the step.</summary>
    public double FastestRate(double[] parameters, double[] initial, IReadOnlyList<Dose> doses, double end) =>
        Rates(parameters, initial, doses, end).Lattice;

    /// <summary>
    /// Simulates one animal from <paramref name="initial"/> at day 0 through <paramref name="doses"/> to the increasing
    /// output <paramref name="times"/>; <paramref name="seed"/> seeds every random draw; lattice snapshots are taken at
    /// <paramref name="snapshotTimes"/> (each within [0, last output time]).
    /// </summary>
    /// <exception cref="InputException">The model's fixed agent step is too coarse for its fastest rate, a cell compartment does not start empty, or the doses exceed <see cref="MaxCells"/>.</exception>
    /// <exception cref="SimulationException">A state became negative or not finite.</exception>
    public HybridRun Simulate(double[] parameters, double[] initial, IReadOnlyList<Dose> doses, double[] times, int seed,
        IReadOnlyList<double>? snapshotTimes = null)
    {
        if (times.Length == 0) throw new ArgumentException("no output times", nameof(times));
        for (var i = 1; i < times.Length; i++)
            if (!(times[i] > times[i - 1])) throw new ArgumentException("output times must be strictly increasing", nameof(times));
        var end = times[^1];
        var snapshots = (snapshotTimes ?? []).Distinct().OrderBy(t => t).ToArray();
        if (snapshots.Any(t => t < 0 || t > end)) throw new ArgumentException($"snapshot times must lie within [0, {end}]", nameof(snapshotTimes));
        var ordered = doses.Where(d => d.Time <= end).OrderBy(d => d.Time).ToArray();
        CheckCellCount(ordered, "agent engine", "the doses");
        var rates = end > 0 ? Rates(parameters, initial, ordered, end) : new FastestRates(0, 0);
        var step = Step(rates.Lattice);
        var run = new Run(this, parameters, initial, ordered, seed, Math.Max(end, step), step, rates.WellMixed);
        return run.Execute(times, snapshots);
    }

    /// <summary>Refuses doses of more than <see cref="MaxCells"/> cells in all (other products do not count), naming <paramref name="source"/> and <paramref name="what"/>.</summary>
    /// <exception cref="InputException">Too many cells.</exception>
    public static void CheckCellCount(IEnumerable<Dose> doses, string source, string what)
    {
        var cells = doses.Where(d => d.Product == Dose.CellsProduct).Sum(d => Math.Round(d.Amount));
        if (cells > MaxCells)
            throw new InputException(source, $"{what} give {cells.ToString("0.##e0", CultureInfo.InvariantCulture)} cells; the agent engine follows every cell and takes at most {MaxCells.ToString("0.##e0", CultureInfo.InvariantCulture)} per animal (17 bytes each); use the ODE engine for larger doses");
    }

    /// <summary>The step: the model's fixed agent step (checked against the fastest lattice rate) or the automatic one.</summary>
    private double Step(double fastest)
    {
        if (Model.Section.Step is { } fixedStep)
        {
            if (fastest * fixedStep > MaxStepRateProduct)
                throw new InputException(Model.Model.Definition.Source,
                    $"agent: step {fixedStep} day is too coarse: the fastest local rate along the mean-field path is {fastest:G3}/day, so the step must be ≤ {MaxStepRateProduct / fastest:G3} day ({MaxStepRateProduct}/rate) for accurate updates; lower it or remove it for the automatic step");
            return fixedStep;
        }
        return fastest > 0 ? Math.Min(MaxAutomaticStep, StepRateProduct / fastest) : MaxAutomaticStep;
    }

    /// <summary>The mutable state of one run.</summary>
    private sealed class Run
    {
        private readonly AgentModel _model;
        private readonly double[] _p;
        private readonly Dose[] _doses;
        private readonly double _step;
        private readonly double _wellMixedRate;
        private readonly Xoshiro256StarStar _random;
        private readonly DorsalHornLattice _lattice;
        private readonly double[] _weights;
        private readonly CellPopulation _cells;
        private readonly double[] _mean;
        private readonly double[] _local;
        private readonly double[] _kinetics;
        private readonly double[] _derivative;
        private readonly double[] _jacobian;
        private readonly double[] _dfdt;
        private readonly double[] _scales;
        private int _steps;
        private double _largestStep;
        private long _transitions;

        public Run(HybridSimulator owner, double[] parameters, double[] initial, Dose[] doses, int seed, double horizon, double step, double wellMixedRate)
        {
            _wellMixedRate = wellMixedRate;
            _model = owner.Model;
            var section = _model.Section;
            var n = _model.Model.StateCount;
            _p = parameters;
            _doses = doses;
            _step = step;
            _random = new Xoshiro256StarStar(seed, false);
            _lattice = new DorsalHornLattice(section.Lattice.Size, section.Lattice.Spacing, section.Fields.Select(f => f.Diffusion).ToList());
            _weights = DorsalHornLattice.AfferentWeights(section.Lattice.Size, section.Afferents);
            var placement = new SitePlacement(section.Placement == CellPlacement.Uniform ? Enumerable.Repeat(1.0, _lattice.Sites).ToArray() : _weights);
            var capacity = doses.Where(d => d.Product == Dose.CellsProduct).Sum(d => (long)Math.Round(d.Amount));
            _scales = _model.Model.DoseScaleValues(parameters);
            _cells = new CellPopulation(_model.Rates(parameters), capacity, horizon, step, placement);
            _mean = (double[])initial.Clone();
            _local = new double[n];
            _kinetics = new double[2 * _model.FieldStates.Length + 1];
            _derivative = new double[n];
            _jacobian = new double[n * n];
            _dfdt = new double[n];

            for (var f = 0; f < _model.FieldStates.Length; f++) Array.Fill(_lattice.Fields[f], initial[_model.FieldStates[f]]);
            var activated = Math.Clamp(initial[section.MicrogliaState], 0, 1);
            for (var s = 0; s < _lattice.Sites; s++) _lattice.Activated[s] = _random.NextDouble() < activated ? (byte)1 : (byte)0;
            var c = section.Cells;
            if (initial[c.Blood] != 0 || initial[c.Lung] != 0 || initial[c.Csf] != 0 || initial[c.Site] != 0)
                throw new InputException(_model.Model.Definition.Source,
                    $"agent: the cell compartments ({string.Join(", ", new[] { c.Blood, c.Lung, c.Csf, c.Site }.Select(i => _model.Model.Definition.States[i].Name))}) must start empty (initial values and injury presets 0); give transplanted cells as doses");
            UpdateMeans();
        }

        public HybridRun Execute(double[] times, double[] snapshotTimes)
        {
            var model = _model.Model;
            int n = model.StateCount, nr = model.ReadoutCount;
            var states = new double[times.Length * n];
            var readouts = new double[times.Length * nr];
            var snapshots = new List<LatticeSnapshot>();
            var readout = new double[nr];
            var boundaries = times.Concat(snapshotTimes).Concat(_doses.Select(d => d.Time)).Append(0)
                .Distinct().OrderBy(t => t).ToArray();
            int nextTime = 0, nextSnapshot = 0, nextDose = 0;
            var t = 0.0;
            for (var b = 0; b < boundaries.Length; b++)
            {
                var boundary = boundaries[b];
                if (boundary > t)
                {
                    var count = (int)Math.Ceiling((boundary - t) / _step - 1e-9);
                    var h = (boundary - t) / count;
                    var start = t;
                    for (var k = 1; k <= count; k++)
                    {
                        var next = k == count ? boundary : start + k * h;
                        Advance(t, next - t);
                        t = next;
                    }
                }
                if (nextTime < times.Length && times[nextTime] == boundary)
                {
                    Array.Copy(_mean, 0, states, nextTime * n, n);
                    model.Readouts(boundary, _mean, _p, readout);
                    Array.Copy(readout, 0, readouts, nextTime * nr, nr);
                    nextTime++;
                }
                if (nextSnapshot < snapshotTimes.Length && snapshotTimes[nextSnapshot] == boundary)
                {
                    snapshots.Add(Snapshot(boundary));
                    nextSnapshot++;
                }
                for (; nextDose < _doses.Length && _doses[nextDose].Time == boundary; nextDose++) Give(_doses[nextDose]);
                UpdateMeans();
            }
            var statistics = new SolverStatistics(_steps, 0, 0, 0, 0);
            return new HybridRun(new Trajectory((double[])times.Clone(), states, readouts, n, nr, statistics), snapshots,
                new AgentStatistics(_steps, _largestStep, (long)_steps * _lattice.Sites, _cells.Events, _transitions));
        }

        /// <summary>
        /// Gives a dose: cells as agents into blood or CSF; another product's model amount into its well-mixed target state,
        /// or uniformly onto every site of a field it targets.
        /// </summary>
        private void Give(Dose dose)
        {
            if (dose.Product == Dose.CellsProduct)
            {
                _cells.Give(_model.Entry(dose.Route), (long)Math.Round(dose.Amount), _random);
                return;
            }
            var route = _model.Model.Definition.DoseRoute(dose.Product, dose.Route).Route!;
            var amount = dose.Amount * _scales[route.Index];
            var field = Array.IndexOf(_model.FieldStates, route.TargetState);
            if (field < 0) _mean[route.TargetState] += amount;
            else for (var s = 0; s < _lattice.Sites; s++) _lattice.Fields[field][s] += amount;
        }

        /// <summary>One step of length <paramref name="h"/> from <paramref name="t"/>.</summary>
        private void Advance(double t, double h)
        {
            var model = _model.Model;
            var n = model.StateCount;
            var section = _model.Section;

            // (1) Well-mixed states at the lattice-mean state (the sites below see the values at t), in sub-steps short
            // enough for the fastest well-mixed rate (e.g. a product's absorption), the lattice means held at their values at t.
            Array.Copy(_mean, _local, n);
            var afferent = section.Afferents.State;
            var injuryAtStart = _mean[afferent];
            var substeps = Math.Max(1, (int)Math.Ceiling(h * _wellMixedRate / WellMixedStepRateProduct - 1e-9));
            var hs = h / substeps;
            for (var j = 0; j < substeps; j++)
            {
                model.RightHandSide(t + j * hs, _mean, _p, _derivative);
                model.Jacobian(t + j * hs, _mean, _p, _jacobian, _dfdt);
                foreach (var s in _model.GlobalStates)
                    _mean[s] += hs * _derivative[s] / (1 - hs * Math.Min(_jacobian[s * n + s], 0));
            }
            var injuryAtEnd = Math.Max(_mean[afferent], 0);

            // (2) Local reactions and microglia at each site's state at t.
            var fields = _model.FieldStates;
            var k = fields.Length;
            var m = section.MicrogliaState;
            var site = section.Cells.Site;
            var siteCells = _cells.SiteCells!;
            var perCell = _model.CellScale * _lattice.Sites;
            var lattice = _lattice.Fields;
            var activated = _lattice.Activated;
            long transitions = 0;
            for (var s = 0; s < _lattice.Sites; s++)
            {
                for (var f = 0; f < k; f++) _local[fields[f]] = lattice[f][s];
                _local[m] = activated[s];
                _local[site] = siteCells[s] * perCell;
                _local[afferent] = injuryAtStart * _weights[s];
                _model.LocalKinetics(t, _local, _p, _kinetics);
                for (var f = 0; f < k; f++)
                    lattice[f][s] += h * _kinetics[f] / (1 - h * Math.Min(_kinetics[k + 1 + f], 0));
                var rate = activated[s] == 0 ? _kinetics[k] : -_kinetics[k];
                if (rate <= 0) continue;
                // Flip with probability 1 − e^(−rate·h); as that is below rate·h, most draws are decided without exp.
                var u = _random.NextDouble();
                if (u < rate * h && u < -double.ExpM1(-rate * h))
                {
                    activated[s] ^= 1;
                    transitions++;
                }
            }
            _transitions += transitions;

            // (3) Diffusion; (4) the transplanted cells, D linear over the step.
            _lattice.Diffuse(h);
            _cells.Advance(t + h, injuryAtStart, injuryAtEnd, _random);
            _steps++;
            _largestStep = Math.Max(_largestStep, h);
            UpdateMeans();
            foreach (var v in _mean)
                if (!double.IsFinite(v))
                    throw new SimulationException($"the agent engine produced a non-finite state at day {t + h:0.###}");
        }

        /// <summary>The lattice-mean state: cell amounts from the counts, field means, the activated fraction.</summary>
        private void UpdateMeans()
        {
            var c = _model.Section.Cells;
            var scale = _model.CellScale;
            _mean[c.Blood] = _cells.Count(CellLocation.Blood) * scale;
            _mean[c.Lung] = _cells.Count(CellLocation.Lung) * scale;
            _mean[c.Csf] = _cells.Count(CellLocation.Csf) * scale;
            _mean[c.Site] = _cells.Count(CellLocation.Site) * scale;
            for (var f = 0; f < _model.FieldStates.Length; f++) _mean[_model.FieldStates[f]] = _lattice.Mean(f);
            _mean[_model.Section.MicrogliaState] = _lattice.ActivatedFraction();
        }

        private LatticeSnapshot Snapshot(double time) => new(time, _lattice.Size, _lattice.Spacing, (byte[])_lattice.Activated.Clone(),
            _model.FieldStates.Select(s => _model.Model.Definition.States[s].Name).ToList(),
            _lattice.Fields.Select(f => (double[])f.Clone()).ToList(), (int[])_cells.SiteCells!.Clone());
    }
}
