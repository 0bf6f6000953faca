using System.CommandLine;
using System.Globalization;
using CellTherapySim.Runs;
using CellTherapySim.Agents;
using CellTherapySim.Compilation;
using CellTherapySim.Inference;
using CellTherapySim.Modeling;
using CellTherapySim.Populations;
using CellTherapySim.Scenarios;
using CellTherapySim.Studies;
using CellTherapySim.Output;
using CellTherapySim.Plots;
using CellTherapySim.Simulation;
using CellTherapySim.Solvers;
using Spectre.Console;

namespace CellTherapySim.Cli;

/// <summary>`ctsim simulate`: one animal's trajectory under an injury and a dosing schedule, or a study's virtual cohort.</summary>
internal static class SimulateCommand
{
    public static Command Create(IAnsiConsole console)
    {
        var model = CommonOptions.Model();
        var study = CommonOptions.Study();
        var injury = new Option<string?>("--injury") { Description = "Injury preset of the model (cci, sham). Default: the model's scenario.", HelpName = "NAME" };
        var doses = new Option<string[]>("--dose")
        {
            Description = "Bolus DAY:ROUTE:PRODUCT:AMOUNT with the unit on the amount, e.g. 7:it:ev:100ug, 7:iv:cells:1e6, 0:ip:nac:150mg/kg; repeated FIRST-LAST/EVERY:ROUTE:PRODUCT:AMOUNT, e.g. 0-14/1:ip:nac:150mg/kg (daily, days 0-14); for cells also DAY:ROUTE:CELLS, e.g. 7:iv:1e6. Repeat the option for a schedule; 'none' for no dose. A dose on an output day is given right after that output. Default: the model's scenario.",
            HelpName = "DAY:ROUTE:PRODUCT:AMOUNT",
            AllowMultipleArgumentsPerToken = false,
        };
        var times = new Option<string?>("--times") { Description = "Output days: start:stop:step or a comma list (0,1,3,7). Default: the model's scenario (0:15:1).", HelpName = "TIMES" };
        var output = new Option<string?>("--out") { Description = "One animal: write the trajectory as CSV (time, every state, every readout); with --posterior, per state and readout X: X_median, X_q5, X_q95 over the draws; with --engine agent, per state and readout the ODE value, replicate mean and 5%/95% quantiles, and every replicate in FILE.replicates.csv. With --study: a folder for observations.csv, summary.csv and predictions.csv.", HelpName = "FILE|DIR" };
        var set = CommonOptions.Set();
        var animals = new Option<int?>("--animals-per-group")
        {
            Description = "With --study: animals per group (default: the study's).",
            HelpName = "N",
            CustomParser = result => CommonOptions.PositiveInteger(result, "--animals-per-group", 1_000_000),
        };
        var seed = CommonOptions.Seed();
        var threads = CommonOptions.Threads();
        var noNoise = new Option<bool>("--no-noise") { Description = "With --study: exact model values (no residual error, no rounding); cutoffs still censor." };
        var engine = new Option<string>("--engine")
        {
            Description = "ode (the mean-field ODE) or agent (hybrid agent-based engine: every transplanted cell an agent, microglia on a dorsal-horn lattice; needs the model's agent section).",
            HelpName = "ode|agent",
            DefaultValueFactory = _ => "ode",
            CustomParser = result =>
            {
                var text = result.Tokens[0].Value;
                if (text is "ode" or "agent") return text;
                result.AddError($"--engine: unknown engine '{text}'; expected ode or agent");
                return "ode";
            },
        };
        var replicates = new Option<int>("--replicates")
        {
            Description = "With --engine agent: independent stochastic runs of the animal; the CSV gives the ODE value, the replicate mean and 5%/95% quantiles.",
            HelpName = "R",
            DefaultValueFactory = _ => 10,
            CustomParser = result => CommonOptions.PositiveInteger(result, "--replicates", 100_000),
        };
        var snapshots = new Option<string?>("--snapshots") { Description = "With --engine agent: a folder for lattice snapshots (per site: microglia, fields, engrafted cells) of every replicate, and snapshots.csv.", HelpName = "DIR" };
        var snapshotDays = new Option<string?>("--snapshot-days") { Description = "With --snapshots: days to snapshot, e.g. 7,9,15 (default: the last output day).", HelpName = "DAYS" };
        var resume = new Option<bool>("--resume")
        {
            Description = "Continue an interrupted run with the same settings: the replicates (--engine agent) or animals (--study) already in its results journal are kept (FILE.replicates.csv next to --out FILE, or DIR/predictions.csv), the rest are simulated. Needs --out.",
        };
        var force = CommonOptions.Force();
        var budget = CommonOptions.MemoryBudgetOption();
        var plot = new PlotOption("the run: one animal's readouts (and --plot-states) by day; a cohort's group means ± SD with the readings; agent replicates' mean and 90% band beside the ODE");
        var plotStates = new Option<string?>("--plot-states") { Description = "With --plot for one animal: states to plot after the readouts, e.g. M,R.", HelpName = "STATES" };
        var posterior = new PosteriorSettings("One animal, ODE: simulate the typical animal of each of --draws posterior draws of a 'ctsim fit' output folder (its model must be the one simulated; --set applies to every draw) and report per day the posterior median and 90% credible band.");
        var solver = new SolverSettings(SolverOptions.Default);

        var command = new Command("simulate", "Simulate one animal (states and readouts by day) or, with --study, a virtual cohort as it would be observed. Without options: the model's default scenario (CCI, 1e6 cells IV after the day-7 reading, days 0-15). --engine agent runs the hybrid agent-based engine.")
        {
            model, study, injury, doses, times, output, set, animals, seed, threads, noNoise, engine, replicates, snapshots, snapshotDays, resume, force, budget, plot.Option, plotStates,
        };
        posterior.AddTo(command);
        solver.AddTo(command);
        command.SetAction(parse =>
        {
            var (solverKind, solverOptions) = solver.Read(parse);
            var agentEngine = parse.GetValue(engine) == "agent";
            if (posterior.Given(parse))
            {
                CommonOptions.RejectGiven(parse, "cannot be combined with --posterior (a posterior prediction is the typical animal of each draw, not a virtual cohort)", study);
                if (agentEngine) throw new InputException("--engine", "agent cannot be combined with --posterior (posterior predictions use the ODE engine)");
            }
            if (!agentEngine) CommonOptions.RejectGiven(parse, "needs --engine agent", replicates, snapshots, snapshotDays);
            if (parse.GetValue(snapshots) is null) CommonOptions.RejectGiven(parse, "needs --snapshots DIR", snapshotDays);
            if (parse.GetValue(output) is null) CommonOptions.RejectGiven(parse, "needs --out (the results journal is kept next to it)", resume);
            else if (parse.GetValue(snapshots) is not null) CommonOptions.RejectGiven(parse, "cannot be combined with --snapshots (snapshots are written when the run ends)", resume);
            if (parse.GetValue(output) is null && parse.GetValue(snapshots) is null && parse.GetValue(plot.Option) is null)
                CommonOptions.RejectGiven(parse, "needs --out, --snapshots or --plot (it replaces their earlier results)", force);
            if (parse.GetValue(plot.Option) is null) CommonOptions.RejectGiven(parse, "needs --plot", plotStates);
            if (posterior.Given(parse)) CommonOptions.RejectGiven(parse, "is not available with --posterior yet (plot one animal, a cohort or agent replicates)", plot.Option);
            if (parse.GetValue(force)) CommonOptions.RejectGiven(parse, "cannot be combined with --force (--resume continues the earlier results, --force replaces them)", resume);
            var (replace, resuming) = (parse.GetValue(force), parse.GetValue(resume));
            var solverText = $"{solverKind} {solverOptions.RelativeTolerance:R} {solverOptions.AbsoluteTolerance:R}";
            if (parse.GetValue(study) is { } studyPath)
            {
                CommonOptions.RejectGiven(parse, "cannot be combined with --study (the study file gives the model, groups, regimens and readout days)", model, injury, doses, times);
                CommonOptions.RejectGiven(parse, "cannot be combined with --study (each virtual animal is one agent-based run)", replicates, snapshots);
                var studyFile = StudyInput.Read(studyPath);
                var compiledStudyModel = CompiledModel.Compile(studyFile.Model);
                var cohortOptions = new CohortOptions(parse.GetValue(animals), parse.GetValue(seed), parse.GetValue(threads), !parse.GetValue(noNoise), solverKind, solverOptions,
                    agentEngine ? AgentModel.Compile(compiledStudyModel) : null);
                var assignments = parse.GetValue(set) ?? [];
                var cohortSize = studyFile.Design.Groups.Sum(g => (long)(cohortOptions.AnimalsPerGroup ?? g.Animals));
                var readings = studyFile.Design.ReadoutDays.Count * studyFile.Design.Endpoints.Count;
                MemoryBudget.Check(MemoryBudget.Cohort(cohortSize, studyFile.Model.Parameters.Count, readings), CommonOptions.Budget(parse, budget),
                    parse.GetResult(animals) is { Implicit: false } ? "--animals-per-group" : studyPath, $"a cohort of {cohortSize:N0} animals × {readings} readings");
                if (parse.GetValue(output) is { } cohortFolder && !resuming)
                    OutputFolder.Claim(console, cohortFolder, replace, [CohortFiles.Observations, CohortFiles.Summary, CohortFiles.Predictions, RunRecord.File], resumable: true);
                using var journal = parse.GetValue(output) is { } folder
                    ? OpenJournal(Path.Combine(CreateFolder(folder), CohortFiles.Predictions), parse.GetValue(resume), studyFile.Design.Endpoints, studyFile.Design.ReadoutDays.Count,
                        ["study", parse.GetValue(engine)!, InputFile.ReadAllText(studyPath, "study"), DefaultModel.SourceText(studyFile.Model), string.Join(";", assignments),
                         $"{parse.GetValue(animals)}", $"{parse.GetValue(seed)}", solverText])
                    : null;
                CommonOptions.RejectGiven(parse, "plots one animal's states, not a cohort's", plotStates);
                var cohortPlot = plot.Claim(parse, console, replace);
                RunStudy(console, studyFile, compiledStudyModel, assignments, cohortOptions with { Journal = journal }, parse.GetValue(output), cohortPlot);
                return CliApp.Success;
            }
            CommonOptions.RejectGiven(parse, "needs --study", animals, noNoise);
            if (!agentEngine) CommonOptions.RejectGiven(parse, "needs --engine agent or --study (a single ODE run has nothing to resume)", resume);

            var definition = ModelLoader.Read(parse.GetValue(model));
            var request = ScenarioBuilder.From(definition, parse.GetValue(injury), parse.GetValue(doses), parse.GetValue(times));
            var (injuryName, schedule, timeGrid, doseSource) = (request.Injury, request.Doses, request.Times, request.DoseSource);

            var compiled = CompiledModel.Compile(definition);
            var parameters = ParameterOverrides.Apply(definition, compiled.DefaultParameters(), parse.GetValue(set) ?? [], "--set");
            if (agentEngine)
            {
                HybridSimulator.CheckCellCount(schedule, doseSource, "the doses");
                var days = parse.GetValue(snapshotDays) is { } d ? TimeGrid.Parse(d, "--snapshot-days") : [timeGrid[^1]];
                foreach (var late in days.Where(day => day > timeGrid[^1]))
                    throw new InputException("--snapshot-days", $"day {late.ToString(CultureInfo.InvariantCulture)} is after the last output day {timeGrid[^1].ToString(CultureInfo.InvariantCulture)}");
                var agents = AgentModel.Compile(compiled);
                var lattice = definition.Agent!.Lattice.Size;
                var snapshotValues = parse.GetValue(snapshots) is null ? 0 : days.Length * (long)lattice * lattice * (definition.Agent.Fields.Count + 2);
                MemoryBudget.Check(MemoryBudget.AgentReplicates(parse.GetValue(replicates), timeGrid.Length * (definition.States.Count + definition.Readouts.Count), snapshotValues),
                    CommonOptions.Budget(parse, budget), "--replicates", $"{parse.GetValue(replicates):N0} agent-based replicates{(snapshotValues > 0 ? $" with {days.Length} lattice snapshot(s) each" : "")}");
                if (parse.GetValue(output) is { } agentFile && !resuming) OutputFolder.ClaimFiles(console, replace, true, agentFile, ReplicatesPath(agentFile));
                if (parse.GetValue(snapshots) is { } snapshotFolder)
                    OutputFolder.Claim(console, snapshotFolder, replace, [AgentCsvWriter.SnapshotIndex, "lattice-r*-day*.csv", "lattice-r*-day*.svg"], option: "--snapshots");
                using var journal = parse.GetValue(output) is { } file
                    ? OpenJournal(ReplicatesPath(file), parse.GetValue(resume),
                        definition.States.Select(x => x.Name).Concat(definition.Readouts.Select(r => r.Name)).ToList(), timeGrid.Length,
                        ["agent", DefaultModel.SourceText(definition), string.Join(",", parameters.Select(Csv.Number)), injuryName,
                         Regimen.Describe(schedule, definition), string.Join(",", timeGrid.Select(Csv.Number)), $"{parse.GetValue(seed)}", solverText])
                    : null;
                var run = new AgentRunSettings(parse.GetValue(replicates), parse.GetValue(seed), parse.GetValue(threads),
                    parse.GetValue(snapshots) is null ? null : days, solverKind, solverOptions, journal);
                CommonOptions.RejectGiven(parse, "plots the ODE engine's states; the agent figure shows the readouts", plotStates);
                var agentPlot = plot.Claim(parse, console, replace);
                RunAgents(console, agents, parameters, compiled.InitialState(injuryName), injuryName, schedule, timeGrid, run,
                    parse.GetValue(output), parse.GetValue(snapshots), agentPlot);
                return CliApp.Success;
            }
            if (posterior.Read(parse, definition, parse.GetValue(seed)) is { } sample)
            {
                var assignments = parse.GetValue(set) ?? [];
                var draws = sample.Parameters.Select(p => ParameterOverrides.Apply(definition, p, assignments, "--set")).ToList();
                if (parse.GetValue(output) is { } posteriorFile) OutputFolder.ClaimFiles(console, replace, false, posteriorFile);
                var prediction = Progress.Run(console, $"Simulating {sample.Count:N0} posterior draws", sample.Count,
                    report => PosteriorTrajectories.Simulate(compiled, request, draws, solverKind, solverOptions, parse.GetValue(threads), report));
                if (parse.GetValue(output) is { } file)
                    WriteFile("--out", file, writer => TrajectoryCsvWriter.WritePosterior(writer, definition, prediction), console, $"{timeGrid.Length} rows");
                PrintPosterior(console, definition, request, sample, parse.GetValue(seed), prediction);
                return CliApp.Success;
            }
            if (parse.GetValue(output) is { } trajectoryFile) OutputFolder.ClaimFiles(console, replace, false, trajectoryFile);
            var plotted = PlottedStates(definition, parse.GetValue(plotStates));
            var animalPlot = plot.Claim(parse, console, replace);
            var trajectory = new ScenarioSimulator(compiled, solverKind, solverOptions, cacheSize: 0).Simulate(request.For(parameters));

            if (parse.GetValue(output) is { } path)
                WriteFile("--out", path, writer => TrajectoryCsvWriter.Write(writer, definition, trajectory), console, $"{trajectory.Times.Length} rows");
            PrintTable(console, definition, injuryName, schedule, trajectory);
            if (animalPlot is not null) PlotOption.Write(console, TimeCourseCharts.Animal(definition, trajectory, schedule, injuryName, plotted), animalPlot);
            return CliApp.Success;
        });
        return command;
    }

