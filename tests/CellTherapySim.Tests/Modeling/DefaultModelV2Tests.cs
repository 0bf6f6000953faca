using System.Collections.Concurrent;
using System.Globalization;
using CellTherapySim.Compilation;
using CellTherapySim.Modeling;
using CellTherapySim.Simulation;
using CellTherapySim.Solvers;
using MathNet.Numerics.LinearAlgebra;
using Xunit.Abstractions;

namespace CellTherapySim.Tests.Modeling;

/// <summary>
/// The v2 default model against MODEL.md's v2 section: every calibration target (a–i) as a computed condition, the
/// model's invariants (healthy steady state, bounded states, saturating dose–response, EV mass balance, zero doses)
/// and the reference trajectories, long-horizon table and dose–response table, all at solver rtol 1e-10.
/// </summary>
public sealed class DefaultModelV2Tests(ITestOutputHelper output)
{
    private const int Pmwt = 0, Twl = 1, Iba1 = 2;
    private static readonly ModelDefinition Definition = DefaultModel.Definition;
    private static readonly CompiledModel Model = CompiledModel.Compile(Definition);
    private static readonly SolverOptions Tight = new(RelativeTolerance: 1e-10, AbsoluteTolerance: 1e-12);

    /// <summary>The seed study's reading days.</summary>
    private static readonly double[] SeedDays = [0, 1, 3, 5, 7, 9, 11, 13, 15];

    /// <summary>MODEL.md's long-horizon days.</summary>
    private static readonly double[] LongDays = [0, 7, 14, 21, 28, 42, 56, 70, 90, 120, 180, 365];

    /// <summary>The cell doses of MODEL.md's dose–response table (given on day 7).</summary>
    private static readonly double[] ResponseDoses = [1e5, 3e5, 1e6, 3e6, 1e7, 3e7];

    /// <summary>A dose large enough that the day-15 relief has saturated (Emax).</summary>
    private const double SaturatingDose = 1e9;

    // ---------------------------------------------------------------- helpers

    private static int StateIndex(string name) => Definition.StateIndex(name);

    private static double Parameter(string name) => Model.DefaultParameters()[Definition.ParameterIndex(name)];

    /// <summary>The largest ROS level any admissible state allows, (1 + a_M + a_D)/e_R.</summary>
    private static double RosBound => (1 + Parameter("a_M") + Parameter("a_D")) / Parameter("e_R");

    private static Trajectory Run(string injury, IReadOnlyList<Dose> doses, double[] times, double[]? parameters = null, CompiledModel? model = null)
    {
        model ??= Model;
        return new Simulator(model, SolverKind.Stiff, Tight).Simulate(parameters ?? model.DefaultParameters(), model.InitialState(injury), doses, times);
    }

    private static double[] Column(Trajectory trajectory, int readout) =>
        Enumerable.Range(0, trajectory.Times.Length).Select(i => trajectory.Readout(i, readout)).ToArray();

    private static double[] StateColumn(Trajectory trajectory, int state) =>
        Enumerable.Range(0, trajectory.Times.Length).Select(i => trajectory.State(i, state)).ToArray();

    /// <summary>Days 0–3 every 0.05 day, then every day to 365.</summary>
    private static double[] YearGrid() =>
        Enumerable.Range(0, 61).Select(i => i * 0.05).Concat(Enumerable.Range(4, 362).Select(d => (double)d)).ToArray();

    /// <summary>Days 0 to <paramref name="last"/>, daily.</summary>
    private static double[] DailyGrid(int last = 365) => Enumerable.Range(0, last + 1).Select(d => (double)d).ToArray();

    private static Dose Iv(double cells, double day = 7) => Dose.Cells(day, "iv", cells);

    private static Dose It(double cells, double day = 7) => Dose.Cells(day, "it", cells);

    /// <summary>2 × 100 µg EVs by <paramref name="route"/> on days 7 and 10.</summary>
    private static Dose[] Evs(string route) => [new Dose(7, "ev", route, 100), new Dose(10, "ev", route, 100)];

    /// <summary>NAC 150 mg/kg i.p. daily from day 0 to <paramref name="lastDay"/>.</summary>
    private static IReadOnlyList<Dose> NacDaily(int lastDay = 14) => Dose.Parse($"0-{lastDay}/1:ip:nac:150mg/kg", Definition, "test");

    private static Dose[] With(IEnumerable<Dose> doses, params Dose[] more) => [.. doses, .. more];

    /// <summary>Day-15 PMWT of a CCI animal given <paramref name="doses"/>.</summary>
    private static double Day15Pmwt(IReadOnlyList<Dose> doses) => Run("cci", doses, [0, 15]).Readout(1, Pmwt);

    private static readonly Lazy<double> UntreatedDay15 = new(() => Day15Pmwt([]));

    /// <summary>Day-15 PMWT relief versus untreated CCI.</summary>
    private static double Relief(IReadOnlyList<Dose> doses) => Day15Pmwt(doses) - UntreatedDay15.Value;

    private static double CellRelief(string route, double cells) => Relief([Dose.Cells(7, route, cells)]);

    /// <summary>The cell dose on day 7 whose day-15 relief is half of <paramref name="emax"/>, by bisection on log dose.</summary>
    private static double Ed50(string route, double emax)
    {
        double lo = Math.Log(1e3), hi = Math.Log(SaturatingDose);
        if (!(CellRelief(route, Math.Exp(lo)) < emax / 2 && CellRelief(route, Math.Exp(hi)) > emax / 2))
            throw new InvalidOperationException($"{route}: the half-maximal relief is not bracketed by 1e3 … {SaturatingDose:E0} cells");
        for (var i = 0; i < 30; i++)
        {
            var mid = (lo + hi) / 2;
            if (CellRelief(route, Math.Exp(mid)) < emax / 2) lo = mid; else hi = mid;
        }
        return Math.Exp((lo + hi) / 2);
    }

    private sealed record DoseResponse(double Untreated, double[] Iv, double[] It, double EmaxIv, double EmaxIt, double Ed50Iv, double Ed50It);

    private static readonly Lazy<DoseResponse> Response = new(() =>
    {
        var emaxIv = CellRelief("iv", SaturatingDose);
        var emaxIt = CellRelief("it", SaturatingDose);
        return new DoseResponse(
            UntreatedDay15.Value,
            ResponseDoses.Select(d => CellRelief("iv", d)).ToArray(),
            ResponseDoses.Select(d => CellRelief("it", d)).ToArray(),
            emaxIv, emaxIt, Ed50("iv", emaxIv), Ed50("it", emaxIt));
    });

    private static bool StrictlyIncreasing(double[] values) => values.Zip(values.Skip(1)).All(pair => pair.Second > pair.First);

    /// <summary>The healthy steady state: D = 0, R = A = 1, everything else 0 (the states' own initial values).</summary>
    private static double[] HealthyState()
    {
        var x = Model.InitialState(null);
        Assert.Equal(0, x[StateIndex("D")]);
        Assert.Equal(1, x[StateIndex("R")]);
        Assert.Equal(1, x[StateIndex("A")]);
        Assert.Equal(2, x.Count(v => v != 0));
        return x;
    }

