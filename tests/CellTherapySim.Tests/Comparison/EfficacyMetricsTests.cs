using CellTherapySim.Comparison;

namespace CellTherapySim.Tests.Comparison;

/// <summary>The efficacy metrics on hand-made relief curves with exact answers.</summary>
public class EfficacyMetricsTests
{
    // A triangle: 0 at day 2, rising to 4 at day 6, back to 0 at day 10 (area ½·8·4 = 16), then flat at 0 to day 12.
    private static readonly double[] TriangleTimes = [0, 2, 4, 6, 8, 10, 12];
    private static readonly double[] Triangle = [0, 0, 2, 4, 2, 0, 0];

    // A step: relief 3 on days 5-8 and 0 elsewhere, sampled daily.
    private static readonly double[] StepTimes = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
    private static readonly double[] Step = [0, 0, 0, 0, 0, 3, 3, 3, 3, 0, 0];

    [Fact]
    public void AucOfATriangleIsHalfBaseTimesHeight() =>
        Assert.Equal(16.0, EfficacyMetrics.Auc(TriangleTimes, Triangle, from: 2));

    [Fact]
    public void AucStartsAtTheFirstDoseEvenBetweenSamples()
    {
        // From day 3 (relief 1 by interpolation): the triangle minus the piece from 2 to 3 (½·1·1).
        Assert.Equal(15.5, EfficacyMetrics.Auc(TriangleTimes, Triangle, from: 3));
        // From day 6 on: the falling half only.
        Assert.Equal(8.0, EfficacyMetrics.Auc(TriangleTimes, Triangle, from: 6));
        // A window of zero length.
        Assert.Equal(0.0, EfficacyMetrics.Auc(TriangleTimes, Triangle, from: 12));
    }

    [Fact]
    public void AucCountsHarmAsNegative() =>
        Assert.Equal(-16.0, EfficacyMetrics.Auc(TriangleTimes, Triangle.Select(r => -r).ToArray(), from: 0));

    [Fact]
    public void OnsetIsTheFirstSampleAfterTheDoseAtOrAboveTheThreshold()
    {
        Assert.Equal(5.0, EfficacyMetrics.Onset(StepTimes, Step, from: 1, threshold: 3));
        Assert.Equal(5.0, EfficacyMetrics.Onset(StepTimes, Step, from: 1, threshold: 0.5));
        Assert.Equal(6.0, EfficacyMetrics.Onset(StepTimes, Step, from: 5, threshold: 1)); // strictly after the dose day
        Assert.Null(EfficacyMetrics.Onset(StepTimes, Step, from: 1, threshold: 3.01));
        Assert.Null(EfficacyMetrics.Onset(StepTimes, Step, from: 8, threshold: 1));
    }

    [Fact]
    public void DurationOfAStepIsItsPlateauAtItsHeightAndIncludesTheInterpolatedEdgesBelow()
    {
        Assert.Equal(3.0, EfficacyMetrics.Duration(StepTimes, Step, from: 0, threshold: 3));
        // Threshold 1.5 is crossed half-way up the rising (4→5) and falling (8→9) edges: 3 + 0.5 + 0.5.
        Assert.Equal(4.0, EfficacyMetrics.Duration(StepTimes, Step, from: 0, threshold: 1.5));
        // Threshold 2 is crossed at 2/3 of the edges: 3 + 1/3 + 1/3.
        Assert.Equal(3 + 2.0 / 3, EfficacyMetrics.Duration(StepTimes, Step, from: 0, threshold: 2), 1e-14);
        Assert.Equal(0.0, EfficacyMetrics.Duration(StepTimes, Step, from: 0, threshold: 3.5));
        // The window starts at the dose: from day 7 only days 7-8 and half of 8-9 count.
        Assert.Equal(1.5, EfficacyMetrics.Duration(StepTimes, Step, from: 7, threshold: 1.5));
    }

    [Fact]
    public void DurationOfATriangleAboveHalfItsHeightIsHalfItsBase() =>
        Assert.Equal(4.0, EfficacyMetrics.Duration(TriangleTimes, Triangle, from: 0, threshold: 2));

    [Fact]
    public void PeakIsTheLargestReliefAndTheFirstDayItIsReached()
    {
        Assert.Equal((4.0, 6.0), EfficacyMetrics.Peak(TriangleTimes, Triangle, from: 0));
        Assert.Equal((3.0, 5.0), EfficacyMetrics.Peak(StepTimes, Step, from: 0));
        Assert.Equal((3.0, 7.0), EfficacyMetrics.Peak(StepTimes, Step, from: 7));
        Assert.Equal((2.0, 8.0), EfficacyMetrics.Peak(TriangleTimes, Triangle, from: 7));
        var none = EfficacyMetrics.Peak(StepTimes, Step, from: 11);
        Assert.True(double.IsNaN(none.Value) && double.IsNaN(none.Day));
    }

    [Fact]
    public void MismatchedLengthsAreRejected() =>
        Assert.Throws<ArgumentException>(() => EfficacyMetrics.Auc(StepTimes, Triangle, 0));

    [Fact]
    public void SummaryGivesMeanAndType7Quantiles()
    {
        // R: quantile(1:21, c(.05, .5, .95)) = 2, 11, 20; quantile(c(1, 2, 3, 10), .05) = 1.15, .95 = 8.95.
        var s = MetricSummary.Of(99, Enumerable.Range(1, 21).Select(i => (double)(22 - i)));
        Assert.Equal(new MetricSummary(99, 11, 2, 11, 20, 21), s);
        var t = MetricSummary.Of(0, [10, 1, 3, 2]);
        Assert.Equal((4.0, 1.15, 2.5, 8.95, 4), (t.Mean, Math.Round(t.Q5, 12), t.Q50, Math.Round(t.Q95, 12), t.N));
        var empty = MetricSummary.Of(1, []);
        Assert.Equal((1.0, 0), (empty.Estimate, empty.N));
        Assert.True(double.IsNaN(empty.Mean) && double.IsNaN(empty.Q5) && double.IsNaN(empty.Q95));
    }

    [Fact]
    public void CurveGridHasQuarterDaysReadoutDaysAndDoseDays()
    {
        var grid = RegimenComparison.CurveGrid([0, 3.1, 5], [2.6, 7], 0.25);
        Assert.Equal(Enumerable.Range(0, 21).Select(i => i * 0.25).Append(2.6).Append(3.1).Order(), grid);
    }
}