    /// <summary>The state indices named by --plot-states (comma-separated), in that order.</summary>
    /// <exception cref="InputException">A name is not a state of the model.</exception>
    private static IReadOnlyList<int> PlottedStates(ModelDefinition definition, string? names) =>
        names is null ? [] : names.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Select(name =>
            definition.StateIndex(name) is var index and >= 0 ? index
                : throw new InputException("--plot-states", $"'{name}' is not a state of {definition.Name}; expected some of {string.Join(", ", definition.States.Select(x => x.Name))}")).ToList();

    /// <summary>The journal of every replicate next to --out FILE.csv: FILE.replicates.csv.</summary>
    private static string ReplicatesPath(string file) => Path.ChangeExtension(file, null) + ".replicates.csv";

    /// <summary>How the agent-based replicates of one animal are run.</summary>
    private sealed record AgentRunSettings(int Replicates, int Seed, int Threads, double[]? SnapshotDays, SolverKind Solver, SolverOptions Options, ResultJournal? Journal);

    /// <summary>Creates <paramref name="folder"/> (for --out) and returns it.</summary>
    private static string CreateFolder(string folder)
    {
        try
        {
            Directory.CreateDirectory(folder);
            return folder;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InputException("--out", $"cannot create '{folder}': {e.Message}");
        }
    }

