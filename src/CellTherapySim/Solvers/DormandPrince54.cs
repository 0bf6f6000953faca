using System.Runtime.CompilerServices;
namespace CellTherapySim.Solvers;

/// <summary>
/// Explicit Runge–Kutta method of order 5(4) by Dormand &amp; Prince, for non-stiff systems.
/// </summary>
/// <remarks>
/// <para>Tableau: J. R. Dormand and P. J. Prince, "A family of embedded Runge–Kutta formulae",
/// J. Comput. Appl. Math. 6 (1980) 19–26; 7 stages with FSAL (the last stage is f at the new point and is reused as
/// the first stage of the next step), local extrapolation (the 5th-order result is propagated).</para>
/// <para>Dense output: the 4th-order continuous extension of DOPRI5 (L. F. Shampine, Math. Comp. 46 (1986) 135–150, as
/// given in E. Hairer, S. P. Nørsett and G. Wanner, Solving Ordinary Differential Equations I, 2nd ed., Springer 1993
/// ("HNW I"), sec. II.6, and their code DOPRI5), costing no extra evaluations of f.</para>
/// <para>Step control: the PI controller of DOPRI5 (E. Hairer and G. Wanner, Solving Ordinary Differential Equations II,
/// 2nd ed., Springer 1996 ("HNW II"), sec. IV.2), with DOPRI5's defaults: safety 0.9, 0.2 ≤ h_new/h ≤ 10, β = 0.04,
/// h_new = h·0.9·err^−(1/5 − 0.75β)·err_old^β. Automatic initial step of HNW I, sec. II.4. Stiffness detection of
/// HNW II, sec. IV.2 (|hλ| ≈ h‖k₇ − k₆‖/‖y₁ − Y₆‖ &gt; 3.25 on 15 accepted steps without 6 non-stiff ones in between),
/// reported in the message when MaxSteps is reached.</para>
/// </remarks>
public sealed class DormandPrince54 : IOdeSolver
{
    // Dormand & Prince (1980) coefficients, as in HNW I, Table II.5.2, and DOPRI5.
    private const double C2 = 1.0 / 5, C3 = 3.0 / 10, C4 = 4.0 / 5, C5 = 8.0 / 9;
    private const double A21 = 1.0 / 5;
    private const double A31 = 3.0 / 40, A32 = 9.0 / 40;
    private const double A41 = 44.0 / 45, A42 = -56.0 / 15, A43 = 32.0 / 9;
    private const double A51 = 19372.0 / 6561, A52 = -25360.0 / 2187, A53 = 64448.0 / 6561, A54 = -212.0 / 729;
    private const double A61 = 9017.0 / 3168, A62 = -355.0 / 33, A63 = 46732.0 / 5247, A64 = 49.0 / 176, A65 = -5103.0 / 18656;
    private const double A71 = 35.0 / 384, A73 = 500.0 / 1113, A74 = 125.0 / 192, A75 = -2187.0 / 6784, A76 = 11.0 / 84;

    // Error estimate: 5th-order minus 4th-order weights.
    private const double E1 = 71.0 / 57600, E3 = -71.0 / 16695, E4 = 71.0 / 1920, E5 = -17253.0 / 339200, E6 = 22.0 / 525, E7 = -1.0 / 40;

    // Dense output (Shampine 1986; DOPRI5's CONTD5).
    private const double D1 = -12715105075.0 / 11282082432, D3 = 87487479700.0 / 32700410799, D4 = -10690763975.0 / 1880347072,
        D5 = 701980252875.0 / 199316789632, D6 = -1453857185.0 / 822651844, D7 = 69997945.0 / 29380423;

    // PI step-size control (HNW II, IV.2; DOPRI5 defaults).
    private const double Safety = 0.9, FacMin = 0.2, FacMax = 10, Beta = 0.04;
    private const double Expo1 = 0.2 - Beta * 0.75;

    // Stiffness detection (HNW II, IV.2; DOPRI5).
    private const double StiffBound = 3.25;
    private const int StiffCount = 15, NonStiffCount = 6;

    private int _n;
    private double[] _k1 = [], _k2 = [], _k3 = [], _k4 = [], _k5 = [], _k6 = [], _k7 = [];
    private double[] _yStage = [], _yNew = [], _err = [];
    private double[] _r2 = [], _r3 = [], _r4 = [], _r5 = [];

