using System.Runtime.CompilerServices;
namespace CellTherapySim.Solvers;

/// <summary>
/// What the two integrators share: argument checks, the weighted RMS error norm, the automatic initial step
/// (Hairer, Nørsett &amp; Wanner 1993, Solving ODEs I, sec. II.4), output copying and the failure messages.
/// </summary>
internal static class OdeSolverSupport
{
    /// <summary>Smallest step allowed relative to |t|: below it t + h is barely distinguishable from t.</summary>
    internal const double MinRelativeStep = 1e-14;

    /// <summary>Consecutive step reductions after a non-finite trial step before the failure is reported.</summary>
    internal const int MaxConsecutiveNonFiniteRejections = 12;

    /// <summary>Step-size factor after a trial step produced NaN/∞ (e.g. it overshot into a region where f is undefined).</summary>
    internal const double NonFiniteStepFactor = 0.25;

    internal const string BlowUpCause =
        "the solution blows up or is discontinuous near this time; check parameter values";

    internal const string NonFiniteCause =
        "NaN/∞ in the right-hand side: an expression such as log/sqrt of a negative value or division by zero, or a parameter value out of range";

    internal const string TooManyStepsCause =
        "MaxSteps reached: the problem may be stiff (try the stiff solver) or tolerances too tight";

    /// <summary>Checks the arguments of <see cref="IOdeSolver.Integrate"/>; returns the dimension.</summary>
    internal static int Validate(IOdeSystem system, double t0, double[] y, double tEnd,
        ReadOnlySpan<double> outputTimes, Span<double> output, SolverOptions options)
    {
        ArgumentNullException.ThrowIfNull(system);
        ArgumentNullException.ThrowIfNull(y);
        ArgumentNullException.ThrowIfNull(options);
        int n = system.Dimension;
        if (n < 1)
            throw new ArgumentException($"The system dimension must be at least 1 (got {n}).", nameof(system));
        if (y.Length != n)
            throw new ArgumentException($"The state has {y.Length} values but the system has dimension {n}.", nameof(y));
        if (!double.IsFinite(t0) || !double.IsFinite(tEnd))
            throw new ArgumentException($"t0 = {t0} and tEnd = {tEnd} must be finite.", nameof(tEnd));
        if (!(tEnd > t0))
            throw new ArgumentException($"tEnd = {tEnd} must be greater than t0 = {t0}.", nameof(tEnd));
        double previous = t0;
        for (int k = 0; k < outputTimes.Length; k++)
        {
            double tk = outputTimes[k];
            if (!(tk >= t0 && tk <= tEnd))
                throw new ArgumentException($"Output time [{k}] = {tk} lies outside [{t0}, {tEnd}].", nameof(outputTimes));
            if (tk < previous)
                throw new ArgumentException($"Output times must be non-decreasing: [{k}] = {tk} < {previous}.", nameof(outputTimes));
            previous = tk;
        }
        if ((long)outputTimes.Length * n > output.Length)
            throw new ArgumentException(
                $"The output span holds {output.Length} values but {outputTimes.Length} output times × {n} states need {(long)outputTimes.Length * n}.",
                nameof(output));
        if (!(options.RelativeTolerance >= 0) || !double.IsFinite(options.RelativeTolerance))
            throw new ArgumentException($"RelativeTolerance = {options.RelativeTolerance} must be finite and ≥ 0.", nameof(options));
        if (!(options.AbsoluteTolerance > 0) || !double.IsFinite(options.AbsoluteTolerance))
            throw new ArgumentException($"AbsoluteTolerance = {options.AbsoluteTolerance} must be finite and > 0.", nameof(options));
        if (options.MaxSteps < 1)
            throw new ArgumentException($"MaxSteps = {options.MaxSteps} must be at least 1.", nameof(options));
        if (!(options.MaxStep > 0))
            throw new ArgumentException($"MaxStep = {options.MaxStep} must be > 0.", nameof(options));
        if (!(options.InitialStep >= 0) || !double.IsFinite(options.InitialStep))
            throw new ArgumentException($"InitialStep = {options.InitialStep} must be finite and ≥ 0 (0 = automatic).", nameof(options));
        if (!(options.FixedStep >= 0) || !double.IsFinite(options.FixedStep))
            throw new ArgumentException($"FixedStep = {options.FixedStep} must be finite and ≥ 0 (0 = adaptive).", nameof(options));
        return n;
    }

