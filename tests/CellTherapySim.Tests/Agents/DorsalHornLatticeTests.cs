using CellTherapySim.Agents;
using CellTherapySim.Modeling;
using Xunit.Abstractions;

namespace CellTherapySim.Tests.Agents;

/// <summary>
/// The dorsal-horn lattice's diffusion (locally one-dimensional backward Euler, zero-flux boundaries on the cell-centred
/// grid) against its exact discrete eigen-solution and against the continuous heat equation, and the afferent weights.
/// On n cells per side the 1-D operator I − r δ² (diagonal 1 + 2r, 1 + r in the two boundary rows, off-diagonals −r)
/// has the eigenvectors φₖ(j) = cos(π k (j + ½)/n), k = 0 … n − 1, with eigenvalues 1 + 4 r sin²(π k/(2n)): in the
/// interior 2φ(j) − φ(j − 1) − φ(j + 1) = 2(1 − cos(πk/n)) φ(j), and at the ends the mirror value φ(−1) = φ(0)
/// (φ(n) = φ(n − 1)) makes the boundary row's 1 + r the same identity. The x and y sweeps are tensor factors, so
/// one step multiplies the product mode (kx, ky) by gₓ g_y, g = 1/(1 + 4 r sin²(π k/(2n))), with no splitting error.
/// Deterministic: no random numbers.
/// </summary>
public class DorsalHornLatticeTests(ITestOutputHelper output)
{
    /// <summary>The 1-D eigenvector φₖ at cell j of n.</summary>
    private static double Mode(int k, int j, int n) => Math.Cos(Math.PI * k * (j + 0.5) / n);

    /// <summary>One step's factor for wavenumber k on n cells at r = D Δt / h².</summary>
    private static double Gain(int k, int n, double r)
    {
        var s = Math.Sin(Math.PI * k / (2.0 * n));
        return 1 / (1 + 4 * r * s * s);
    }

    /// <summary>Sets <paramref name="field"/> to the product mode φ_kx(column) φ_ky(row) and returns max |φ|.</summary>
    private static double SetMode(double[] field, int n, int kx, int ky)
    {
        var max = 0.0;
        for (var row = 0; row < n; row++)
            for (var column = 0; column < n; column++)
            {
                var v = Mode(kx, column, n) * Mode(ky, row, n);
                field[row * n + column] = v;
                max = Math.Max(max, Math.Abs(v));
            }
        return max;
    }

    /// <summary>max over sites |u − a φ| / (|a| max |φ|): the error of <paramref name="u"/> relative to the mode's amplitude a.</summary>
    private static double ModeError(double[] u, int n, int kx, int ky, double amplitude, double modeMax)
    {
        var worst = 0.0;
        for (var row = 0; row < n; row++)
            for (var column = 0; column < n; column++)
                worst = Math.Max(worst, Math.Abs(u[row * n + column] - amplitude * Mode(kx, column, n) * Mode(ky, row, n)));
        return worst / (Math.Abs(amplitude) * modeMax);
    }

