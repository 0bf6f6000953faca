using System.CommandLine;
using System.Globalization;
using CellTherapySim.Solvers;
using CellTherapySim.Modeling;
using CellTherapySim.Comparison;
using CellTherapySim.Runs;
using CellTherapySim.Compilation;
using CellTherapySim.Inference;
using CellTherapySim.Output;
using CellTherapySim.Plots;
using CellTherapySim.Scenarios;
using CellTherapySim.Simulation;
using CellTherapySim.Studies;
using Spectre.Console;

namespace CellTherapySim.Cli;

/// <summary>`ctsim compare`: efficacy metrics of dosing regimens against untreated animals, with between-animal intervals.</summary>
internal sealed class CompareCommand
{
    /// <summary>Readout days shown on screen (all of them are in the CSV).</summary>
    private const int ShownDays = 4;

    private readonly Option<string?> _study = CommonOptions.Study();
    private readonly Option<string[]> _regimens = new("--regimen")
    {
        Description = "A regimen ROUTE:PRODUCT:AMOUNT@DAY[,DAY...] with the unit on the amount (days may be FIRST-LAST/EVERY; for cells also ROUTE:CELLS@DAY...), several joined with '+', e.g. iv:1e6@7,14,21, it:ev:100ug@7,10 or ip:nac:150mg/kg@0-14/1+iv:cells:5e5@7 (repeatable; one per regimen compared).",
        HelpName = "REGIMEN",
        AllowMultipleArgumentsPerToken = false,
    };
    private readonly Option<string?> _model = CommonOptions.Model();
    private readonly Option<string?> _injury = new("--injury") { Description = "With --regimen: injury preset of every animal (default: the model's scenario, cci).", HelpName = "NAME" };
    private readonly Option<string?> _times = new("--times") { Description = "With --regimen: readout days, start:stop:step or a comma list; the last one ends the relief window (default: the model's scenario, 0:15:1).", HelpName = "TIMES" };
    private readonly Option<int> _animals = new("--animals")
    {
        Description = "Virtual animals; each is simulated untreated and under every regimen (paired).",
        HelpName = "N",
        DefaultValueFactory = _ => 1000,
        CustomParser = result => CommonOptions.PositiveInteger(result, "--animals", 10_000_000),
    };
    private readonly Option<string[]> _thresholds = new("--threshold")
    {
        Description = $"Relief that counts for onset, duration and responders, in the endpoint's unit, e.g. PMWT=2 (repeatable). Default: {Percent} of the typical untreated animal's day-0 value (1.5 g for PMWT, 1.1 s for TWL with the default model).",
        HelpName = "ENDPOINT=VALUE",
        AllowMultipleArgumentsPerToken = false,
    };
    private readonly Option<bool> _force = CommonOptions.Force();
    private readonly Option<long?> _budget = CommonOptions.MemoryBudgetOption();
    private readonly PlotOption _plot = new("the comparison: relief curves per regimen with 90% between-animal bands, and the AUC of relief with its interval");
    private readonly Option<string?> _output = new("--out") { Description = "Write every metric as long-format CSV: REGIMEN,ENDPOINT,METRIC,DAY,UNIT,ESTIMATE,MEAN,Q5,Q50,Q95,N (with --posterior over the draws, ESTIMATE = the posterior median, and P(AUC of REGIMEN > AUC of VERSUS) in FILE.probabilities.csv).", HelpName = "FILE.csv" };
    private readonly Option<string[]> _set = CommonOptions.Set();
    private readonly Option<int> _seed = CommonOptions.Seed();
    private readonly Option<int> _threads = CommonOptions.Threads();
    private readonly PosteriorSettings _posterior = new("Compare the regimens for the typical animal of each of --draws posterior draws of a 'ctsim fit' output folder (no between-animal variability; its model must be the one compared): every metric's posterior median and 90% credible interval, and P(AUC of one regimen > another's).");
    private readonly SolverSettings _solver = new(SolverOptions.Default);
    private readonly IAnsiConsole _console;

    private CompareCommand(IAnsiConsole console) => _console = console;

