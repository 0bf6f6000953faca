namespace CellTherapySim.Inference.Sampling;

/// <summary>
/// The No-U-Turn sampler as implemented in Stan (base_nuts.hpp, Stan ≥ 2.26) with Stan's warm-up adaptation.
/// </summary>
/// <remarks>
/// <para>
/// Algorithm: Hoffman &amp; Gelman (2014), "The No-U-Turn Sampler", JMLR 15:1593–1623, with the changes described in
/// Betancourt (2017), "A Conceptual Introduction to Hamiltonian Monte Carlo", arXiv:1701.02434 — the trajectory is
/// doubled forwards or backwards in time until a U-turn; the draw is taken from it by multinomial sampling over the
/// states' weights exp(−H), biased progressive sampling when a new subtree joins the trajectory (§A.3.2) and uniform
/// progressive sampling within subtrees; the U-turn test is the generalised criterion p♯₋·ρ &gt; 0 and p♯₊·ρ &gt; 0 with
/// ρ the summed momenta and p♯ = M⁻¹p (§A.4.2), applied to every merged subtree and, as Stan does since 2.26, also
/// across the two halves of each merge (each half extended by the adjacent end point of the other).
/// </para>
/// <para>
/// Integrator: leapfrog with a diagonal or dense Euclidean metric. A step whose energy error H − H₀ exceeds 1000 is
/// divergent and ends the trajectory (the draw comes from the part built before it). A step landing where the density
/// cannot be evaluated (log density −∞, +∞ or NaN) counts in <see cref="RejectedEvaluations"/> and, as Stan treats a
/// rejected proposal, has H = +∞: the trajectory stops there as divergent.
/// accept_stat__ is the mean of min(1, exp(H₀ − H)) over all states the trajectory added, including a rejected last subtree.
/// </para>
/// <para>
/// Warm-up (Stan's adapt_diag_e_nuts / adapt_dense_e_nuts): the initial step size heuristic of base_hmc::init_stepsize
/// (one leapfrog step from fresh momenta, doubling or halving ε until the step's acceptance exp(−ΔH) crosses 0.8 — Stan's
/// threshold; Hoffman &amp; Gelman's Algorithm 4 uses 0.5), dual averaging of the step size towards
/// <see cref="NutsSettings.TargetAcceptance"/> (see <see cref="StepSizeAdaptation"/>) and windowed metric adaptation
/// (see <see cref="MetricAdaptation"/>); after each metric window the step size is re-initialised and dual averaging
/// restarts with μ = log(10 ε). Without warm-up the sampler runs with the initial step size and the unit metric.
/// </para>
/// <para>
/// All randomness comes from the given <see cref="Random"/> (a seed gives identical draws). Nothing is allocated per
/// leapfrog step or per tree node: phase points and the buffers of every tree depth are allocated once, here; each
/// iteration allocates only the <see cref="NutsDraw.Position"/> copy. One instance serves one chain on one thread.
/// </para>
/// </remarks>
public sealed class NutsSampler
{
    /// <summary>Stan's max_deltaH_: energy error beyond which a step is divergent.</summary>
    private const double MaxEnergyError = 1000;

    /// <summary>init_stepsize's acceptance threshold, log(0.8) as in Stan.</summary>
    private static readonly double InitialStepAcceptanceThreshold = Math.Log(0.8);

    private readonly ILogDensity _density;
    private readonly NutsSettings _settings;
    private readonly Random _random;
    private readonly int _n;
    private readonly EuclideanMetric _metric;
    private readonly StepSizeAdaptation _stepSizeAdaptation;
    private readonly MetricAdaptation _metricAdaptation;

    // The state being integrated (after a transition: the current draw), the two ends of the trajectory, the draw
    // chosen so far, the draw proposed by the new subtree, and a copy kept by init_stepsize.
    private readonly PhasePoint _z;
    private readonly PhasePoint _zForward;
    private readonly PhasePoint _zBackward;
    private readonly PhasePoint _zSample;
    private readonly PhasePoint _zPropose;
    private readonly PhasePoint _zInit;

