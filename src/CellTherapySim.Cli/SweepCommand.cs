using System.CommandLine;
using System.Globalization;
using CellTherapySim.Solvers;
using CellTherapySim.Runs;
using CellTherapySim.Compilation;
using CellTherapySim.Inference;
using CellTherapySim.Modeling;
using CellTherapySim.Sweeps;
using Spectre.Console;

namespace CellTherapySim.Cli;

/// <summary>`ctsim sweep`: a parameter sweep from a spec file (grid, LHS or Sobol) into a folder, resumable and shardable; `ctsim sweep merge` joins shards.</summary>
internal static class SweepCommand
{
    /// <summary>Scenarios shown on screen, best first.</summary>
    private const int Shown = 10;

    public static Command Create(IAnsiConsole console)
    {
        var spec = new Option<string>("--spec") { Description = "Sweep spec (YAML): base, factors, regimen template, design, cohort, metrics (see models/sweeps/).", HelpName = "FILE.yaml", Required = true };
        var output = new Option<string>("--out") { Description = "Folder for results.csv, manifest.json and the journal.", HelpName = "DIR", Required = true };
        var threads = CommonOptions.Threads();
        var seed = CommonOptions.Seed();
        var resume = new Option<bool>("--resume") { Description = "Continue an interrupted sweep in DIR: only scenarios not on disk are computed; the final results.csv is the same bytes as an uninterrupted run's." };
        var shard = new Option<string?>("--shard") { Description = "Run the K-th of N disjoint slices of the design (ids ≡ K mod N), K from 0, e.g. $SLURM_ARRAY_TASK_ID/4; join them with 'ctsim sweep merge'.", HelpName = "K/N" };
        var posterior = new PosteriorSettings("Evaluate every scenario over draws of a 'ctsim fit' output folder: posterior median, 90% interval, P(beats the reference), P(beats the best scenario).");
        var rank = new Option<string?>("--rank") { Description = "Metric that ranks the scenarios on screen, ENDPOINT:METRIC (auc, onset, peak, duration, effect_dayD). Default: the spec's 'rank', else the first endpoint's auc.", HelpName = "ENDPOINT:METRIC" };
        var large = new Option<bool>("--allow-large") { Description = "Run a design larger than --max-scenarios." };
        var max = new Option<long>("--max-scenarios") { Description = "Largest design run without --allow-large.", HelpName = "N", DefaultValueFactory = _ => SweepSpecReader.DefaultMaxScenarios };
        var force = CommonOptions.Force();
        var solver = new SolverSettings(SolverOptions.Default);
        var command = new Command("sweep", "Run a parameter sweep: every scenario of a spec's design (grid, Latin hypercube or scrambled Sobol over doses, days, intervals, routes, products and model parameters) measured against the reference regimen with compare's metrics; results.csv is written as scenarios finish and can be resumed, sharded and merged.");
        foreach (var option in new Option[] { spec, output, threads, seed, resume, force, shard, rank, large, max }) command.Add(option);
        posterior.AddTo(command);
        solver.AddTo(command);
        command.Add(MergeCommand(console));
        command.SetAction(parse =>
        {
            var specPath = parse.GetValue(spec)!;
            var sweep = SweepSpecReader.ReadFile(specPath);
            if (parse.GetValue(rank) is { } r) sweep = sweep with { Rank = SweepSpecReader.ParseRank(r, sweep.Endpoints, p => new InputException("--rank", p)) };
            var design = new SweepDesign(sweep, parse.GetValue(seed));
            if (design.Size > parse.GetValue(max) && !parse.GetValue(large))
                throw new InputException(specPath, $"the design has {design.Size:N0} scenarios, more than --max-scenarios {parse.GetValue(max):N0}; add --allow-large to run it, or reduce 'points' or the factors' levels");
            var part = parse.GetValue(shard) is { } s ? Shard.Parse(s, "--shard") : Shard.Whole;
            var (solverKind, solverOptions) = solver.Read(parse);
            var compiled = CompiledModel.Compile(sweep.Model);
            var sample = posterior.Read(parse, sweep.Model, parse.GetValue(seed));
            if (sample is not null && sweep.Cohort is not null)
                throw new InputException(specPath, "'cohort' and --posterior cannot be combined: with --posterior each scenario is evaluated for the typical animal of every posterior draw");
            var evaluator = new SweepEvaluator(sweep, compiled, design, sample, parse.GetValue(seed), solverKind, solverOptions);
            var manifest = new SweepManifest("ctsim", SweepRun.ToolVersion, Path.GetFullPath(specPath), PosteriorSample.Hash(sweep.Text), parse.GetValue(seed),
                sweep.Design.ToString(), design.Size, part, part.Size(design.Size),
                sample is null ? "" : $"{Path.GetFullPath(sample.Folder)} ({sample.Count} draws)", $"{sweep.Rank.Endpoint}:{sweep.Rank.Metric}", evaluator.Header);
            var folder = parse.GetValue(output)!;
            Prepare(console, parse, folder, manifest, resume, force);

            console.MarkupLineInterpolated($"[bold]{sweep.Name}[/] ({sweep.Model.Name}): {design.Size:N0} scenarios ({Describe(sweep)}){(part.Count > 1 ? $", shard {part} = {manifest.ShardSize:N0}" : "")}; {(sample is not null ? $"{sample.Count} posterior draws each" : sweep.Cohort is { } c ? $"{c.Animals} animals each" : "typical animal")}; seed {parse.GetValue(seed)}.");
            if (!RunInFolder(console, "scenarios", evaluator, manifest, folder, parse.GetValue(resume), parse.GetValue(threads), sample?.Count ?? 0)) return CliApp.Interrupted;
            PrintBest(console, Path.Combine(folder, SweepRun.Results), evaluator);
            console.MarkupLineInterpolated($"Wrote [bold]{Path.Combine(folder, SweepRun.Results)}[/], {SweepRun.Manifest}{(sample is null ? "" : $", {SweepRun.RankDraws}")} and {SweepRun.Journal}.");
            return CliApp.Success;
        });
        return command;
    }