    /// <summary>max |f| at the healthy state and the range of the real parts of the Jacobian's eigenvalues there.</summary>
    private static (double MaxAbsF, double MostNegative, double LeastNegative, double MaxAbsImaginary) HealthyStateSpectrum()
    {
        var x = HealthyState();
        int n = Model.StateCount;
        var p = Model.DefaultParameters();
        var f = new double[n];
        Model.RightHandSide(0, x, p, f);
        var jac = new double[n * n];
        Model.Jacobian(0, x, p, jac, new double[n]);
        var eigenvalues = Matrix<double>.Build.DenseOfRowMajor(n, n, jac).Evd().EigenValues;
        return (f.Max(Math.Abs), eigenvalues.Min(e => e.Real), eigenvalues.Max(e => e.Real), eigenvalues.Max(e => Math.Abs(e.Imaginary)));
    }

    /// <summary>Bounds of a trajectory: every state finite, smallest state value, D and M ranges, largest R.</summary>
    private sealed record Bounds(bool Finite, double MinState, string MinStateName, double MinD, double MaxD, double MinM, double MaxM, double MaxR)
    {
        public bool Holds => Finite && MinState >= -Tight.AbsoluteTolerance && MinD >= 0 && MaxD <= 1 && MinM >= 0 && MaxM <= 1 && MaxR <= RosBound;

        public override string ToString() => FormattableString.Invariant(
            $"finite {Finite}, min state {MinState:G3} ({MinStateName}), D in [{MinD:G3}, {MaxD:F3}], M in [{MinM:G3}, {MaxM:F3}], max R {MaxR:F3} (bound {RosBound:F2})");
    }

    private static Bounds BoundsOf(Trajectory trajectory)
    {
        var all = trajectory.States;
        var minIndex = Array.IndexOf(all, all.Min());
        double[] d = StateColumn(trajectory, StateIndex("D")), m = StateColumn(trajectory, StateIndex("M")), r = StateColumn(trajectory, StateIndex("R"));
        return new Bounds(all.All(double.IsFinite), all[minIndex], Definition.States[minIndex % trajectory.StateCount].Name,
            d.Min(), d.Max(), m.Min(), m.Max(), r.Max());
    }

    /// <summary>The default model with two more states that accumulate the EVs cleared by liver/spleen (VC) and delivered to the site (VS).</summary>
    private static readonly Lazy<CompiledModel> EvBalanceModel = new(() =>
    {
        var text = DefaultModel.Text;
        text = InsertBefore(text, "\ninjuries:",
            "  VC: {initial: 0, unit: ug, description: \"EVs cleared from blood by liver and spleen (cumulative)\"}\n" +
            "  VS: {initial: 0, unit: ug, description: \"EVs delivered to the injured site (cumulative)\"}\n");
        text = InsertBefore(text, "\nreadouts:", "  dVC/dt: k_VBo*VB\n  dVS/dt: k_VT*D*VB + k_VQT*VQ\n");
        return CompiledModel.Compile(ModelFileReader.Read(text, "augmented"));
    });

    private static string InsertBefore(string text, string key, string insertion)
    {
        var at = text.IndexOf(key, StringComparison.Ordinal);
        Assert.True(at > 0, $"'{key.Trim()}' not found in the model text");
        Assert.Equal('\n', text[at - 1]); // the section before ends with a line break and a blank line
        return text.Insert(at, insertion);
    }

    /// <summary>Largest |VB + VQ + VC + VS − given so far| relative to the total given, for 2 × 100 µg EVs (days 7, 10) by <paramref name="route"/>; and the fraction delivered to the site by day 28.</summary>
    private static (double MaxRelativeError, double SiteFraction) EvMassBalance(string route)
    {
        var model = EvBalanceModel.Value;
        var doses = Evs(route);
        var times = Enumerable.Range(0, 2801).Select(i => i * 0.01).ToArray();
        var trajectory = Run("cci", doses, times, model: model);
        int[] pools = [model.Definition.StateIndex("VB"), model.Definition.StateIndex("VQ"), model.Definition.StateIndex("VC"), model.Definition.StateIndex("VS")];
        var total = doses.Sum(d => d.Amount);
        var worst = 0.0;
        for (var i = 0; i < times.Length; i++)
        {
            var given = doses.Where(d => d.Time < times[i]).Sum(d => d.Amount); // a dose at an output time comes right after it
            worst = Math.Max(worst, Math.Abs(pools.Sum(s => trajectory.State(i, s)) - given) / total);
        }
        return (worst, trajectory.State(times.Length - 1, model.Definition.StateIndex("VS")) / total);
    }

    /// <summary>Half-life (days) of <paramref name="state"/> after 100 µg EVs by <paramref name="route"/> on day 7: first crossing of half the dose, log-interpolated, on a grid of <paramref name="step"/> days.</summary>
    private static double EvHalfLife(string route, string state, double step, int steps)
    {
        var times = Enumerable.Range(0, steps + 1).Select(i => 7 + i * step).ToArray();
        var trajectory = Run("cci", [new Dose(7, "ev", route, 100)], times);
        var s = StateIndex(state);
        for (var i = 2; i < times.Length; i++)
        {
            double before = trajectory.State(i - 1, s), after = trajectory.State(i, s);
            if (after <= 50) return times[i - 1] - 7 + step * Math.Log(before / 50) / Math.Log(before / after);
        }
        return double.PositiveInfinity;
    }

    /// <summary>NAC plasma concentration Cp = NP/(V_N·BW) after one 150 mg/kg i.p. dose at day 0: Cmax (mg/L), Tmax (h) and the elimination half-life (h) from 3 to 6 h.</summary>
    private static (double Cmax, double TmaxHours, double HalfLifeHours) NacSingleDosePk()
    {
        var times = Enumerable.Range(0, 1001).Select(i => i / 1000.0).ToArray(); // 0–1 day, 1.44 min apart
        var trajectory = Run("cci", Dose.Parse("0:ip:nac:150mg/kg", Definition, "test"), times);
        var volume = Parameter("V_N") * Parameter("BW");
        var cp = StateColumn(trajectory, StateIndex("NP")).Select(np => np / volume).ToArray();
        var peak = Array.IndexOf(cp, cp.Max());
        int at3h = Array.IndexOf(times, 0.125), at6h = Array.IndexOf(times, 0.25);
        return (cp[peak], times[peak] * 24, 3 * Math.Log(2) / Math.Log(cp[at3h] / cp[at6h]));
    }

