using System.Text.RegularExpressions;
using System.Xml.Linq;
using CellTherapySim.Agents;
using CellTherapySim.Comparison;
using CellTherapySim.Compilation;
using CellTherapySim.Modeling;
using CellTherapySim.Plots;
using CellTherapySim.Populations;
using CellTherapySim.Simulation;
using CellTherapySim.Solvers;
using CellTherapySim.Studies;
using OxyPlot;
using OxyPlot.Annotations;
using OxyPlot.Axes;
using OxyPlot.Series;
using static CellTherapySim.Tests.Modeling.InputTestSupport;

namespace CellTherapySim.Tests.Plots;

/// <summary>The chart builders' plot models (series, points, axes, marks: golden structure, not pixels) and the SVG and PDF files.</summary>
public sealed class ChartTests : IDisposable
{
    private static readonly ModelDefinition Definition = DefaultModel.Definition;
    private static readonly CompiledModel Model = CompiledModel.Compile(Definition);
    private static readonly double[] Days = TimeGrid.Parse("0:15:1", "test");
    private static readonly IReadOnlyList<Dose> IvDay7 = Regimen.Parse("iv:1e6@7", Definition, "test");
    private readonly string _directory = CreateTempDirectory();

    /// <summary>Deletes the temporary folder.</summary>
    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static Figure AnimalFigure()
    {
        var trajectory = new Simulator(Model).Simulate(Model.DefaultParameters(), Model.InitialState("cci"), IvDay7, Days);
        return TimeCourseCharts.Animal(Definition, trajectory, IvDay7, "cci", [Definition.StateIndex("M"), Definition.StateIndex("R")]);
    }

    private static string AxisTitle(PlotModel panel, AxisPosition position) => panel.Axes.Single(a => a.Position == position).Title;

    private static double DoseMark(PlotModel panel) => Assert.Single(panel.Annotations.OfType<LineAnnotation>(), a => (string)a.Tag == "dose").X;

    [Fact]
    public void OneAnimalHasAPanelPerReadoutThenPerAskedState()
    {
        var figure = AnimalFigure();
        Assert.Equal(["PMWT", "TWL", "Iba1", "M", "R"], figure.Panels.Select(p => p.Title));
        Assert.Equal(["PMWT (g)", "TWL (s)", "Iba1", "M", "R"], figure.Panels.Select(p => AxisTitle(p, AxisPosition.Left)));
        foreach (var panel in figure.Panels)
        {
            Assert.Equal(ChartStyle.DayAxis, AxisTitle(panel, AxisPosition.Bottom));
            var line = Assert.IsType<LineSeries>(Assert.Single(panel.Series));
            Assert.Equal(Days, line.Points.Select(p => p.X));
            Assert.Equal(7, DoseMark(panel));
            Assert.Equal(ChartStyle.Font, panel.DefaultFont);
        }
        Assert.Equal(15, ((LineSeries)figure.Panels[0].Series[0]).Points[0].Y);
    }

    [Fact]
    public void ACohortShowsMeansReadingsCensoredReadingsAndTheTypicalAnimal()
    {
        var study = StudyFileReader.ReadFile(Path.Combine(RepositoryRoot(), "models", "studies", "cci-iv-day7.yaml"));
        var cohort = CohortSimulator.Simulate(study, CompiledModel.Compile(study.Model), study.TypicalParameters(CompiledModel.Compile(study.Model).DefaultParameters()),
            new CohortOptions(4, 3, 1, true, SolverKind.Stiff, SolverOptions.Default, null));
        var summaries = ObservationSummary.Summarize(cohort.Animals);
        var figure = StudyCharts.Cohort(CohortView.Of(cohort, summaries));
        Assert.Equal(["PMWT", "TWL"], figure.Panels.Select(p => p.Title));
        var days = study.Design.ReadoutDays.Count;
        foreach (var panel in figure.Panels)
        {
            var means = panel.Series.OfType<ScatterErrorSeries>().ToList();
            Assert.Equal(["S&S (n = 4)", "C&S (n = 4)", "C&U (n = 4)"], means.Select(m => m.Title));
            Assert.All(means, m => Assert.Equal(days, m.Points.Count));
            Assert.All(panel.Series.OfType<LineSeries>().Where(s => (string?)s.Tag == "typical"), s => Assert.Equal(days, s.Points.Count));
            // Every reading is drawn once: exact ones per group, censored ones in the censored series.
            var drawn = panel.Series.OfType<ScatterSeries>().Sum(s => s.Points.Count);
            Assert.Equal(3 * 4 * days, drawn);
            Assert.Equal(7, DoseMark(panel));
        }
        var pmwtCensored = figure.Panels[0].Series.OfType<ScatterSeries>().Single(s => s.Title == "censored");
        Assert.NotEmpty(pmwtCensored.Points);
        Assert.All(pmwtCensored.Points, p => Assert.Equal(15, p.Y));
        Assert.Equal(cohort.Animals.SelectMany(a => a.Observations).Count(o => o.Endpoint == "PMWT" && o.Censoring != Censoring.Exact), pmwtCensored.Points.Count);
    }

