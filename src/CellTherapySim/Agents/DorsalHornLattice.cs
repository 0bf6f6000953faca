using System.Numerics;
using CellTherapySim.Modeling;

namespace CellTherapySim.Agents;

/// <summary>
/// A square dorsal-horn lattice: one microglial cell per site (resting 0 or activated 1) and scalar fields (one value per
/// site) that diffuse with zero-flux boundaries. Sites are row-major: site = row·Size + column, row 0 dorsal, column 0 medial.
/// </summary>
/// <remarks>
/// Diffusion is the 5-point Laplacian advanced by the locally one-dimensional backward-Euler scheme (Yanenko, The Method
/// of Fractional Steps, 1971): (I − r δ²ₓ) u* = uⁿ, then (I − r δ²ᵧ) uⁿ⁺¹ = u*, r = D Δt / h², each a tridiagonal
/// solve (Thomas algorithm). It is unconditionally stable, keeps fields non-negative (the inverse of each M-matrix is
/// non-negative) and conserves each field's total (zero-flux rows: the matrix's columns sum to 1), so the lattice mean
/// is not changed by diffusion. It is first-order accurate in time; the time step is set by the reactions. The new
/// values are applied in flux form, uⁿ⁺¹ⱼ = uⁿⱼ + F(j+½) − F(j−½) with F(j+½) = r (yⱼ₊₁ − yⱼ) from the solved line y
/// (equal to y in exact arithmetic): the fluxes telescope, so rounding does not drift the total even for r ≫ 1.
/// </remarks>
public sealed class DorsalHornLattice
{
    private readonly double[] _diffusion;
    private readonly double[][] _factors;
    private readonly double[] _factorRatio;
    private readonly double[] _solved;
    private readonly double[] _transposed;

    /// <summary>Creates a lattice of <paramref name="size"/>² sites <paramref name="spacing"/> µm apart, with one field per diffusion coefficient (µm²/day).</summary>
    public DorsalHornLattice(int size, double spacing, IReadOnlyList<double> diffusion)
    {
        if (size < 2) throw new ArgumentException("a lattice needs at least 2 sites per side", nameof(size));
        if (!(spacing > 0)) throw new ArgumentException("spacing must be > 0", nameof(spacing));
        if (diffusion.Any(d => !(d >= 0) || !double.IsFinite(d))) throw new ArgumentException("diffusion coefficients must be finite and ≥ 0", nameof(diffusion));
        Size = size;
        Spacing = spacing;
        Activated = new byte[size * size];
        Fields = diffusion.Select(_ => new double[size * size]).ToArray();
        _diffusion = diffusion.ToArray();
        _factors = diffusion.Select(_ => new double[2 * size]).ToArray();
        _factorRatio = diffusion.Select(_ => double.NaN).ToArray();
        _solved = new double[size * size];
        _transposed = new double[size * size];
    }

    /// <summary>Sites per side.</summary>
    public int Size { get; }

    /// <summary>Number of sites (Size²).</summary>
    public int Sites => Size * Size;

    /// <summary>Distance between neighbouring sites (µm).</summary>
    public double Spacing { get; }

    /// <summary>Per site: 1 if the microglial cell is activated, else 0.</summary>
    public byte[] Activated { get; }

    /// <summary>Per field: its value at every site.</summary>
    public double[][] Fields { get; }

    /// <summary>Fraction of activated microglia.</summary>
    public double ActivatedFraction() => Fraction(Activated);

    /// <summary>Fraction of ones in per-site 0/1 <paramref name="activated"/> flags.</summary>
    public static double Fraction(byte[] activated)
    {
        var count = 0;
        foreach (var a in activated) count += a;
        return count / (double)activated.Length;
    }

    /// <summary>The mean of field <paramref name="field"/> over the lattice.</summary>
    public double Mean(int field)
    {
        var sum = 0.0;
        foreach (var v in Fields[field]) sum += v;
        return sum / Sites;
    }

    /// <summary>Advances every field with a positive diffusion coefficient by diffusion alone over <paramref name="dt"/> days.</summary>
    public void Diffuse(double dt)
    {
        for (var f = 0; f < Fields.Length; f++)
        {
            var r = _diffusion[f] * dt / (Spacing * Spacing);
            if (r == 0) continue;
            var factors = _factors[f];
            if (r != _factorRatio[f]) { Factor(r, factors); _factorRatio[f] = r; }
            var u = Fields[f];
            Transpose(u, _transposed); // x direction: the rows of u are the columns of its transpose
            SolveColumns(_transposed, r, factors);
            Transpose(_transposed, u);
            SolveColumns(u, r, factors);
        }
    }