    /// <summary>
    /// Scaled sensitivities of the seed design (sham, CCI, CCI + IV 1e6 d7; PMWT and TWL on the seed days) to the default
    /// fitted parameters: central differences of log readouts w.r.t. log parameters (step 1e-4). Returns the singular
    /// values of the plain matrix and of MODEL.md's Fisher-weighted one (10 rats per group; log PMWT SD of CV 15%, TWL SD
    /// 0.6 s), and the Cramér–Rao SDs of log θ of the weighted one.
    /// </summary>
    private static (string[] Names, double[] Plain, double[] Weighted, double[] CramerRao) SeedDesignIdentifiability()
    {
        var fitted = Definition.Parameters.Select((p, i) => (p, i)).Where(x => x.p.Fitted).Select(x => x.i).ToArray();
        (string Injury, Dose[] Doses)[] groups = [("sham", []), ("cci", []), ("cci", [Iv(1e6)])];
        const double h = 1e-4;
        int perGroup = SeedDays.Length * 2, rows = groups.Length * perGroup;
        var plain = Matrix<double>.Build.Dense(rows, fitted.Length);
        var weighted = Matrix<double>.Build.Dense(rows, fitted.Length);
        var sdLogPmwt = Math.Sqrt(Math.Log(1 + 0.15 * 0.15));
        const double sdTwl = 0.6, animals = 10;
        var baseline = Model.DefaultParameters();

        double[] LogReadouts(double[] parameters) => groups.SelectMany(g =>
        {
            var trajectory = Run(g.Injury, g.Doses, SeedDays, parameters);
            return Enumerable.Range(0, SeedDays.Length).SelectMany(i => new[] { Math.Log(trajectory.Readout(i, Pmwt)), Math.Log(trajectory.Readout(i, Twl)) });
        }).ToArray();

        var atBaseline = LogReadouts(baseline);
        for (var j = 0; j < fitted.Length; j++)
        {
            var up = (double[])baseline.Clone();
            var down = (double[])baseline.Clone();
            up[fitted[j]] *= Math.Exp(h);
            down[fitted[j]] *= Math.Exp(-h);
            double[] yUp = LogReadouts(up), yDown = LogReadouts(down);
            for (var r = 0; r < rows; r++)
            {
                var sensitivity = (yUp[r] - yDown[r]) / (2 * h);
                plain[r, j] = sensitivity;
                weighted[r, j] = Math.Sqrt(animals) * (r % 2 == 0 ? sensitivity / sdLogPmwt : sensitivity * Math.Exp(atBaseline[r]) / sdTwl);
            }
        }
        var covariance = (weighted.TransposeThisAndMultiply(weighted)).Inverse();
        return (fitted.Select(i => Definition.Parameters[i].Name).ToArray(),
            plain.Svd(computeVectors: false).S.ToArray(),
            weighted.Svd(computeVectors: false).S.ToArray(),
            Enumerable.Range(0, fitted.Length).Select(j => Math.Sqrt(covariance[j, j])).ToArray());
    }

    /// <summary>Largest change of CCI PMWT on the seed days when k_Z and Z50 are both scaled by 1.1 (v1: exactly 0, only k_Z/Z50 mattered).</summary>
    private static double KZZ50SymmetryBreak()
    {
        var scaled = Model.DefaultParameters();
        scaled[Definition.ParameterIndex("k_Z")] *= 1.1;
        scaled[Definition.ParameterIndex("Z50")] *= 1.1;
        Trajectory reference = Run("cci", [], SeedDays), changed = Run("cci", [], SeedDays, scaled);
        return Enumerable.Range(0, SeedDays.Length).Max(i => Math.Abs(changed.Readout(i, Pmwt) - reference.Readout(i, Pmwt)));
    }

    private static string F(double value, string format = "F2") => value.ToString(format, CultureInfo.InvariantCulture);

    private static string Cells(double count) => count.ToString("0.0#e0", CultureInfo.InvariantCulture);

    // ---------------------------------------------------------------- A. calibration report

    /// <summary>One computed condition of the calibration report.</summary>
    private sealed record Condition(string Id, string Description, bool Pass, string Measured, string Target)
    {
        public override string ToString() => $"{(Pass ? "PASS" : "FAIL")}  {Id}  {Description}: {Measured}  (target {Target})";
    }