    [Fact]
    public void AgentReplicatesShowTheOdeBesideTheirMeanAndBand()
    {
        var agents = AgentModel.Compile(Model);
        var summary = AgentReplicates.Run(agents, Model.DefaultParameters(), Model.InitialState("cci"), IvDay7, [0, 5, 10, 15], 2, seed: 1);
        var figure = TimeCourseCharts.Replicates(Definition, summary, IvDay7, "cci");
        Assert.Equal(["PMWT", "TWL", "Iba1"], figure.Panels.Select(p => p.Title));
        foreach (var panel in figure.Panels)
        {
            Assert.Equal(["replicates, 90% band (n = 2)", "replicates, mean", "ODE"], panel.Series.Select(s => s.Title));
            var band = (AreaSeries)panel.Series[0];
            Assert.Equal(4, band.Points.Count);
            Assert.Equal(4, band.Points2.Count);
            Assert.All(band.Points.Zip(band.Points2), p => Assert.True(p.First.Y <= p.Second.Y));
        }
    }

    [Fact]
    public void AComparisonShowsReliefCurvesWithBandsAndTheAucIntervals()
    {
        var design = ComparisonDesign.FromRegimens(Definition, "cci",
            [("iv", Regimen.Parse("iv:1e6@7", Definition, "test")), ("it", Regimen.Parse("it:1e6@7", Definition, "test"))], Days, "test");
        var result = RegimenComparison.Compare(design, Model, Model.DefaultParameters(), new ComparisonOptions(8, Seed: 7, Threads: 1));
        var figure = ComparisonCharts.Compare(ComparisonView.Of(result));
        Assert.Equal(5, figure.Panels.Count); // PMWT and TWL relief, then AUC, peak and duration
        var pmwt = figure.Panels[0];
        Assert.Equal(["iv, 90% band", "iv: mean", "it, 90% band", "it: mean"], pmwt.Series.Select(s => s.Title));
        Assert.Equal(result.Grid.Count, ((LineSeries)pmwt.Series[1]).Points.Count);
        Assert.Equal(Days.Length, ((AreaSeries)pmwt.Series[0]).Points.Count);
        Assert.Equal("PMWT relief (g)", AxisTitle(pmwt, AxisPosition.Left));
        var bars = figure.Panels[2];
        var intervals = Assert.Single(bars.Series.OfType<IntervalBarSeries>());
        Assert.Equal(result.Efficacies.Count, intervals.Items.Count);
        Assert.Equal(result.Efficacies.Select(e => e.Auc.Q5), intervals.Items.Select(i => i.Start));
        Assert.Equal(["iv: PMWT (g·day)", "iv: TWL (s·day)", "it: PMWT (g·day)", "it: TWL (s·day)"], bars.Axes.OfType<CategoryAxis>().Single().Labels);
        Assert.Equal(["AUC of relief: estimate and 90% interval", "peak relief: estimate and 90% interval", "days with relief above the threshold: estimate and 90% interval"],
            figure.Panels.Skip(2).Select(p => p.Title));
        Assert.Equal(result.Efficacies.Select(e => e.Peak.Q95), ((IntervalBarSeries)figure.Panels[3].Series[0]).Items.Select(i => i.End));
    }