    public static Command Create(IAnsiConsole console)
    {
        var compare = new CompareCommand(console);
        var command = new Command("compare", "Compare dosing regimens (from --study, or --regimen) against untreated animals with the same injury: effect at each readout day, area under the relief curve, onset, peak and duration of relief, each as the mean with the 5-95% between-animal interval. Relief = the endpoint under the regimen minus untreated, in the same virtual animal.");
        foreach (var option in new Option[] { compare._study, compare._regimens, compare._model, compare._injury, compare._times, compare._animals, compare._thresholds, compare._output, compare._force, compare._budget, compare._plot.Option, compare._set, compare._seed, compare._threads })
            command.Add(option);
        compare._posterior.AddTo(command);
        compare._solver.AddTo(command);
        command.SetAction(compare.Run);
        return command;
    }

    private int Run(ParseResult parse)
    {
        if (_posterior.Given(parse))
            CommonOptions.RejectGiven(parse, "cannot be combined with --posterior (each posterior draw is compared for its typical animal, without between-animal variability)", _animals);
        var design = parse.GetValue(_study) is { } studyPath ? StudyDesign(parse, studyPath) : CommandLineDesign(parse);
        var (solverKind, solverOptions) = _solver.Read(parse);
        var options = new ComparisonOptions(parse.GetValue(_animals), parse.GetValue(_seed), parse.GetValue(_threads),
            ReliefThresholds.Parse(parse.GetValue(_thresholds) ?? [], design.Endpoints, "--threshold"),
            Solver: solverKind, SolverOptions: solverOptions);
        var compiled = CompiledModel.Compile(design.Model);
        var set = parse.GetValue(_set) ?? [];
        double[] Typical(double[] values) => ParameterOverrides.Apply(design.Model, design.Model.WithBodyWeight(values, design.BodyWeight), set, "--set");
        var typical = Typical(compiled.DefaultParameters());
        var simulations = design.References.Count + design.Regimens.Count;
        var sample = _posterior.Read(parse, design.Model, parse.GetValue(_seed));
        var units = sample?.Count ?? options.Animals;
        var metrics = design.Regimens.Count * design.Endpoints.Count * ReliefMeasure.MetricsPerEndpoint(design.ReadoutDays.Count);
        MemoryBudget.Check(MemoryBudget.Comparison(units, design.Model.Parameters.Count, metrics), CommonOptions.Budget(parse, _budget),
            sample is null ? "--animals" : "--draws", $"a comparison of {units:N0} {(sample is null ? "animals" : "posterior draws")} × {metrics} metrics");
        if (parse.GetValue(_output) is { } output) OutputFolder.ClaimFiles(_console, parse.GetValue(_force), false, output, ProbabilitiesPath(output));
        else if (parse.GetValue(_plot.Option) is null) CommonOptions.RejectGiven(parse, "needs --out or --plot (it replaces the earlier results there)", _force);
        var plot = _plot.Claim(parse, _console, parse.GetValue(_force));
        PosteriorComparisonResult? posterior = null;
        ComparisonResult result;
        if (sample is null)
            result = Progress.Run(_console, $"Simulating {options.Animals:N0} animals, {simulations} simulations each", options.Animals,
                report => RegimenComparison.Compare(design, compiled, typical, options, report));
        else
        {
            var draws = sample.Parameters.Select(Typical).ToList();
            posterior = Progress.Run(_console, $"Simulating {sample.Count:N0} posterior draws, {simulations} simulations each", sample.Count,
                report => PosteriorComparison.Compare(design, compiled, draws, options, report));
            result = posterior.Summary;
        }

        var path = parse.GetValue(_output);
        var probabilities = path is not null && posterior is not null ? ProbabilitiesPath(path) : null;
        if (path is not null) OutputFolder.WriteFile("--out", path, writer => ComparisonCsvWriter.Write(writer, result));
        if (probabilities is not null) OutputFolder.WriteFile("--out", probabilities, writer => ComparisonCsvWriter.WriteProbabilities(writer, posterior!.Probabilities));
        Print(_console, result, sample is null ? null : (sample, posterior!));
        if (probabilities is not null) _console.MarkupLineInterpolated($"Wrote [bold]{path}[/] and [bold]{probabilities}[/].");
        else if (path is not null) _console.MarkupLineInterpolated($"Wrote [bold]{path}[/].");
        if (plot is not null) PlotOption.Write(_console, ComparisonCharts.Compare(ComparisonView.Of(result)), plot);
        return CliApp.Success;
    }

    /// <summary>The file of the pairwise probabilities next to --out FILE.csv: FILE.probabilities.csv.</summary>
    private static string ProbabilitiesPath(string path) => Path.ChangeExtension(path, null) + ".probabilities.csv";