    [Fact]
    [Trait("Category", "Calibration")]
    public void CalibrationReportMeetsEveryModelMdTarget()
    {
        var conditions = new List<Condition>();
        void Check(string id, string description, bool pass, string measured, string target) => conditions.Add(new Condition(id, description, pass, measured, target));

        // (a) sham stays at baseline for a year; the healthy state is a stable steady state
        var yearGrid = YearGrid();
        var sham = Run("sham", [], yearGrid);
        double shamMinPmwt = Column(sham, Pmwt).Min(), shamMinTwl = Column(sham, Twl).Min(), shamMaxIba1 = Column(sham, Iba1).Max();
        Check("a1", "sham, no dose, days 0-365: min PMWT", shamMinPmwt >= 14.5, $"{F(shamMinPmwt, "F3")} g", ">= 14.5 g");
        Check("a2", "sham, no dose, days 0-365: min TWL", shamMinTwl >= 10.4, $"{F(shamMinTwl, "F3")} s", ">= 10.4 s");
        Check("a3", "sham, no dose, days 0-365: max Iba1", shamMaxIba1 <= 1.3, F(shamMaxIba1, "F3"), "<= 1.3");
        var spectrum = HealthyStateSpectrum();
        Check("a4", "healthy state (D = 0, R = A = 1, rest 0) is a steady state: max |f|", spectrum.MaxAbsF <= 1e-12, F(spectrum.MaxAbsF, "G3"), "0 up to round-off, <= 1e-12");
        Check("a5", "healthy state is stable: real parts of all Jacobian eigenvalues", spectrum.LeastNegative < 0,
            $"{F(spectrum.MostNegative, "G4")} ... {F(spectrum.LeastNegative, "G4")} /day (max |imag| {F(spectrum.MaxAbsImaginary, "G3")})", "all < 0; MODEL.md -320 ... -0.031/day");

        // (b) untreated CCI peaks within days 7-21 and recovers; every state stays bounded
        var cci = Run("cci", [], yearGrid);
        var cciPmwt = Column(cci, Pmwt);
        var minAt = Array.IndexOf(cciPmwt, cciPmwt.Min());
        double DayValue(Trajectory t, double day, int readout) => t.Readout(Array.IndexOf(t.Times, day), readout);
        Check("b1", "untreated CCI: day of the PMWT minimum", cci.Times[minAt] is >= 7 and <= 21, $"day {F(cci.Times[minAt], "G4")}", "in [7, 21]; MODEL.md day 17");
        Check("b2", "untreated CCI: PMWT minimum", cciPmwt[minAt] <= 6, $"{F(cciPmwt[minAt], "F3")} g", "<= 6 g; MODEL.md 3.46 g");
        var cciMinTwl = Column(cci, Twl).Min();
        Check("b3", "untreated CCI: TWL minimum", cciMinTwl <= 8, $"{F(cciMinTwl, "F3")} s", "<= 8 s; MODEL.md 7.52 s");
        Check("b4", "untreated CCI: PMWT at day 70", DayValue(cci, 70, Pmwt) >= 10, $"{F(DayValue(cci, 70, Pmwt), "F3")} g", ">= 10 g");
        Check("b5", "untreated CCI: PMWT at day 120", DayValue(cci, 120, Pmwt) >= 13, $"{F(DayValue(cci, 120, Pmwt), "F3")} g", ">= 13 g");
        var cciBounds = BoundsOf(cci);
        Check("b6", "untreated CCI, days 0-365: every state finite and >= 0", cciBounds.Finite && cciBounds.MinState >= -Tight.AbsoluteTolerance,
            $"finite {cciBounds.Finite}, min state {F(cciBounds.MinState, "G3")} ({cciBounds.MinStateName})", "finite, >= 0 up to the solver's atol 1e-12");
        Check("b7", "untreated CCI, days 0-365: D and M within [0, 1]", cciBounds.MinD >= 0 && cciBounds.MaxD <= 1 && cciBounds.MinM >= 0 && cciBounds.MaxM <= 1,
            $"D in [{F(cciBounds.MinD, "G3")}, {F(cciBounds.MaxD, "F3")}], M in [{F(cciBounds.MinM, "G3")}, {F(cciBounds.MaxM, "F3")}]", "0 <= D, M <= 1");
        Check("b8", "untreated CCI, days 0-365: max R", cciBounds.MaxR <= RosBound, F(cciBounds.MaxR, "F3"), $"<= (1 + a_M + a_D)/e_R = {F(RosBound)}; MODEL.md 2.67");

        // (c) the seed pattern, days 0-15
        var seedSham = Run("sham", [], SeedDays);
        var seedSaline = Run("cci", [], SeedDays);
        var seedIv = Run("cci", [Iv(1e6)], SeedDays);
        var fromDay5 = Enumerable.Range(0, SeedDays.Length).Where(i => SeedDays[i] >= 5).ToArray();
        var pmwtGap = fromDay5.Min(i => seedSham.Readout(i, Pmwt) - seedSaline.Readout(i, Pmwt));
        var twlGap = fromDay5.Min(i => seedSham.Readout(i, Twl) - seedSaline.Readout(i, Twl));
        Check("c1", "CCI+saline below sham on days 5-15: min PMWT gap", pmwtGap >= 3, $"{F(pmwtGap, "F3")} g", ">= 3 g; MODEL.md >= 6.5 g");
        Check("c2", "CCI+saline below sham on days 5-15: min TWL gap", twlGap >= 2, $"{F(twlGap, "F3")} s", ">= 2 s; MODEL.md >= 3.3 s");
        double SeedRelief(double day, int readout) => seedIv.Readout(Array.IndexOf(SeedDays, day), readout) - seedSaline.Readout(Array.IndexOf(SeedDays, day), readout);
        Check("c3", "IV 1e6 d7: TWL relief vs saline at day 9", SeedRelief(9, Twl) >= 1, $"{F(SeedRelief(9, Twl), "F3")} s", ">= 1 s; MODEL.md 1.6 s");
        Check("c4", "IV 1e6 d7: TWL relief vs saline at day 11", SeedRelief(11, Twl) >= 1, $"{F(SeedRelief(11, Twl), "F3")} s", ">= 1 s; MODEL.md 1.6 s");
        Check("c5", "IV 1e6 d7: PMWT relief vs saline at day 13", SeedRelief(13, Pmwt) >= 1.5, $"{F(SeedRelief(13, Pmwt), "F3")} g", ">= 1.5 g; MODEL.md 3.3 g");
        Check("c6", "IV 1e6 d7: PMWT relief vs saline at day 15", SeedRelief(15, Pmwt) >= 1.5, $"{F(SeedRelief(15, Pmwt), "F3")} g", ">= 1.5 g; MODEL.md 3.4 g");
        Check("c7", "IV 1e6 d7: PMWT relief at day 9 smaller than at day 15", SeedRelief(9, Pmwt) < SeedRelief(15, Pmwt),
            $"{F(SeedRelief(9, Pmwt), "F3")} g < {F(SeedRelief(15, Pmwt), "F3")} g", "day 9 < day 15; MODEL.md 0.85 < 3.4 g");
        double iba1Saline = seedSaline.Readout(SeedDays.Length - 1, Iba1), iba1Iv = seedIv.Readout(SeedDays.Length - 1, Iba1);
        var iba1Drop = 1 - iba1Iv / iba1Saline;
        Check("c8", "IV 1e6 d7: Iba1 at day 15 lower than saline", iba1Drop >= 0.10, $"{F(iba1Saline, "F3")} -> {F(iba1Iv, "F3")} (-{F(100 * iba1Drop, "F1")}%)", ">= 10% lower; MODEL.md 2.65 -> 2.36 (-10.9%)");
        foreach (var (id, name, trajectory, v1Pmwt, v1Twl) in V1Tables(seedSham, seedSaline, seedIv))
        {
            var dp = Enumerable.Range(0, SeedDays.Length).Max(i => Math.Abs(trajectory.Readout(i, Pmwt) - v1Pmwt[i]));
            var dt = Enumerable.Range(0, SeedDays.Length).Max(i => Math.Abs(trajectory.Readout(i, Twl) - v1Twl[i]));
            Check(id, $"{name}, days 0-15: max |v2 - v1 table|", dp <= 1 && dt <= 0.7, $"{F(dp, "F3")} g, {F(dt, "F3")} s", "within ~1 g / 0.7 s of v1's printed table");
        }

        // (d) dose-response of the day-15 PMWT relief (dose on day 7)
        var response = Response.Value;
        var ivRow = string.Join(", ", response.Iv.Select(r => F(r)));
        Check("d1", "IV day-15 PMWT relief at 1e5, 3e5, 1e6, 3e6, 1e7, 3e7 cells strictly increasing", StrictlyIncreasing(response.Iv), $"{ivRow} g", "strictly increasing");
        var saturation = response.Iv[5] / response.Iv[3];
        Check("d2", "IV saturation: relief(3e7)/relief(3e6)", saturation <= 1.3, F(saturation, "F3"), "<= 1.3; MODEL.md 1.21");
        Check("d3", "IV ED50 (relief = Emax/2, Emax = relief at 1e9 cells)", response.Ed50Iv is >= 1e6 and <= 3e6,
            $"{Cells(response.Ed50Iv)} cells (Emax {F(response.EmaxIv, "F3")} g)", "in [1e6, 3e6]; MODEL.md 1.3e6, Emax 9.13 g");
        Check("d4", "IT ED50 at least 3x below IV ED50", response.Ed50It <= response.Ed50Iv / 3,
            $"{Cells(response.Ed50It)} cells (Emax {F(response.EmaxIt, "F3")} g), IV/IT {F(response.Ed50Iv / response.Ed50It)}", "<= IV ED50/3; MODEL.md 3.6e5 (3.6x lower)");

        // (e) IT beats IV at equal cell dose
        double itCells15 = Day15Pmwt([It(1e6)]), ivCells15 = Day15Pmwt([Iv(1e6)]);
        Check("e1", "day-15 PMWT: IT 1e6 d7 beats IV 1e6 d7", itCells15 > ivCells15, $"{F(itCells15)} vs {F(ivCells15)} g", "IT > IV; MODEL.md 11.4 vs 6.9 g");

        // (f) EVs
        double itEvRelief = Relief(Evs("it")), ivEvRelief = Relief(Evs("iv")), itCellRelief = itCells15 - response.Untreated;
        Check("f1", "2 x 100 ug IT EVs (d7, d10): day-15 PMWT relief", itEvRelief >= 1, $"{F(itEvRelief, "F3")} g", ">= 1 g; MODEL.md 5.1 g");
        Check("f2", "IT EVs relieve less than IT 1e6 cells d7", itEvRelief < itCellRelief, $"{F(itEvRelief)} < {F(itCellRelief)} g", "EVs < cells; MODEL.md 5.1 < 7.9 g");
        Check("f3", "IV EVs at the same doses relieve less than IT EVs", ivEvRelief < itEvRelief, $"{F(ivEvRelief, "F3")} < {F(itEvRelief)} g", "IV < IT; MODEL.md 0.05 g");
        var (ivBalance, ivSite) = EvMassBalance("iv");
        var (itBalance, itSite) = EvMassBalance("it");
        Check("f4", "IV EVs mass balance: max |VB + VQ + cleared + site - given|/given, days 0-28", ivBalance <= 1e-8, F(ivBalance, "G3"), "<= 1e-8 (rtol 1e-10); MODEL.md 2e-14");
        Check("f5", "IT EVs mass balance: max |VB + VQ + cleared + site - given|/given, days 0-28", itBalance <= 1e-8, F(itBalance, "G3"), "<= 1e-8 (rtol 1e-10); MODEL.md 2e-14");
        string[] cellStates = ["B", "L", "Q", "T"];
        var evCellMax = new[] { "iv", "it" }.Max(route =>
        {
            var t = Run("cci", Evs(route), DailyGrid(28));
            return cellStates.Max(s => StateColumn(t, StateIndex(s)).Max(Math.Abs));
        });
        Check("f6", "EVs (IV and IT): no engraftment or lung trapping, max |B, L, Q, T|", evCellMax == 0, F(evCellMax, "G3"), "exactly 0");
        var ivEvHalfLife = EvHalfLife("iv", "VB", 1.0 / 1440, 180) * 1440;
        Check("f7", "IV EVs: half-life in blood (100 ug d7)", ivEvHalfLife is >= 1 and <= 60, $"{F(ivEvHalfLife, "F1")} min", "minutes to an hour, [1, 60] min; MODEL.md ~10 min");
        var itEvHalfLife = EvHalfLife("it", "VQ", 1.0 / 288, 576) * 24;
        Check("f8", "IT EVs: half-life in CSF (100 ug d7)", itEvHalfLife is >= 1 and <= 24, $"{F(itEvHalfLife)} h", "hours, [1, 24] h; MODEL.md ~2.8 h");
        Check("f9", "IV EVs: fraction delivered to the site", ivSite < 0.10, $"{F(100 * ivSite)}%", "a small fraction, < 10%; MODEL.md ~2%");
        Check("f10", "IT EVs reach the site better than IV EVs", itSite > ivSite, $"{F(100 * itSite)}% vs {F(100 * ivSite)}%", "IT > IV; MODEL.md one third");

        // (g) NAC
        var nacRelief = Relief(NacDaily());
        Check("g1", "NAC 150 mg/kg i.p. daily d0-14 alone: day-15 PMWT relief", nacRelief is >= 0.5 and <= 3, $"{F(nacRelief, "F3")} g", "in [0.5, 3] g; MODEL.md 2.2 g");
        var nacCells15 = Day15Pmwt(With(NacDaily(), Iv(5e5)));
        Check("g2", "NAC d0-14 + IV 5e5 d7 reaches IV 1e6 alone (day-15 PMWT)", nacCells15 >= ivCells15, $"{F(nacCells15, "F3")} >= {F(ivCells15, "F3")} g", ">=; MODEL.md 7.32 >= 6.91 g");
        var pk = NacSingleDosePk();
        Check("g3", "NAC 150 mg/kg i.p. once: Cmax of NP/(V_N BW)", pk.Cmax is >= 100 and <= 180, $"{F(pk.Cmax, "F1")} mg/L", "100-180 mg/L; MODEL.md ~136 mg/L");
        Check("g4", "NAC 150 mg/kg i.p. once: time of Cmax", pk.TmaxHours is >= 0.2 and <= 0.7, $"{F(pk.TmaxHours, "F3")} h", "0.2-0.7 h; MODEL.md ~0.4 h");
        Check("g5", "NAC plasma half-life (3-6 h after the dose)", pk.HalfLifeHours is >= 0.2 and <= 3, $"{F(pk.HalfLifeHours, "F3")} h", "on the order of an hour, [0.2, 3] h; MODEL.md 0.55 h");

        // (h) identifiability of the default fitted set; Iba1 versus naive
        string[] fittedSet = [.. Definition.Parameters.Where(p => p.Fitted).Select(p => p.Name)];
        string[] modelMdSet = ["k_act", "k_deact", "rho_S", "sig_L", "k_Z", "Z50", "C50", "ImaxP"];
        Check("h1", "default fitted set (Fitted flags): k_Z fitted, and the set is MODEL.md's v2 set", fittedSet.Contains("k_Z") && fittedSet.Order().SequenceEqual(modelMdSet.Order()),
            string.Join(", ", fittedSet), $"k_Z fitted; {string.Join(", ", modelMdSet)} (Z50 stays fitted: v2 normalises Z, see h2)");
        var symmetryBreak = KZZ50SymmetryBreak();
        Check("h2", "v1's exact k_Z/Z50 symmetry is gone: max |change of CCI PMWT|, days 0-15, with k_Z and Z50 both x1.1", symmetryBreak >= 0.01,
            $"{F(symmetryBreak, "F3")} g", ">= 0.01 g (v1: exactly 0, PMWT depended on k_Z/Z50 only)");
        var identifiability = SeedDesignIdentifiability();
        var plainRatio = identifiability.Plain[^1] / identifiability.Plain[0];
        Check("h3", $"seed-design scaled sensitivities (d log readout / d log theta, {string.Join(", ", identifiability.Names)}): smallest/largest singular value",
            plainRatio > 1e-3, $"{F(plainRatio, "G3")} (singular values {string.Join(", ", identifiability.Plain.Select(s => F(s, "G3")))})", "> 1e-3");
        var weightedRatio = identifiability.Weighted[^1] / identifiability.Weighted[0];
        Check("h4", "same, Fisher-weighted as MODEL.md (10 rats/group, log PMWT SD CV 15%, TWL SD 0.6 s)", weightedRatio > 1e-3,
            $"{F(weightedRatio, "G3")} (singular values {string.Join(", ", identifiability.Weighted.Select(s => F(s, "G3")))}; Cramer-Rao SD of log theta {string.Join(", ", identifiability.Names.Zip(identifiability.CramerRao, (n, s) => $"{n} {F(s)}"))})",
            "> 1e-3; MODEL.md 1.1e-2, singular values 186, 49, 39, 25, 8.4, 5.4, 2.7, 2.0");
        var iba1 = Definition.Readouts[Iba1];
        Check("h5", "Iba1 readout: a pure number described as fold vs naive", iba1.Name == "Iba1" && iba1.Unit == "1" && iba1.Description.Contains("fold change versus a naive animal", StringComparison.Ordinal),
            $"unit '{iba1.Unit}', description '{iba1.Description}'", "unit 1, fold vs naive");

        // (i) zero EV and NAC doses change nothing
        var zero = ZeroDosesReproduceCellOnlyRun();
        Check("i1", "IV 1e6 d7 with zero EV (iv, it; d10) and zero NAC (ip, oral; d3) doses vs cell-only run, days 0-28", zero.Identical,
            zero.Identical ? $"all {zero.Compared} readouts and states bit-identical"
                : $"differ: max |readout difference| {F(zero.MaxReadoutDifference, "G3")}, max |state difference| {F(zero.MaxStateDifference, "G3")}", "bit for bit");

        foreach (var condition in conditions) output.WriteLine(condition.ToString());
        var failing = conditions.Where(c => !c.Pass).Select(c => c.ToString()).ToList();
        output.WriteLine($"{conditions.Count - failing.Count} of {conditions.Count} conditions pass");
        Assert.True(failing.Count == 0, $"{failing.Count} of {conditions.Count} calibration conditions fail:\n{string.Join("\n", failing)}");
    }

