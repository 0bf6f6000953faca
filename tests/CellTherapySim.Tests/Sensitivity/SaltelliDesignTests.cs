using CellTherapySim.Sensitivity;
using CellTherapySim.Sweeps.Designs;

namespace CellTherapySim.Tests.Sensitivity;

/// <summary>The Saltelli (2010) design: evaluation count, numbering, and the A, B and AB_i blocks of each row.</summary>
public sealed class SaltelliDesignTests
{
    [Fact]
    public void EvaluationCountIsBaseSamplesTimesParametersPlusTwo()
    {
        Assert.Equal(8192L * 5, SaltelliDesign.EvaluationCount(8192, 3));
        Assert.Equal(3L, SaltelliDesign.EvaluationCount(1, 1));
        Assert.Equal(10_000_000L * 102, SaltelliDesign.EvaluationCount(10_000_000, 100));
        Assert.Throws<ArgumentOutOfRangeException>(() => SaltelliDesign.EvaluationCount(0, 3));
        Assert.Throws<ArgumentOutOfRangeException>(() => SaltelliDesign.EvaluationCount(4, 0));
        Assert.Throws<OverflowException>(() => SaltelliDesign.EvaluationCount(long.MaxValue / 2, 1));
    }

    [Fact]
    public void LocateNumbersRowsThenBlocks()
    {
        const int parameters = 4;
        var evaluation = 0L;
        for (long row = 0; row < 5; row++)
            for (var block = 0; block < parameters + 2; block++)
                Assert.Equal((row, block), SaltelliDesign.Locate(evaluation++, parameters));
        Assert.Equal((0L, SaltelliDesign.BlockA), SaltelliDesign.Locate(0, 1));
        Assert.Equal((0L, SaltelliDesign.BlockB), SaltelliDesign.Locate(1, 1));
        Assert.Equal((1L, SaltelliDesign.BlockA), SaltelliDesign.Locate(3, 1));
    }

    /// <summary>A is the first d coordinates of the row's Sobol' point, B the last d, AB_i is A with column i from B.</summary>
    [Theory]
    [InlineData(null)]
    [InlineData(31UL)]
    public void BlocksSplitTheRowPoint(ulong? seed)
    {
        const int parameters = 3;
        var sequence = new SobolSequence(2 * parameters, seed);
        var rowPoint = new double[2 * parameters];
        var into = new double[parameters];
        for (long row = 0; row < 50; row++)
        {
            // A plain sequence skips its all-zero point 0; a scrambled one starts at point 0.
            sequence.Point(seed is null ? row + 1 : row, rowPoint);
            var a = rowPoint[..parameters];
            var b = rowPoint[parameters..];
            var first = row * (parameters + 2);
            SaltelliDesign.Point(sequence, first + SaltelliDesign.BlockA, parameters, into);
            Assert.Equal(a, into);
            SaltelliDesign.Point(sequence, first + SaltelliDesign.BlockB, parameters, into);
            Assert.Equal(b, into);
            for (var i = 0; i < parameters; i++)
            {
                SaltelliDesign.Point(sequence, first + 2 + i, parameters, into);
                var expected = (double[])a.Clone();
                expected[i] = b[i];
                Assert.Equal(expected, into);
            }
        }
    }

    [Fact]
    public void PlainDesignNeverUsesTheOrigin()
    {
        var sequence = new SobolSequence(4, scrambleSeed: null);
        var into = new double[2];
        SaltelliDesign.Point(sequence, 0, 2, into);
        Assert.Equal([0.5, 0.5], into);
    }

    [Fact]
    public void RejectsAMismatchedSequenceOrBuffer()
    {
        var sequence = new SobolSequence(6, null);
        Assert.Throws<ArgumentException>(() => SaltelliDesign.Point(sequence, 0, 2, new double[2]));
        Assert.Throws<ArgumentException>(() => SaltelliDesign.Point(sequence, 0, 3, new double[2]));
        Assert.Throws<ArgumentOutOfRangeException>(() => SaltelliDesign.Point(sequence, -1, 3, new double[3]));
    }
}
