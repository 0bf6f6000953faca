using System.Runtime.CompilerServices;
namespace CellTherapySim.Solvers;

/// <summary>
/// L-stable, stiffly accurate Rosenbrock method RODAS of order 4(3) with 6 stages, for stiff systems.
/// </summary>
/// <remarks>
/// <para>Method: E. Hairer and G. Wanner, Solving Ordinary Differential Equations II: Stiff and Differential-Algebraic
/// Problems, 2nd ed., Springer 1996 ("HNW II"), sec. IV.7, and the coefficients of their Fortran code RODAS.f
/// (subroutine ROCOE, METH = 1). The transformed formulation of HNW II, sec. IV.7 (variables u_i = Σ γ_ij k_j, which
/// avoids matrix–vector products with J) is used: with γ = 1/4 and E = (1/(hγ))·I − J, each stage solves E·u_i = f(t + c_i h, y + Σ a_ij u_j) + Σ (c_ij/h)·u_j + h·d_i·∂f/∂t.
/// The last two stages are evaluated at t + h and y₁ = y + Σ a_5j u_j + u₅ + u₆ (stiffly accurate), so the embedded
/// 3rd-order solution is y₁ − u₆ and u₆ is the local error estimate.</para>
/// <para>The Jacobian J = ∂f/∂y and ∂f/∂t come from <see cref="IOdeSystem.Jacobian"/>, once per accepted step; a rejected
/// step reuses them. One LU decomposition of E per attempted step (own dense LU with partial pivoting; a singular or
/// non-finite E halves the step, five times at most, as in RODAS.f). A system implementing
/// <see cref="IStructuredOdeSystem"/> instead prepares its Jacobian, factors and solves E and measures the error itself
/// (e.g. the block-triangular forward sensitivity systems); the method is otherwise the same.</para>
/// <para>Dense output: the 3rd-order continuous extension of RODAS.f,
/// y(t + θh) ≈ (1−θ)·y₀ + θ·(y₁ + (1−θ)·(Σ d_2j u_j + θ·Σ d_3j u_j)).</para>
/// <para>Step control as in RODAS.f: h_new = h / clamp(err^(1/4)/0.9, 1/6, 5) (i.e. 0.2 ≤ h_new/h ≤ 6), with the
/// predictive controller of Gustafsson (HNW II, sec. IV.8) after accepted steps and no increase right after a
/// rejection. Automatic initial step of Hairer, Nørsett &amp; Wanner, Solving ODEs I, sec. II.4.</para>
/// <para>The integration loop, the small dense LU it calls, the reduced system's evaluations and the Hill functions are
/// marked AggressiveOptimization: compiled optimised at once instead of running unoptimised until the runtime
/// recompiles them (a fifth of a 10,000-animal cohort's time was spent in such first-tier code).</para>
/// </remarks>
public sealed class Rodas4 : IOdeSolver
{
    // RODAS coefficients (Hairer & Wanner, RODAS.f, ROCOE METH = 1).
    private const double Gamma = 0.25;
    private const double C2 = 0.386, C3 = 0.21, C4 = 0.63;
    private const double D1 = 0.25, D2 = -0.1043, D3 = 0.1035, D4 = -0.3620000000000023e-01;
    private const double A21 = 0.1544000000000000e+01;
    private const double A31 = 0.9466785280815826e+00, A32 = 0.2557011698983284e+00;
    private const double A41 = 0.3314825187068521e+01, A42 = 0.2896124015972201e+01, A43 = 0.9986419139977817e+00;
    private const double A51 = 0.1221224509226641e+01, A52 = 0.6019134481288629e+01, A53 = 0.1253708332932087e+02,
        A54 = -0.6878860361058950e+00;
    private const double C21 = -0.5668800000000000e+01;
    private const double C31 = -0.2430093356833875e+01, C32 = -0.2063599157091915e+00;
    private const double C41 = -0.1073529058151375e+00, C42 = -0.9594562251023355e+01, C43 = -0.2047028614809616e+02;
    private const double C51 = 0.7496443313967647e+01, C52 = -0.1024680431464352e+02, C53 = -0.3399990352819905e+02,
        C54 = 0.1170890893206160e+02;
    private const double C61 = 0.8083246795921522e+01, C62 = -0.7981132988064893e+01, C63 = -0.3152159432874371e+02,
        C64 = 0.1631930543123136e+02, C65 = -0.6058818238834054e+01;
    private const double D21 = 0.1012623508344586e+02, D22 = -0.7487995877610167e+01, D23 = -0.3480091861555747e+02,
        D24 = -0.7992771707568823e+01, D25 = 0.1025137723295662e+01;
    private const double D31 = -0.6762803392801253e+00, D32 = 0.6087714651680015e+01, D33 = 0.1643084320892478e+02,
        D34 = 0.2476722511418386e+02, D35 = -0.6594389125716872e+01;