    /// <summary>The results journal of this run (resumed if asked and present), identified by a fingerprint of <paramref name="settings"/>.</summary>
    private static ResultJournal OpenJournal(string path, bool resume, IReadOnlyList<string> columns, int rowsPerUnit, IEnumerable<string> settings) =>
        ResultJournal.Open(path, ResultJournal.Fingerprint(settings), ResultJournal.NumericHeader(columns), rowsPerUnit, ResultJournal.NumericUnitId, resume);

    private static void RunAgents(IAnsiConsole console, AgentModel agents, double[] parameters, double[] initial, string injury,
        IReadOnlyList<Dose> schedule, double[] times, AgentRunSettings run, string? output, string? snapshotFolder, string? plot)
    {
        var definition = agents.Model.Definition;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var summary = Progress.Run(console, $"Simulating {run.Replicates} agent-based replicate{(run.Replicates == 1 ? "" : "s")}", run.Replicates,
            report => AgentReplicates.Run(agents, parameters, initial, schedule, times, run.Replicates, run.Seed, run.Threads, run.SnapshotDays, run.Solver, run.Options, run.Journal, report));
        var elapsed = clock.Elapsed;
        if (output is not null)
            WriteFile("--out", output, writer => AgentCsvWriter.WriteSummary(writer, definition, summary), console, $"{times.Length} rows (every replicate in {ReplicatesPath(output)})");
        if (snapshotFolder is not null)
        {
            try
            {
                var files = AgentCsvWriter.WriteSnapshots(snapshotFolder, summary);
                var maps = Reports.SnapshotSections.WriteMaps(snapshotFolder);
                console.MarkupLineInterpolated($"Wrote {files.Count} snapshot files to [bold]{snapshotFolder}[/] (index: {AgentCsvWriter.SnapshotIndex}) and {maps} lattice maps beside them (lattice-rR-dayD.svg).");
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new InputException("--snapshots", $"cannot write into '{snapshotFolder}': {e.Message}");
            }
        }
        if (plot is not null) PlotOption.Write(console, TimeCourseCharts.Replicates(definition, summary, schedule, injury), plot);

        var section = agents.Section;
        console.MarkupLineInterpolated($"[bold]{definition.Name}[/] (agent engine, {run.Replicates} replicates, seed {run.Seed}): injury {injury}; {Regimen.Describe(schedule, definition)}; lattice {section.Lattice.Size}×{section.Lattice.Size} sites, {section.Lattice.Spacing.ToString(CultureInfo.InvariantCulture)} µm apart");
        var table = new Table().Border(TableBorder.Simple);
        table.AddColumn(new TableColumn("day").RightAligned());
        var columns = new List<int>();
        foreach (var (readout, index) in definition.Readouts.Select((r, i) => (r, i)))
        {
            table.AddColumn(new TableColumn($"{readout.Heading} ODE").RightAligned());
            table.AddColumn(new TableColumn("agents mean [[5%, 95%]]").RightAligned());
            columns.Add(definition.States.Count + index);
        }
        for (var i = 0; i < times.Length; i++)
        {
            var row = new List<string> { times[i].ToString("0.##", CultureInfo.InvariantCulture) };
            foreach (var c in columns)
            {
                row.Add(ReplicateSummary.Value(summary.MeanField, i, c).ToString("F2", CultureInfo.InvariantCulture));
                row.Add(string.Create(CultureInfo.InvariantCulture, $"{summary.Mean(i, c):F2} [{summary.Quantile(i, c, 0.05):F2}, {summary.Quantile(i, c, 0.95):F2}]"));
            }
            table.AddRow(row.Select(Markup.Escape).ToArray());
        }
        console.Write(table);
        var resumed = summary.Runs.Count(r => r is null);
        if (resumed > 0) console.MarkupLineInterpolated($"[grey]Resumed: {resumed} replicates read back from the results journal.[/]");
        if (summary.Runs.FirstOrDefault(r => r is not null) is { Statistics: var statistics })
        {
            var updates = summary.Runs.Sum(r => (double)(r?.Statistics.AgentUpdates ?? 0));
            console.MarkupLineInterpolated($"[grey]{statistics.Steps} steps of ≤ {statistics.LargestStep:G3} day per replicate; {updates:N0} agent updates (site updates + cell transitions) in {elapsed.TotalSeconds:F1} s ({updates / elapsed.TotalSeconds:N0}/s on {(run.Threads > 0 ? run.Threads : Environment.ProcessorCount)} threads).[/]");
        }
    }