    /// <summary>
    /// Common start of an integration: checks that the initial state is finite, evaluates f(t0, y0) into
    /// <paramref name="f0"/> (which must be finite) and returns the first step: FixedStep, else InitialStep, else
    /// <see cref="InitialStep"/> (one more evaluation of f, with <paramref name="work1"/>, <paramref name="work2"/>).
    /// </summary>
    internal static double Start(string solver, IOdeSystem system, double t0, double[] y, int n, SolverOptions options,
        double hMax, int errorOrder, double[] f0, double[] work1, double[] work2, ref SolverStatistics stats)
    {
        if (!AllFinite(y, n))
            throw NonFinite(solver, "in the initial state", t0, y);
        system.Evaluate(t0, y, f0);
        stats.FunctionEvaluations++;
        if (!AllFinite(f0, n))
            throw NonFinite(solver, "at the initial state", t0, y);
        if (options.FixedStep > 0) return options.FixedStep;
        if (options.InitialStep > 0) return Math.Min(options.InitialStep, hMax);
        stats.FunctionEvaluations++;
        return InitialStep(system, t0, y, f0, n, errorOrder, hMax, options.AbsoluteTolerance, options.AbsoluteToleranceScales, options.RelativeTolerance, work1, work2);
    }

    /// <summary>
    /// The step after an accepted one: FixedStep in fixed-step mode, else the proposed <paramref name="hNew"/> capped at
    /// <paramref name="hMax"/> and, right after a rejection, not larger than the step just taken (HNW I, II.4).
    /// </summary>
    internal static double NextStep(double hNew, double h, double hMax, bool afterRejection, SolverOptions options)
    {
        if (options.FixedStep > 0) return options.FixedStep;
        if (hNew > hMax) hNew = hMax;
        return afterRejection ? Math.Min(hNew, h) : hNew;
    }

    /// <summary>Returns an array of at least <paramref name="n"/> values, reusing <paramref name="array"/> when it is large enough.</summary>
    internal static double[] Ensure(double[]? array, int n) => array is not null && array.Length >= n ? array : new double[n];

    /// <summary>True when every value of <paramref name="v"/>[0..n) is finite.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static bool AllFinite(double[] v, int n)
    {
        double sink = 0;
        for (int i = 0; i < n; i++) sink += v[i] - v[i];   // 0 for finite values, NaN otherwise
        return sink == 0;
    }

    /// <summary>
    /// RMS of err_i / (atol + rtol·max(|y_i|, |yNew_i|)); NaN when the error or the new state is not finite.
    /// </summary>
    internal static double ErrorNorm(double[] err, double[] y, double[] yNew, int n, double atol, double rtol) =>
        ErrorNorm(err, y, yNew, 0, 1, n, atol, rtol);

    /// <summary>
    /// As <see cref="ErrorNorm(double[], double[], double[], int, double, double)"/> with component i's absolute
    /// tolerance atol·<paramref name="scales"/>[i] (the plain norm when <paramref name="scales"/> is null).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static double ErrorNorm(double[] err, double[] y, double[] yNew, int n, double atol, double[]? scales, double rtol)
    {
        if (scales is null) return ErrorNorm(err, y, yNew, 0, 1, n, atol, rtol);
        double sum = 0, finite = 0;
        for (int i = 0; i < n; i++)
        {
            double yi = yNew[i];
            double e = err[i] / (atol * scales[i] + rtol * Math.Max(Math.Abs(y[i]), Math.Abs(yi)));
            sum += e * e;
            finite += yi - yi;
        }
        return Math.Sqrt(sum / n) + finite;
    }

    /// <summary>
    /// The norm of <see cref="ErrorNorm(double[], double[], double[], int, double, double)"/> over the <paramref name="count"/>
    /// components start, start + stride, … (one block of a structured system).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static double ErrorNorm(double[] err, double[] y, double[] yNew, int start, int stride, int count, double atol, double rtol) =>
        ErrorNorm(err, y, yNew, start, stride, count, atol, null, rtol);

    /// <summary>
    /// As the block norm above with the j-th component's absolute tolerance atol·<paramref name="scales"/>[j] (j counted
    /// within the block; null: 1).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static double ErrorNorm(double[] err, double[] y, double[] yNew, int start, int stride, int count, double atol, double[]? scales, double rtol)
    {
        double sum = 0, finite = 0;
        for (int j = 0, i = start; j < count; j++, i += stride)
        {
            double yi = yNew[i];
            double sk = (scales is null ? atol : atol * scales[j]) + rtol * Math.Max(Math.Abs(y[i]), Math.Abs(yi));
            double e = err[i] / sk;
            sum += e * e;
            finite += yi - yi;
        }
        return Math.Sqrt(sum / count) + finite;
    }

