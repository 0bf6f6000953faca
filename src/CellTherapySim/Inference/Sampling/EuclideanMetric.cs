using MathNet.Numerics.Distributions;
using MathNet.Numerics.LinearAlgebra;

namespace CellTherapySim.Inference.Sampling;

/// <summary>
/// The Euclidean metric of the Hamiltonian H(q, p) = −log p(q) + ½ pᵀ M⁻¹ p (Betancourt 2017, §4.2), held as the
/// inverse mass matrix M⁻¹ as in Stan's diag_e and dense_e metrics. The operations used per leapfrog step allocate nothing.
/// </summary>
internal abstract class EuclideanMetric
{
    protected EuclideanMetric(int dimension, int size)
    {
        Dimension = dimension;
        Values = new double[size];
    }

    /// <summary>Number of coordinates d.</summary>
    public int Dimension { get; }

    /// <summary>M⁻¹: its diagonal (length d) or the full matrix, row-major (d·d). Call <see cref="Refresh"/> after writing.</summary>
    public double[] Values { get; }

    /// <summary>Creates the unit metric of the given kind.</summary>
    public static EuclideanMetric Create(int dimension, bool dense) =>
        dense ? new DenseMetric(dimension) : new DiagonalMetric(dimension);

    /// <summary>Resets M⁻¹ to the identity.</summary>
    public void SetIdentity() => SetDiagonal(Enumerable.Repeat(1.0, Dimension).ToArray());

    /// <summary>Sets M⁻¹ to the diagonal matrix of <paramref name="diagonal"/>.</summary>
    public abstract void SetDiagonal(ReadOnlySpan<double> diagonal);

    /// <summary>Recomputes what is derived from <see cref="Values"/> (called after an adaptation window).</summary>
    public virtual void Refresh() { }

    /// <summary>Draws p ~ N(0, M) into <paramref name="p"/>, using only <paramref name="random"/>.</summary>
    public abstract void SampleMomentum(Random random, double[] p);

    /// <summary>p♯ = M⁻¹ p = ∂T/∂p (Stan's dtau_dp).</summary>
    public abstract void Sharp(double[] p, double[] pSharp);

    /// <summary>q += scale · M⁻¹ p: the position update of the leapfrog.</summary>
    public abstract void AddScaledSharp(double[] p, double scale, double[] q);

    /// <summary>
    /// a·b with four interleaved partial sums (independent add chains, ≈ 3× faster than one sum for long vectors); the
    /// order of operations is fixed, so results do not depend on the machine's SIMD width.
    /// </summary>
    public static double Dot(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        b = b[..a.Length];
        double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        int i = 0;
        for (; i <= a.Length - 4; i += 4)
        {
            s0 += a[i] * b[i];
            s1 += a[i + 1] * b[i + 1];
            s2 += a[i + 2] * b[i + 2];
            s3 += a[i + 3] * b[i + 3];
        }
        for (; i < a.Length; i++) s0 += a[i] * b[i];
        return (s0 + s1) + (s2 + s3);
    }

    private sealed class DiagonalMetric(int dimension) : EuclideanMetric(dimension, dimension)
    {
        public override void SetDiagonal(ReadOnlySpan<double> diagonal) => diagonal.CopyTo(Values);

        public override void SampleMomentum(Random random, double[] p)
        {
            var m = Values;
            for (int i = 0; i < p.Length; i++)
                p[i] = Normal.Sample(random, 0, 1) / Math.Sqrt(m[i]);
        }

        public override void Sharp(double[] p, double[] pSharp)
        {
            var m = Values;
            for (int i = 0; i < p.Length; i++)
                pSharp[i] = m[i] * p[i];
        }

        public override void AddScaledSharp(double[] p, double scale, double[] q)
        {
            var m = Values;
            for (int i = 0; i < p.Length; i++)
                q[i] += scale * m[i] * p[i];
        }
    }

    private sealed class DenseMetric : EuclideanMetric
    {
        /// <summary>Lower Cholesky factor L of M⁻¹ = L Lᵀ, row-major.</summary>
        private readonly double[] _cholesky;

        public DenseMetric(int dimension) : base(dimension, dimension * dimension) => _cholesky = new double[dimension * dimension];

        public override void SetDiagonal(ReadOnlySpan<double> diagonal)
        {
            Array.Clear(Values);
            for (int i = 0; i < Dimension; i++) Values[i * Dimension + i] = diagonal[i];
            Refresh();
        }

        public override void Refresh()
        {
            int n = Dimension;
            Matrix<double> factor;
            try
            {
                factor = Matrix<double>.Build.DenseOfRowMajor(n, n, Values).Cholesky().Factor;
            }
            catch (ArgumentException e)
            {
                throw new InvalidOperationException("The dense metric estimate is not positive definite.", e);
            }
            for (int i = 0; i < n; i++)
                for (int j = 0; j < n; j++)
                    _cholesky[i * n + j] = j <= i ? factor[i, j] : 0;
        }

        /// <summary>As Stan's dense_e_metric: p = L⁻ᵀ u with u ~ N(0, I), so that Cov(p) = (L Lᵀ)⁻¹ = M.</summary>
        public override void SampleMomentum(Random random, double[] p)
        {
            int n = Dimension;
            for (int i = 0; i < n; i++)
                p[i] = Normal.Sample(random, 0, 1);
            for (int i = n - 1; i >= 0; i--)
            {
                double s = p[i];
                for (int j = i + 1; j < n; j++)
                    s -= _cholesky[j * n + i] * p[j];
                p[i] = s / _cholesky[i * n + i];
            }
        }

        public override void Sharp(double[] p, double[] pSharp)
        {
            for (int i = 0; i < Dimension; i++)
                pSharp[i] = RowTimes(i, p);
        }

        public override void AddScaledSharp(double[] p, double scale, double[] q)
        {
            for (int i = 0; i < Dimension; i++)
                q[i] += scale * RowTimes(i, p);
        }

        /// <summary>(M⁻¹ p)ᵢ.</summary>
        private double RowTimes(int i, double[] p) => Dot(Values.AsSpan(i * Dimension, Dimension), p);
    }
}