    private static void RunStudy(IAnsiConsole console, Study study, CompiledModel compiled, string[] assignments, CohortOptions options, string? folder, string? plot)
    {
        var typical = ParameterOverrides.Apply(study.Model, study.TypicalParameters(compiled.DefaultParameters()), assignments, "--set");
        var total = study.Design.Groups.Sum(g => options.AnimalsPerGroup ?? g.Animals);
        var cohort = Progress.Run(console, $"Simulating {total:N0} animals", total,
            report => CohortSimulator.Simulate(study, compiled, typical, options, report));

        IReadOnlyList<SummaryStatistics> summaries;
        if (folder is not null)
        {
            try
            {
                summaries = CohortFiles.Write(folder, cohort);
                RunRecord.WriteCohort(folder, study.Model.Name, DefaultModel.SourceText(study.Model), study.Model.Parameters.Select((p, i) => (p.Name, typical[i])), study.Name,
                    study.Design.Endpoints.Select(e => (e, study.Model.Endpoint(e)!.Unit)));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new InputException("--out", $"cannot write into '{folder}': {e.Message}");
            }
        }
        else summaries = ObservationSummary.Summarize(cohort.Animals);
        if (plot is not null) PlotOption.Write(console, StudyCharts.Cohort(CohortView.Of(cohort, summaries)), plot);

        console.MarkupLineInterpolated($"[bold]{study.Name}[/] ({study.Model.Name}): {cohort.Animals.Count:N0} animals, seed {options.Seed}{(options.Noise ? "" : ", no noise")}{(options.Agents is null ? "" : ", agent engine (one stochastic run per animal; typical = ODE)")}");
        foreach (var group in cohort.Study.Design.Groups)
        {
            var table = new Table().Border(TableBorder.Simple)
                .Title($"{group.Name}: {group.Injury}, {Regimen.Describe(group.Doses, study.Model)}, n = {group.Animals}");
            table.AddColumn(new TableColumn("day").RightAligned());
            foreach (var endpoint in study.Design.Endpoints)
            {
                var unit = study.Model.Endpoint(endpoint)!.Unit;
                table.AddColumn(new TableColumn($"{endpoint} ({unit}) mean ± SD").RightAligned());
                table.AddColumn(new TableColumn("censored").RightAligned());
                table.AddColumn(new TableColumn("typical").RightAligned());
            }
            foreach (var day in study.Design.ReadoutDays)
            {
                var row = new List<string> { day.ToString("0.##", CultureInfo.InvariantCulture) };
                foreach (var endpoint in study.Design.Endpoints)
                {
                    var s = summaries.First(r => r.Group == group.Name && r.Time == day && r.Endpoint == endpoint);
                    row.Add(string.Create(CultureInfo.InvariantCulture, $"{s.Mean:F2} ± {s.Sd:F2}"));
                    row.Add($"{s.Censored}/{s.N}");
                    row.Add(cohort.Prediction(group.Name, day, endpoint).ToString("F2", CultureInfo.InvariantCulture));
                }
                table.AddRow(row.Select(Markup.Escape).ToArray());
            }
            console.Write(table);
        }
        if (folder is not null)
            console.MarkupLineInterpolated($"Wrote [bold]{Path.Combine(folder, CohortFiles.Observations)}[/], [bold]{Path.Combine(folder, CohortFiles.Summary)}[/], {Path.Combine(folder, CohortFiles.Predictions)} (the journal) and {RunRecord.File}.");
    }