    /// <summary>
    /// Eigenmodes over many steps alternating two step lengths (r and r/3, so the cached Thomas factors are rebuilt every
    /// step), up to 100 steps or until the amplitude falls below 1e-3 (at least 10 steps): the field stays the mode times
    /// Π gₓ g_y to 1e-12 relative. Rounding: each Thomas solve (diagonally dominant, backward stable) perturbs the n² values
    /// by ~ε of the current amplitude Aᵢ; projected on a slower mode (at worst the constant one, factor 1) that is ~ε Aᵢ/n,
    /// and it then shrinks more slowly than the signal, so after s steps the relative error is
    /// ≲ c (ε/n) Σᵢ Aᵢ/Aₛ ≤ c (ε/n) min(s, 1/(1 − ḡ))/Aₛ (ḡ the mean per-step factor), c a small constant: for the cases
    /// here ≈ 1e-13 at most (n = 7, Aₛ = 4e-4, ḡ ≈ 0.5: 2.2e-16/7 × 5e3 ≈ 1.6e-13), so 1e-12 leaves margin.
    /// A second field (D = 0) stays bitwise unchanged, and a third, with half the D and the transposed mode, follows its
    /// own factor (the fields are independent).
    /// </summary>
    [Theory]
    [InlineData(16, 1, 0, 0.25)]
    [InlineData(16, 0, 3, 2.0)]
    [InlineData(16, 1, 1, 0.5)]
    [InlineData(32, 2, 5, 0.7)]
    [InlineData(32, 31, 31, 0.02)]
    [InlineData(64, 3, 7, 3.0)]
    [InlineData(7, 2, 6, 0.3)]
    public void ProductModesAreExactEigenvectors(int n, int kx, int ky, double r)
    {
        const double h = 16, dt = 0.01;
        var d = r * h * h / dt;
        var lattice = new DorsalHornLattice(n, h, [d, 0, 0.5 * d]);
        var modeMax = SetMode(lattice.Fields[0], n, kx, ky);
        SetMode(lattice.Fields[2], n, ky, kx);
        var still = new double[n * n];
        for (var i = 0; i < still.Length; i++) still[i] = 1 + Math.Sin(i);
        Array.Copy(still, lattice.Fields[1], still.Length);

        double a0 = 1, a2 = 1, worst0 = 0, worst2 = 0;
        var steps = 0;
        while (steps < 100 && Math.Min(a0, a2) >= 1e-3)
        {
            var step = steps % 2 == 0 ? dt : dt / 3;
            var ratio = d * step / (h * h);
            a0 *= Gain(kx, n, ratio) * Gain(ky, n, ratio);
            a2 *= Gain(ky, n, 0.5 * ratio) * Gain(kx, n, 0.5 * ratio);
            lattice.Diffuse(step);
            steps++;
            worst0 = Math.Max(worst0, ModeError(lattice.Fields[0], n, kx, ky, a0, modeMax));
            worst2 = Math.Max(worst2, ModeError(lattice.Fields[2], n, ky, kx, a2, modeMax));
        }
        output.WriteLine($"n {n}, mode ({kx}, {ky}), r {r}: amplitude after {steps} steps {a0:E3} (field 3: {a2:E3}); largest relative error {worst0:E2} (field 3: {worst2:E2})");
        Assert.True(steps >= 10, $"only {steps} steps");
        Assert.True(worst0 <= 1e-12, $"field 1: relative error {worst0:E3}");
        Assert.True(worst2 <= 1e-12, $"field 3: relative error {worst2:E3}");
        Assert.Equal(still, lattice.Fields[1]);
    }

    /// <summary>Least-squares slope of log(error) against log(step).</summary>
    private static double FittedOrder(double[] steps, double[] errors)
    {
        var x = steps.Select(v => Math.Log(v)).ToArray();
        var y = errors.Select(v => Math.Log(v)).ToArray();
        double mx = x.Average(), my = y.Average();
        return x.Zip(y, (a, b) => (a - mx) * (b - my)).Sum() / x.Sum(a => (a - mx) * (a - mx));
    }

    /// <summary>
    /// Relative error of the lattice against the continuous solution exp(−D π² (kx² + ky²) t / L²) φ of the heat equation on
    /// the square of side L = n h with zero-flux walls, mode (1, 1), after t = 2 days with D = 2e4 µm²/day (λt = 0.75).
    /// </summary>
    private static double ContinuousError(int n, double length, double dt, int steps)
    {
        const double d = 2e4;
        var lattice = new DorsalHornLattice(n, length / n, [d]);
        var modeMax = SetMode(lattice.Fields[0], n, 1, 1);
        for (var s = 0; s < steps; s++) lattice.Diffuse(dt);
        var exact = Math.Exp(-d * Math.PI * Math.PI * 2 * (steps * dt) / (length * length));
        return ModeError(lattice.Fields[0], n, 1, 1, exact, modeMax);
    }