    // Step-size control (RODAS.f defaults): 0.2 ≤ h_new/h ≤ 6.
    private const double Safety = 0.9, FacMin = 0.2, FacMax = 6;
    private const int MaxSingular = 5;

    private int _n;
    private double[] _jac = [], _lu = [], _invDiag = [];
    private int[] _pivots = [];
    private double[] _f0 = [], _dfdt = [], _f = [], _yNew = [];
    private double[] _k1 = [], _k2 = [], _k3 = [], _k4 = [], _k5 = [], _k6 = [];
    private double[] _cont3 = [], _cont4 = [];

    /// <inheritdoc />
    public string Name => "Rodas4";

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public SolverStatistics Integrate(IOdeSystem system, double t0, double[] y, double tEnd,
        ReadOnlySpan<double> outputTimes, Span<double> output, SolverOptions options)
    {
        int n = OdeSolverSupport.Validate(system, t0, y, tEnd, outputTimes, output, options);
        var structured = system as IStructuredOdeSystem;
        EnsureWorkspace(n, dense: structured is null);
        double atol = options.AbsoluteTolerance, rtol = options.RelativeTolerance;
        bool fixedStep = options.FixedStep > 0;
        double hMax = Math.Min(options.MaxStep, tEnd - t0);
        var stats = new SolverStatistics();

        double[] jac = _jac, lu = _lu, invDiag = _invDiag, f0 = _f0, dfdt = _dfdt, f = _f, yNew = _yNew;
        double[] k1 = _k1, k2 = _k2, k3 = _k3, k4 = _k4, k5 = _k5, k6 = _k6;
        int[] pivots = _pivots;

        double h = OdeSolverSupport.Start(Name, system, t0, y, n, options, hMax, 4, f0, yNew, f, ref stats);

        int nextOutput = OdeSolverSupport.WriteOutputsAt(t0, y, n, outputTimes, output, 0);
        double t = t0;
        bool reject = false, lastRejectionNonFinite = false, newPoint = true;
        int nonFiniteRejections = 0, singularCount = 0;
        double hAcc = 0, errAcc = 0;

        while (true)
        {
            if (stats.AcceptedSteps + stats.RejectedSteps >= options.MaxSteps)
                throw OdeSolverSupport.TooManySteps(Name, options.MaxSteps, tEnd, t, y,
                    "MaxSteps reached: tolerances may be too tight, or MaxSteps too small for the length of the interval and the time scales of the model");
            if (h < OdeSolverSupport.MinRelativeStep * Math.Abs(t) || !(h > 1e-300))
                throw OdeSolverSupport.StepSizeUnderflow(Name, t, y, h, lastRejectionNonFinite);

            bool last = t + 1.0001 * h >= tEnd;
            if (last) h = tEnd - t;
            double tNew = last ? tEnd : t + h;

            if (newPoint)
            {
                // ∂f/∂y and ∂f/∂t at the start of the step (f0 is already there); a rejected step keeps them.
                if (structured is null) system.Jacobian(t, y, jac, dfdt);
                else structured.PrepareJacobian(t, y, dfdt);
                stats.JacobianEvaluations++;
                newPoint = false;
            }

            // E = (1/(hγ))·I − J, factorized.
            double fac = 1.0 / (h * Gamma);
            stats.Decompositions++;
            if (!(structured is null ? DenseLu.DecomposeShifted(fac, jac, lu, n, pivots, invDiag) : structured.Factor(fac)))
            {
                if (++singularCount >= MaxSingular)
                    throw new SolverException(Name,
                        $"the stage matrix (1/(hγ))·I − J is singular or not finite {MaxSingular} times in a row (last h = {h:G3})",
                        t, y, (structured?.JacobianIsFinite ?? OdeSolverSupport.AllFinite(jac, n * n))
                            ? OdeSolverSupport.BlowUpCause
                            : "NaN/∞ in the Jacobian: an expression such as log/sqrt of a negative value or division by zero, or a parameter value out of range");
                stats.RejectedSteps++;
                reject = true;
                h *= 0.5;
                continue;
            }

            // The six stages (HNW II, IV.7; RODAS.f).
            double hc21 = C21 / h, hc31 = C31 / h, hc32 = C32 / h, hc41 = C41 / h, hc42 = C42 / h, hc43 = C43 / h;
            double hc51 = C51 / h, hc52 = C52 / h, hc53 = C53 / h, hc54 = C54 / h;
            double hc61 = C61 / h, hc62 = C62 / h, hc63 = C63 / h, hc64 = C64 / h, hc65 = C65 / h;
            double hd1 = h * D1, hd2 = h * D2, hd3 = h * D3, hd4 = h * D4;

            // Each line's terms are added left to right, as written in RODAS.f (VectorArithmetic keeps that rounding).
            VectorArithmetic.Combine(k1, f0, hd1, dfdt, n);
            SolveStage(structured, k1, n);

            VectorArithmetic.Combine(yNew, y, A21, k1, n);
            system.Evaluate(t + C2 * h, yNew, f);
            VectorArithmetic.Combine(k2, f, hd2, dfdt, n);
            VectorArithmetic.AddScaled(k2, hc21, k1, n);
            SolveStage(structured, k2, n);

            VectorArithmetic.Combine(yNew, y, A31, k1, n);
            VectorArithmetic.AddScaled(yNew, A32, k2, n);
            system.Evaluate(t + C3 * h, yNew, f);
            VectorArithmetic.Combine(k3, f, hd3, dfdt, n);
            VectorArithmetic.AddScaled(k3, hc31, k1, n);
            VectorArithmetic.AddScaled(k3, hc32, k2, n);
            SolveStage(structured, k3, n);

            VectorArithmetic.Combine(yNew, y, A41, k1, n);
            VectorArithmetic.AddScaled(yNew, A42, k2, n);
            VectorArithmetic.AddScaled(yNew, A43, k3, n);
            system.Evaluate(t + C4 * h, yNew, f);
            VectorArithmetic.Combine(k4, f, hd4, dfdt, n);
            VectorArithmetic.AddScaled(k4, hc41, k1, n);
            VectorArithmetic.AddScaled(k4, hc42, k2, n);
            VectorArithmetic.AddScaled(k4, hc43, k3, n);
            SolveStage(structured, k4, n);

            VectorArithmetic.Combine(yNew, y, A51, k1, n);
            VectorArithmetic.AddScaled(yNew, A52, k2, n);
            VectorArithmetic.AddScaled(yNew, A53, k3, n);
            VectorArithmetic.AddScaled(yNew, A54, k4, n);
            system.Evaluate(tNew, yNew, f);
            VectorArithmetic.Combine(k5, f, hc51, k1, n);
            VectorArithmetic.AddScaled(k5, hc52, k2, n);
            VectorArithmetic.AddScaled(k5, hc53, k3, n);
            VectorArithmetic.AddScaled(k5, hc54, k4, n);
            SolveStage(structured, k5, n);

            // Embedded 3rd-order solution, then the last stage: its solution u6 is the error estimate.
            VectorArithmetic.Add(yNew, k5, n);
            system.Evaluate(tNew, yNew, f);
            VectorArithmetic.Combine(k6, f, hc61, k1, n);
            VectorArithmetic.AddScaled(k6, hc62, k2, n);
            VectorArithmetic.AddScaled(k6, hc63, k3, n);
            VectorArithmetic.AddScaled(k6, hc64, k4, n);
            VectorArithmetic.AddScaled(k6, hc65, k5, n);
            SolveStage(structured, k6, n);
            VectorArithmetic.Add(yNew, k6, n);
            stats.FunctionEvaluations += 5;

            double err = structured is null ? OdeSolverSupport.ErrorNorm(k6, y, yNew, n, atol, options.AbsoluteToleranceScales, rtol) : structured.ErrorNorm(k6, y, yNew, atol, rtol);
            if (double.IsFinite(err) && (err <= 1.0 || fixedStep) && !last)
            {
                // f at the new point, needed by the next step: evaluated now so that a NaN/∞ there rejects this step.
                system.Evaluate(tNew, yNew, f);
                stats.FunctionEvaluations++;
                if (!OdeSolverSupport.AllFinite(f, n)) err = double.NaN;
            }
            if (!double.IsFinite(err))
            {
                // A stage or the new point hit NaN/∞ (e.g. the step overshot into a region where f is undefined): much smaller step.
                stats.RejectedSteps++;
                reject = true;
                lastRejectionNonFinite = true;
                if (++nonFiniteRejections > OdeSolverSupport.MaxConsecutiveNonFiniteRejections)
                    throw OdeSolverSupport.NonFinite(Name, $"in every trial step from this time, down to step size h = {h:G3}", t, y);
                h *= OdeSolverSupport.NonFiniteStepFactor;
                continue;
            }
            nonFiniteRejections = 0;
            singularCount = 0;
            lastRejectionNonFinite = false;

            // h_new = h / fac with 1/FacMax ≤ fac ≤ 1/FacMin; err^(1/4) for the local error O(h^4) of the estimate.
            double quot = Math.Max(1.0 / FacMax, Math.Min(1.0 / FacMin, Math.Sqrt(Math.Sqrt(err)) / Safety));
            double hNew = h / quot;

            if (err <= 1.0 || fixedStep)
            {
                stats.AcceptedSteps++;
                if (stats.AcceptedSteps > 1 && !fixedStep)
                {
                    // Predictive controller of Gustafsson (HNW II, IV.8), as in RODAS.f.
                    double facGus = hAcc / h * Math.Sqrt(Math.Sqrt(err * err / errAcc)) / Safety;
                    facGus = Math.Max(1.0 / FacMax, Math.Min(1.0 / FacMin, facGus));
                    quot = Math.Max(quot, facGus);
                    hNew = h / quot;
                }
                hAcc = h;
                errAcc = Math.Max(1e-2, err);

                if (nextOutput < outputTimes.Length && outputTimes[nextOutput] < tNew)
                {
                    PrepareDenseOutput(n);
                    while (nextOutput < outputTimes.Length && outputTimes[nextOutput] < tNew)
                    {
                        Interpolate((outputTimes[nextOutput] - t) / h, y, yNew, n, output.Slice(nextOutput * n, n));
                        nextOutput++;
                    }
                }

                Array.Copy(yNew, y, n);
                t = tNew;
                nextOutput = OdeSolverSupport.WriteOutputsAt(t, y, n, outputTimes, output, nextOutput);
                if (last) break;
                (f0, f) = (f, f0);
                newPoint = true;

                h = OdeSolverSupport.NextStep(hNew, h, hMax, reject, options);
                reject = false;
            }
            else
            {
                stats.RejectedSteps++;
                reject = true;
                h = hNew;
            }
        }
        _f0 = f0;
        _f = f;
        return stats;
    }

