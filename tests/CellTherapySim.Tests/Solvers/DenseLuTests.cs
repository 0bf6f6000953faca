using CellTherapySim.Solvers;
using MathNet.Numerics.LinearAlgebra;

namespace CellTherapySim.Tests.Solvers;

/// <summary>The small in-place LU used by Rodas4, against MathNet.</summary>
public class DenseLuTests
{
    /// <summary>Random 11×11 systems (pivoting needed: no diagonal dominance): solution within 1e-12 relative of MathNet's.</summary>
    [Fact]
    public void SolvesLikeMathNet()
    {
        var random = new Random(12345);
        const int n = 11;
        for (int trial = 0; trial < 20; trial++)
        {
            var a = new double[n * n];
            var b = new double[n];
            for (int i = 0; i < a.Length; i++) a[i] = random.NextDouble() * 2 - 1;
            for (int i = 0; i < n; i++) b[i] = random.NextDouble() * 2 - 1;
            var expected = Matrix<double>.Build.Dense(n, n, (i, j) => a[i * n + j]).Solve(Vector<double>.Build.DenseOfArray(b));

            var lu = (double[])a.Clone();
            var pivots = new int[n];
            var inverseDiagonal = new double[n];
            Assert.True(DenseLu.Decompose(lu, n, pivots, inverseDiagonal));
            DenseLu.Solve(lu, n, pivots, inverseDiagonal, b);
            Assert.True(SolverTestHelpers.RelativeMaxError(b, expected.ToArray()) < 1e-12);
        }
    }

    [Fact]
    public void ReportsSingularAndNonFiniteMatrices()
    {
        var pivots = new int[3];
        var inverseDiagonal = new double[3];
        double[] singular = [1, 2, 3, 2, 4, 6, 1, 0, 1];   // row 2 = 2 × row 1
        Assert.False(DenseLu.Decompose(singular, 3, pivots, inverseDiagonal));
        double[] withNaN = [1, 0, 0, 0, double.NaN, 0, 0, 0, 1];
        Assert.False(DenseLu.Decompose(withNaN, 3, pivots, inverseDiagonal));
        double[] withInfinity = [1, 0, 0, 0, 1, 0, double.PositiveInfinity, 0, 1];
        Assert.False(DenseLu.Decompose(withInfinity, 3, pivots, inverseDiagonal));
    }
}
