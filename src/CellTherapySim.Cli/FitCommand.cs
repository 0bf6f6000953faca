using System.CommandLine;
using System.Globalization;
using CellTherapySim.Solvers;
using CellTherapySim.Compilation;
using CellTherapySim.Inference;
using CellTherapySim.Modeling;
using CellTherapySim.Inference.Diagnostics;
using CellTherapySim.Output;
using CellTherapySim.Simulation;
using CellTherapySim.Studies;
using Spectre.Console;

namespace CellTherapySim.Cli;

/// <summary>`ctsim fit`: Bayesian fit of the model to study data with NUTS; draws, summary, diagnostics and posterior predictive check.</summary>
internal static class FitCommand
{
    public static Command Create(IAnsiConsole console)
    {
        var model = CommonOptions.Model();
        var data = new Option<string>("--data") { Description = "Study data: individual animals (ID,GROUP,INJURY,TIME,EVID,AMT,ROUTE,DVID,DV,CENS) or group summaries (GROUP,TIME,DVID,MEAN,SD,N).", HelpName = "FILE", Required = true };
        var design = new Option<string?>("--design") { Description = "For summary data: the study's observations file (CSV) or study file (YAML), which gives the groups' injuries and regimens.", HelpName = "FILE" };
        var output = new Option<string>("--out") { Description = "Folder for draws-chain-N.csv (CmdStan CSV), log-lik-chain-N.csv, summary.csv, ppc.csv, loo.csv and, for individual animals, log-lik-animal-chain-N.csv, loo-animal.csv, ipred.csv (and individuals.csv with random effects).", HelpName = "DIR", Required = true };
        var free = new Option<string?>("--free") { Description = "Comma-separated free parameters (default: those the model marks as fitted). Priors come from the model file.", HelpName = "NAMES" };
        var randomEffects = new Option<string?>("--random-effects") { Description = "Comma-separated parameters that vary between animals (log-normal, logit-normal if bounded in (0, 1); ω ~ half-normal(0, 0.5)); added to the free parameters when not free. Needs individual data.", HelpName = "NAMES" };
        var centred = new Option<string>("--centred")
        {
            Description = "Random effects sampled centred (log θᵢ ~ Normal(log θ, ω)) rather than non-centred: auto (those whose data pin each animal down, from a pilot Laplace pass), none, or comma-separated names.",
            HelpName = "auto|none|NAMES",
            DefaultValueFactory = _ => "auto",
        };
        var chains = Count("--chains", "Number of chains.", 4, 64);
        var warmup = Count("--warmup", "Warm-up iterations per chain (step size and metric adaptation; not saved).", 1000, 1_000_000);
        var draws = Count("--draws", "Draws per chain after warm-up.", 1000, 1_000_000);
        var seed = CommonOptions.Seed();
        var threads = CommonOptions.Threads();
        var metric = new Option<string>("--metric")
        {
            Description = "Inverse metric adapted in warm-up: dense (default; handles the correlated parameters of ODE models) or diag.",
            DefaultValueFactory = _ => "dense",
        };
        metric.AcceptOnlyFromAmong("dense", "diag");
        var maxDepth = Count("--max-depth", "Maximum tree depth of NUTS.", 10, 20);
        var adaptDelta = new Option<double?>("--adapt-delta")
        {
            Description = "Target acceptance statistic of the step-size adaptation (Stan's adapt_delta), in (0, 1). Default: 0.95 for fixed effects, 0.8 (Stan's) with random effects (see the README); raise it (e.g. 0.99) when transitions diverge.",
            HelpName = "DELTA",
            CustomParser = result =>
            {
                var text = result.Tokens[0].Value;
                if (double.TryParse(text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var value) && value is > 0 and < 1) return value;
                result.AddError($"--adapt-delta: '{text}' is not a target acceptance; expected a number strictly between 0 and 1, e.g. 0.9");
                return null;
            },
        };
        var set = CommonOptions.Set();
        var force = new Option<bool>("--force") { Description = "Replace the results of an earlier fit in --out (without it, a folder that holds them is refused)." };
        var solver = new SolverSettings(SolverOptions.Fitting);

        var command = new Command("fit", "Fit the model to study data by Bayesian inference (NUTS): CmdStan-compatible draws, posterior summary with R-hat and ESS, and a posterior predictive check.")
        {
            model, data, design, output, free, randomEffects, centred, chains, warmup, draws, seed, threads, metric, maxDepth, adaptDelta, set, force,
        };
        solver.AddTo(command);
        command.SetAction(parse =>
        {
            var (solverKind, solverOptions) = solver.Read(parse);
            if (solverKind != SolverKind.Stiff)
                throw new InputException("--solver", "fitting uses the stiff solver (sensitivities are integrated with Rodas4)");
            var definition = ModelLoader.Read(parse.GetValue(model));
            var compiled = CompiledModel.Compile(definition);
            var dataPath = parse.GetValue(data)!;
            var designPath = parse.GetValue(design);
            var (derived, designBodyWeight) = designPath is null ? (null, null) : DesignFile.ReadWithBodyWeight(designPath, definition);
            var file = StudyDataFile.Read(dataPath, definition, derived?.Design);
            var randomNames = Names(parse.GetValue(randomEffects));
            FitData fitData;
            if (file.Format == StudyDataFormat.Observations)
            {
                if (derived is not null) throw new InputException("--design", "applies to summary data only; individual animals carry their own design");
                if (randomNames.Count > 0) RequireReadings(file.Animals, dataPath);
                fitData = FitData.FromAnimals(dataPath, file.Animals, definition);
            }
            else
            {
                if (derived is null) throw new InputException("--design", $"'{dataPath}' holds group summaries, which do not say the groups' injuries and regimens; give the study's observations or study file with --design");
                fitData = FitData.FromSummary(dataPath, file.Summary, derived.Design, definition, designBodyWeight);
            }
            var parameters = ParameterOverrides.Apply(definition, compiled.DefaultParameters(), parse.GetValue(set) ?? [], "--set");
            var freeNames = parse.GetValue(free) is { } f ? Names(f) : null;
            var centredText = parse.GetValue(centred)!;
            var autoCentring = centredText == "auto";
            var fit = new FitModel(compiled, fitData, new FitSettings(freeNames, randomNames, solverOptions, parameters,
                autoCentring || centredText == "none" ? [] : Names(centredText)));
            var settings = new FitRunSettings(parse.GetValue(chains), parse.GetValue(warmup), parse.GetValue(draws), parse.GetValue(seed),
                parse.GetValue(maxDepth), parse.GetValue(adaptDelta), DenseMetric: parse.GetValue(metric) == "dense", Threads: parse.GetValue(threads));
            // The data's identity for 'ctsim loo' (fits compare only on the same data): the data file and any design file.
            var dataText = InputFile.ReadAllText(dataPath, "data") + (designPath is null ? "" : "\u001f" + InputFile.ReadAllText(designPath, "design"));
            OutputFolder.Claim(console, parse.GetValue(output)!, parse.GetValue(force), FitFiles.Patterns);
            return Run(console, fit, settings, parse.GetValue(output)!, dataPath, dataText, file.Animals, autoCentring);
        });
        return command;
    }