    /// <summary>v1's printed seed tables (MODEL.md, v1 "Reference trajectories") for sham, CCI+saline and CCI+IV 1e6 d7.</summary>
    private static IEnumerable<(string Id, string Name, Trajectory V2, double[] Pmwt, double[] Twl)> V1Tables(Trajectory sham, Trajectory saline, Trajectory iv)
    {
        yield return ("c9", "sham", sham, [15.0, 15.0, 15.0, 15.0, 15.0, 15.0, 15.0, 15.0, 14.9], [11.0, 11.0, 11.0, 10.9, 10.9, 10.8, 10.8, 10.8, 10.8]);
        yield return ("c10", "CCI+saline", saline, [15.0, 14.9, 12.6, 8.5, 6.2, 5.0, 4.5, 4.1, 3.9], [11.0, 10.1, 8.0, 7.7, 7.5, 7.5, 7.4, 7.4, 7.4]);
        yield return ("c11", "CCI+IV 1e6 d7", iv, [15.0, 14.9, 12.6, 8.5, 6.2, 6.2, 7.0, 7.0, 6.4], [11.0, 10.1, 8.0, 7.7, 7.5, 9.7, 9.3, 8.5, 8.0]);
    }

    /// <summary>
    /// IV 1e6 cells d7 with and without zero EV (iv, it; day 10) and zero NAC (ip, oral; day 3) doses, daily to day 28:
    /// whether all readouts and states are equal as doubles, how many were compared, and the largest differences.
    /// </summary>
    private static (bool Identical, int Compared, double MaxReadoutDifference, double MaxStateDifference) ZeroDosesReproduceCellOnlyRun()
    {
        var times = DailyGrid(28);
        var cellOnly = Run("cci", [Iv(1e6)], times);
        var withZeros = Run("cci", [Iv(1e6), new Dose(10, "ev", "it", 0), new Dose(10, "ev", "iv", 0), new Dose(3, "nac", "ip", 0), new Dose(3, "nac", "oral", 0)], times);
        var identical = cellOnly.Readouts.SequenceEqual(withZeros.Readouts) && cellOnly.States.SequenceEqual(withZeros.States);
        return (identical, cellOnly.Readouts.Length + cellOnly.States.Length,
            cellOnly.Readouts.Zip(withZeros.Readouts, (a, b) => Math.Abs(a - b)).Max(),
            cellOnly.States.Zip(withZeros.States, (a, b) => Math.Abs(a - b)).Max());
    }