    [Fact]
    public void TheSvgIsOneXmlDocumentWithAPanelEachUniqueIdsAxisTitlesAndOneTwoFiveTicks()
    {
        var figure = AnimalFigure();
        var svg = figure.ToSvg();
        var document = XDocument.Parse(svg);
        XNamespace ns = "http://www.w3.org/2000/svg";
        Assert.Equal(5, document.Root!.Elements(ns + "g").Count(g => (string?)g.Attribute("class") == "panel"));
        var ids = document.Descendants().Select(e => (string?)e.Attribute("id")).Where(id => id is not null).ToList();
        Assert.Equal(ids.Count, ids.Distinct().Count());
        var texts = document.Descendants(ns + "text").Select(t => t.Value).ToList();
        Assert.Contains("PMWT (g)", texts);
        Assert.Contains(ChartStyle.DayAxis, texts);
        Assert.Contains("1,000,000 cells iv at day 7", texts);
        Assert.All(document.Descendants(ns + "text"), t => Assert.Equal("Helvetica", (string?)t.Attribute("font-family")));
        foreach (var axis in figure.Panels.SelectMany(p => p.Axes))
        {
            var exponent = Math.Floor(Math.Log10(axis.ActualMajorStep));
            var mantissa = Math.Round(axis.ActualMajorStep / Math.Pow(10, exponent), 9);
            Assert.Contains(mantissa, new[] { 1.0, 2.0, 5.0 });
        }
    }

    [Fact]
    public void ThePdfIsOnePageHoldingEveryPanel()
    {
        var path = Path.Combine(_directory, "animal.pdf");
        AnimalFigure().Write(path, "--plot");
        var bytes = File.ReadAllBytes(path);
        var text = System.Text.Encoding.Latin1.GetString(bytes);
        Assert.StartsWith("%PDF-", text);
        Assert.Single(Regex.Matches(text, @"/Type /Page\b(?!s)"));
        Assert.False(File.Exists(path + ".partial"));
    }

    [Fact]
    public void PlotsFromTheCommandLine()
    {
        var study = Path.Combine(RepositoryRoot(), "models", "studies", "cci-iv-day7.yaml");
        foreach (var (args, file, panels) in new[]
        {
            (new[] { "simulate", "--plot-states", "M,R" }, "animal.svg", 5),
            (["simulate", "--study", study, "--animals-per-group", "3"], "study.pdf", 2),
            (["simulate", "--engine", "agent", "--replicates", "2", "--times", "0:15:5"], "agent.svg", 3),
            (["compare", "--regimen", "iv:1e6@7", "--regimen", "it:1e6@7", "--animals", "5"], "compare.svg", 5),
        })
        {
            var path = Path.Combine(_directory, file);
            var (exit, output, error) = RunCli([.. args, "--plot", path]);
            Assert.True(exit == 0, error);
            Assert.Contains($"Wrote the figure ({panels} panels) to {path}.", output);
            if (file.EndsWith(".svg", StringComparison.Ordinal)) XDocument.Load(path);
            else Assert.StartsWith("%PDF-", File.ReadAllText(path, System.Text.Encoding.Latin1));
        }
    }

    [Theory]
    [InlineData("figure.png", "--plot: '{0}' has the extension '.png'; expected .svg or .pdf")]
    [InlineData("figure", "--plot: '{0}' has no extension; expected .svg or .pdf")]
    [InlineData("no/such/folder/figure.svg", "--plot: cannot write '{0}': its folder does not exist")]
    public void ABadPlotPathIsRefusedBeforeTheRun(string name, string message)
    {
        var path = Path.Combine(_directory, name);
        var (exit, output, error) = RunCli("simulate", "--plot", path);
        Assert.Equal((2, ""), (exit, output));
        Assert.Equal($"ctsim: error: {string.Format(System.Globalization.CultureInfo.InvariantCulture, message, path)}", error.Trim());
        Assert.Empty(Directory.EnumerateFileSystemEntries(_directory, "*", SearchOption.AllDirectories));
    }

    [Fact]
    public void PlotStatesNeedsStatesAndAPlot()
    {
        var (exit, _, error) = RunCli("simulate", "--plot", Path.Combine(_directory, "a.svg"), "--plot-states", "M,Q9");
        Assert.Equal(2, exit);
        Assert.StartsWith("ctsim: error: --plot-states: 'Q9' is not a state of msc-neuropathic-pain; expected some of B, L, Q", error);
        (exit, _, error) = RunCli("simulate", "--plot-states", "M");
        Assert.Equal(2, exit);
        Assert.Equal("ctsim: error: --plot-states: needs --plot", error.Trim());
    }

