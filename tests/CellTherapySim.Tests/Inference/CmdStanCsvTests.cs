using CellTherapySim.Output;
using CellTherapySim.Inference.Diagnostics;
using CellTherapySim.Inference.Sampling;
using MathNet.Numerics.Random;

namespace CellTherapySim.Tests.Inference;

/// <summary>CmdStan CSV: the writer's layout, writer → reader round trips, cut-off files and CmdStan's own output.</summary>
public class CmdStanCsvTests
{
    private static readonly string[] Parameters = ["k_act", "eta.1.1", "eta.2.1", "eta.1.2"];

    private static readonly CmdStanSettings Settings = new()
    {
        ModelName = "msc-neuropathic-pain",
        NumSamples = 20,
        NumWarmup = 30,
        AdaptDelta = 0.9,
        MaxDepth = 8,
        ChainId = 3,
        Seed = 42,
        DataFile = "data/observations.csv",
        OutputFile = "fit/chain-3.csv",
    };

    [Fact]
    public void WriterThenReaderGivesTheSameNumbers()
    {
        var (text, draws, stats) = WriteChain(Settings, drawCount: 20, complete: true);
        var csv = CmdStanCsvReader.Parse(text, "chain-3.csv");

        Assert.Equal(CmdStanCsvWriter.SamplerColumns.Concat(Parameters), csv.ColumnNames);
        Assert.Equal(["lp__", .. Parameters], csv.Variables);
        Assert.Equal(20, csv.Draws.Count);
        for (var i = 0; i < draws.Length; i++)
        {
            var s = stats[i];
            double[] expected = [s.LogDensity, s.AcceptStat, s.StepSize, s.TreeDepth, s.LeapfrogSteps, s.Divergent ? 1 : 0, s.Energy, .. draws[i]];
            Assert.Equal(expected, csv.Draws[i]);
        }
        Assert.Equal(draws.Select(d => d[1]), csv.Column("eta.1.1"));
        Assert.Equal(0.123456789012345, csv.StepSize);
        Assert.Equal([[1.5, 0.25, 1e-7, 3]], csv.InverseMetric!);
        Assert.Equal((12.5, 30.25, 42.75), (csv.WarmupSeconds, csv.SamplingSeconds, csv.TotalSeconds));
        Assert.True(csv.IsComplete);

        Assert.Equal("msc-neuropathic-pain", csv.Settings["model"]);
        Assert.Equal("sample", csv.Settings["method"]);
        Assert.Equal(("20", "30", "0", "1"), (csv.Settings["num_samples"], csv.Settings["num_warmup"], csv.Settings["save_warmup"], csv.Settings["thin"]));
        Assert.Equal(("1", "0.9", "hmc", "nuts", "8"), (csv.Settings["engaged"], csv.Settings["delta"], csv.Settings["algorithm"], csv.Settings["engine"], csv.Settings["max_depth"]));
        Assert.Equal(("diag_e", "1", "3", "42"), (csv.Settings["metric"], csv.Settings["stepsize"], csv.Settings["id"], csv.Settings["seed"]));
        Assert.Equal("data/observations.csv", csv.Settings["file"]); // the data file comes first, as in CmdStan
    }

    [Fact]
    public void WriterUsesCmdStansLayout()
    {
        var (text, _, _) = WriteChain(Settings with { SignificantDigits = 6 }, drawCount: 1, complete: true);
        var lines = text.Split('\n');

        Assert.Equal("# model = msc-neuropathic-pain", lines[0]);
        Assert.Equal("# method = sample", lines[1]);
        Assert.Contains("#   sample", lines);
        Assert.Contains("#     num_samples = 20", lines);
        Assert.Contains("#       delta = 0.9", lines);
        Assert.Contains("#         engine = nuts", lines);
        Assert.Contains("#             max_depth = 8", lines);
        Assert.Contains("#         metric = diag_e", lines);
        Assert.Contains("# id = 3", lines);
        Assert.Contains("#   seed = 42", lines);
        var header = Array.IndexOf(lines, "lp__,accept_stat__,stepsize__,treedepth__,n_leapfrog__,divergent__,energy__,k_act,eta.1.1,eta.2.1,eta.1.2");
        Assert.True(header > 0);
        Assert.Equal("# Adaptation terminated", lines[header + 1]);
        Assert.Equal("# Step size = 0.123457", lines[header + 2]);
        Assert.Equal("# Diagonal elements of inverse mass matrix:", lines[header + 3]);
        Assert.Equal("# 1.5, 0.25, 1e-07, 3", lines[header + 4]);
        Assert.Equal(["3", "7", "0"], lines[header + 5].Split(',')[3..6]); // integers for treedepth__, n_leapfrog__, divergent__
        Assert.Equal(
            ["# ", "#  Elapsed Time: 12.5 seconds (Warm-up)", "#                30.25 seconds (Sampling)", "#                42.75 seconds (Total)", "# ", ""],
            lines[(header + 6)..]);
    }