    // ---------------------------------------------------------------- B. invariants

    [Fact]
    public void ShamStaysAtBaselineFor365Days()
    {
        var sham = Run("sham", [], YearGrid());
        Assert.True(Column(sham, Pmwt).Min() >= 14.5, $"sham PMWT falls to {Column(sham, Pmwt).Min()}");
        Assert.True(Column(sham, Twl).Min() >= 10.4, $"sham TWL falls to {Column(sham, Twl).Min()}");
        Assert.True(Column(sham, Iba1).Max() <= 1.3, $"sham Iba1 rises to {Column(sham, Iba1).Max()}");
    }

    [Fact]
    public void HealthyStateIsAStableSteadyState()
    {
        var (maxAbsF, mostNegative, leastNegative, _) = HealthyStateSpectrum();
        output.WriteLine($"healthy state: max |f| = {maxAbsF:G3}; eigenvalue real parts {mostNegative:G6} ... {leastNegative:G6} /day");
        Assert.True(maxAbsF <= 1e-12, $"max |f| = {maxAbsF}");
        Assert.True(leastNegative < 0, $"an eigenvalue has real part {leastNegative}");
        Assert.Equal(-320, mostNegative, 0.5);                // MODEL.md: fastest −320/day (lung trapping plus liver/spleen uptake)
        Assert.Equal(-Parameter("k_rep"), leastNegative, 1e-9); // MODEL.md: slowest −k_rep = −0.031/day
    }

    [Fact]
    public void UntreatedCciRecoversAsModelMdStates()
    {
        var cci = Run("cci", [], [0, 70, 120]);
        Assert.Equal(10.8, cci.Readout(1, Pmwt), 0.2);
        Assert.Equal(14.9, cci.Readout(2, Pmwt), 0.1);
    }

    public static TheoryData<string> BoundedScenarios => ["sham", "CCI", "CCI+IV 3e7 d7", "CCI+IT 3e7 d7", "CCI+NAC daily d0-365"];

    [Theory]
    [MemberData(nameof(BoundedScenarios))]
    public void EveryStateStaysBounded(string scenario)
    {
        (string Injury, Dose[] Doses) setup = scenario switch
        {
            "sham" => ("sham", []),
            "CCI" => ("cci", []),
            "CCI+IV 3e7 d7" => ("cci", [Iv(3e7)]),
            "CCI+IT 3e7 d7" => ("cci", [It(3e7)]),
            "CCI+NAC daily d0-365" => ("cci", NacDaily(365).ToArray()),
            _ => throw new ArgumentException(scenario),
        };
        var bounds = BoundsOf(Run(setup.Injury, setup.Doses, YearGrid()));
        output.WriteLine($"{scenario}: {bounds}");
        Assert.True(bounds.Holds, $"{scenario}: {bounds}");
    }

    [Fact]
    public void DoseResponseIsMonotoneAndSaturating()
    {
        var r = Response.Value;
        Assert.True(StrictlyIncreasing(r.Iv), $"IV relief {string.Join(", ", r.Iv)}");
        Assert.True(StrictlyIncreasing(r.It), $"IT relief {string.Join(", ", r.It)}");
        Assert.True(r.Iv[5] <= 1.3 * r.Iv[3], $"relief(3e7) = {r.Iv[5]} > 1.3 × relief(3e6) = {1.3 * r.Iv[3]}");
        Assert.InRange(r.Ed50Iv, 1e6, 3e6);
        Assert.True(r.Ed50It <= r.Ed50Iv / 3, $"IT ED50 {r.Ed50It:E3} > IV ED50 {r.Ed50Iv:E3}/3");
        Assert.True(r.Iv[5] < r.EmaxIv && r.It[5] < r.EmaxIt, "relief at 3e7 cells exceeds Emax (relief at 1e9 cells)");
    }