    /// <summary>
    /// Readies --out for a run: --resume continues the sweep there, --force first removes its results (and says so),
    /// neither refuses a folder that holds a sweep (<see cref="SweepRun.Prepare"/>).
    /// </summary>
    internal static void Prepare(IAnsiConsole console, ParseResult parse, string folder, SweepManifest manifest, Option<bool> resume, Option<bool> force)
    {
        if (parse.GetValue(force))
        {
            CommonOptions.RejectGiven(parse, "cannot be combined with --force (--resume continues the earlier results, --force replaces them)", resume);
            OutputFolder.Claim(console, folder, true, SweepRun.Files);
        }
        SweepRun.Prepare(folder, manifest, parse.GetValue(resume));
    }

    /// <summary>
    /// Runs <paramref name="manifest"/>'s scenarios not yet in the prepared <paramref name="folder"/> through
    /// <see cref="SweepRun.Run"/> with progress, Ctrl-C (a clean, resumable stop) and a failed write turned into a
    /// message, and prints the time taken; <paramref name="what"/> names the units ("scenarios"). Returns false when
    /// interrupted (the message printed).
    /// </summary>
    internal static bool RunInFolder(IAnsiConsole console, string what, SweepEvaluator evaluator, SweepManifest manifest, string folder, bool resume, int threads, int posteriorDraws = 0)
    {
        if (resume && SweepRun.IsFinished(folder, manifest))
        {
            console.MarkupLineInterpolated($"[grey]{Path.Combine(folder, SweepRun.Results)} is complete ({manifest.ShardSize:N0} {what}); nothing to run.[/]");
            return true;
        }
        using var cancellation = new CancellationTokenSource();
        ConsoleCancelEventHandler onCancel = (_, e) => { e.Cancel = true; cancellation.Cancel(); };
        Console.CancelKeyPress += onCancel;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        Runs.RunOutcome outcome;
        try
        {
            outcome = RateProgress.Run(console, char.ToUpperInvariant(what[0]) + what[1..], manifest.ShardSize, report =>
                SweepRun.Run(evaluator, manifest, folder, resume, threads, report, cancellation.Token, posteriorDraws));
        }
        catch (IOException e)
        {
            throw new Simulation.SimulationException($"writing into '{folder}' failed: {e.Message}. What was written is valid; free space and rerun with --resume.", e);
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
        }
        if (outcome.Cancelled)
        {
            console.MarkupLineInterpolated($"[yellow]Interrupted after {outcome.Committed:N0} of {manifest.ShardSize:N0} {what}; they are in {Path.Combine(folder, SweepRun.Journal)}. Rerun with --resume to finish.[/]");
            return false;
        }
        var seconds = clock.Elapsed.TotalSeconds;
        console.MarkupLineInterpolated($"[grey]{manifest.ShardSize:N0} {what} in {seconds:F1} s ({manifest.ShardSize / Math.Max(seconds, 1e-9):N0}/s on {threads} threads).[/]");
        return true;
    }