    // Momenta and sharp momenta at the ends of the backward and forward parts of the trajectory (Stan's p_bck_bck, …),
    // the summed momenta of the whole trajectory and of its two parts, and a scratch vector.
    private readonly double[] _pForwardForward, _pSharpForwardForward, _pForwardBackward, _pSharpForwardBackward;
    private readonly double[] _pBackwardForward, _pSharpBackwardForward, _pBackwardBackward, _pSharpBackwardBackward;
    private readonly double[] _rho, _rhoForward, _rhoBackward, _scratch;

    /// <summary>Buffers of <see cref="BuildTree"/> at each depth ≥ 1 (index = depth).</summary>
    private readonly SubtreeBuffers?[] _subtrees;

    private double _stepSize;
    private long _rejectedEvaluations;

    // Per-transition accumulators shared by the recursion.
    private int _leapfrogSteps;
    private double _sumAcceptProbability;
    private bool _divergent;

    /// <summary>A sampler of <paramref name="density"/> drawing all its random numbers from <paramref name="random"/>.</summary>
    public NutsSampler(ILogDensity density, NutsSettings settings, Random random)
    {
        ArgumentNullException.ThrowIfNull(density);
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(random);
        if (density.Dimension < 1) throw new ArgumentException("The density has no coordinates.", nameof(density));
        if (settings.Warmup < 0 || settings.Draws < 0)
            throw new ArgumentOutOfRangeException(nameof(settings), "Warmup and Draws must not be negative.");
        if (settings.MaxTreeDepth < 1)
            throw new ArgumentOutOfRangeException(nameof(settings), "MaxTreeDepth must be at least 1.");
        if (!(settings.TargetAcceptance > 0 && settings.TargetAcceptance < 1))
            throw new ArgumentOutOfRangeException(nameof(settings), "TargetAcceptance must lie in (0, 1).");
        if (!(settings.InitialStepSize > 0) || !double.IsFinite(settings.InitialStepSize))
            throw new ArgumentOutOfRangeException(nameof(settings), "InitialStepSize must be positive and finite.");

        _density = density;
        _settings = settings;
        _random = random;
        int n = _n = density.Dimension;
        _metric = EuclideanMetric.Create(n, settings.DenseMetric);
        _metric.SetIdentity();
        _stepSizeAdaptation = new StepSizeAdaptation(settings.TargetAcceptance);
        if (settings.InitialInverseMetric is { } initial && (initial.Length != n || !initial.All(v => v > 0 && double.IsFinite(v))))
            throw new ArgumentException($"The initial inverse metric needs {n} positive finite values.", nameof(settings));
        _metricAdaptation = new MetricAdaptation(n, settings.DenseMetric, settings.DenseCoordinates ?? n);
        _stepSize = settings.InitialStepSize;

        _z = new PhasePoint(n);
        _zForward = new PhasePoint(n);
        _zBackward = new PhasePoint(n);
        _zSample = new PhasePoint(n);
        _zPropose = new PhasePoint(n);
        _zInit = new PhasePoint(n);
        _pForwardForward = new double[n];
        _pSharpForwardForward = new double[n];
        _pForwardBackward = new double[n];
        _pSharpForwardBackward = new double[n];
        _pBackwardForward = new double[n];
        _pSharpBackwardForward = new double[n];
        _pBackwardBackward = new double[n];
        _pSharpBackwardBackward = new double[n];
        _rho = new double[n];
        _rhoForward = new double[n];
        _rhoBackward = new double[n];
        _scratch = new double[n];
        _subtrees = new SubtreeBuffers?[settings.MaxTreeDepth];
        for (int depth = 1; depth < settings.MaxTreeDepth; depth++)
            _subtrees[depth] = new SubtreeBuffers(n);
    }

    /// <summary>
    /// The nominal step size: during <see cref="Run"/> the current adaptation iterate; once warm-up is over (from the
    /// first draw with <see cref="NutsDraw.IsWarmup"/> false) the adapted step size (CmdStan's "# Step size = …").
    /// </summary>
    public double StepSize => _stepSize;

    /// <summary>
    /// The inverse mass matrix M⁻¹ (final once warm-up is over): its diagonal, length d (CmdStan's "# Diagonal elements
    /// of inverse mass matrix:"), or with <see cref="NutsSettings.DenseMetric"/> the full d×d matrix, row-major.
    /// </summary>
    public ReadOnlySpan<double> InverseMetric => _metric.Values;

