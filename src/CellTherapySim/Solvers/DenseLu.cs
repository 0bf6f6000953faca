using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace CellTherapySim.Solvers;

/// <summary>
/// In-place LU decomposition with partial pivoting of a small dense row-major n×n matrix, and the matching solve.
/// No allocation; written for the Rosenbrock stage systems (n ≈ 10), where a library call would cost more than the work.
/// </summary>
internal static class DenseLu
{
    /// <summary>
    /// Overwrites <paramref name="a"/> (row-major, n×n) with L (unit lower, below the diagonal) and U, records the row
    /// interchanges in <paramref name="pivots"/> and the reciprocals of U's diagonal in <paramref name="inverseDiagonal"/>.
    /// Returns false, leaving <paramref name="a"/> partly overwritten, when a pivot is zero or not finite
    /// (singular matrix or NaN/∞ entries).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static bool Decompose(double[] a, int n, int[] pivots, double[] inverseDiagonal)
    {
        if (a.Length < n * n || pivots.Length < n || inverseDiagonal.Length < n)
            throw new ArgumentException("Work arrays are too small for the dimension.");
        ref double a0 = ref MemoryMarshal.GetArrayDataReference(a);
        for (int k = 0; k < n; k++)
        {
            // Pivot search in column k.
            int p = k;
            double max = Math.Abs(Unsafe.Add(ref a0, k * n + k));
            for (int i = k + 1; i < n; i++)
            {
                double v = Math.Abs(Unsafe.Add(ref a0, i * n + k));
                if (v > max) { max = v; p = i; }
            }
            pivots[k] = p;
            if (!(max > 0) || !double.IsFinite(max)) return false;
            ref double rowK = ref Unsafe.Add(ref a0, k * n);
            if (p != k)
            {
                ref double rowP = ref Unsafe.Add(ref a0, p * n);
                for (int j = 0; j < n; j++)
                {
                    double tmp = Unsafe.Add(ref rowK, j);
                    Unsafe.Add(ref rowK, j) = Unsafe.Add(ref rowP, j);
                    Unsafe.Add(ref rowP, j) = tmp;
                }
            }
            double inv = 1.0 / Unsafe.Add(ref rowK, k);
            inverseDiagonal[k] = inv;
            for (int i = k + 1; i < n; i++)
            {
                ref double rowI = ref Unsafe.Add(ref a0, i * n);
                double l = Unsafe.Add(ref rowI, k) * inv;
                Unsafe.Add(ref rowI, k) = l;
                if (l == 0) continue;
                for (int j = k + 1; j < n; j++)
                    Unsafe.Add(ref rowI, j) -= l * Unsafe.Add(ref rowK, j);
            }
        }
        return true;
    }

    /// <summary>
    /// Writes shift·I − <paramref name="jacobian"/> (row-major, n×n) into <paramref name="a"/> and decomposes it as
    /// <see cref="Decompose"/> does: the Rosenbrock stage matrix (1/(hγ))·I − J.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static bool DecomposeShifted(double shift, double[] jacobian, double[] a, int n, int[] pivots, double[] inverseDiagonal)
    {
        int nn = n * n;
        for (int i = 0; i < nn; i++) a[i] = -jacobian[i];
        for (int i = 0; i < nn; i += n + 1) a[i] += shift;
        return Decompose(a, n, pivots, inverseDiagonal);
    }

    /// <summary>Solves A x = b in place in <paramref name="b"/>, with the factors from <see cref="Decompose"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void Solve(double[] lu, int n, int[] pivots, double[] inverseDiagonal, double[] b)
    {
        if (lu.Length < n * n || pivots.Length < n || inverseDiagonal.Length < n || b.Length < n)
            throw new ArgumentException("Work arrays are too small for the dimension.");
        ref double a0 = ref MemoryMarshal.GetArrayDataReference(lu);
        ref double b0 = ref MemoryMarshal.GetArrayDataReference(b);
        ref int p0 = ref MemoryMarshal.GetArrayDataReference(pivots);
        ref double d0 = ref MemoryMarshal.GetArrayDataReference(inverseDiagonal);

        // Row interchanges, in the order they were made: b := P b.
        for (int k = 0; k < n; k++)
        {
            int p = Unsafe.Add(ref p0, k);
            if (p != k)
            {
                double tmp = Unsafe.Add(ref b0, p);
                Unsafe.Add(ref b0, p) = Unsafe.Add(ref b0, k);
                Unsafe.Add(ref b0, k) = tmp;
            }
        }

        // Forward substitution with the unit lower factor, column by column (independent updates instead of one
        // long dependent dot-product chain: roughly twice as fast for n ≈ 10).
        for (int k = 0; k < n - 1; k++)
        {
            double bk = Unsafe.Add(ref b0, k);
            if (bk == 0) continue;
            ref double colK = ref Unsafe.Add(ref a0, k);
            for (int i = k + 1; i < n; i++)
                Unsafe.Add(ref b0, i) -= Unsafe.Add(ref colK, i * n) * bk;
        }

        // Back substitution with U, column by column.
        for (int k = n - 1; k >= 0; k--)
        {
            double bk = Unsafe.Add(ref b0, k) * Unsafe.Add(ref d0, k);
            Unsafe.Add(ref b0, k) = bk;
            if (bk == 0) continue;
            ref double colK = ref Unsafe.Add(ref a0, k);
            for (int i = 0; i < k; i++)
                Unsafe.Add(ref b0, i) -= Unsafe.Add(ref colK, i * n) * bk;
        }
    }
}