    /// <summary>
    /// Time order at a fixed fine grid (n = 512, h = 2 µm, L = 1024 µm): Δt = 0.2/2ᵏ day, k = 0…5, t = 2 days. Per direction
    /// the step factor is 1/(1 + λ₁Δt) with λ₁ = (4D/h²) sin²(π/(2n)), so ln(amplitude/exact) = λ₁ λ t Δt/2 + O(Δt²) (λ = 2λ₁,
    /// 1.4e-2 at Δt = 0.2, 4.4e-4 at 0.00625) plus the fixed spatial error λ t (π/(2n))²/3 = 2.4e-6 (0.5% of the finest).
    /// The next terms change the local slopes by at most λ₁Δt ≈ 4% at the coarsest step, so the fitted order lies in
    /// [0.9, 1.1].
    /// </summary>
    [Fact]
    public void TimeOrderIsOne()
    {
        const int n = 512;
        const double length = 1024, t = 2;
        var steps = Enumerable.Range(0, 6).Select(k => 0.2 / (1 << k)).ToArray();
        var errors = steps.Select(dt => ContinuousError(n, length, dt, (int)Math.Round(t / dt))).ToArray();
        var order = FittedOrder(steps, errors);
        for (var i = 0; i < steps.Length; i++) output.WriteLine($"Δt {steps[i]:G4} day: relative error {errors[i]:E3}");
        output.WriteLine($"fitted order in time: {order:F4}");
        Assert.InRange(order, 0.9, 1.1);
        for (var i = 1; i < errors.Length; i++) Assert.True(errors[i] < errors[i - 1], "the error must fall as Δt shrinks");
    }

    /// <summary>
    /// h and Δt shrinking together (n = 16 … 256, h = L/n, Δt = 0.2 (16/n)² day, L = 1024 µm, t = 2 days): the spatial error
    /// λt (π/(2n))²/3 (5-point Laplacian symbol sin²x/x² = 1 − x²/3 + O(x⁴)) and the time error λ₁λtΔt/2 are both ∝ h², so
    /// the error converges to the continuous solution with order 2 in h; the O(h⁴) and O(Δt²) corrections are at most
    /// ≈ 4% of the leading terms at the coarsest grid, so the fitted order lies in [1.9, 2.1].
    /// </summary>
    [Fact]
    public void ConvergesToTheContinuousSolution()
    {
        const double length = 1024, t = 2;
        int[] sizes = [16, 32, 64, 128, 256];
        var spacings = sizes.Select(n => length / n).ToArray();
        var errors = sizes.Select(n =>
        {
            var dt = 0.2 * (16.0 / n) * (16.0 / n);
            return ContinuousError(n, length, dt, (int)Math.Round(t / dt));
        }).ToArray();
        var order = FittedOrder(spacings, errors);
        for (var i = 0; i < sizes.Length; i++) output.WriteLine($"n {sizes[i]}, h {spacings[i]} µm: relative error {errors[i]:E3}");
        output.WriteLine($"fitted order in h (Δt ∝ h²): {order:F4}");
        Assert.InRange(order, 1.9, 2.1);
        Assert.True(errors[^1] < 1e-4, $"finest error {errors[^1]:E3}");
    }

    /// <summary>
    /// The exact discrete solution of a unit point source at cell j₀ after s steps, per direction:
    /// v(j) = (1/n)[1 + 2 Σₖ φₖ(j) φₖ(j₀) gₖˢ] (the φₖ, k ≥ 1, have Σⱼ φₖ² = n/2).
    /// </summary>
    private static double[] PointSource1D(int n, int source, double r, int steps)
    {
        var v = new double[n];
        for (var j = 0; j < n; j++)
        {
            var sum = 1.0;
            for (var k = 1; k < n; k++) sum += 2 * Mode(k, j, n) * Mode(k, source, n) * Math.Pow(Gain(k, n, r), steps);
            v[j] = sum / n;
        }
        return v;
    }