    [Fact]
    public void ZeroEvAndNacDosesReproduceCellOnlyTrajectoriesExactly()
    {
        var times = DailyGrid(28);
        var cellOnly = Run("cci", [Iv(1e6)], times);
        var withZeros = Run("cci", [Iv(1e6), new Dose(10, "ev", "it", 0), new Dose(3, "nac", "ip", 0)], times);
        for (var i = 0; i < times.Length; i++)
            for (var k = 0; k < Model.ReadoutCount; k++)
                Assert.Equal(cellOnly.Readout(i, k), withZeros.Readout(i, k));
        var zero = ZeroDosesReproduceCellOnlyRun();
        Assert.True(zero.Identical, $"zero EV (iv, it) and NAC (ip, oral) doses change the trajectory by up to {zero.MaxReadoutDifference:G3} (readouts)");
    }

    [Theory]
    [InlineData("iv")]
    [InlineData("it")]
    public void EvMassBalanceHoldsToSolverTolerance(string route)
    {
        var (maxRelativeError, siteFraction) = EvMassBalance(route);
        output.WriteLine($"{route} EVs 2 × 100 µg: max |VB + VQ + VC + VS − given|/given = {maxRelativeError:G3}; delivered to the site {100 * siteFraction:F2}%");
        Assert.True(maxRelativeError <= 1e-8, $"mass balance off by {maxRelativeError:G3} of the dose");
    }

    [Fact]
    public void ItBeatsIvForCellsAndForEvsAtEqualDose()
    {
        double itCells = Day15Pmwt([It(1e6)]), ivCells = Day15Pmwt([Iv(1e6)]);
        double itEvs = Day15Pmwt(Evs("it")), ivEvs = Day15Pmwt(Evs("iv"));
        output.WriteLine($"day-15 PMWT: cells IT {itCells:F3} vs IV {ivCells:F3} g; EVs IT {itEvs:F3} vs IV {ivEvs:F3} g");
        Assert.True(itCells > ivCells, $"IT cells {itCells} <= IV cells {ivCells}");
        Assert.True(itEvs > ivEvs, $"IT EVs {itEvs} <= IV EVs {ivEvs}");
    }

    // ---------------------------------------------------------------- C. reference tables

    /// <summary>Each scenario of MODEL.md's v2 reference tables: injury and doses.</summary>
    private static (string Injury, IReadOnlyList<Dose> Doses) Scenario(string name) => name switch
    {
        "sham" => ("sham", []),
        "CCI+saline" => ("cci", []),
        "CCI+IV 1e6 cells d7" => ("cci", [Iv(1e6)]),
        "CCI+IT 1e6 cells d7" => ("cci", [It(1e6)]),
        "CCI+IV 1e6 d3 + d10" => ("cci", [Iv(1e6, 3), Iv(1e6, 10)]),
        "CCI+IT 1e5 cells d7" => ("cci", [It(1e5)]),
        "CCI+IV 3e7 cells d7" => ("cci", [Iv(3e7)]),
        "CCI+IT EVs 100 µg d7 + d10" => ("cci", Evs("it")),
        "CCI+IV EVs 100 µg d7 + d10" => ("cci", Evs("iv")),
        "CCI+NAC 150 mg/kg ip daily d0–14" => ("cci", NacDaily()),
        "CCI+NAC d0–14 + IV 5e5 cells d7" => ("cci", With(NacDaily(), Iv(5e5))),
        _ => throw new ArgumentException($"unknown scenario '{name}'"),
    };

    /// <summary>MODEL.md's v2 "Reference trajectories" (days 0,1,3,5,7,9,11,13,15) and "Long horizon" (days 0–365) rows, as printed.</summary>
    public static TheoryData<string, string, string, string> ReferenceRows => new()
    {
        { "seed", "sham", "PMWT", "15.0  15.0  15.0  15.0  15.0  15.0  15.0  15.0  15.0" },
        { "seed", "sham", "TWL", "11.0  11.0  11.0  10.9  10.9  10.9  10.9  10.9  10.9" },
        { "seed", "sham", "Iba1", "1.00  1.08  1.16  1.19  1.19  1.19  1.18  1.18  1.17" },
        { "seed", "CCI+saline", "PMWT", "15.0  15.0  13.1   8.5   5.7   4.5   3.9   3.6   3.5" },
        { "seed", "CCI+saline", "TWL", "11.0   9.9   7.8   7.6   7.5   7.5   7.5   7.6   7.6" },
        { "seed", "CCI+saline", "Iba1", "1.00  2.54  2.74  2.74  2.73  2.71  2.69  2.67  2.65" },
        { "seed", "CCI+IV 1e6 cells d7", "PMWT", "15.0  15.0  13.1   8.5   5.7   5.3   6.3   6.9   6.9" },
        { "seed", "CCI+IV 1e6 cells d7", "TWL", "11.0   9.9   7.8   7.6   7.5   9.1   9.2   8.6   8.2" },
        { "seed", "CCI+IV 1e6 cells d7", "Iba1", "1.00  2.54  2.74  2.74  2.73  2.29  2.21  2.31  2.36" },
        { "seed", "CCI+IT 1e6 cells d7", "PMWT", "15.0  15.0  13.1   8.5   5.7   5.3   6.9   9.2  11.4" },
        { "seed", "CCI+IT 1e6 cells d7", "TWL", "11.0   9.9   7.8   7.6   7.5   9.5  10.4  10.7  10.8" },
        { "seed", "CCI+IT 1e6 cells d7", "Iba1", "1.00  2.54  2.74  2.74  2.73  2.17  1.77  1.53  1.40" },
        { "seed", "CCI+IV 1e6 d3 + d10", "PMWT", "15.0  15.0  13.1  10.2   9.8   9.3   8.6   9.6  10.8" },
        { "seed", "CCI+IV 1e6 d3 + d10", "TWL", "11.0   9.9   7.8   9.1   9.1   8.5   9.0  10.0   9.7" },
        { "seed", "CCI+IT 1e5 cells d7", "PMWT", "15.0  15.0  13.1   8.5   5.7   4.5   4.2   4.1   4.0" },
        { "seed", "CCI+IT 1e5 cells d7", "TWL", "11.0   9.9   7.8   7.6   7.5   7.7   7.8   7.8   7.7" },
        { "seed", "CCI+IV 3e7 cells d7", "PMWT", "15.0  15.0  13.1   8.5   5.7   6.1   8.1  10.6  12.6" },
        { "seed", "CCI+IV 3e7 cells d7", "TWL", "11.0   9.9   7.8   7.6   7.5  10.1  10.6  10.9  10.9" },
        { "seed", "CCI+IT EVs 100 µg d7 + d10", "PMWT", "15.0  15.0  13.1   8.5   5.7   5.6   6.4   7.8   8.6" },
        { "seed", "CCI+IT EVs 100 µg d7 + d10", "TWL", "11.0   9.9   7.8   7.6   7.5   9.1   9.6   9.5   8.8" },
        { "seed", "CCI+IT EVs 100 µg d7 + d10", "Iba1", "1.00  2.54  2.74  2.74  2.73  2.31  2.04  2.02  2.17" },
        { "seed", "CCI+IV EVs 100 µg d7 + d10", "PMWT", "15.0  15.0  13.1   8.5   5.7   4.5   3.9   3.7   3.5" },
        { "seed", "CCI+IV EVs 100 µg d7 + d10", "TWL", "11.0   9.9   7.8   7.6   7.5   7.5   7.6   7.6   7.6" },
        { "seed", "CCI+NAC 150 mg/kg ip daily d0–14", "PMWT", "15.0  15.0  13.8  10.7   8.2   6.9   6.2   5.8   5.7" },
        { "seed", "CCI+NAC 150 mg/kg ip daily d0–14", "TWL", "11.0  10.0   7.9   7.7   7.7   7.7   7.7   7.8   7.8" },
        { "seed", "CCI+NAC 150 mg/kg ip daily d0–14", "Iba1", "1.00  2.48  2.66  2.63  2.61  2.58  2.56  2.53  2.51" },
        { "seed", "CCI+NAC d0–14 + IV 5e5 cells d7", "PMWT", "15.0  15.0  13.8  10.7   8.2   7.4   7.5   7.5   7.3" },
        { "seed", "CCI+NAC d0–14 + IV 5e5 cells d7", "TWL", "11.0  10.0   7.9   7.7   7.7   8.5   8.4   8.1   8.0" },
        { "long", "sham", "PMWT", "15.0  15.0  15.0  15.0  15.0  15.0  15.0  15.0  15.0  15.0  15.0  15.0" },
        { "long", "sham", "TWL", "11.0  10.9  10.9  10.9  10.9  11.0  11.0  11.0  11.0  11.0  11.0  11.0" },
        { "long", "sham", "Iba1", "1.00  1.19  1.17  1.14  1.11  1.07  1.05  1.03  1.02  1.01  1.00  1.00" },
        { "long", "sham", "R", "1.00  1.12  1.11  1.09  1.07  1.05  1.03  1.02  1.01  1.00  1.00  1.00" },
        { "long", "CCI+saline", "PMWT", "15.0   5.7   3.5   3.5   4.0   5.5   8.0  10.8  13.8  14.9  15.0  15.0" },
        { "long", "CCI+saline", "TWL", "11.0   7.5   7.6   7.7   7.8   8.1   8.6   9.2  10.1  10.8  11.0  11.0" },
        { "long", "CCI+saline", "Iba1", "1.00  2.73  2.66  2.59  2.50  2.29  2.05  1.81  1.51  1.22  1.04  1.00" },
        { "long", "CCI+saline", "D", "1.00  0.81  0.65  0.53  0.43  0.28  0.18  0.12  0.06  0.03  0.00  0.00" },
        { "long", "CCI+saline", "R", "1.00  2.67  2.53  2.38  2.25  2.00  1.77  1.57  1.34  1.15  1.02  1.00" },
        { "long", "CCI+saline", "A", "1.00  0.79  0.79  0.81  0.83  0.85  0.88  0.91  0.94  0.98  1.00  1.00" },
    };

