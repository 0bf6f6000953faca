using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace CellTherapySim.Solvers;

/// <summary>
/// Solves with the factors of <see cref="DenseLu.Decompose"/> through their nonzero entries only, for many right-hand
/// sides at once: the factors of a sparse Jacobian are sparse, and a structured system (e.g. forward sensitivities)
/// solves several right-hand sides with one factorization. <see cref="Prepare"/> collects the nonzeros by rows (once per
/// factorization); <see cref="Solve"/> then substitutes row by row, accumulating in registers, four right-hand sides
/// per 256-bit vector (two per 128-bit one for what remains). Work arrays are sized at construction; nothing is allocated afterwards.
/// </summary>
internal sealed class SparseLuSolver
{
    private readonly int _n;
    private readonly int[] _lowerStart, _upperStart, _lowerColumn, _upperColumn;
    private readonly double[] _lowerValue, _upperValue;
    private double[] _inverseDiagonal = [];
    private int[] _pivots = [];

    /// <summary>Creates a solver for n×n factors.</summary>
    public SparseLuSolver(int n)
    {
        _n = n;
        (_lowerStart, _upperStart) = (new int[n + 1], new int[n + 1]);
        int triangle = n * (n - 1) / 2;
        (_lowerColumn, _upperColumn, _lowerValue, _upperValue) = (new int[triangle], new int[triangle], new double[triangle], new double[triangle]);
    }

    /// <summary>Collects the nonzero entries of the factors (<paramref name="lu"/>, pivots and inverse diagonal from <see cref="DenseLu.Decompose"/>), which must stay unchanged while solving.</summary>
    public void Prepare(double[] lu, int[] pivots, double[] inverseDiagonal)
    {
        (_pivots, _inverseDiagonal) = (pivots, inverseDiagonal);
        int n = _n, lower = 0, upper = 0;
        for (int i = 0; i < n; i++)
        {
            _lowerStart[i] = lower;
            _upperStart[i] = upper;
            for (int k = 0; k < n; k++)
            {
                double value = lu[i * n + k];
                if (value == 0 || k == i) continue;
                if (k < i) { _lowerColumn[lower] = k; _lowerValue[lower++] = value; }
                else { _upperColumn[upper] = k; _upperValue[upper++] = value; }
            }
        }
        _lowerStart[n] = lower;
        _upperStart[n] = upper;
    }

    /// <summary>
    /// Solves A X = B in place for the <paramref name="count"/> right-hand sides held as the columns of the row-major
    /// n×count matrix <paramref name="b"/> (b[i·count + c] is row i of right-hand side c).
    /// </summary>
    public void Solve(Span<double> b, int count)
    {
        if (b.Length < _n * count) throw new ArgumentException("The right-hand sides are too short for the dimension.", nameof(b));
        ref double b0 = ref MemoryMarshal.GetReference(b);
        for (int k = 0; k < _n; k++)
        {
            int p = _pivots[k];
            if (p == k) continue;
            for (int c = 0; c < count; c++)
            {
                ref double rowP = ref Unsafe.Add(ref b0, p * count + c), rowK = ref Unsafe.Add(ref b0, k * count + c);
                (rowP, rowK) = (rowK, rowP);
            }
        }
        int column = 0;
        if (Vector256.IsHardwareAccelerated)
            for (; column + 4 <= count; column += 4) Substitute<FourColumns, Vector256<double>>(ref Unsafe.Add(ref b0, column), count);
        if (Vector128.IsHardwareAccelerated)
            for (; column + 2 <= count; column += 2) Substitute<TwoColumns, Vector128<double>>(ref Unsafe.Add(ref b0, column), count);
        for (; column < count; column++) Substitute<OneColumn, double>(ref Unsafe.Add(ref b0, column), count);
    }

    /// <summary>Forward substitution with the unit lower factor, then back substitution with U, on the columns at <paramref name="b"/> (row stride <paramref name="stride"/>).</summary>
    private void Substitute<TColumns, TVector>(ref double b, int stride) where TColumns : struct, IColumns<TVector>
    {
        for (int i = 1; i < _n; i++)
        {
            var sum = TColumns.Load(ref Unsafe.Add(ref b, i * stride));
            for (int e = _lowerStart[i]; e < _lowerStart[i + 1]; e++)
                sum = TColumns.MultiplySubtract(sum, _lowerValue[e], TColumns.Load(ref Unsafe.Add(ref b, _lowerColumn[e] * stride)));
            TColumns.Store(sum, ref Unsafe.Add(ref b, i * stride));
        }
        for (int i = _n - 1; i >= 0; i--)
        {
            var sum = TColumns.Load(ref Unsafe.Add(ref b, i * stride));
            for (int e = _upperStart[i]; e < _upperStart[i + 1]; e++)
                sum = TColumns.MultiplySubtract(sum, _upperValue[e], TColumns.Load(ref Unsafe.Add(ref b, _upperColumn[e] * stride)));
            TColumns.Store(TColumns.Scale(sum, _inverseDiagonal[i]), ref Unsafe.Add(ref b, i * stride));
        }
    }

    /// <summary>Arithmetic on a group of adjacent columns of one row (one value or a 256-bit vector of four).</summary>
    private interface IColumns<TVector>
    {
        static abstract TVector Load(ref double source);
        static abstract void Store(TVector value, ref double destination);
        static abstract TVector MultiplySubtract(TVector sum, double factor, TVector value);
        static abstract TVector Scale(TVector value, double factor);
    }

    private struct OneColumn : IColumns<double>
    {
        public static double Load(ref double source) => source;
        public static void Store(double value, ref double destination) => destination = value;
        public static double MultiplySubtract(double sum, double factor, double value) => sum - factor * value;
        public static double Scale(double value, double factor) => value * factor;
    }

    private struct TwoColumns : IColumns<Vector128<double>>
    {
        public static Vector128<double> Load(ref double source) => Vector128.LoadUnsafe(ref source);
        public static void Store(Vector128<double> value, ref double destination) => value.StoreUnsafe(ref destination);
        public static Vector128<double> MultiplySubtract(Vector128<double> sum, double factor, Vector128<double> value) => sum - Vector128.Create(factor) * value;
        public static Vector128<double> Scale(Vector128<double> value, double factor) => value * factor;
    }

    private struct FourColumns : IColumns<Vector256<double>>
    {
        public static Vector256<double> Load(ref double source) => Vector256.LoadUnsafe(ref source);
        public static void Store(Vector256<double> value, ref double destination) => value.StoreUnsafe(ref destination);
        public static Vector256<double> MultiplySubtract(Vector256<double> sum, double factor, Vector256<double> value) => sum - Vector256.Create(factor) * value;
        public static Vector256<double> Scale(Vector256<double> value, double factor) => value * factor;
    }
}