    /// <summary>Evaluations of the density that were not finite (rejected proposals) in the last <see cref="Run"/>.</summary>
    public long RejectedEvaluations => _rejectedEvaluations;

    /// <summary>
    /// Runs <see cref="NutsSettings.Warmup"/> adaptation iterations then <see cref="NutsSettings.Draws"/> sampling
    /// iterations from <paramref name="initialPoint"/>, calling <paramref name="onDraw"/> after each. Each call starts
    /// afresh (<see cref="NutsSettings.InitialInverseMetric"/> or the unit metric, <see cref="NutsSettings.InitialStepSize"/>). Cancellation is checked between iterations and
    /// ends the run without an exception. Returns the number of iterations completed.
    /// </summary>
    /// <exception cref="ArgumentException">The density or its gradient is not finite at <paramref name="initialPoint"/>.</exception>
    /// <exception cref="InvalidOperationException">
    /// The step-size heuristic diverged (improper or discontinuous posterior) or the metric estimate overflowed.
    /// </exception>
    public int Run(ReadOnlySpan<double> initialPoint, Action<NutsDraw> onDraw, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(onDraw);
        if (initialPoint.Length != _n)
            throw new ArgumentException($"The initial point has {initialPoint.Length} coordinates; the density has {_n}.", nameof(initialPoint));
        initialPoint.CopyTo(_z.Q);
        _z.LogDensity = _density.Evaluate(_z.Q, _z.Gradient);
        if (!double.IsFinite(_z.LogDensity) || !AllFinite(_z.Gradient))
            throw new ArgumentException("The log density or its gradient is not finite at the initial point.", nameof(initialPoint));

        if (_settings.InitialInverseMetric is { } initial) _metric.SetDiagonal(initial);
        else _metric.SetIdentity();
        _stepSize = _settings.InitialStepSize;
        _rejectedEvaluations = 0;
        int warmup = _settings.Warmup;
        int total = warmup + _settings.Draws;
        if (warmup > 0)
        {
            _stepSizeAdaptation.Restart(Math.Log(10 * _stepSize));
            _metricAdaptation.Restart(warmup);
            InitializeStepSize();
        }

        for (int iteration = 0; iteration < total; iteration++)
        {
            if (cancellationToken.IsCancellationRequested) return iteration;
            bool isWarmup = iteration < warmup;
            var draw = Transition(isWarmup);
            if (isWarmup) Adapt(draw.AcceptStat, lastWarmupIteration: iteration == warmup - 1);
            onDraw(draw);
        }
        return total;
    }

    /// <summary>Stan's adaptive transition tail: dual averaging, then a metric window end restarts the step size.</summary>
    private void Adapt(double acceptStat, bool lastWarmupIteration)
    {
        _stepSize = _stepSizeAdaptation.Learn(acceptStat);
        if (_metricAdaptation.Learn(_z.Q, _metric))
        {
            InitializeStepSize();
            _stepSizeAdaptation.Restart(Math.Log(10 * _stepSize));
        }
        if (lastWarmupIteration) _stepSize = _stepSizeAdaptation.FinalStepSize;
    }