    /// <inheritdoc />
    public string Name => "DormandPrince54";

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public SolverStatistics Integrate(IOdeSystem system, double t0, double[] y, double tEnd,
        ReadOnlySpan<double> outputTimes, Span<double> output, SolverOptions options)
    {
        int n = OdeSolverSupport.Validate(system, t0, y, tEnd, outputTimes, output, options);
        EnsureWorkspace(n);
        double atol = options.AbsoluteTolerance, rtol = options.RelativeTolerance;
        bool fixedStep = options.FixedStep > 0;
        double hMax = Math.Min(options.MaxStep, tEnd - t0);
        var stats = new SolverStatistics();

        double[] k1 = _k1, k2 = _k2, k3 = _k3, k4 = _k4, k5 = _k5, k6 = _k6, k7 = _k7;
        double[] yStage = _yStage, yNew = _yNew, err = _err;
        double h = OdeSolverSupport.Start(Name, system, t0, y, n, options, hMax, 5, k1, yStage, k2, ref stats);

        int nextOutput = OdeSolverSupport.WriteOutputsAt(t0, y, n, outputTimes, output, 0);
        double t = t0;
        double facOld = 1e-4;
        bool reject = false, lastRejectionNonFinite = false;
        int nonFiniteRejections = 0;
        int stiffHits = 0, nonStiffHits = 0;
        double stiffSince = double.NaN;

        while (true)
        {
            if (stats.AcceptedSteps + stats.RejectedSteps >= options.MaxSteps)
                throw OdeSolverSupport.TooManySteps(Name, options.MaxSteps, tEnd, t, y,
                    double.IsNaN(stiffSince)
                        ? OdeSolverSupport.TooManyStepsCause
                        : $"MaxSteps reached and the problem was detected to be stiff from t ≈ {stiffSince:G6} on (Hairer's test: |hλ| > {StiffBound} on {StiffCount} steps): use the stiff solver (Rodas4); otherwise tolerances may be too tight");
            if (h < OdeSolverSupport.MinRelativeStep * Math.Abs(t) || !(h > 1e-300))
                throw OdeSolverSupport.StepSizeUnderflow(Name, t, y, h, lastRejectionNonFinite);

            bool last = t + 1.0001 * h >= tEnd;
            if (last) h = tEnd - t;

            // The six new stages.
            for (int i = 0; i < n; i++) yStage[i] = y[i] + h * A21 * k1[i];
            system.Evaluate(t + C2 * h, yStage, k2);
            for (int i = 0; i < n; i++) yStage[i] = y[i] + h * (A31 * k1[i] + A32 * k2[i]);
            system.Evaluate(t + C3 * h, yStage, k3);
            for (int i = 0; i < n; i++) yStage[i] = y[i] + h * (A41 * k1[i] + A42 * k2[i] + A43 * k3[i]);
            system.Evaluate(t + C4 * h, yStage, k4);
            for (int i = 0; i < n; i++) yStage[i] = y[i] + h * (A51 * k1[i] + A52 * k2[i] + A53 * k3[i] + A54 * k4[i]);
            system.Evaluate(t + C5 * h, yStage, k5);
            for (int i = 0; i < n; i++) yStage[i] = y[i] + h * (A61 * k1[i] + A62 * k2[i] + A63 * k3[i] + A64 * k4[i] + A65 * k5[i]);
            double tNew = last ? tEnd : t + h;
            system.Evaluate(tNew, yStage, k6);
            for (int i = 0; i < n; i++) yNew[i] = y[i] + h * (A71 * k1[i] + A73 * k3[i] + A74 * k4[i] + A75 * k5[i] + A76 * k6[i]);
            system.Evaluate(tNew, yNew, k7);
            stats.FunctionEvaluations += 6;

            for (int i = 0; i < n; i++)
                err[i] = h * (E1 * k1[i] + E3 * k3[i] + E4 * k4[i] + E5 * k5[i] + E6 * k6[i] + E7 * k7[i]);
            double errNorm = OdeSolverSupport.ErrorNorm(err, y, yNew, n, atol, options.AbsoluteToleranceScales, rtol);

            if (!double.IsFinite(errNorm))
            {
                // A stage or the new point hit NaN/∞: retry with a much smaller step.
                stats.RejectedSteps++;
                reject = true;
                lastRejectionNonFinite = true;
                if (++nonFiniteRejections > OdeSolverSupport.MaxConsecutiveNonFiniteRejections)
                    throw OdeSolverSupport.NonFinite(Name, $"in every trial step from this time, down to step size h = {h:G3}", t, y);
                h *= OdeSolverSupport.NonFiniteStepFactor;
                continue;
            }
            nonFiniteRejections = 0;
            lastRejectionNonFinite = false;

            double fac11 = Math.Pow(errNorm, Expo1);
            // h_new = h / fac, fac = err^(0.2−0.75β) / facold^β / safety, limited to 1/FacMax ≤ fac ≤ 1/FacMin.
            double fac = Math.Max(1.0 / FacMax, Math.Min(1.0 / FacMin, fac11 / Math.Pow(facOld, Beta) / Safety));
            double hNew = h / fac;

            if (errNorm <= 1.0 || fixedStep)
            {
                facOld = Math.Max(errNorm, 1e-4);
                stats.AcceptedSteps++;

                // Stiffness detection (HNW II, IV.2): h·‖k7 − k6‖ / ‖y_new − Y6‖ estimates |hλ| of the dominant eigenvalue.
                double stNum = 0, stDen = 0;
                for (int i = 0; i < n; i++)
                {
                    double a = k7[i] - k6[i], b = yNew[i] - yStage[i];
                    stNum += a * a;
                    stDen += b * b;
                }
                if (stDen > 0 && h * Math.Sqrt(stNum / stDen) > StiffBound)
                {
                    nonStiffHits = 0;
                    if (++stiffHits == StiffCount && double.IsNaN(stiffSince)) stiffSince = t;
                }
                else if (++nonStiffHits == NonStiffCount) stiffHits = 0;

                if (nextOutput < outputTimes.Length && outputTimes[nextOutput] < tNew)
                {
                    PrepareDenseOutput(h, y, k1, k7, n);
                    while (nextOutput < outputTimes.Length && outputTimes[nextOutput] < tNew)
                    {
                        Interpolate((outputTimes[nextOutput] - t) / h, y, n, output.Slice(nextOutput * n, n));
                        nextOutput++;
                    }
                }

                // FSAL: the last stage is the first of the next step.
                (k1, k7) = (k7, k1);
                Array.Copy(yNew, y, n);
                t = tNew;
                nextOutput = OdeSolverSupport.WriteOutputsAt(t, y, n, outputTimes, output, nextOutput);
                if (last) break;

                h = OdeSolverSupport.NextStep(hNew, h, hMax, reject, options);
                reject = false;
            }
            else
            {
                stats.RejectedSteps++;
                reject = true;
                h /= Math.Min(1.0 / FacMin, fac11 / Safety);
            }
        }

        _k1 = k1;
        _k7 = k7;
        return stats;
    }