    [Fact]
    public void SixSignificantDigitsAreWrittenAsCmdStanWritesThem()
    {
        var writer = new StringWriter();
        using (var csv = new CmdStanCsvWriter(writer, Settings with { SignificantDigits = 6 }, ["a", "b", "c", "d", "e", "f"]))
            csv.WriteDraw(Draw(-7.292964, 0.98903412, 0.8935421, 2, 3, false, 7.694361),
                [0.2095981, 1e-5, 123456789, double.NaN, double.NegativeInfinity, -0.0]);
        var draw = writer.ToString().Split('\n')[^2];
        Assert.Equal("-7.29296,0.989034,0.893542,2,3,0,7.69436,0.209598,1e-05,1.23457e+08,nan,-inf,-0", draw);

        var read = CmdStanCsvReader.Parse(writer.ToString(), "six.csv").Draws.Single();
        Assert.Equal([-7.29296, 0.989034, 0.893542, 2, 3, 0, 7.69436, 0.209598, 1e-05, 1.23457e+08, double.NaN, double.NegativeInfinity, 0], read);
    }

    [Fact]
    public void DenseMetricIsWrittenOneRowPerLineAndReadBack()
    {
        var writer = new StringWriter();
        using (var csv = new CmdStanCsvWriter(writer, Settings with { Metric = CmdStanMetric.Dense }, ["a", "b", "c"]))
        {
            csv.WriteAdaptation(0.5, [1, 0.5, 0.25, 0.5, 2, -0.125, 0.25, -0.125, 3]); // row-major
            csv.WriteDraw(Draw(-1, 1, 0.5, 1, 1, false, 2), [1, 2, 3]);
        }
        var text = writer.ToString();
        Assert.Contains("#         metric = dense_e\n", text);
        Assert.Contains("# Elements of inverse mass matrix:\n# 1, 0.5, 0.25\n# 0.5, 2, -0.125\n# 0.25, -0.125, 3\n", text);

        var read = CmdStanCsvReader.Parse(text, "dense.csv");
        Assert.Equal([[1, 0.5, 0.25], [0.5, 2, -0.125], [0.25, -0.125, 3]], read.InverseMetric!);
        Assert.Equal(0.5, read.StepSize);
        Assert.Single(read.Draws);
        Assert.False(read.IsComplete);
    }

    [Fact]
    public void AFileCutOffAnywhereReadsItsCompleteLines()
    {
        var (text, draws, _) = WriteChain(Settings, drawCount: 10, complete: false);
        var headerRowEnd = text.IndexOf('\n', text.IndexOf("\nlp__", StringComparison.Ordinal) + 1) + 1;
        for (var cut = 0; cut <= text.Length; cut++)
        {
            var prefix = text[..cut];
            var csv = CmdStanCsvReader.Parse(prefix, "cut.csv");
            Assert.False(csv.IsComplete);
            if (cut < headerRowEnd)
            {
                // Still in the comments, or the header row itself is incomplete: nothing to read yet.
                Assert.Empty(csv.ColumnNames);
                Assert.Empty(csv.Draws);
                continue;
            }
            var completeDrawLines = prefix.Split('\n')[..^1].Count(l => l.Length > 0 && l[0] != '#') - 1;
            Assert.Equal(11, csv.ColumnNames.Count);
            Assert.Equal(completeDrawLines, csv.Draws.Count);
            for (var i = 0; i < csv.Draws.Count; i++)
                Assert.Equal(draws[i], csv.Draws[i][7..]);
        }
    }