    /// <summary>One NUTS transition from the current state <see cref="_z"/> (base_nuts::transition); leaves the draw in <see cref="_z"/>.</summary>
    private NutsDraw Transition(bool isWarmup)
    {
        double epsilon = _stepSize;
        _metric.SampleMomentum(_random, _z.P);
        _metric.Sharp(_z.P, _pSharpForwardForward);
        double h0 = Energy(_z, _pSharpForwardForward);

        _zForward.CopyFrom(_z);
        _zBackward.CopyFrom(_z);
        _zSample.CopyFrom(_z);
        Copy(_z.P, _pForwardForward);
        Copy(_z.P, _pForwardBackward);
        Copy(_z.P, _pBackwardForward);
        Copy(_z.P, _pBackwardBackward);
        Copy(_pSharpForwardForward, _pSharpForwardBackward);
        Copy(_pSharpForwardForward, _pSharpBackwardForward);
        Copy(_pSharpForwardForward, _pSharpBackwardBackward);
        Copy(_z.P, _rho);

        double logSumWeight = 0;    // log exp(H₀ − H₀)
        _leapfrogSteps = 0;
        _sumAcceptProbability = 0;
        _divergent = false;
        int depth = 0;

        while (depth < _settings.MaxTreeDepth)
        {
            double logSumWeightSubtree = double.NegativeInfinity;
            bool valid;
            if (_random.NextDouble() > 0.5)
            {
                // Extend forwards: the old trajectory becomes the backward part.
                _z.CopyFrom(_zForward);
                Copy(_rho, _rhoBackward);
                Array.Clear(_rhoForward);
                Copy(_pForwardForward, _pBackwardForward);
                Copy(_pSharpForwardForward, _pSharpBackwardForward);
                valid = BuildTree(depth, _zPropose, _pSharpForwardBackward, _pSharpForwardForward, _rhoForward,
                    _pForwardBackward, _pForwardForward, h0, epsilon, ref logSumWeightSubtree);
                _zForward.CopyFrom(_z);
            }
            else
            {
                // Extend backwards: the old trajectory becomes the forward part.
                _z.CopyFrom(_zBackward);
                Copy(_rho, _rhoForward);
                Array.Clear(_rhoBackward);
                Copy(_pBackwardBackward, _pForwardBackward);
                Copy(_pSharpBackwardBackward, _pSharpForwardBackward);
                valid = BuildTree(depth, _zPropose, _pSharpBackwardForward, _pSharpBackwardBackward, _rhoBackward,
                    _pBackwardForward, _pBackwardBackward, h0, -epsilon, ref logSumWeightSubtree);
                _zBackward.CopyFrom(_z);
            }
            if (!valid) break;
            depth++;

            // Biased progressive sampling: move to the new subtree with probability min(1, w_new / w_old).
            if (logSumWeightSubtree > logSumWeight)
                _zSample.CopyFrom(_zPropose);
            else if (_random.NextDouble() < Math.Exp(logSumWeightSubtree - logSumWeight))
                _zSample.CopyFrom(_zPropose);
            logSumWeight = LogSumExp(logSumWeight, logSumWeightSubtree);

            Array.Clear(_rho);
            bool persist = MergeAndCheck(
                _rhoBackward, _pSharpBackwardBackward, _pSharpBackwardForward, _pBackwardForward,
                _rhoForward, _pSharpForwardBackward, _pSharpForwardForward, _pForwardBackward, _rho);
            if (!persist) break;
        }

        _z.CopyFrom(_zSample);
        _metric.Sharp(_z.P, _scratch);
        return new NutsDraw(
            Position: (double[])_z.Q.Clone(),
            LogDensity: _z.LogDensity,
            AcceptStat: _sumAcceptProbability / _leapfrogSteps,
            StepSize: epsilon,
            TreeDepth: depth,
            LeapfrogSteps: _leapfrogSteps,
            Divergent: _divergent,
            Energy: Energy(_z, _scratch),
            IsWarmup: isWarmup);
    }