    private static Command MergeCommand(IAnsiConsole console)
    {
        var folders = new Argument<string[]>("DIR") { Description = "The shard folders (every shard K/N of one sweep, each finished).", Arity = ArgumentArity.OneOrMore };
        var output = new Option<string>("--out") { Description = "Folder for the merged results.csv and manifest.json.", HelpName = "DIR", Required = true };
        var command = new Command("merge", "Join the shard folders of one sweep into results.csv — the same bytes as a single run — refusing shards of another sweep, missing or repeated shards and unfinished ones.");
        command.Add(folders);
        command.Add(output);
        command.SetAction(parse =>
        {
            var inputs = parse.GetValue(folders)!;
            var first = SweepManifestFile.Read(Path.Combine(inputs[0], SweepRun.Manifest) is var m && File.Exists(m) ? m : throw new InputException(inputs[0], $"not a sweep folder (no {SweepRun.Manifest})"));
            var header = ResultJournal.SplitFields(first.Header);
            var rank = first.Rank.Split(':');
            var posterior = header.Contains("p_beats_best");
            var column = $"{rank[0]}_{rank[1]}" + (posterior ? "_median" : header.Contains($"{rank[0]}_{rank[1]}_mean") ? "_mean" : "");
            var draws = posterior ? int.Parse(first.Posterior[(first.Posterior.LastIndexOf('(') + 1)..].Split(' ')[0], CultureInfo.InvariantCulture) : 0;
            var merged = SweepRun.Merge(inputs, parse.GetValue(output)!, column, rank[1] != "onset", draws);
            console.MarkupLineInterpolated($"Merged {inputs.Length} shards ({merged.DesignSize:N0} scenarios) into [bold]{Path.Combine(parse.GetValue(output)!, SweepRun.Results)}[/].");
            return CliApp.Success;
        });
        return command;
    }

    private static string Describe(SweepSpec spec) => spec.Design switch
    {
        DesignKind.Grid => $"grid over {string.Join(" × ", spec.Factors.Select(f => $"{f.Name} ({f.Levels().Count})"))}",
        _ => $"{(spec.Design == DesignKind.Sobol ? "scrambled Sobol" : "Latin hypercube")} of {spec.Points:N0} points over {string.Join(", ", spec.Factors.Where(f => !f.IsListed).Select(f => f.Name))}"
            + (spec.Factors.Any(f => f.IsListed) ? $", {string.Join(", ", spec.Factors.Where(f => f.IsListed).Select(f => f.Name))} {(spec.Categorical == CategoricalMode.Crossed ? "crossed" : "sampled")}" : ""),
    };

    /// <summary>The best scenarios by the ranking metric, read from results.csv (streamed; only the best kept).</summary>
    private static void PrintBest(IAnsiConsole console, string path, SweepEvaluator evaluator)
    {
        var header = ResultJournal.SplitFields(File.ReadLines(path).First());
        var column = Array.IndexOf(header, evaluator.RankColumn);
        var q5 = Array.IndexOf(header, evaluator.RankColumn.Replace("_median", "").Replace("_mean", "") + "_q5");
        var q95 = Array.IndexOf(header, evaluator.RankColumn.Replace("_median", "").Replace("_mean", "") + "_q95");
        var best = new List<(double Value, string[] Fields)>();
        foreach (var line in File.ReadLines(path).Skip(1))
        {
            var fields = ResultJournal.SplitFields(line);
            if (!double.TryParse(fields[column], NumberStyles.Float, CultureInfo.InvariantCulture, out var value)) continue;
            best.Add((evaluator.HigherIsBetter ? -value : value, fields));
            if (best.Count > 4 * Shown)
            {
                best = best.OrderBy(b => b.Value).ThenBy(b => long.Parse(b.Fields[0], CultureInfo.InvariantCulture)).Take(Shown).ToList();
            }
        }
        best = best.OrderBy(b => b.Value).ThenBy(b => long.Parse(b.Fields[0], CultureInfo.InvariantCulture)).Take(Shown).ToList();
        var table = new Table().Border(TableBorder.Simple).Title(Markup.Escape($"Best {best.Count} by {evaluator.RankColumn}"));
        table.AddColumn(new TableColumn("id").RightAligned());
        var factorColumns = Enumerable.Range(1, header.Length - 1).TakeWhile(i => !header[i].StartsWith(header.First(h => h.EndsWith("_auc") || h.Contains("_auc_")).Split('_')[0] + "_", StringComparison.Ordinal)).ToList();
        foreach (var i in factorColumns) table.AddColumn(new TableColumn(Markup.Escape(header[i])).RightAligned());
        table.AddColumn(new TableColumn(Markup.Escape(evaluator.RankColumn)).RightAligned());
        if (q5 >= 0) table.AddColumn(new TableColumn("[[5%, 95%]]").RightAligned());
        if (header.Contains("p_beats_best")) table.AddColumn(new TableColumn("P(beats best)").RightAligned());
        foreach (var (_, fields) in best)
        {
            var row = new List<string> { fields[0] };
            row.AddRange(factorColumns.Select(i => Short(fields[i])));
            row.Add(Short(fields[column]));
            if (q5 >= 0) row.Add($"[{Short(fields[q5])}, {Short(fields[q95])}]");
            if (header.Contains("p_beats_best")) row.Add(Short(fields[Array.IndexOf(header, "p_beats_best")]));
            table.AddRow(row.Select(Markup.Escape).ToArray());
        }
        console.Write(table);
    }

    private static string Short(string number) =>
        double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v.ToString("G4", CultureInfo.InvariantCulture) : number;
}