    [Fact]
    public void AnEarlierFigureNeedsForce()
    {
        var path = Path.Combine(_directory, "a.svg");
        Assert.Equal(0, RunCli("simulate", "--plot", path).ExitCode);
        var (exit, _, error) = RunCli("simulate", "--plot", path);
        Assert.Equal(2, exit);
        Assert.StartsWith($"ctsim: error: --plot: '{path}' already exists (a.svg); give --force to replace it", error);
        Assert.Equal(0, RunCli("simulate", "--plot", path, "--force").ExitCode);
    }
}

/// <summary>The sweep charts' plot models.</summary>
public sealed class SweepChartTests
{
    private static readonly string[] Factors = ["dose", "day", "route"];

    private static List<SweepPoint> Grid() =>
        (from dose in new[] { "1e5", "1e6", "1e7" } from day in new[] { "3", "7" } from route in new[] { "iv", "it" }
         select new SweepPoint([dose, day, route], double.Parse(dose, System.Globalization.CultureInfo.InvariantCulture) / 1e5 + (route == "it" ? 1 : 0), double.NaN, double.NaN)).ToList();

    [Fact]
    public void ADoseResponseHasALinePerCombinationOfTheOtherFactors()
    {
        var panel = SweepCharts.DoseResponse(Factors, Grid(), 0, "PMWT_auc", logX: true);
        Assert.IsType<LogarithmicAxis>(panel.Axes.Single(a => a.Position == AxisPosition.Bottom));
        var lines = panel.Series.OfType<ScatterErrorSeries>().ToList();
        Assert.Equal(["day 3, route iv", "day 3, route it", "day 7, route iv", "day 7, route it"], lines.Select(l => l.Title));
        Assert.All(lines, l => Assert.Equal([1e5, 1e6, 1e7], l.Points.Select(p => p.X)));
    }

    [Fact]
    public void AGridGetsAHeatMapOfMeansAndASampledDesignColouredPoints()
    {
        var heat = Assert.Single(SweepCharts.HeatMap(Factors, Grid(), 0, 1, "PMWT_auc").Series.OfType<HeatMapSeries>());
        Assert.Equal((3, 2), (heat.Data.GetLength(0), heat.Data.GetLength(1)));
        Assert.Equal((1 + 2) / 2.0, heat.Data[0, 0]); // dose 1e5, day 3: the mean over the two routes (1 and 2)
        // A sampled design (Latin hypercube): every scenario its own pair of levels.
        var sampled = Enumerable.Range(1, 7).Select(i => new SweepPoint([$"{i}e5", $"{2 + i}", "iv"], i, double.NaN, double.NaN)).ToList();
        var panel = SweepCharts.HeatMap(Factors, sampled, 0, 1, "PMWT_auc");
        Assert.Empty(panel.Series.OfType<HeatMapSeries>());
        Assert.Equal(7, Assert.Single(panel.Series.OfType<ScatterSeries>()).Points.Count);
        Assert.Equal("PMWT_auc", panel.Axes.OfType<LinearColorAxis>().Single().Title);
    }

    [Fact]
    public void SobolBarsAndTheTornadoAreOrderedByEffect()
    {
        var sobol = SweepCharts.Sobol("PMWT_auc", [("a", 0.1, 0, 0.2, 0.2, 0.1, 0.3), ("b", 0.5, 0.4, 0.6, 0.7, 0.6, 0.8)]);
        Assert.Equal(["a", "b"], sobol.Axes.OfType<CategoryAxis>().Single().Labels);
        Assert.Equal(4, sobol.Series.Count);
        var tornado = SweepCharts.Tornado("PMWT_auc", 10, [("big", 5, 15), ("small", 9, 11)]);
        Assert.Equal(["small", "big"], tornado.Axes.OfType<CategoryAxis>().Single().Labels);
        var low = (IntervalBarSeries)tornado.Series[0];
        Assert.Equal((5, 10), (low.Items[1].Start, low.Items[1].End));
    }
}