    /// <summary>
    /// A unit point source on 64 × 64 sites (h = 16 µm, Δt = 0.01 day) for r = D Δt/h² huge (D = 2.6e8 µm²/day, the
    /// section's limit: r ≈ 1.0e4) and r ≪ 1 (D = 100: r ≈ 3.9e-3), 1,000 steps (10 days).
    /// Mass: each 1-D solve conserves its line's total exactly (the matrix's columns sum to 1), so only rounding may move
    /// the total; a conservative implementation leaves an unbiased random walk of per-step rounding (≲ √(2n) ε per step on
    /// the line totals, ≈ 4e-14 after 1,000 steps), and our own 4096-term sum adds ≲ √4096 ε ≈ 1e-14 typically. The total
    /// must stay 1 to 1e-12 relative after every step, and the lattice mean 1/n² likewise.
    /// Positivity: every value stays finite and ≥ 0 (the inverse of each M-matrix is non-negative).
    /// Shape: for the first 10 steps the field matches the exact discrete solution (tensor product of
    /// <see cref="PointSource1D"/>) to 1e-10 of its maximum (the reference sums 63 cosine terms, ≈ 64 ε each direction;
    /// the Thomas solves' rounding is amplified at most by the condition number 1 + 4r ≈ 4e4: ≈ 1e-11 at the huge r).
    /// Uniformity at the huge r: per direction |v/mean − 1| ≤ E = 2 Σₖ gₖˢ, so max/min − 1 ≤ ((1 + E)/(1 − E))² − 1;
    /// after 5 steps E ≈ 2e-7, and the measured ratio must lie under this bound and under 1e-6.
    /// Known engine issue (D = 2.6e8 fails): the Thomas solves lose ≈ 2.1e-13 of the total per step, systematically
    /// (rounding amplified by r ≈ 1e4; first above 1e-12 at step 5, 2.1e-10 after 1,000 steps); updating each line in flux
    /// form, u += F(j+½) − F(j−½) with F = r (y(j+1) − y(j)) from the solved y, keeps it at 5e-14.
    /// </summary>
    [Theory]
    [InlineData(2.6e8)]
    [InlineData(100.0)]
    public void PointSourceConservesMassAndStaysPositive(double d)
    {
        const int n = 64, row0 = 5, column0 = 17, steps = 1000, shapeSteps = 10;
        const double h = 16, dt = 0.01;
        var r = d * dt / (h * h);
        var lattice = new DorsalHornLattice(n, h, [d]);
        var u = lattice.Fields[0];
        u[row0 * n + column0] = 1;
        double worstMass = 0, worstMean = 0, worstShape = 0, spread = double.NaN, bound = double.NaN, smallest = double.PositiveInfinity;
        var firstOver = 0;
        for (var s = 1; s <= steps; s++)
        {
            lattice.Diffuse(dt);
            var sum = 0.0;
            foreach (var v in u)
            {
                Assert.True(double.IsFinite(v) && v >= 0, $"step {s}: value {v}");
                sum += v;
                smallest = Math.Min(smallest, v);
            }
            worstMass = Math.Max(worstMass, Math.Abs(sum - 1));
            if (Math.Abs(sum - 1) > 1e-12 && firstOver == 0) firstOver = s;
            worstMean = Math.Max(worstMean, Math.Abs(lattice.Mean(0) * n * n - 1));
            if (s > shapeSteps) continue;

            double[] vx = PointSource1D(n, column0, r, s), vy = PointSource1D(n, row0, r, s);
            var peak = 0.0;
            var error = 0.0;
            for (var row = 0; row < n; row++)
                for (var column = 0; column < n; column++)
                {
                    var exact = vx[column] * vy[row];
                    peak = Math.Max(peak, exact);
                    error = Math.Max(error, Math.Abs(u[row * n + column] - exact));
                }
            worstShape = Math.Max(worstShape, error / peak);
            if (s == 5)
            {
                var e = 0.0;
                for (var k = 1; k < n; k++) e += 2 * Math.Pow(Gain(k, n, r), s);
                bound = Math.Pow((1 + e) / (1 - e), 2) - 1;
                spread = u.Max() / u.Min() - 1;
            }
        }
        output.WriteLine($"D {d:G3} µm²/day, r {r:G4}: largest |Σu − 1| over {steps} steps {worstMass:E2} (first above 1e-12 at step {(firstOver > 0 ? firstOver.ToString() : "none")}), final {u.Sum() - 1:E2}; "
            + $"largest |mean·n² − 1| {worstMean:E2}; largest error vs the exact discrete solution (first {shapeSteps} steps) {worstShape:E2} of the peak; smallest value {smallest:E3}");
        if (r > 1) output.WriteLine($"after 5 steps max/min − 1 = {spread:E3} (bound {bound:E3})");
        Assert.True(worstShape <= 1e-10, $"shape error {worstShape:E3}");
        if (r > 1)
        {
            Assert.True(spread <= bound, $"max/min − 1 = {spread:E3} above the bound {bound:E3}");
            Assert.True(spread <= 1e-6, $"max/min − 1 = {spread:E3}");
        }
        Assert.True(worstMass <= 1e-12, $"mass drift {worstMass:E3} (first above 1e-12 at step {firstOver})");
        Assert.True(worstMean <= 1e-12, $"mean drift {worstMean:E3}");
    }