    private static readonly ConcurrentDictionary<(string Table, string Scenario), Trajectory> ReferenceRuns = new();

    [Theory]
    [MemberData(nameof(ReferenceRows))]
    public void ReproducesModelMdReferenceTablesToPrintedPrecision(string table, string scenario, string quantity, string printed)
    {
        var days = table == "seed" ? SeedDays : LongDays;
        var trajectory = ReferenceRuns.GetOrAdd((table, scenario), key =>
        {
            var (injury, doses) = Scenario(key.Scenario);
            return Run(injury, doses, days);
        });
        var values = printed.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(days.Length, values.Length);
        double Ours(int i) => quantity switch
        {
            "PMWT" => trajectory.Readout(i, Pmwt),
            "TWL" => trajectory.Readout(i, Twl),
            "Iba1" => trajectory.Readout(i, Iba1),
            _ => trajectory.State(i, StateIndex(quantity)),
        };
        var failures = new List<string>();
        var worst = 0.0;
        for (var i = 0; i < days.Length; i++)
        {
            var decimals = values[i].Length - values[i].IndexOf('.') - 1;
            var tolerance = 0.5 * Math.Pow(10, -decimals) + 1e-9;
            var expected = double.Parse(values[i], CultureInfo.InvariantCulture);
            var error = Math.Abs(Ours(i) - expected);
            worst = Math.Max(worst, error / tolerance);
            if (error > tolerance) failures.Add($"day {days[i]}: {Ours(i):F4} vs printed {values[i]}");
        }
        output.WriteLine($"{scenario} {quantity}: {string.Join("  ", Enumerable.Range(0, days.Length).Select(i => F(Ours(i), "F4")))} (worst |error|/tolerance {worst:F2})");
        Assert.True(failures.Count == 0, $"{scenario} {quantity}: {string.Join("; ", failures)}");
    }

    [Fact]
    public void DoseResponseTableMatchesModelMd()
    {
        var r = Response.Value;
        double[] printedIv = [0.05, 0.46, 3.41, 7.51, 8.88, 9.09], printedIt = [0.52, 3.68, 7.90, 8.71, 8.94, 9.03];
        output.WriteLine($"day-15 PMWT relief (dose on day 7); untreated {r.Untreated:F3} g (MODEL.md 3.50)");
        output.WriteLine($"cells           {string.Join("  ", ResponseDoses.Select(d => Cells(d).PadLeft(6)))}    Emax     ED50");
        output.WriteLine($"IV  relief, g   {string.Join("  ", r.Iv.Select(v => F(v).PadLeft(6)))}  {F(r.EmaxIv).PadLeft(6)}  {Cells(r.Ed50Iv)}");
        output.WriteLine($"IT  relief, g   {string.Join("  ", r.It.Select(v => F(v).PadLeft(6)))}  {F(r.EmaxIt).PadLeft(6)}  {Cells(r.Ed50It)}");
        output.WriteLine($"MODEL.md IV     {string.Join("  ", printedIv.Select(v => F(v).PadLeft(6)))}    9.13  1.3e6");
        output.WriteLine($"MODEL.md IT     {string.Join("  ", printedIt.Select(v => F(v).PadLeft(6)))}    9.13  3.6e5");
        Assert.Equal(3.50, r.Untreated, 0.005 + 1e-9);
        for (var i = 0; i < ResponseDoses.Length; i++)
        {
            Assert.True(Math.Abs(r.Iv[i] - printedIv[i]) <= 0.05, $"IV {ResponseDoses[i]:E0}: {r.Iv[i]:F3} vs {printedIv[i]}");
            Assert.True(Math.Abs(r.It[i] - printedIt[i]) <= 0.05, $"IT {ResponseDoses[i]:E0}: {r.It[i]:F3} vs {printedIt[i]}");
        }
        Assert.True(Math.Abs(r.EmaxIv - 9.13) <= 0.05 && Math.Abs(r.EmaxIt - 9.13) <= 0.05, $"Emax IV {r.EmaxIv:F3}, IT {r.EmaxIt:F3} vs 9.13");
        Assert.InRange(r.Ed50Iv, 1.25e6, 1.35e6); // printed 1.3e6
        Assert.InRange(r.Ed50It, 3.55e5, 3.65e5); // printed 3.6e5
    }
}