    private ComparisonDesign StudyDesign(ParseResult parse, string path)
    {
        CommonOptions.RejectGiven(parse, "cannot be combined with --study (the study file gives the model, regimens, readout days and endpoints)", _regimens, _model, _injury, _times);
        return ComparisonDesign.FromStudy(StudyInput.Read(path));
    }

    private ComparisonDesign CommandLineDesign(ParseResult parse)
    {
        var texts = parse.GetValue(_regimens) ?? [];
        if (texts.Length == 0)
            throw new InputException("--regimen", "no regimen to compare; give --study FILE or at least one --regimen ROUTE:PRODUCT:AMOUNT@DAY, e.g. --regimen iv:1e6@7 --regimen it:1e6@7");
        var definition = ModelLoader.Read(parse.GetValue(_model));
        var injury = ScenarioBuilder.Injury(definition, parse.GetValue(_injury));
        var days = ScenarioBuilder.Times(definition, parse.GetValue(_times));
        var regimens = texts.Select(text => (text, Regimen.Parse(text, definition, "--regimen"))).ToList();
        return ComparisonDesign.FromRegimens(definition, injury, regimens, days, "--regimen");
    }

    private static void Print(IAnsiConsole console, ComparisonResult result, (PosteriorSample Sample, PosteriorComparisonResult Result)? posterior)
    {
        var design = result.Design;
        var name = design.Name == design.Model.Name ? design.Name : $"{design.Name} ({design.Model.Name})";
        if (posterior is { Sample: var sample })
        {
            console.MarkupLineInterpolated($"[bold]{name}[/]: {sample.Count:N0} posterior draws of {sample.Folder}, seed {result.Options.Seed}.");
            console.MarkupLine("Each draw is compared for its typical animal, without between-animal variability.");
            console.MarkupLine("Relief = the endpoint under a regimen minus untreated; each cell is the posterior median and [[5%, 95%]] credible interval over the draws.");
        }
        else
        {
            console.MarkupLineInterpolated($"[bold]{name}[/]: {result.Options.Animals:N0} virtual animals, seed {result.Options.Seed}.");
            console.MarkupLine("Relief = the endpoint under a regimen minus untreated, in the same animal; each cell is the mean and [[5%, 95%]] across animals.");
        }
        foreach (var regimen in design.Regimens)
            console.MarkupLineInterpolated($"  [bold]{regimen.Name}[/]: {(regimen.Injury.Length > 0 ? regimen.Injury : "no injury preset")}, {Regimen.Describe(regimen.Doses, design.Model)}; vs {Reference(design.ReferenceOf(regimen))}");
        console.WriteLine();
        var shown = ShownReadoutDays(design);
        // The cell's value: the cohort mean, or the posterior median (the estimate); onset: always the estimate.
        Func<MetricSummary, double> point = posterior is null ? s => s.Mean : s => s.Estimate;
        for (var t = 0; t < result.Thresholds.Count; t++)
        {
            var threshold = result.Thresholds[t];
            var unit = threshold.Unit;
            var table = new Table().Border(TableBorder.Simple).Title(Markup.Escape($"{threshold.Endpoint} ({unit}) relief"));
            table.AddColumn("regimen");
            foreach (var header in new[] { $"AUC\n({unit}·day)", "onset\n(day)", posterior is null ? "responders" : "P(reached)", $"peak ({unit})\n(day)", "duration\n(day)" }.Concat(shown.Select(d => $"day {Day(d)}\n({unit})")))
                table.AddColumn(new TableColumn(Markup.Escape(header)).RightAligned());
            foreach (var x in result.Efficacies.Where(x => x.Endpoint == threshold.Endpoint))
            {
                var cells = new List<string>
                {
                    x.Regimen.Name,
                    Cell(point(x.Auc), x.Auc),
                    Cell(x.Onset.Estimate, x.Onset),
                    x.Responders.ToString("0%", CultureInfo.InvariantCulture),
                    $"{Number(point(x.Peak))} ({point(x.PeakDay).ToString("0.##", CultureInfo.InvariantCulture)})\n[{Number(x.Peak.Q5)}, {Number(x.Peak.Q95)}]",
                    Cell(point(x.Duration), x.Duration),
                };
                cells.AddRange(shown.Select(day => x.Effects.First(e => e.Day == day).Relief).Select(s => Cell(point(s), s)));
                table.AddRow(cells.Select(Markup.Escape).ToArray());
            }
            console.Write(table);
            var perDraw = posterior?.Result.Draws.Select(d => d.Thresholds[t].Value).ToArray() ?? [threshold.Value];
            var value = perDraw.Min() == perDraw.Max()
                ? threshold.Value.ToString("0.###", CultureInfo.InvariantCulture)
                : string.Create(CultureInfo.InvariantCulture, $"{perDraw.Min():0.###}–{perDraw.Max():0.###} (per draw)");
            var origin = threshold.IsDefault
                ? $"the default, {Percent} of the typical untreated animal's day-0 value {threshold.Baseline:0.##} {unit}"
                : "from --threshold";
            var onset = posterior is null
                ? $"Onset: first day the mean relief reaches it, with the interval over the animals that reach it (responders). {result.Options.Animals:N0} animals, seed {result.Options.Seed}."
                : $"Onset: the posterior median and interval over the draws whose typical animal reaches it (P(reached)). {posterior.Value.Sample.Count:N0} posterior draws.";
            console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Threshold: {threshold.Endpoint} relief ≥ {value} {unit} ({origin}). {onset}"));
            console.WriteLine();
            if (posterior is { Result: var p }) PrintProbabilities(console, design, threshold.Endpoint, p);
        }
    }