    /// <summary>A field of zero diffusion is not touched; a field of zero is kept zero; constructor arguments are checked.</summary>
    [Fact]
    public void ZeroDiffusionAndInvalidArguments()
    {
        var lattice = new DorsalHornLattice(4, 10, [0, 1e4]);
        lattice.Fields[0][5] = 3;
        lattice.Diffuse(0.1);
        Assert.Equal(3, lattice.Fields[0][5]);
        Assert.Equal(3 / 16.0, lattice.Mean(0));
        Assert.All(lattice.Fields[1], v => Assert.Equal(0, v));
        Assert.Equal(16, lattice.Sites);
        Assert.Equal(0, lattice.ActivatedFraction());
        lattice.Activated[3] = 1;
        lattice.Activated[7] = 1;
        Assert.Equal(2 / 16.0, lattice.ActivatedFraction());
        Assert.Throws<ArgumentException>(() => new DorsalHornLattice(1, 10, [0]));
        Assert.Throws<ArgumentException>(() => new DorsalHornLattice(4, 0, [0]));
        Assert.Throws<ArgumentException>(() => new DorsalHornLattice(4, 10, [-1]));
        Assert.Throws<ArgumentException>(() => new DorsalHornLattice(4, 10, [double.NaN]));
        Assert.Throws<ArgumentException>(() => new DorsalHornLattice(4, 10, [double.PositiveInfinity]));
    }

    /// <summary>
    /// Afferent weights for the default territory and others: the mean is 1 to 1e-12 (the engine scales by n²/Σ, so only the
    /// rounding of its sum and of ours, summed in other orders, remains: a random walk of ≈ √(n²) ε ≈ 1e-13 relative for
    /// n ≤ 1024); the largest weight is at the site whose centre is nearest the territory's centre (column = x, row = y);
    /// and each weight equals the formula
    /// (b + (1 − b) exp(−d²/(2w²))) × n² / Σ to 1e-12 relative.
    /// </summary>
    [Theory]
    [InlineData(64, 0.35, 0.15, 0.2, 0.1)]
    [InlineData(64, 0.1, 0.9, 0.1, 0.0)]
    [InlineData(33, 0.5, 0.5, 0.05, 0.3)]
    [InlineData(128, 0.8, 0.3, 0.15, 0.01)]
    [InlineData(1024, 0.35, 0.15, 0.2, 0.1)]
    public void AfferentWeightsHaveMeanOneAndPeakAtTheCentre(int n, double cx, double cy, double width, double background)
    {
        var territory = new AfferentTerritory(0, cx, cy, width, background);
        var weights = DorsalHornLattice.AfferentWeights(n, territory);
        Assert.Equal(n * n, weights.Length);
        var mean = weights.Sum() / weights.Length;
        Assert.True(Math.Abs(mean - 1) <= 1e-12, $"mean {mean:R}");

        double Raw(int row, int column)
        {
            double dx = (column + 0.5) / n - cx, dy = (row + 0.5) / n - cy;
            return background + (1 - background) * Math.Exp(-(dx * dx + dy * dy) / (2 * width * width));
        }
        var rawSum = 0.0;
        for (var row = 0; row < n; row++)
            for (var column = 0; column < n; column++) rawSum += Raw(row, column);
        for (var row = 0; row < n; row += Math.Max(1, n / 64))
            for (var column = 0; column < n; column += Math.Max(1, n / 64))
            {
                var expected = Raw(row, column) * n * n / rawSum;
                Assert.True(Math.Abs(weights[row * n + column] - expected) <= 1e-12 * expected, $"site ({row}, {column}): {weights[row * n + column]:R} vs {expected:R}");
            }

        var peak = Array.IndexOf(weights, weights.Max());
        int peakRow = (int)Math.Round(cy * n - 0.5, MidpointRounding.AwayFromZero), peakColumn = (int)Math.Round(cx * n - 0.5, MidpointRounding.AwayFromZero);
        output.WriteLine($"n {n}, centre ({cx}, {cy}): peak at row {peak / n}, column {peak % n} (expected {peakRow}, {peakColumn}), weight {weights[peak]:F4}, mean − 1 = {mean - 1:E2}");
        Assert.Equal((peakRow, peakColumn), (peak / n, peak % n));
    }