    /// <summary>Writes a file for <paramref name="option"/>; a failure is bad input naming the option and the path.</summary>
    private static void WriteFile(string option, string path, Action<TextWriter> write, IAnsiConsole console, string what)
    {
        OutputFolder.WriteFile(option, path, write);
        console.MarkupLineInterpolated($"Wrote {what} to [bold]{path}[/].");
    }

    private static void PrintPosterior(IAnsiConsole console, ModelDefinition definition, ScenarioRequest request, PosteriorSample sample, int seed, PosteriorTrajectories prediction)
    {
        console.MarkupLineInterpolated($"[bold]{definition.Name}[/]: injury {request.Injury}; {Regimen.Describe(request.Doses, definition)}");
        console.MarkupLineInterpolated($"{sample.Count:N0} posterior draws of {sample.Folder}, seed {seed}: the typical animal of each.");
        console.MarkupLine("Each cell is the posterior median [[5%, 95%]] over the draws.");
        var table = new Table().Border(TableBorder.Simple);
        table.AddColumn(new TableColumn("day").RightAligned());
        foreach (var readout in definition.Readouts)
            table.AddColumn(new TableColumn(Markup.Escape($"{readout.Heading} median [5%, 95%]")).RightAligned());
        for (var i = 0; i < prediction.Times.Length; i++)
        {
            var row = new List<string> { prediction.Times[i].ToString("0.##", CultureInfo.InvariantCulture) };
            for (var j = 0; j < definition.Readouts.Count; j++)
            {
                var c = definition.States.Count + j;
                row.Add(string.Create(CultureInfo.InvariantCulture, $"{prediction.Quantile(i, c, 0.5):F2} [{prediction.Quantile(i, c, 0.05):F2}, {prediction.Quantile(i, c, 0.95):F2}]"));
            }
            table.AddRow(row.Select(Markup.Escape).ToArray());
        }
        console.Write(table);
    }