    /// <summary>
    /// Builds a subtree of 2^<paramref name="depth"/> leapfrog steps of signed size <paramref name="step"/> from
    /// <see cref="_z"/> (base_nuts::build_tree): leaves <see cref="_z"/> at its far end, the multinomial proposal in
    /// <paramref name="propose"/>, the momenta and sharp momenta at its near (beg) and far (end) ends, adds its summed
    /// momenta to <paramref name="rho"/> and its log weight to <paramref name="logSumWeight"/>. Returns false when the
    /// subtree diverged or turned (it is then discarded, so the outputs are left incomplete).
    /// </summary>
    private bool BuildTree(int depth, PhasePoint propose, double[] pSharpBegin, double[] pSharpEnd, double[] rho,
        double[] pBegin, double[] pEnd, double h0, double step, ref double logSumWeight)
    {
        if (depth == 0)
        {
            _leapfrogSteps++;
            if (!Leapfrog(_z, step))
            {
                _rejectedEvaluations++;
                _divergent = true;     // H = +∞: weight and acceptance probability 0
                return false;
            }
            _metric.Sharp(_z.P, pSharpBegin);
            double h = Energy(_z, pSharpBegin);
            if (double.IsNaN(h)) h = double.PositiveInfinity;
            if (h - h0 > MaxEnergyError) _divergent = true;
            logSumWeight = LogSumExp(logSumWeight, h0 - h);
            _sumAcceptProbability += h0 - h > 0 ? 1 : Math.Exp(h0 - h);
            if (_divergent) return false;

            propose.CopyFrom(_z);
            Copy(pSharpBegin, pSharpEnd);
            var p = _z.P;
            for (int i = 0; i < p.Length; i++) rho[i] += p[i];
            Copy(p, pBegin);
            Copy(p, pEnd);
            return true;
        }

        var b = _subtrees[depth]!;
        Array.Clear(b.RhoInit);
        Array.Clear(b.RhoFinal);

        double logSumWeightInit = double.NegativeInfinity;
        if (!BuildTree(depth - 1, propose, pSharpBegin, b.PSharpInitEnd, b.RhoInit, pBegin, b.PInitEnd, h0, step,
                ref logSumWeightInit))
            return false;

        double logSumWeightFinal = double.NegativeInfinity;
        if (!BuildTree(depth - 1, b.ProposeFinal, b.PSharpFinalBegin, pSharpEnd, b.RhoFinal, b.PFinalBegin, pEnd, h0, step,
                ref logSumWeightFinal))
            return false;

        // Uniform progressive sampling within the subtree: the final half with probability w_final / (w_init + w_final).
        double logSumWeightSubtree = LogSumExp(logSumWeightInit, logSumWeightFinal);
        logSumWeight = LogSumExp(logSumWeight, logSumWeightSubtree);
        if (logSumWeightFinal > logSumWeightSubtree)
            propose.CopyFrom(b.ProposeFinal);
        else if (_random.NextDouble() < Math.Exp(logSumWeightFinal - logSumWeightSubtree))
            propose.CopyFrom(b.ProposeFinal);

        return MergeAndCheck(
            b.RhoInit, pSharpBegin, b.PSharpInitEnd, b.PInitEnd,
            b.RhoFinal, b.PSharpFinalBegin, pSharpEnd, b.PFinalBegin, rho);
    }

    /// <summary>
    /// Merges two adjacent trajectory pieces A then B (in build order): adds ρ_A + ρ_B to <paramref name="rho"/> and
    /// returns Stan's three generalised no-U-turn checks — over the merged piece (ρ_A + ρ_B between A's outer end and
    /// B's outer end), over A extended by B's first state (ρ_A + p_B,beg) and over B extended by A's last state
    /// (ρ_B + p_A,end).
    /// </summary>
    private static bool MergeAndCheck(
        double[] rhoA, double[] pSharpABegin, double[] pSharpAEnd, double[] pAEnd,
        double[] rhoB, double[] pSharpBBegin, double[] pSharpBEnd, double[] pBBegin, double[] rho)
    {
        double merged0 = 0, merged1 = 0, extendedA0 = 0, extendedA1 = 0, extendedB0 = 0, extendedB1 = 0;
        for (int i = 0; i < rho.Length; i++)
        {
            double merged = rhoA[i] + rhoB[i];
            rho[i] += merged;
            merged0 += pSharpABegin[i] * merged;
            merged1 += pSharpBEnd[i] * merged;
            double extendedA = rhoA[i] + pBBegin[i];
            extendedA0 += pSharpABegin[i] * extendedA;
            extendedA1 += pSharpBBegin[i] * extendedA;
            double extendedB = rhoB[i] + pAEnd[i];
            extendedB0 += pSharpAEnd[i] * extendedB;
            extendedB1 += pSharpBEnd[i] * extendedB;
        }
        return merged0 > 0 && merged1 > 0 && extendedA0 > 0 && extendedA1 > 0 && extendedB0 > 0 && extendedB1 > 0;
    }

    /// <summary>
    /// One leapfrog step of size <paramref name="step"/> (Stan's expl_leapfrog): half kick, drift, evaluation, half
    /// kick. Returns false, leaving the momentum half-updated, when the density is not finite at the new position.
    /// </summary>
    private bool Leapfrog(PhasePoint z, double step)
    {
        double halfStep = 0.5 * step;
        var p = z.P;
        var g = z.Gradient;
        for (int i = 0; i < p.Length; i++) p[i] += halfStep * g[i];
        _metric.AddScaledSharp(p, step, z.Q);
        double logDensity = _density.Evaluate(z.Q, g);
        z.LogDensity = logDensity;
        if (!double.IsFinite(logDensity)) return false;
        for (int i = 0; i < p.Length; i++) p[i] += halfStep * g[i];
        return true;
    }