    /// <summary>
    /// The default territory on 64 sites: far from the centre the weight relative to the peak is the background. At the far
    /// corner (row 63, column 63) d²/(2w²) = ((0.992 − 0.35)² + (0.992 − 0.15)²)/0.08 = 14.0, so the Gaussian adds
    /// (1 − b) e⁻¹⁴ ≈ 7.5e-7; the peak site's centre is 1/128 of the width off the territory's centre in each direction,
    /// lowering the peak by (1 − b)(1 − e^(−δ²/(2w²))) ≈ 5.5e-5. The ratio corner/peak is therefore b within 1e-4 b.
    /// </summary>
    [Fact]
    public void FarFromTheCentreTheWeightIsTheBackground()
    {
        const int n = 64;
        var territory = DefaultModel.Definition.Agent!.Afferents;
        Assert.Equal(0.1, territory.Background);
        var weights = DorsalHornLattice.AfferentWeights(n, territory);
        var ratio = weights[n * n - 1] / weights.Max();
        output.WriteLine($"corner/peak {ratio:R}, background {territory.Background}");
        Assert.True(Math.Abs(ratio / territory.Background - 1) <= 1e-4, $"corner/peak {ratio}");
    }

    /// <summary>Background 1: every weight is exactly 1 whatever the centre and width (the Gaussian term has factor 0).</summary>
    [Theory]
    [InlineData(2, 0.35, 0.15, 0.2)]
    [InlineData(64, 0.0, 1.0, 0.01)]
    [InlineData(128, 0.5, 0.5, 10.0)]
    public void UniformWhenTheBackgroundIsOne(int n, double cx, double cy, double width)
    {
        var weights = DorsalHornLattice.AfferentWeights(n, new AfferentTerritory(0, cx, cy, width, 1));
        Assert.All(weights, w => Assert.Equal(1.0, w));
    }

    /// <summary>A centred territory is symmetric under both reflections and the transposition (to rounding of the offsets, 1e-14).</summary>
    [Fact]
    public void CentredTerritoryIsSymmetric()
    {
        const int n = 20;
        var weights = DorsalHornLattice.AfferentWeights(n, new AfferentTerritory(0, 0.5, 0.5, 0.17, 0.2));
        for (var row = 0; row < n; row++)
            for (var column = 0; column < n; column++)
            {
                var w = weights[row * n + column];
                Assert.Equal(w, weights[(n - 1 - row) * n + column], 1e-14);
                Assert.Equal(w, weights[row * n + (n - 1 - column)], 1e-14);
                Assert.Equal(w, weights[column * n + row], 1e-14);
            }
    }
}