    private static void PrintTable(IAnsiConsole console, ModelDefinition definition, string injury, IReadOnlyList<Dose> schedule, Trajectory trajectory)
    {
        console.MarkupLineInterpolated($"[bold]{definition.Name}[/]: injury {injury}; {Regimen.Describe(schedule, definition)}");
        var table = new Table().Border(TableBorder.Simple);
        table.AddColumn(new TableColumn("day").RightAligned());
        foreach (var readout in definition.Readouts)
            table.AddColumn(new TableColumn($"{readout.Heading}").RightAligned());
        for (var i = 0; i < trajectory.Times.Length; i++)
        {
            var row = new List<string> { trajectory.Times[i].ToString("0.##", CultureInfo.InvariantCulture) };
            for (var j = 0; j < trajectory.ReadoutCount; j++) row.Add(trajectory.Readout(i, j).ToString("F2", CultureInfo.InvariantCulture));
            table.AddRow(row.Select(Markup.Escape).ToArray());
        }
        console.Write(table);
        var s = trajectory.Statistics;
        console.MarkupLineInterpolated($"[grey]{s.AcceptedSteps} steps ({s.RejectedSteps} rejected), {s.FunctionEvaluations} right-hand-side and {s.JacobianEvaluations} Jacobian evaluations.[/]");
    }
}
