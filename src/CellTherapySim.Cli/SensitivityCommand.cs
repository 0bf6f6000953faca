using System.CommandLine;
using System.Globalization;
using CellTherapySim.Runs;
using CellTherapySim.Compilation;
using CellTherapySim.Inference;
using CellTherapySim.Output;
using CellTherapySim.Sensitivity;
using CellTherapySim.Sweeps;
using Spectre.Console;

namespace CellTherapySim.Cli;

/// <summary>
/// `ctsim sensitivity`: Sobol' indices of every metric to a sweep spec's factors over their ranges (a Saltelli design run
/// like a sweep: threads, resume, shards, merge), and a one-at-a-time tornado table around the base point.
/// </summary>
internal static class SensitivityCommand
{
    /// <summary>Tornado rows shown on screen.</summary>
    private const int Shown = 10;

    public static Command Create(IAnsiConsole console)
    {
        var spec = new Option<string>("--spec") { Description = "Sweep spec (YAML) whose factors are all ranges; 'design' is ignored, 'cohort' refused (see models/sweeps/sensitivity.yaml).", HelpName = "FILE.yaml", Required = true };
        var output = new Option<string>("--out") { Description = "Folder for results.csv (every evaluation), sobol.csv, tornado.csv, manifest.json and the journal.", HelpName = "DIR", Required = true };
        var threads = CommonOptions.Threads();
        var seed = CommonOptions.Seed();
        var resume = new Option<bool>("--resume") { Description = "Continue an interrupted run in DIR; on a finished or merged folder, only recompute sobol.csv and tornado.csv." };
        var force = CommonOptions.Force();
        var shard = new Option<string?>("--shard") { Description = "Run the K-th of N slices of the evaluations (ids ≡ K mod N); join them with 'ctsim sweep merge', then run with --resume on the merged folder.", HelpName = "K/N" };
        var samples = new Option<int>("--samples") { Description = "Base samples N of the Saltelli design (N(d + 2) evaluations for d factors).", HelpName = "N", DefaultValueFactory = _ => 1024, CustomParser = r => CommonOptions.PositiveInteger(r, "--samples", 1_000_000) };
        var bootstrap = new Option<int>("--bootstrap") { Description = "Bootstrap replicates of the 95% intervals.", HelpName = "B", DefaultValueFactory = _ => 500, CustomParser = r => CommonOptions.PositiveInteger(r, "--bootstrap", 100_000) };
        var step = new Option<double>("--step") { Description = "Tornado: each factor moved by ± this fraction of its base value (clamped to its range).", HelpName = "FRACTION", DefaultValueFactory = _ => 0.1 };
        var rank = new Option<string?>("--rank") { Description = "Metric shown on screen, ENDPOINT:METRIC (auc, onset, peak, duration, effect_dayD). Default: the spec's 'rank', else the first endpoint's auc.", HelpName = "ENDPOINT:METRIC" };
        var command = new Command("sensitivity", "Global sensitivity of every metric to a spec's factors over their ranges: first-order and total Sobol' indices with bootstrap intervals (Saltelli design through the sweep runner: resumable, sharded), and a one-at-a-time tornado table.");
        foreach (var option in new Option[] { spec, output, threads, seed, resume, force, shard, samples, bootstrap, step, rank }) command.Add(option);
        command.SetAction(parse =>
        {
            var specPath = parse.GetValue(spec)!;
            var sweep = SweepSpecReader.ReadFile(specPath, readDesign: false);
            var design = new SensitivityDesign(sweep, parse.GetValue(samples), parse.GetValue(seed));
            var tornado = new TornadoDesign(sweep, parse.GetValue(step));
            var part = parse.GetValue(shard) is { } s ? Shard.Parse(s, "--shard") : Shard.Whole;
            var compiled = CompiledModel.Compile(sweep.Model);
            var evaluator = new SweepEvaluator(sweep, compiled, design, null, parse.GetValue(seed));
            var shown = parse.GetValue(rank) is { } r ? SweepSpecReader.ParseRank(r, sweep.Endpoints, p => new InputException("--rank", p)) : sweep.Rank;
            var shownColumn = $"{shown.Endpoint}_{shown.Metric}";
            if (!ResultJournal.SplitFields(evaluator.Header).Contains(shownColumn))
                throw new InputException("--rank", $"'{shown.Metric}' is not measured; its day must be one of the spec's metrics: effect_days");
            var manifest = new SweepManifest("ctsim", SweepRun.ToolVersion, Path.GetFullPath(specPath), PosteriorSample.Hash(sweep.Text), parse.GetValue(seed),
                "Saltelli", design.Size, part, part.Size(design.Size), "", $"{sweep.Rank.Endpoint}:{sweep.Rank.Metric}", evaluator.Header);
            var folder = parse.GetValue(output)!;
            SweepCommand.Prepare(console, parse, folder, manifest, resume, force);

            var d = sweep.Factors.Count;
            console.MarkupLineInterpolated($"[bold]{sweep.Name}[/] ({sweep.Model.Name}): sensitivity to {d} factors ({string.Join(", ", sweep.Factors.Select(f => f.Name))}); Saltelli design of {design.BaseSamples:N0} base samples = {design.Size:N0} evaluations{(part.Count > 1 ? $", shard {part} = {manifest.ShardSize:N0}" : "")}; typical animal; seed {parse.GetValue(seed)}.");
            if (!SweepCommand.RunInFolder(console, "evaluations", evaluator, manifest, folder, parse.GetValue(resume), parse.GetValue(threads))) return CliApp.Interrupted;
            if (part.Count > 1)
            {
                console.MarkupLineInterpolated($"Shard {part} written to [bold]{Path.Combine(folder, SweepRun.Results)}[/]. When every shard is done: 'ctsim sweep merge SHARD_DIRS... --out MERGED', then 'ctsim sensitivity --spec {specPath} --out MERGED --seed {parse.GetValue(seed)} --samples {design.BaseSamples} --resume' computes the indices.");
                return CliApp.Success;
            }

            var indices = SobolAnalysis.FromResults(Path.Combine(folder, SweepRun.Results), d, design.BaseSamples, parse.GetValue(bootstrap), unchecked((ulong)parse.GetValue(seed)));
            SensitivityFiles.WriteSobol(Path.Combine(folder, SensitivityFiles.Sobol), indices, sweep.Factors);
            var rows = tornado.Evaluate(compiled, parse.GetValue(seed));
            SensitivityFiles.WriteTornado(Path.Combine(folder, SensitivityFiles.Tornado), rows);

            PrintIndices(console, indices.First(m => m.Metric == shownColumn), sweep.Factors, design.Size);
            PrintTornado(console, rows.Where(x => x.Metric == shownColumn).ToList(), parse.GetValue(step));
            foreach (var skipped in indices.Where(m => m.Indices is null && m.Metric != shownColumn))
                console.MarkupLineInterpolated($"[grey]{skipped.Metric}: no indices, {skipped.Missing:N0} of {design.Size:N0} evaluations have no value (e.g. an onset never reached).[/]");
            var constant = indices.Where(m => m.Indices is { } x && double.IsNaN(x[0].First)).Select(m => m.Metric).ToList();
            if (constant.Count > 0) console.MarkupLineInterpolated($"[grey]Constant over the design (no indices): {string.Join(", ", constant)}.[/]");
            console.MarkupLineInterpolated($"Wrote [bold]{Path.Combine(folder, SensitivityFiles.Sobol)}[/], {SensitivityFiles.Tornado}, {SweepRun.Results}, {SweepRun.Manifest} and {SweepRun.Journal}.");
            return CliApp.Success;
        });
        return command;
    }