    /// <summary>
    /// Automatic initial step (Hairer, Nørsett &amp; Wanner 1993, II.4, and HINIT of their DOPRI5): balances the
    /// local error ≈ (0.01 / max(‖f₀‖, ‖f′‖))^(1/errorOrder) with the step h₀ = 0.01‖y₀‖/‖f₀‖ of an explicit Euler
    /// step, all in the weighted RMS norm. <paramref name="errorOrder"/> is the power of h in the local error
    /// estimate (5 for DOPRI5, 4 for RODAS). Uses one evaluation of f (at t0 + h₀); <paramref name="y1"/> and
    /// <paramref name="f1"/> are work arrays.
    /// </summary>
    internal static double InitialStep(IOdeSystem system, double t0, double[] y0, double[] f0, int n, int errorOrder,
        double hMax, double atol, double[]? scales, double rtol, double[] y1, double[] f1)
    {
        double dnf = 0, dny = 0;
        for (int i = 0; i < n; i++)
        {
            double sk = atol * (scales?[i] ?? 1) + rtol * Math.Abs(y0[i]);
            double a = f0[i] / sk, b = y0[i] / sk;
            dnf += a * a;
            dny += b * b;
        }
        dnf /= n;
        dny /= n;
        double h = dnf <= 1e-10 || dny <= 1e-10 ? 1e-6 : Math.Sqrt(dny / dnf) * 0.01;
        h = Math.Min(h, hMax);

        // Explicit Euler step, then an estimate of the second derivative.
        for (int i = 0; i < n; i++) y1[i] = y0[i] + h * f0[i];
        system.Evaluate(t0 + h, y1, f1);
        double der2 = 0;
        for (int i = 0; i < n; i++)
        {
            double sk = atol * (scales?[i] ?? 1) + rtol * Math.Abs(y0[i]);
            double d = (f1[i] - f0[i]) / sk;
            der2 += d * d;
        }
        der2 = Math.Sqrt(der2 / n) / h;
        if (!double.IsFinite(der2)) return h;   // f is not finite at the trial point: start with the small step
        double der12 = Math.Max(der2, Math.Sqrt(dnf));
        double h1 = der12 <= 1e-15 ? Math.Max(1e-6, h * 1e-3) : Math.Pow(0.01 / der12, 1.0 / errorOrder);
        return Math.Min(Math.Min(100 * h, h1), hMax);
    }

    /// <summary>Writes the state <paramref name="state"/> as output number <paramref name="k"/>.</summary>
    internal static void WriteOutput(double[] state, int n, Span<double> output, int k) =>
        state.AsSpan(0, n).CopyTo(output.Slice(k * n, n));

    /// <summary>Writes <paramref name="state"/> for every output time equal to <paramref name="t"/>, starting at <paramref name="next"/>; returns the next output index.</summary>
    internal static int WriteOutputsAt(double t, double[] state, int n, ReadOnlySpan<double> outputTimes, Span<double> output, int next)
    {
        while (next < outputTimes.Length && outputTimes[next] <= t)
            WriteOutput(state, n, output, next++);
        return next;
    }

    /// <summary>The failure when the step size fell below <see cref="MinRelativeStep"/>·|t|.</summary>
    internal static SolverException StepSizeUnderflow(string solver, double t, double[] y, double h, bool lastRejectionNonFinite) =>
        lastRejectionNonFinite
            ? new SolverException(solver, $"non-finite right-hand side or state (NaN/∞) in every trial step from this time, down to step size h = {h:G3}",
                t, y, NonFiniteCause)
            : new SolverException(solver, $"step size underflow (h = {h:G3} is below {MinRelativeStep:G1}·|t|)", t, y, BlowUpCause);

    /// <summary>The failure when f or the new state was NaN/∞ and shrinking the step did not help (or could not).</summary>
    internal static SolverException NonFinite(string solver, string where, double t, double[] y) =>
        new(solver, $"non-finite right-hand side or state (NaN/∞) {where}", t, y, NonFiniteCause);

    /// <summary>The failure when <see cref="SolverOptions.MaxSteps"/> steps did not reach tEnd.</summary>
    internal static SolverException TooManySteps(string solver, int maxSteps, double tEnd, double t, double[] y, string likelyCause) =>
        new(solver, $"too many steps: MaxSteps = {maxSteps} accepted plus rejected steps did not reach tEnd = {tEnd:G6}", t, y, likelyCause);
}