    /// <summary>The coefficients of the continuous extension on the step just computed (DOPRI5, HNW I, II.6).</summary>
    private void PrepareDenseOutput(double h, double[] y, double[] k1, double[] k7, int n)
    {
        double[] k3 = _k3, k4 = _k4, k5 = _k5, k6 = _k6, yNew = _yNew;
        for (int i = 0; i < n; i++)
        {
            double yDiff = yNew[i] - y[i];
            double bspl = h * k1[i] - yDiff;
            _r2[i] = yDiff;
            _r3[i] = bspl;
            _r4[i] = yDiff - h * k7[i] - bspl;
            _r5[i] = h * (D1 * k1[i] + D3 * k3[i] + D4 * k4[i] + D5 * k5[i] + D6 * k6[i] + D7 * k7[i]);
        }
    }

    /// <summary>y(t + θh) = y + θ(r2 + (1−θ)(r3 + θ(r4 + (1−θ) r5))).</summary>
    private void Interpolate(double theta, double[] y, int n, Span<double> destination)
    {
        double theta1 = 1 - theta;
        for (int i = 0; i < n; i++)
            destination[i] = y[i] + theta * (_r2[i] + theta1 * (_r3[i] + theta * (_r4[i] + theta1 * _r5[i])));
    }

    private void EnsureWorkspace(int n)
    {
        if (n == _n) return;
        _k1 = new double[n]; _k2 = new double[n]; _k3 = new double[n]; _k4 = new double[n];
        _k5 = new double[n]; _k6 = new double[n]; _k7 = new double[n];
        _yStage = new double[n]; _yNew = new double[n]; _err = new double[n];
        _r2 = new double[n]; _r3 = new double[n]; _r4 = new double[n]; _r5 = new double[n];
        _n = n;
    }
}