    /// <summary>The factors ranked by total index for one metric, with first-order indices and the intervals.</summary>
    private static void PrintIndices(IAnsiConsole console, MetricSensitivity metric, IReadOnlyList<SweepFactor> factors, long evaluations)
    {
        if (metric.Indices is not { } indices)
        {
            console.MarkupLineInterpolated($"[yellow]{metric.Metric}: no indices, {metric.Missing:N0} of {evaluations:N0} evaluations have no value (e.g. an onset never reached); see sobol.csv for the other metrics.[/]");
            return;
        }
        var table = new Table().Border(TableBorder.Simple).Title(Markup.Escape($"Sobol' indices of {metric.Metric} (95% bootstrap intervals), by total index"));
        foreach (var name in new[] { "factor", "ST", "[[2.5%, 97.5%]]", "S1", "[[2.5%, 97.5%]] " }) table.AddColumn(new TableColumn(name).RightAligned());
        foreach (var (index, factor) in indices.Zip(factors).OrderBy(x => double.IsNaN(x.First.Total) ? 1 : 0).ThenByDescending(x => x.First.Total))
            table.AddRow(new[] { factor.Name, Short(index.Total), $"[{Short(index.TotalLow)}, {Short(index.TotalHigh)}]", Short(index.First), $"[{Short(index.FirstLow)}, {Short(index.FirstHigh)}]" }.Select(Markup.Escape).ToArray());
        console.Write(table);
    }

    /// <summary>The tornado's top rows for one metric.</summary>
    private static void PrintTornado(IAnsiConsole console, IReadOnlyList<TornadoRow> rows, double step)
    {
        if (rows.Count == 0) return;
        var table = new Table().Border(TableBorder.Simple).Title(Markup.Escape($"One at a time, ±{step * 100:G4}% around the base ({rows[0].Metric} = {Short(rows[0].MetricBase)})"));
        foreach (var name in new[] { "factor", "base", "low", "high", rows[0].Metric + " low", "high ", "change" }) table.AddColumn(new TableColumn(Markup.Escape(name)).RightAligned());
        foreach (var row in rows.Take(Shown))
            table.AddRow(new[] { row.Factor, Short(row.BaseValue), Short(row.LowValue), Short(row.HighValue), Short(row.MetricLow), Short(row.MetricHigh), Short(row.Change) }.Select(Markup.Escape).ToArray());
        console.Write(table);
    }

    private static string Short(double value) => double.IsNaN(value) ? "—" : value.ToString("G4", CultureInfo.InvariantCulture);
}