    /// <param name="animals">The data's animals (none for summary data), in the fit's order: the per-animal outputs are made for them.</param>
    private static int Run(IAnsiConsole console, FitModel fit, FitRunSettings settings, string folder, string dataPath, string dataText, IReadOnlyList<AnimalRecord> animals,
        bool autoCentring)
    {
        var model = fit.Compiled.Definition;
        if (autoCentring && fit.RandomEffects.Length > 0)
        {
            IReadOnlyList<CentringChoice> choices;
            (fit, choices) = Centring.Choose(fit, settings.Seed);
            console.MarkupLineInterpolated(CultureInfo.InvariantCulture,
                $"Parametrisation (a pilot Laplace pass; centred where the data pin each animal down, conditional SD of η < {Math.Sqrt(Centring.Threshold):F2}): {string.Join(", ", choices.Select(c => $"{c.Parameter} {(c.Centred ? "centred" : "non-centred")} ({c.EtaSd:F2})"))}.");
        }
        if (fit.FreedForRandomEffects.Count > 0)
            console.MarkupLineInterpolated($"{(fit.FreedForRandomEffects.Count == 1 ? "A random effect on" : "Random effects on")} {string.Join(", ", fit.FreedForRandomEffects)} {(fit.FreedForRandomEffects.Count == 1 ? "needs it" : "need them")} free: added to the free parameters, with {(fit.FreedForRandomEffects.Count == 1 ? "its prior" : "their priors")} from the model file.");
        console.MarkupLineInterpolated($"[bold]Fitting {model.Name}[/] to {dataPath}: {fit.Free.Length} free parameters ({string.Join(", ", fit.Free.Select(i => model.Parameters[i].Name))}), {fit.Data.Endpoints.Count} residual SDs{(fit.RandomEffects.Length > 0 ? $", random effects on {string.Join(", ", fit.RandomEffects.Select(r => model.Parameters[fit.Free[r]].Name))} for {fit.Data.AnimalNames.Count} animals" : "")}; {settings.Chains} chains × ({settings.Warmup} warm-up + {settings.Draws} draws), seed {settings.Seed}.");

        using var cancellation = new CancellationTokenSource();
        ConsoleCancelEventHandler onCancel = (_, e) =>
        {
            e.Cancel = true;
            cancellation.Cancel();
        };
        Console.CancelKeyPress += onCancel;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        IReadOnlyList<ChainResult> chains;
        try
        {
            chains = ChainProgressDisplay.Run(console, settings, progress => FitRunner.Run(fit, settings, FitFiles.ChainWriters(folder, fit.Data), progress, cancellation.Token));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InputException("--out", $"cannot write into '{folder}': {e.Message}");
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
        }
        var seconds = clock.Elapsed.TotalSeconds;
        var interrupted = chains.Any(c => !c.Completed);
        if (interrupted)
            console.MarkupLineInterpolated($"[yellow]Interrupted: the draws made so far are in {folder} ({string.Join(", ", chains.Select(c => $"chain {c.Chain}: {c.Draws.Count}"))}).[/]");
        if (chains.Any(c => c.Draws.Count < 4))
        {
            console.MarkupLine("Too few draws for a summary.");
            return interrupted ? 130 : CliApp.Failure;
        }

        PosteriorSample.WriteRecord(folder, model, DefaultModel.SourceText(model), fit.BaseParameters, fit.Free.Select(i => model.Parameters[i].Name), dataText, dataPath);
        var summary = FitFiles.Summarise(fit, chains);
        FitFiles.WriteSummary(folder, summary);
        var allDraws = chains.SelectMany(c => c.Draws).ToList();
        var thinned = Enumerable.Range(0, Math.Min(400, allDraws.Count)).Select(i => allDraws[(int)((long)i * allDraws.Count / Math.Min(400, allDraws.Count))]).ToList();
        var ppc = PosteriorPredictiveCheck.Run(fit, thinned, settings.Seed, settings.Threads);
        FitFiles.WritePpc(folder, ppc);
        var written = new List<string> { FitFiles.Summary, FitFiles.Ppc };
        IndividualPredictionResults? individuals = null;
        if (animals.Count > 0)
        {
            individuals = IndividualPredictions.Compute(fit, animals, thinned, settings.Threads);
            if (individuals.Animals.Count > 0)
            {
                IndividualFiles.WriteIndividuals(folder, individuals.Animals);
                written.Add(IndividualFiles.Individuals);
            }
            IndividualFiles.WriteIpred(folder, individuals.Readings);
            written.Add(IndividualFiles.Ipred);
        }

        Report(console, fit, settings, chains, summary, seconds);
        if (individuals is not null) ReportResiduals(console, individuals.Readings);
        var loo = FitLoo.Compute(folder);
        LooFiles.Write(folder, loo);
        console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"PSIS-LOO: elpd_loo {loo.ElpdLoo:F1} (SE {loo.ElpdLooSe:F1}), p_loo {loo.PLoo:F1} (SE {loo.PLooSe:F1}), looic {loo.Looic:F1} (SE {loo.LooicSe:F1}); Pareto k > {loo.KThreshold:0.##} for {loo.HighParetoKCount} of {loo.Observations} readings{(loo.ConstantCount > 0 ? $" ({loo.ConstantCount} with the same log-likelihood in every draw, exact)" : "")}{(loo.HighParetoKCount > 0 ? " — their LOO estimates are unreliable: with random effects, leave one animal out instead" : "")}."));
        written.Add(LooFiles.Loo);
        var logLikFiles = $"log-lik-chain-1..{settings.Chains}.csv";
        if (fit.Data.AnimalNames.Count > 0)
        {
            var byAnimal = FitLoo.Compute(folder, LooUnit.Animal);
            LooFiles.Write(folder, byAnimal, LooFiles.AnimalLoo);
            written.Add(LooFiles.AnimalLoo);
            logLikFiles += $", log-lik-animal-chain-1..{settings.Chains}.csv";
            console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"Leaving out one animal at a time (PSIS over each animal's summed log-likelihood): elpd_loo {byAnimal.ElpdLoo:F1} (SE {byAnimal.ElpdLooSe:F1}), p_loo {byAnimal.PLoo:F1}; Pareto k > {byAnimal.KThreshold:0.##} for {byAnimal.HighParetoKCount} of {byAnimal.Observations} animals{(byAnimal.HighParetoKCount > 0 ? " — PSIS cannot stand in for leaving those out: refit without each (or K-fold by animal) for an exact answer" : "")}."));
        }
        console.MarkupLineInterpolated($"Wrote {folder}/draws-chain-1..{settings.Chains}.csv, {logLikFiles}, {string.Join(", ", written)}.");
        return interrupted ? 130 : CliApp.Success;
    }

    private static void Report(IAnsiConsole console, FitModel fit, FitRunSettings settings, IReadOnlyList<ChainResult> chains, IReadOnlyList<VariableSummary> summary, double seconds)
    {
        var table = new Table().Border(TableBorder.Simple).Title("Posterior");
        foreach (var column in new[] { "variable", "mean", "median", "sd", "q5", "q95", "rhat", "ess_bulk", "ess_tail" })
            table.AddColumn(new TableColumn(column).RightAligned());
        foreach (var row in summary.Where(r => !r.Variable.StartsWith("eta_", StringComparison.Ordinal)))
            table.AddRow(row.Variable, Num(row.Mean), Num(row.Median), Num(row.Sd), Num(row.Q5), Num(row.Q95),
                row.Rhat.ToString("F3", CultureInfo.InvariantCulture), row.EssBulk.ToString("F0", CultureInfo.InvariantCulture), row.EssTail.ToString("F0", CultureInfo.InvariantCulture));
        console.Write(table);

        var energies = EnergyDiagnostics.Ebfmi(chains.Select(c => c.Energies.ToArray()).ToList());
        var diagnostics = new Table().Border(TableBorder.Simple).Title("Sampler diagnostics");
        foreach (var column in new[] { "chain", "divergences", "max tree depth hits", "E-BFMI", "step size", "gradients", "failed simulations", "warm-up (s)", "sampling (s)" })
            diagnostics.AddColumn(new TableColumn(column).RightAligned());
        for (var c = 0; c < chains.Count; c++)
        {
            var r = chains[c];
            diagnostics.AddRow(r.Chain.ToString(CultureInfo.InvariantCulture), r.Divergences.ToString(CultureInfo.InvariantCulture), r.MaxTreeDepthHits.ToString(CultureInfo.InvariantCulture),
                energies[c].ToString("F2", CultureInfo.InvariantCulture), r.StepSize.ToString("G3", CultureInfo.InvariantCulture), r.Gradients.ToString("N0", CultureInfo.InvariantCulture),
                r.SimulationFailures.ToString(CultureInfo.InvariantCulture), r.WarmupSeconds.ToString("F1", CultureInfo.InvariantCulture), r.SamplingSeconds.ToString("F1", CultureInfo.InvariantCulture));
        }
        console.Write(diagnostics);

        var minEss = summary.Where(r => r.Variable != "lp__").Min(r => r.EssBulk);
        console.MarkupLineInterpolated(CultureInfo.InvariantCulture, $"Wall time {seconds:F1} s; minimum bulk ESS {minEss:F0} ({minEss / seconds:F2} per second).");
        foreach (var row in summary.Where(r => r.Rhat > 1.01 || double.IsNaN(r.Rhat)))
            console.MarkupLineInterpolated(CultureInfo.InvariantCulture, $"[yellow]Warning: R-hat of {row.Variable} is {row.Rhat:F3} (> 1.01): the chains disagree; run longer or check the model.[/]");
        foreach (var row in summary.Where(r => r.EssBulk < 400 || r.EssTail < 400))
            console.MarkupLineInterpolated(CultureInfo.InvariantCulture, $"[yellow]Warning: ESS of {row.Variable} is {Math.Min(row.EssBulk, row.EssTail):F0} (< 400): estimates of its mean or tails are imprecise.[/]");
        var divergences = chains.Sum(c => c.Divergences);
        if (divergences > 0)
            console.MarkupLineInterpolated($"[yellow]Warning: {divergences} divergent transitions after warm-up: the posterior may be biased; consider --random-effects changes or stronger priors.[/]");
        if (chains.Sum(c => c.MaxTreeDepthHits) > 0)
            console.MarkupLineInterpolated($"[yellow]Warning: {chains.Sum(c => c.MaxTreeDepthHits)} transitions hit the maximum tree depth {settings.MaxTreeDepth}.[/]");
        foreach (var (e, c) in energies.Select((e, c) => (e, c)).Where(x => x.e < EnergyDiagnostics.LowThreshold))
            console.MarkupLineInterpolated(CultureInfo.InvariantCulture, $"[yellow]Warning: E-BFMI of chain {c + 1} is {e:F2} (< {EnergyDiagnostics.LowThreshold}).[/]");
        var failures = chains.Sum(c => c.SimulationFailures);
        var gradients = chains.Sum(c => c.Gradients);
        if (failures > 0)
            console.MarkupLineInterpolated(CultureInfo.InvariantCulture, $"The model failed to integrate at {failures} of {gradients:N0} evaluations ({100.0 * failures / gradients:F3}%); each counted as a rejected proposal.");
    }

    /// <summary>
    /// With random effects every animal needs a reading: an animal with dose rows only would have ηs that no data
    /// inform (their posterior is the prior, and the sampler wanders in them).
    /// </summary>
    private static void RequireReadings(IReadOnlyList<AnimalRecord> animals, string dataPath)
    {
        var empty = animals.Where(a => a.Observations.Count == 0).Select(a => a.Id.ToString(CultureInfo.InvariantCulture)).ToList();
        if (empty.Count == 0) return;
        var which = empty.Count == 1 ? $"animal {empty[0]} has" : $"animals {string.Join(", ", empty)} have";
        throw new InputException(FitModel.RandomEffectsOption,
            $"{which} no readings in '{dataPath}' (dose rows only): {(empty.Count == 1 ? "its" : "their")} random effects would be informed by no data; remove {(empty.Count == 1 ? "it" : "them")} from the data or fit without --random-effects");
    }

    /// <summary>The 5 animals with the largest |IWRES|, each at its reading with the largest.</summary>
    private static void ReportResiduals(IAnsiConsole console, IReadOnlyList<ReadingPrediction> readings)
    {
        var largest = readings.Where(r => double.IsFinite(r.Iwres)).GroupBy(r => r.Id).Select(g => g.MaxBy(r => Math.Abs(r.Iwres))!)
            .OrderByDescending(r => Math.Abs(r.Iwres)).Take(5).ToList();
        if (largest.Count == 0) return;
        var table = new Table().Border(TableBorder.Simple).Title("Animals with the largest residuals")
            .Caption("IWRES: residual on the error scale / posterior median σ");
        foreach (var column in new[] { "ID", "group", "endpoint", "day", "DV", "IPRED median", "IWRES" })
            table.AddColumn(new TableColumn(column).RightAligned());
        foreach (var r in largest)
            table.AddRow(r.Id.ToString(CultureInfo.InvariantCulture), Markup.Escape(r.Group), Markup.Escape(r.Endpoint), Num(r.Time), Num(r.Value), Num(r.Ipred.Median),
                r.Iwres.ToString("F2", CultureInfo.InvariantCulture));
        console.Write(table);
    }

    private static string Num(double value) => value.ToString("G4", CultureInfo.InvariantCulture);

    private static List<string> Names(string? text) =>
        string.IsNullOrWhiteSpace(text) ? [] : text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).ToList();

    private static Option<int> Count(string name, string description, int defaultValue, int max) => new(name)
    {
        Description = description,
        DefaultValueFactory = _ => defaultValue,
        CustomParser = result => CommonOptions.PositiveInteger(result, name, max),
    };
}
