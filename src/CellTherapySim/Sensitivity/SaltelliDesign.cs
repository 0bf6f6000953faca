using CellTherapySim.Sweeps.Designs;

namespace CellTherapySim.Sensitivity;

/// <summary>
/// The sampling scheme of Saltelli et al. (2010, "Variance based sensitivity analysis of model output. Design and
/// estimator for the total sensitivity index", Comput. Phys. Commun. 181:259) for d parameters and N base rows: row r
/// of the base matrices A and B is the 2d-dimensional Sobol' point of the row split in two (A the first d coordinates,
/// B the last d), and AB_i is A with column i taken from B, so the model runs N(d + 2) times. Evaluations are numbered
/// row by row, and within a row in the blocks A, B, AB_1, …, AB_d: evaluation e is row e / (d + 2), block e mod (d + 2).
/// A plain sequence uses Sobol' point r + 1 for row r, skipping its all-zero point 0 (a corner of the cube, where it
/// would sit in A and B at once); a scrambled one uses point r, as Owen (2020, "On dropping the first Sobol' point")
/// advises, so that 2^m rows keep the full net.
/// </summary>
public static class SaltelliDesign
{
    /// <summary>The block number of the base matrix A.</summary>
    public const int BlockA = 0;

    /// <summary>The block number of the base matrix B.</summary>
    public const int BlockB = 1;

    /// <summary>The number of model evaluations, N(d + 2), for <paramref name="baseSamples"/> rows and <paramref name="parameters"/> parameters.</summary>
    public static long EvaluationCount(long baseSamples, int parameters)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(baseSamples, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(parameters, 1);
        return checked(baseSamples * (parameters + 2L));
    }

    /// <summary>The base row and block (<see cref="BlockA"/>, <see cref="BlockB"/>, or 2 + i for AB_i with i 0-based) of <paramref name="evaluation"/>.</summary>
    public static (long Row, int Block) Locate(long evaluation, int parameters)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(evaluation);
        ArgumentOutOfRangeException.ThrowIfLessThan(parameters, 1);
        var blocks = parameters + 2L;
        return (evaluation / blocks, (int)(evaluation % blocks));
    }

    /// <summary>Writes the unit-cube point of <paramref name="evaluation"/> into <paramref name="into"/> (length <paramref name="parameters"/>) from the 2d-dimensional <paramref name="sequence2d"/>.</summary>
    public static void Point(SobolSequence sequence2d, long evaluation, int parameters, Span<double> into)
    {
        if (sequence2d.Dimensions != 2 * parameters)
            throw new ArgumentException($"{parameters} parameters need a {2 * parameters}-dimensional sequence, not {sequence2d.Dimensions}", nameof(sequence2d));
        if (into.Length != parameters) throw new ArgumentException($"expected {parameters} coordinates, got {into.Length}", nameof(into));
        var (row, block) = Locate(evaluation, parameters);
        Span<double> rowPoint = stackalloc double[2 * parameters];
        sequence2d.Point(sequence2d.IsScrambled ? row : row + 1, rowPoint);
        var a = rowPoint[..parameters];
        var b = rowPoint[parameters..];
        (block == BlockB ? b : a).CopyTo(into);
        if (block > BlockB) into[block - 2] = b[block - 2];
    }
}
