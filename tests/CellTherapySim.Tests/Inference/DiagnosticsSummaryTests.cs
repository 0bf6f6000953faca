using CellTherapySim.Output;
using CellTherapySim.Inference.Diagnostics;

namespace CellTherapySim.Tests.Inference;

/// <summary>The posterior summary's statistics on hand-checked examples, its CSV form and E-BFMI.</summary>
public class DiagnosticsSummaryTests
{
    [Fact]
    public void OddSampleStatisticsMatchTheHandComputation()
    {
        // Draws 1, 2, 3, 4, 10 (one chain):
        //   mean 20/5 = 4; sd √((9 + 4 + 1 + 0 + 36)/4) = √12.5; median 3;
        //   |x − 3| = 2, 1, 0, 1, 7 → sorted 0, 1, 1, 2, 7 → median 1 → mad = 1.4826·1;
        //   type 7: q(p) = x₍ₕ₎ interpolated at h = (n − 1)p + 1:
        //     q5:  h = 4·0.05 + 1 = 1.2 → 1 + 0.2·(2 − 1)  = 1.2
        //     q95: h = 4·0.95 + 1 = 4.8 → 4 + 0.8·(10 − 4) = 8.8
        var s = PosteriorSummary.Summarise("x", [[1, 2, 3, 4, 10]]);
        Assert.Equal(4, s.Mean, 14);
        Assert.Equal(Math.Sqrt(12.5), s.Sd, 14);
        Assert.Equal(3, s.Median);
        Assert.Equal(1.4826, s.Mad, 14);
        Assert.Equal(1.2, s.Q5, 14);
        Assert.Equal(8.8, s.Q95, 14);
        // Split halves of 2 draws are too few for an ESS (posterior needs 3).
        Assert.True(double.IsNaN(s.EssBulk));
    }

    [Fact]
    public void EvenSampleStatisticsMatchTheHandComputation()
    {
        // Draws 1..7 and 100 in two chains of 4:
        //   median (4 + 5)/2 = 4.5; |x − 4.5| = 3.5 2.5 1.5 0.5 0.5 1.5 2.5 95.5 → sorted middle pair 1.5, 2.5 → 2
        //   → mad = 2.9652;
        //   q5:  h = 7·0.05 + 1 = 1.35 → 1 + 0.35·(2 − 1)   = 1.35
        //   q95: h = 7·0.95 + 1 = 7.65 → 7 + 0.65·(100 − 7) = 67.45
        var s = PosteriorSummary.Summarise("x", [[1, 2, 3, 4], [5, 6, 7, 100]]);
        Assert.Equal(4.5, s.Median);
        Assert.Equal(2.9652, s.Mad, 14);
        Assert.Equal(1.35, s.Q5, 13);
        Assert.Equal(67.45, s.Q95, 12);
        Assert.Equal(128 / 8.0, s.Mean, 14);
    }

    [Fact]
    public void CsvHasPosteriorsHeaderRoundTripNumbersAndNA()
    {
        var rows = new[]
        {
            new VariableSummary("theta", 0.1, 1.0 / 3, 2, 3, -4.5, 1e-20, 1.0001, 3999.5, double.NaN),
            new VariableSummary("eta.1,2", 1, 2, 3, 4, 5, 6, double.PositiveInfinity, 7, 8),
        };
        var writer = new StringWriter { NewLine = "\n" };
        FitFiles.WriteSummary(writer, rows);
        var lines = writer.ToString().Split('\n');

        Assert.Equal("variable,mean,median,sd,mad,q5,q95,rhat,ess_bulk,ess_tail", lines[0]);
        Assert.Equal("theta,0.1,0.3333333333333333,2,3,-4.5,1E-20,1.0001,3999.5,NA", lines[1]);
        Assert.Equal("\"eta.1,2\",1,2,3,4,5,6,Inf,7,8", lines[2]);
        Assert.Equal(1.0 / 3, double.Parse(lines[1].Split(',')[2], System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public void EbfmiOfIndependentEnergiesIsAboutTwo()
    {
        // Independent N(0, 1) energies: Σ(Eₙ − Eₙ₋₁)² ≈ 2n with variance 12n, Σ(Eₙ − Ē)² ≈ n with variance 2n and
        // covariance 4n, so the ratio is 2 with sd ≈ √(12n + 4·2n − 4·4n)/n = 2/√n = 0.063 for n = 1000 (measured over
        // 200 seeds: mean 1.996, sd 0.065). Within 4 sd:
        var energy = DiagnosticsTestData.Normal(seed: 11, 1, 1000)[0];
        Assert.InRange(EnergyDiagnostics.Ebfmi(energy), 2 - 4 * 0.063, 2 + 4 * 0.063);
    }

    [Fact]
    public void EbfmiOfARandomWalkIsSmall()
    {
        // Energies that wander: Σ(ΔE)² ≈ n while Σ(E − Ē)² ≈ n²/6, E-BFMI ≈ 6/n = 0.006.
        var steps = DiagnosticsTestData.Normal(seed: 12, 1, 1000)[0];
        var walk = new double[steps.Length];
        for (var i = 1; i < walk.Length; i++)
            walk[i] = walk[i - 1] + steps[i];
        var ebfmi = EnergyDiagnostics.Ebfmi(walk);
        Assert.True(ebfmi < 0.05 && ebfmi < EnergyDiagnostics.LowThreshold, $"E-BFMI {ebfmi}");
    }

    [Fact]
    public void EbfmiIsPerChainAndExactOnAHandExample()
    {
        // Energies 1, 3, 2: differences 2, −1 → 5; mean 2, deviations −1, 1, 0 → 2; E-BFMI = 2.5.
        // Energies 1, 2, 4: differences 1, 2 → 5; mean 7/3, deviations −4/3, −1/3, 5/3 → 42/9; E-BFMI = 45/42.
        var ebfmi = EnergyDiagnostics.Ebfmi([[1.0, 3, 2], [1.0, 2, 4]]);
        Assert.Equal(2, ebfmi.Length);
        Assert.Equal(2.5, ebfmi[0], 14);
        Assert.Equal(45.0 / 42, ebfmi[1], 14);
        Assert.True(double.IsNaN(EnergyDiagnostics.Ebfmi([4.0, 4, 4])));
        Assert.True(double.IsNaN(EnergyDiagnostics.Ebfmi([4.0])));
    }
}