    /// <summary>The matrix P(AUC of the row's regimen &gt; AUC of the column's) on one endpoint, with P(AUC &gt; 0) against untreated.</summary>
    private static void PrintProbabilities(IAnsiConsole console, ComparisonDesign design, string endpoint, PosteriorComparisonResult posterior)
    {
        var rows = posterior.Probabilities.Where(p => p.Endpoint == endpoint).ToList();
        var table = new Table().Border(TableBorder.Simple).Title(Markup.Escape($"{endpoint}: P(AUC of row > column)"));
        table.AddColumn("regimen");
        table.AddColumn(new TableColumn("untreated").RightAligned());
        foreach (var regimen in design.Regimens) table.AddColumn(new TableColumn(Markup.Escape(regimen.Name)).RightAligned());
        foreach (var regimen in design.Regimens)
        {
            var mine = rows.Where(p => p.Regimen == regimen.Name).ToList();
            var cells = new List<string> { regimen.Name, Probability(mine.First(p => p.Versus == design.ReferenceOf(regimen).Name)) };
            cells.AddRange(design.Regimens.Select(other => other == regimen ? "—" : Probability(mine.First(p => p.Versus == other.Name))));
            table.AddRow(cells.Select(Markup.Escape).ToArray());
        }
        console.Write(table);
        console.WriteLine();
    }

    private static string Probability(BeatProbability p) => p.Probability.ToString("0.00", CultureInfo.InvariantCulture);

    private static string Reference(UntreatedReference reference) =>
        reference.Synthesised ? $"{reference.Name} animals (simulated)" : $"group {reference.Name} ({reference.Injury}, no dose)";

    /// <summary>Up to <see cref="ShownDays"/> readout days after the earliest first dose, evenly spread, the last included.</summary>
    private static IReadOnlyList<double> ShownReadoutDays(ComparisonDesign design)
    {
        var first = design.Regimens.Min(r => r.FirstDose);
        var after = design.ReadoutDays.Where(d => d > first).ToList();
        if (after.Count <= ShownDays) return after;
        return Enumerable.Range(0, ShownDays).Select(i => after[(int)Math.Round(i * (after.Count - 1) / (double)(ShownDays - 1))]).ToList();
    }

    /// <summary>"value" over "[q5, q95]" on two lines; "not reached" for a NaN value (an onset), "—" for an interval over no animal.</summary>
    private static string Cell(double value, MetricSummary s) =>
        (double.IsNaN(value) ? "not reached" : Number(value)) + (double.IsNaN(s.Q5) ? "\n—" : $"\n[{Number(s.Q5)}, {Number(s.Q95)}]");

    /// <summary>Two decimals, without a minus sign on what rounds to zero.</summary>
    private static string Number(double value)
    {
        var text = value.ToString("F2", CultureInfo.InvariantCulture);
        return text == "-0.00" ? "0.00" : text;
    }

    private static string Percent => string.Create(CultureInfo.InvariantCulture, $"{ReliefThresholds.DefaultFraction * 100:0.#}%");

    private static string Day(double day) => day.ToString("0.##", CultureInfo.InvariantCulture);
}