    /// <summary>Solves E·u = b in place: with the system's own factorization, else the dense LU of this step.</summary>
    private void SolveStage(IStructuredOdeSystem? structured, double[] b, int n)
    {
        if (structured is null) DenseLu.Solve(_lu, n, _pivots, _invDiag, b);
        else structured.Solve(b);
    }

    /// <summary>The two correction terms of the dense output (the d_ij of RODAS.f) for the step just computed.</summary>
    private void PrepareDenseOutput(int n)
    {
        double[] k1 = _k1, k2 = _k2, k3 = _k3, k4 = _k4, k5 = _k5;
        for (int i = 0; i < n; i++)
        {
            _cont3[i] = D21 * k1[i] + D22 * k2[i] + D23 * k3[i] + D24 * k4[i] + D25 * k5[i];
            _cont4[i] = D31 * k1[i] + D32 * k2[i] + D33 * k3[i] + D34 * k4[i] + D35 * k5[i];
        }
    }

    /// <summary>y(t + θh) ≈ (1−θ)·y₀ + θ·(y₁ + (1−θ)·(cont3 + θ·cont4)) (RODAS.f, CONTRO).</summary>
    private void Interpolate(double theta, double[] y0, double[] y1, int n, Span<double> destination)
    {
        double theta1 = 1 - theta;
        for (int i = 0; i < n; i++)
            destination[i] = theta1 * y0[i] + theta * (y1[i] + theta1 * (_cont3[i] + theta * _cont4[i]));
    }