    /// <summary>
    /// Thomas factors of the n×n matrix with diagonal 1 + 2r (1 + r in the two boundary rows) and off-diagonals −r:
    /// factors[j] = 1/pivot_j, factors[n + j] = the modified super-diagonal c'_j.
    /// </summary>
    private void Factor(double r, double[] factors)
    {
        var n = Size;
        var previous = 0.0;
        for (var j = 0; j < n; j++)
        {
            var diagonal = j == 0 || j == n - 1 ? 1 + r : 1 + 2 * r;
            var inverse = 1 / (diagonal + r * previous);
            factors[j] = inverse;
            factors[n + j] = previous = -r * inverse;
        }
    }

    /// <summary>
    /// Solves every column (y direction) at once, sweeping whole rows so that memory is read in order and the
    /// independent columns fill SIMD lanes; the solution goes to the scratch copy and is applied to u as fluxes.
    /// </summary>
    private void SolveColumns(double[] u, double r, double[] factors)
    {
        var n = Size;
        var y = _solved.AsSpan();
        var span = u.AsSpan();
        Sweep(y[..n], span[..n], span[..n], 0, factors[0]);
        for (var j = 1; j < n; j++) Sweep(y.Slice(j * n, n), span.Slice(j * n, n), y.Slice((j - 1) * n, n), r, factors[j]);
        for (var j = n - 2; j >= 0; j--) Sweep(y.Slice(j * n, n), y.Slice(j * n, n), y.Slice((j + 1) * n, n), -factors[n + j], 1);
        for (var j = 0; j < n - 1; j++) Exchange(span.Slice(j * n, n), span.Slice((j + 1) * n, n), y.Slice(j * n, n), y.Slice((j + 1) * n, n), r);
    }

    /// <summary>target = (source + a·other)·scale, element-wise (target may be source).</summary>
    private static void Sweep(Span<double> target, ReadOnlySpan<double> source, ReadOnlySpan<double> other, double a, double scale)
    {
        var i = 0;
        if (Vector.IsHardwareAccelerated && target.Length >= Vector<double>.Count)
        {
            var va = new Vector<double>(a);
            var vs = new Vector<double>(scale);
            for (; i <= target.Length - Vector<double>.Count; i += Vector<double>.Count)
                ((new Vector<double>(source[i..]) + va * new Vector<double>(other[i..])) * vs).CopyTo(target[i..]);
        }
        for (; i < target.Length; i++) target[i] = (source[i] + a * other[i]) * scale;
    }

    /// <summary>Moves the flux r·(yLower − yUpper) from each lower site into the upper one.</summary>
    private static void Exchange(Span<double> upper, Span<double> lower, ReadOnlySpan<double> yUpper, ReadOnlySpan<double> yLower, double r)
    {
        var i = 0;
        if (Vector.IsHardwareAccelerated && upper.Length >= Vector<double>.Count)
        {
            var vr = new Vector<double>(r);
            for (; i <= upper.Length - Vector<double>.Count; i += Vector<double>.Count)
            {
                var flux = vr * (new Vector<double>(yLower[i..]) - new Vector<double>(yUpper[i..]));
                (new Vector<double>(upper[i..]) + flux).CopyTo(upper[i..]);
                (new Vector<double>(lower[i..]) - flux).CopyTo(lower[i..]);
            }
        }
        for (; i < upper.Length; i++)
        {
            var flux = r * (yLower[i] - yUpper[i]);
            upper[i] += flux;
            lower[i] -= flux;
        }
    }

    /// <summary>target = sourceᵀ for Size × Size row-major arrays.</summary>
    private void Transpose(double[] source, double[] target)
    {
        var n = Size;
        for (var row = 0; row < n; row++)
            for (var column = 0; column < n; column++)
                target[column * n + row] = source[row * n + column];
    }

    /// <summary>
    /// The injured afferents' weight at every site of a <paramref name="size"/>² lattice: background + (1 − background)·
    /// exp(−d²/(2 width²)), d the distance to the territory's centre in lattice widths, scaled to mean 1.
    /// </summary>
    public static double[] AfferentWeights(int size, AfferentTerritory territory)
    {
        var weights = new double[size * size];
        var sum = 0.0;
        for (var row = 0; row < size; row++)
            for (var column = 0; column < size; column++)
            {
                double dx = (column + 0.5) / size - territory.CentreX, dy = (row + 0.5) / size - territory.CentreY;
                var w = territory.Background + (1 - territory.Background) * Math.Exp(-(dx * dx + dy * dy) / (2 * territory.Width * territory.Width));
                weights[row * size + column] = w;
                sum += w;
            }
        for (var k = 0; k < weights.Length; k++) weights[k] *= weights.Length / sum;
        return weights;
    }
}