    [Fact]
    public void EveryDrawIsOnDiskBeforeTheNextIsWritten()
    {
        var directory = Directory.CreateTempSubdirectory("ctsim-cmdstan-");
        try
        {
            var path = Path.Combine(directory.FullName, "chain-1.csv");
            using (var writer = CmdStanCsvWriter.Create(path, Settings, Parameters))
            {
                writer.WriteAdaptation(0.7, [1.0, 1, 1, 1]);
                for (var i = 1; i <= 3; i++)
                {
                    writer.WriteDraw(Draw(-i, 0.9, 0.7, 2, 3, false, i), [i, i, i, i]);
                    Assert.False(File.Exists(path));   // the final name appears only when the chain completes
                    var partial = CmdStanCsvReader.Read(path + ResultFile.PartialSuffix); // read while the writer is still open
                    Assert.Equal(i, partial.Draws.Count);
                    Assert.Equal(writer.DrawCount, partial.Draws.Count);
                    Assert.Equal(0.7, partial.StepSize);
                }
                writer.WriteTiming(1, 2);
            }
            var done = CmdStanCsvReader.Read(path);
            Assert.False(File.Exists(path + ResultFile.PartialSuffix));
            Assert.True(done.IsComplete);
            Assert.Equal(3, done.Draws.Count);
            Assert.DoesNotContain('\r', File.ReadAllText(path));
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Fact]
    public void ReadsCmdStansOwnOutput()
    {
        // The layout of a CmdStan 2.33 sample file (abridged header, "(Default)" marks, Windows line ends).
        var text = string.Join("\r\n",
            "# stan_version_major = 2",
            "# model = bernoulli_model",
            "# method = sample (Default)",
            "#   sample",
            "#     num_samples = 1000 (Default)",
            "#     save_warmup = 0 (Default)",
            "#         metric = diag_e (Default)",
            "#         metric_file =  (Default)",
            "# id = 1 (Default)",
            "# data",
            "#   file = bernoulli.data.json",
            "# random",
            "#   seed = 1234",
            "# stancflags = ",
            "lp__,accept_stat__,stepsize__,treedepth__,n_leapfrog__,divergent__,energy__,theta",
            "# Adaptation terminated",
            "# Step size = 0.93",
            "# Diagonal elements of inverse mass matrix:",
            "# 0.55",
            "-7.1,0.95,0.93,1,3,0,7.6,0.21",
            "-6.9,1,0.93,2,3,0,7.2,0.3",
            "# ",
            "#  Elapsed Time: 0.004 seconds (Warm-up)",
            "#                0.011 seconds (Sampling)",
            "#                0.015 seconds (Total)",
            "# ",
            "");
        var csv = CmdStanCsvReader.Parse(text, "bernoulli.csv");

        Assert.Equal(("bernoulli_model", "sample", "1000", "1234", "", ""),
            (csv.Settings["model"], csv.Settings["method"], csv.Settings["num_samples"], csv.Settings["seed"], csv.Settings["metric_file"], csv.Settings["stancflags"]));
        Assert.Equal(["lp__", "theta"], csv.Variables);
        Assert.Equal([0.21, 0.3], csv.Column("theta"));
        Assert.Equal([-7.1, -6.9], csv.Column("lp__"));
        Assert.Equal(0.93, csv.StepSize);
        Assert.Equal([[0.55]], csv.InverseMetric!);
        Assert.Equal((0.004, 0.011, 0.015), (csv.WarmupSeconds, csv.SamplingSeconds, csv.TotalSeconds));
    }

    [Fact]
    public void AMalformedCompleteLineIsAnInputErrorWithItsPosition()
    {
        const string header = "lp__,accept_stat__,stepsize__,treedepth__,n_leapfrog__,divergent__,energy__,theta\n";
        var e = Assert.Throws<InputException>(() => CmdStanCsvReader.Parse("# model = m\n" + header + "-7,1,1,1,1,0,7,0.5\n-7,1,1,1,1,0,7\n", "bad.csv"));
        Assert.Equal(("bad.csv", 4), (e.Source, e.Line));
        Assert.Contains("7 values for the 8 columns", e.Message);

        e = Assert.Throws<InputException>(() => CmdStanCsvReader.Parse(header + "-7,1,1,1,1,0,7,abc\n", "bad.csv"));
        Assert.Equal((2, 16), (e.Line, e.Column));
        Assert.Contains("'abc' is not a number (theta)", e.Message);

        // The same damage on a last line without its line break is a cut-off file, not an error.
        Assert.Empty(CmdStanCsvReader.Parse(header + "-7,1,1,1,1,0,7,ab", "cut.csv").Draws);
    }

    [Fact]
    public void WriterRejectsMisuse()
    {
        Assert.Throws<ArgumentException>(() => new CmdStanCsvWriter(new StringWriter(), Settings, ["a,b"]));
        Assert.Throws<ArgumentException>(() => new CmdStanCsvWriter(new StringWriter(), Settings, ["a", "a"]));
        Assert.Throws<ArgumentException>(() => new CmdStanCsvWriter(new StringWriter(), Settings, ["lp__"]));

        using (var dense = new CmdStanCsvWriter(new StringWriter(), Settings with { Metric = CmdStanMetric.Dense }, ["a", "b"]))
            Assert.Throws<ArgumentException>(() => dense.WriteAdaptation(1, [1.0, 0, 1])); // not square

        using var csv = new CmdStanCsvWriter(new StringWriter(), Settings, ["a", "b"]);
        Assert.Throws<ArgumentException>(() => csv.WriteDraw(Draw(-1, 1, 1, 1, 1, false, 1), [1.0]));
        Assert.Throws<ArgumentException>(() => csv.WriteDraw(Draw(-1, 1, 1, 1, 1, false, 1) with { IsWarmup = true }, [1.0, 2]));
        csv.WriteDraw(Draw(-1, 1, 1, 1, 1, false, 1), [1.0, 2]);
        Assert.Throws<InvalidOperationException>(() => csv.WriteAdaptation(1, [1.0, 1])); // after a draw
        csv.WriteTiming(1, 1);
        Assert.Throws<InvalidOperationException>(() => csv.WriteDraw(Draw(-1, 1, 1, 1, 1, false, 1), [1.0, 2]));
    }

    [Fact]
    public void ChainsReadBackAreSummarisedLikeCmdstanrSummary()
    {
        var chains = Enumerable.Range(1, 2)
            .Select(id => CmdStanCsvReader.Parse(WriteChain(Settings with { ChainId = id, Seed = 10 + id }, 20, true).Text, $"chain-{id}.csv"))
            .ToArray();
        var summary = PosteriorSummary.Summarise(chains);

        Assert.Equal(["lp__", .. Parameters], summary.Select(s => s.Variable));
        var direct = PosteriorSummary.Summarise("eta.2.1", chains.Select(c => c.Column("eta.2.1")).ToArray());
        Assert.Equal(direct, summary[3]);
    }

    /// <summary>A chain of random draws with the adaptation and, if <paramref name="complete"/>, the timing.</summary>
    private static (string Text, double[][] Draws, NutsDraw[] Stats) WriteChain(CmdStanSettings settings, int drawCount, bool complete)
    {
        var random = new MersenneTwister((int)settings.Seed);
        var draws = new double[drawCount][];
        var stats = new NutsDraw[drawCount];
        var writer = new StringWriter();
        using (var csv = new CmdStanCsvWriter(writer, settings, Parameters))
        {
            csv.WriteAdaptation(0.123456789012345, [1.5, 0.25, 1e-7, 3]);
            for (var i = 0; i < drawCount; i++)
            {
                draws[i] = [random.NextDouble() * 1e3, Math.Exp(-700 * random.NextDouble()), -random.NextDouble() / 3, Math.PI * i];
                stats[i] = Draw(-10 * random.NextDouble(), random.NextDouble(), 0.123456789012345, 3, 7, i % 5 == 4, 12 * random.NextDouble());
                csv.WriteDraw(stats[i], draws[i]);
            }
            if (complete)
                csv.WriteTiming(12.5, 30.25);
        }
        return (writer.ToString(), draws, stats);
    }

    /// <summary>A post-warm-up NUTS draw with the given sampler values (the writer takes the parameters separately).</summary>
    private static NutsDraw Draw(double logDensity, double acceptStat, double stepSize, int treeDepth, int leapfrogSteps, bool divergent, double energy) =>
        new([], logDensity, acceptStat, stepSize, treeDepth, leapfrogSteps, divergent, energy, IsWarmup: false);
}