    /// <summary>
    /// Points the work arrays at those for dimension <paramref name="n"/>: kept per dimension, so that a caller
    /// alternating between systems of different sizes (a fit's treated and untreated animals) allocates nothing.
    /// </summary>
    private void EnsureWorkspace(int n, bool dense)
    {
        if (n != _n)
        {
            if (_n > 0) Keep(_workspaces[_n]);
            if (!_workspaces.TryGetValue(n, out var kept))
            {
                var vectors = new double[12][];
                for (var i = 0; i < vectors.Length; i++) vectors[i] = new double[n];
                _workspaces[n] = kept = new Workspace { Vectors = vectors };
            }
            (_jac, _lu, _invDiag, _pivots) = (kept.Jacobian, kept.Lu, kept.InverseDiagonal, kept.Pivots);
            var v = kept.Vectors;
            (_f0, _dfdt, _f, _yNew, _k1, _k2, _k3, _k4, _k5, _k6, _cont3, _cont4) = (v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], v[9], v[10], v[11]);
            _n = n;
        }
        if (dense && _jac.Length != n * n)
        {
            _jac = new double[n * n]; _lu = new double[n * n]; _invDiag = new double[n]; _pivots = new int[n];
        }
    }

    /// <summary>Stores the current work arrays (which the steps swap) in <paramref name="workspace"/>.</summary>
    private void Keep(Workspace workspace)
    {
        (workspace.Jacobian, workspace.Lu, workspace.InverseDiagonal, workspace.Pivots) = (_jac, _lu, _invDiag, _pivots);
        var v = workspace.Vectors;
        (v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], v[9], v[10], v[11]) = (_f0, _dfdt, _f, _yNew, _k1, _k2, _k3, _k4, _k5, _k6, _cont3, _cont4);
    }

    /// <summary>The work arrays of one dimension, kept while the solver works on another.</summary>
    private sealed class Workspace
    {
        public double[] Jacobian = [], Lu = [], InverseDiagonal = [];
        public int[] Pivots = [];
        public required double[][] Vectors;
    }

    private readonly Dictionary<int, Workspace> _workspaces = [];
}