    /// <summary>
    /// Stan's base_hmc::init_stepsize: from the current state, one leapfrog step with fresh momenta; double (or halve)
    /// the step size while the step's exp(H₀ − H) stays above (below) 0.8.
    /// </summary>
    private void InitializeStepSize()
    {
        if (_stepSize == 0 || _stepSize > 1e7 || double.IsNaN(_stepSize)) return;
        _zInit.CopyFrom(_z);
        int direction = OneStepEnergyChange() > InitialStepAcceptanceThreshold ? 1 : -1;
        while (true)
        {
            double deltaH = OneStepEnergyChange();
            if (direction == 1 && !(deltaH > InitialStepAcceptanceThreshold)) break;
            if (direction == -1 && !(deltaH < InitialStepAcceptanceThreshold)) break;
            _stepSize = direction == 1 ? 2 * _stepSize : 0.5 * _stepSize;
            if (_stepSize > 1e7)
                throw new InvalidOperationException("The step size grew beyond 1e7: the posterior is improper.");
            if (_stepSize == 0)
                throw new InvalidOperationException("No acceptably small step size could be found: is the posterior continuous?");
        }
        _z.CopyFrom(_zInit);
    }

    /// <summary>H₀ − H over one leapfrog step of the nominal size from <see cref="_zInit"/> with fresh momenta (−∞ if it failed).</summary>
    private double OneStepEnergyChange()
    {
        _z.CopyFrom(_zInit);
        _metric.SampleMomentum(_random, _z.P);
        _metric.Sharp(_z.P, _scratch);
        double h0 = Energy(_z, _scratch);
        if (!Leapfrog(_z, _stepSize))
        {
            _rejectedEvaluations++;
            return double.NegativeInfinity;
        }
        _metric.Sharp(_z.P, _scratch);
        double h = Energy(_z, _scratch);
        return double.IsNaN(h) ? double.NegativeInfinity : h0 - h;
    }

    /// <summary>H = −log p(q) + ½ p·p♯.</summary>
    private static double Energy(PhasePoint z, double[] pSharp) => 0.5 * EuclideanMetric.Dot(z.P, pSharp) - z.LogDensity;

    /// <summary>log(eᵃ + eᵇ), exact when either is −∞.</summary>
    private static double LogSumExp(double a, double b)
    {
        if (double.IsNegativeInfinity(a)) return b;
        if (double.IsNegativeInfinity(b)) return a;
        double max = Math.Max(a, b);
        return max + Math.Log(1 + Math.Exp(-Math.Abs(a - b)));
    }

    private static void Copy(double[] source, double[] destination) => source.AsSpan().CopyTo(destination);

    private static bool AllFinite(double[] values)
    {
        foreach (double v in values)
            if (!double.IsFinite(v)) return false;
        return true;
    }

    /// <summary>A point of phase space with the density's value and gradient at its position (Stan's ps_point).</summary>
    private sealed class PhasePoint(int n)
    {
        public readonly double[] Q = new double[n];
        public readonly double[] P = new double[n];
        public readonly double[] Gradient = new double[n];
        public double LogDensity;

        public void CopyFrom(PhasePoint other)
        {
            Copy(other.Q, Q);
            Copy(other.P, P);
            Copy(other.Gradient, Gradient);
            LogDensity = other.LogDensity;
        }
    }

    /// <summary>
    /// What build_tree at one depth keeps while its two halves are built: the final half's proposal, the momenta and
    /// sharp momenta where the halves meet, and each half's summed momenta.
    /// </summary>
    private sealed class SubtreeBuffers(int n)
    {
        public readonly PhasePoint ProposeFinal = new(n);
        public readonly double[] PInitEnd = new double[n];
        public readonly double[] PSharpInitEnd = new double[n];
        public readonly double[] PFinalBegin = new double[n];
        public readonly double[] PSharpFinalBegin = new double[n];
        public readonly double[] RhoInit = new double[n];
        public readonly double[] RhoFinal = new double[n];
    }
}
