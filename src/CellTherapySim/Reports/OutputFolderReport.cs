using System.Globalization;
using System.Text.Json;
using CellTherapySim.Output;
using CellTherapySim.Plots;
using CellTherapySim.Studies;

namespace CellTherapySim.Reports;

/// <summary>What kind of output folder a report is made of.</summary>
public enum FolderKind
{
    /// <summary>`ctsim fit --out DIR`.</summary>
    Fit,
    /// <summary>`ctsim simulate --study FILE --out DIR`.</summary>
    Cohort,
    /// <summary>`ctsim sweep --out DIR`.</summary>
    Sweep,
    /// <summary>`ctsim sensitivity --out DIR`.</summary>
    Sensitivity,
    /// <summary>`ctsim simulate --engine agent --snapshots DIR`.</summary>
    Snapshots,
    /// <summary>`ctsim compare --out FILE.csv` (a file, not a folder).</summary>
    Comparison,
    /// <summary>`ctsim simulate --out FILE.csv` for one animal (ODE, or agent replicates' summary).</summary>
    Trajectory,
}

/// <summary>
/// `ctsim report`: one self-contained HTML page from an output folder — what the run was (tool version, command, time,
/// model), its figures and its tables — saying so when the folder is partial (an interrupted run) or from another
/// tool version.
/// </summary>
public static class OutputFolderReport
{
    /// <summary>The kinds a folder can be reported as, for messages.</summary>
    public const string Kinds = "an output folder of 'simulate --study', 'fit', 'sweep' or 'sensitivity', a --snapshots folder, or compare's or simulate's --out FILE.csv";

    /// <summary>The first columns of compare's CSV.</summary>
    private const string ComparisonHeader = Output.ComparisonCsvWriter.Header;

    /// <summary>Which kind <paramref name="folder"/> is.</summary>
    /// <exception cref="InputException">It is not a folder, is empty, or holds no results ctsim reports.</exception>
    public static FolderKind Kind(string folder)
    {
        if (File.Exists(folder))
        {
            var header = File.ReadLines(folder).FirstOrDefault() ?? "";
            return header.StartsWith(ComparisonHeader, StringComparison.Ordinal) ? FolderKind.Comparison
                : header.StartsWith("time,", StringComparison.Ordinal) ? FolderKind.Trajectory
                : throw new InputException(folder, $"a file that is neither compare's CSV ({ComparisonHeader},…) nor simulate's (time,…); expected {Kinds}");
        }
        if (!Directory.Exists(folder)) throw new InputException(folder, $"no such folder; expected {Kinds}");
        var files = Directory.EnumerateFiles(folder).Select(Path.GetFileName).ToList();
        if (files.Count == 0) throw new InputException(folder, $"the folder is empty; expected {Kinds}");
        bool Has(string pattern) => Directory.EnumerateFiles(folder, pattern).Any() || Directory.EnumerateFiles(folder, pattern + ResultFile.PartialSuffix).Any();
        if (Has(Inference.PosteriorSample.RecordFile) || Has("draws-chain-*.csv")) return FolderKind.Fit;
        if (Has(CohortFiles.Observations) || Has(CohortFiles.Predictions) || Has(RunRecord.File)) return FolderKind.Cohort;
        if (Has(AgentCsvWriter.SnapshotIndex)) return FolderKind.Snapshots;
        if (Has(Sweeps.SweepRun.Manifest)) return SweepSections.Read(folder).Design == "Saltelli" ? FolderKind.Sensitivity : FolderKind.Sweep;
        throw new InputException(folder, $"holds no ctsim results ({string.Join(", ", files.Take(5))}{(files.Count > 5 ? ", …" : "")}); expected {Kinds}");
    }

    /// <summary>The report of <paramref name="folder"/> as HTML.</summary>
    /// <exception cref="InputException">The folder is not an output folder, or one of its files is cut short or malformed.</exception>
    /// <param name="metric">For a sweep or sensitivity folder, the metric to show (ENDPOINT:METRIC); default the run's ranking metric.</param>
    public static HtmlReport Build(string folder, string? metric = null)
    {
        var kind = Kind(folder);
        var report = new HtmlReport($"CellTherapySim report: {Path.GetFileName(Path.GetFullPath(folder).TrimEnd(Path.DirectorySeparatorChar))} ({kind switch { FolderKind.Fit => "fit", FolderKind.Cohort => "virtual cohort", FolderKind.Sweep => "sweep", FolderKind.Snapshots => "agent snapshots", FolderKind.Comparison => "comparison", FolderKind.Trajectory => "one animal", _ => "sensitivity" }})");
        var manifest = kind is FolderKind.Sweep or FolderKind.Sensitivity ? SweepSections.Read(folder) : null;
        if (metric is not null)
        {
            if (manifest is null) throw new InputException("--metric", "chooses the metric of a sweep or sensitivity report; this folder is neither");
            manifest = manifest with { Rank = metric };
        }
        var record = manifest is not null
            ? SweepRecord(manifest)
            : kind is FolderKind.Comparison or FolderKind.Trajectory ? null
            : ReadRecord(Path.Combine(folder, kind == FolderKind.Fit ? Inference.PosteriorSample.RecordFile : RunRecord.File));
        var partials = kind is FolderKind.Comparison or FolderKind.Trajectory ? [] : Directory.EnumerateFiles(folder, "*" + ResultFile.PartialSuffix).Select(f => Path.GetFileName(f)).Order(StringComparer.Ordinal).ToList();
        if (partials.Count > 0)
            report.Notice($"Partial results: the run that wrote this folder did not finish ({string.Join(", ", partials)} still under their temporary names). The report shows what is there.");
        if (record?.Version is { } version && version != RunRecord.ToolVersion)
            report.Notice($"This folder was written by ctsim {version}; this report is made by ctsim {RunRecord.ToolVersion}. Files are read as this version writes them.");
        switch (kind)
        {
            case FolderKind.Fit: FitSection(report, folder, record); break;
            case FolderKind.Cohort: CohortSection(report, folder, record); break;
            case FolderKind.Sweep: SweepSections.Sweep(report, folder, manifest!); break;
            case FolderKind.Snapshots: SnapshotSections.Section(report, folder); break;
            case FolderKind.Comparison: ComparisonSection(report, folder); break;
            case FolderKind.Trajectory: TrajectorySection(report, folder); break;
            default: SweepSections.Sensitivity(report, folder, manifest!); break;
        }
        Provenance(report, folder, record);
        return report;
    }

    /// <summary>What a folder's record says: provenance, model and (for a fit) the parameters.</summary>
    private sealed record Record(string? Version, string? Command, string? Created, string? Model, string? ModelHash, IReadOnlyList<(string Name, double Value)> Parameters,
        IReadOnlyList<string> Free, IReadOnlyDictionary<string, string> Units, string? Data = null);

    /// <summary>A sweep's provenance from its manifest, and its model (name, hash, base parameters) from the spec when it is still there.</summary>
    private static Record SweepRecord(SweepSections.Manifest manifest)
    {
        var none = new Record(manifest.Version, $"(spec {manifest.Spec})", null, null, null, [], [], new Dictionary<string, string>());
        if (!File.Exists(manifest.Spec)) return none;
        try
        {
            var spec = Sweeps.SweepSpecReader.ReadFile(manifest.Spec, readDesign: false);
            return none with
            {
                Model = spec.Model.Name,
                ModelHash = Inference.PosteriorSample.Hash(Modeling.DefaultModel.SourceText(spec.Model)),
                Parameters = spec.Model.Parameters.Select((p, i) => (p.Name, spec.BaseParameters[i])).ToList(),
            };
        }
        catch (InputException)
        {
            return none; // the spec was edited since: the report still stands on the manifest
        }
    }

    private static Record? ReadRecord(string path)
    {
        if (!File.Exists(path)) return null;
        try
        {
            var root = JsonDocument.Parse(File.ReadAllText(path)).RootElement;
            string? Text(string name) => root.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
            var parameters = root.TryGetProperty("parameters", out var p) && p.ValueKind == JsonValueKind.Object
                ? p.EnumerateObject().Select(x => (x.Name, x.Value.GetDouble())).ToList() : [];
            var free = root.TryGetProperty("free", out var f) && f.ValueKind == JsonValueKind.Array ? f.EnumerateArray().Select(x => x.GetString() ?? "").ToList() : [];
            var units = root.TryGetProperty("endpoint_units", out var u) && u.ValueKind == JsonValueKind.Object
                ? u.EnumerateObject().ToDictionary(x => x.Name, x => x.Value.GetString() ?? "1") : new Dictionary<string, string>();
            return new Record(Text("tool_version"), Text("command"), Text("created_utc"), Text("model"), Text("model_sha256"), parameters, free, units, Text("data"));
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException)
        {
            throw new InputException(path, $"not a ctsim record: {e.Message}");
        }
    }

    private static void Provenance(HtmlReport report, string folder, Record? record)
    {
        report.Heading("Run");
        report.Table(["", ""],
        [
            ["folder", Path.GetFullPath(folder)],
            ["command", record?.Command is { Length: > 0 } c ? c : "not recorded"],
            ["written", record?.Created ?? "not recorded"],
            ["by", record?.Version is { } v ? $"ctsim {v}" : "not recorded"],
            ["model", record?.Model is { } m ? $"{m} (SHA-256 {record.ModelHash})" : "not recorded"],
            ["report made", $"{DateTime.UtcNow.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)} UTC by ctsim {RunRecord.ToolVersion}"],
        ]);
        if (record is { Parameters.Count: > 0 })
            report.Table(["parameter", "value", "fitted"], record.Parameters.Select(p => (IReadOnlyList<string>)[p.Name, ChartStyle.Number(p.Value), record.Free.Contains(p.Name) ? "yes" : ""]));
        report.Table(["file", "bytes"], (File.Exists(folder) ? new[] { folder } : Directory.EnumerateFiles(folder).Order(StringComparer.Ordinal).ToArray())
            .Select(f => (IReadOnlyList<string>)[Path.GetFileName(f), new FileInfo(f).Length.ToString("N0", CultureInfo.InvariantCulture)]));
    }

    private static void CohortSection(HtmlReport report, string folder, Record? record)
    {
        var summaryPath = Path.Combine(folder, CohortFiles.Summary);
        var observationsPath = Path.Combine(folder, CohortFiles.Observations);
        if (!File.Exists(summaryPath) || !File.Exists(observationsPath))
        {
            report.Notice($"No {CohortFiles.Summary} or {CohortFiles.Observations}: the cohort was not finished (its journal, {CohortFiles.Predictions}, holds the animals simulated so far; rerun with --resume).");
            return;
        }
        var summary = CsvTable.Read(summaryPath);
        var observations = CsvTable.Read(observationsPath);
        var units = record?.Units ?? new Dictionary<string, string>();
        var view = ReadCohort(summary, observations, units, record?.Model);
        report.Heading("Groups by day");
        report.Figure(StudyCharts.Cohort(view), "Group mean ± SD per readout day, every reading, censored readings as triangles at the cutoff, and the typical animal's noise-free prediction (dashed).");
        report.Heading("Design");
        report.Table(["group", "animals", "doses"], view.Groups.Select(g => (IReadOnlyList<string>)[g.Name, g.Animals.ToString(CultureInfo.InvariantCulture),
            g.Doses.Count == 0 ? "none" : string.Join("; ", g.Doses.Select(d => d.Label))]));
        report.Heading("Censored readings");
        report.Table(["group", "endpoint", "censored", "readings"], view.Summaries.GroupBy(s => (s.Group, s.Endpoint)).Select(g => (IReadOnlyList<string>)
            [g.Key.Group, g.Key.Endpoint, g.Sum(s => s.Censored).ToString(CultureInfo.InvariantCulture), g.Sum(s => s.N).ToString(CultureInfo.InvariantCulture)]));
    }

    /// <summary>A comparison: relief curves with bands, the AUC intervals, and every metric as a table.</summary>
    private static void ComparisonSection(HtmlReport report, string file)
    {
        var table = CsvTable.Read(file);
        int C(string c) => table.Column(c);
        var rows = table.Rows.Select(r => (Regimen: r[C("REGIMEN")], Endpoint: r[C("ENDPOINT")], Metric: r[C("METRIC")], Day: r[C("DAY")], Unit: r[C("UNIT")],
            Estimate: table.Number(r, C("ESTIMATE")), Q5: table.Number(r, C("Q5")), Q95: table.Number(r, C("Q95")))).ToList();
        var curves = rows.Where(r => r.Metric == "effect").GroupBy(r => (r.Regimen, r.Endpoint)).Select(g =>
        {
            var days = g.Select(r => (Day: SweepCharts.Parse(r.Day), r.Estimate, r.Q5, r.Q95)).OrderBy(d => d.Day).ToList();
            return new ReliefCurve(g.Key.Regimen, g.Key.Endpoint, g.First().Unit, days.Select(d => new OxyPlot.DataPoint(d.Day, d.Estimate)).ToList(),
                days.Select(d => (d.Day, d.Q5, d.Q95)).ToList(), []);
        }).ToList();
        var metrics = rows.Where(r => r.Metric is "auc" or "peak" or "duration").Select(r => new MetricInterval(r.Metric, r.Regimen, r.Endpoint, r.Unit.Replace("*", "·", StringComparison.Ordinal), r.Estimate, r.Q5, r.Q95)).ToList();
        report.Heading("Relief");
        report.Figure(ComparisonCharts.Compare(new ComparisonView(Path.GetFileName(file), curves, metrics)),
            "Relief against the untreated reference per regimen at the readout days (the estimate) with the 5–95% band of the animals, and the AUC of relief, the peak relief and the days above the threshold with their 90% intervals.");
        report.Heading("Metrics");
        report.Table(["regimen", "endpoint", "metric", "unit", "estimate", "5%", "95%"], rows.Where(r => r.Metric != "effect")
            .Select(r => (IReadOnlyList<string>)[r.Regimen, r.Endpoint, r.Metric, r.Unit, ChartStyle.Number(r.Estimate), ChartStyle.Number(r.Q5), ChartStyle.Number(r.Q95)]));
    }

    /// <summary>
    /// One animal's time course: a panel per state and readout; for the agent engine's summary (X, X_mean, X_q05,
    /// X_q95) the ODE line beside the replicates' mean and 90% band. The file does not carry units, so axes are named only.
    /// </summary>
    private static void TrajectorySection(HtmlReport report, string file)
    {
        var table = CsvTable.Read(file);
        var time = table.Column("time");
        var times = table.Rows.Select(r => table.Number(r, time)).ToList();
        var variables = table.Header.Where(h => h != "time" && !h.EndsWith("_mean", StringComparison.Ordinal) && !h.EndsWith("_q05", StringComparison.Ordinal) && !h.EndsWith("_q95", StringComparison.Ordinal)).ToList();
        var panels = variables.Select(name =>
        {
            var panel = ChartStyle.Panel(name, ChartStyle.DayAxis, name);
            OxyPlot.Series.LineSeries Line(string column, string title, int colour, OxyPlot.LineStyle style)
            {
                var line = new OxyPlot.Series.LineSeries { Title = title, Color = ChartStyle.Colour(colour), StrokeThickness = 2, LineStyle = style };
                var c = table.Column(column);
                for (var i = 0; i < times.Count; i++) line.Points.Add(new OxyPlot.DataPoint(times[i], table.Number(table.Rows[i], c)));
                return line;
            }
            if (table.Has(name + "_q05") && table.Has(name + "_q95") && table.Has(name + "_mean"))
            {
                var band = ChartStyle.Band("replicates, 90% band", ChartStyle.Colour(1), 70);
                int low = table.Column(name + "_q05"), high = table.Column(name + "_q95");
                for (var i = 0; i < times.Count; i++)
                {
                    band.Points.Add(new OxyPlot.DataPoint(times[i], table.Number(table.Rows[i], low)));
                    band.Points2.Add(new OxyPlot.DataPoint(times[i], table.Number(table.Rows[i], high)));
                }
                panel.Series.Add(band);
                panel.Series.Add(Line(name + "_mean", "replicates, mean", 1, OxyPlot.LineStyle.Solid));
                panel.Series.Add(Line(name, "ODE", 0, OxyPlot.LineStyle.Dash));
            }
            else panel.Series.Add(Line(name, name, 0, OxyPlot.LineStyle.Solid));
            return panel;
        }).ToList();
        report.Heading("Time course");
        report.Figure(new Figure(Path.GetFileName(file), panels), "Every state and readout of the animal by day (the agent engine's summary: the ODE beside the replicates' mean and 90% band).");
    }

    /// <summary>The readings (EVID 0) of long-format study data: group, endpoint, day, value and censoring.</summary>
    private static List<Reading> ReadReadings(CsvTable data)
    {
        int O(string c) => data.Column(c);
        return data.Rows.Where(r => r[O("EVID")] == "0").Select(r => new Reading(r[O("GROUP")], r[O("DVID")], data.Number(r, O("TIME")),
            data.Number(r, O("DV")), r[O("CENS")] is not ("0" or ""))).ToList();
    }

    private static CohortView ReadCohort(CsvTable summary, CsvTable observations, IReadOnlyDictionary<string, string> units, string? model)
    {
        int G(string c) => summary.Column(c);
        var summaries = summary.Rows.Select(r => new SummaryStatistics(r[G("GROUP")], summary.Number(r, G("TIME")), r[G("DVID")], summary.Number(r, G("MEAN")),
            summary.Number(r, G("SD")), (int)summary.Number(r, G("N")), summary.Number(r, G("Q5")), summary.Number(r, G("Q50")), summary.Number(r, G("Q95")),
            (int)summary.Number(r, G("CENSORED")))).ToList();
        var typical = summary.Rows.ToDictionary(r => (r[G("GROUP")], summary.Number(r, G("TIME")), r[G("DVID")]), r => summary.Number(r, G("PRED")));
        int O(string c) => observations.Column(c);
        var rows = observations.Rows;
        var readings = ReadReadings(observations);
        var groups = summaries.Select(s => s.Group).Distinct().Select(g =>
        {
            var animals = rows.Where(r => r[O("GROUP")] == g).Select(r => r[O("ID")]).Distinct().Count();
            var first = rows.FirstOrDefault(r => r[O("GROUP")] == g)?[O("ID")];
            var doses = rows.Where(r => r[O("ID")] == first && r[O("EVID")] == "1").GroupBy(r => observations.Number(r, O("TIME")))
                .Select(d => new DoseMark(d.Key, string.Join(" + ", d.Select(r => $"{r[O("AMT")]} {(observations.Has("PRODUCT") && r[O("PRODUCT")] is { Length: > 0 } p ? p : "cells")} {r[O("ROUTE")]}")) + $" at day {ChartStyle.Number(d.Key)}"))
                .ToList();
            return (g, animals, (IReadOnlyList<DoseMark>)doses);
        }).ToList();
        var endpoints = summaries.Select(s => s.Endpoint).Distinct().Select(e => (e, units.GetValueOrDefault(e, "1"))).ToList();
        return new CohortView($"{model ?? "cohort"}: {rows.Select(r => r[O("ID")]).Distinct().Count()} animals", groups, endpoints, readings, summaries, typical);
    }

    private static void FitSection(HtmlReport report, string folder, Record? record)
    {
        var chainFiles = Directory.EnumerateFiles(folder, "draws-chain-*.csv").Concat(Directory.EnumerateFiles(folder, "draws-chain-*.csv" + ResultFile.PartialSuffix))
            .Order(StringComparer.Ordinal).ToList();
        var chains = chainFiles.Select(ReadChain).Where(c => c.Draws.Count > 1).ToList();
        var summaryPath = Path.Combine(folder, FitFiles.Summary);
        if (File.Exists(summaryPath))
        {
            var summary = CsvTable.Read(summaryPath);
            int S(string c) => summary.Column(c);
            var shown = new[] { "variable", "mean", "median", "sd", "q5", "q95", "rhat", "ess_bulk", "ess_tail" };
            var rows = summary.Rows.Where(r => !r[S("variable")].StartsWith("eta_", StringComparison.Ordinal)).ToList();
            report.Heading("Posterior summary");
            report.Paragraph("R-hat and ESS as defined by Vehtari et al. (2021); marked where R-hat > 1.01 or a bulk or tail ESS < 400.");
            report.Table(shown, rows.Select(r => (IReadOnlyList<string>)shown.Select(c => c == "variable" ? r[S(c)] : ChartStyle.Number(summary.Number(r, S(c)))).ToList()),
                (row, column) => shown[column] switch
                {
                    "rhat" => summary.Number(rows[row], S("rhat")) > 1.01,
                    "ess_bulk" or "ess_tail" => summary.Number(rows[row], S(shown[column])) < 400,
                    _ => false,
                });
        }
        else report.Notice($"No {FitFiles.Summary}: the fit did not finish; the figures below use the draws written so far.");

        var ppcPath = Path.Combine(folder, FitFiles.Ppc);
        if (File.Exists(ppcPath))
        {
            var ppc = CsvTable.Read(ppcPath);
            int P(string c) => ppc.Column(c);
            var checks = ppc.Rows.Select(r => new PredictiveCheck(r[P("GROUP")], ppc.Number(r, P("TIME")), r[P("DVID")], ppc.Number(r, P("OBSERVED_MEAN")), ppc.Number(r, P("PRED_MEDIAN")),
                ppc.Number(r, P("PRED_Q5")), ppc.Number(r, P("PRED_Q25")), ppc.Number(r, P("PRED_Q75")), ppc.Number(r, P("PRED_Q95")))).ToList();
            var readings = record?.Data is { } data && File.Exists(data) && CsvTable.Read(data) is var table && new[] { "GROUP", "TIME", "EVID", "DVID", "DV", "CENS" }.All(table.Has)
                ? ReadReadings(table) : null;
            report.Heading("Visual predictive check");
            report.Figure(FitCharts.PredictiveCheck(checks, record?.Units ?? new Dictionary<string, string>(), readings),
                readings is null
                    ? "Per endpoint and group: the observed group mean and the posterior predictive median of new animals with its 50% and 90% bands (the data file is not where the fit read it, so its readings are not shown)."
                    : $"Per endpoint and group: every reading of {Path.GetFileName(record!.Data)} (censored ones as triangles at the cutoff), the observed mean ± SD, and the posterior predictive median of new animals with its 50% and 90% bands.");
        }
        if (chains.Count == 0)
        {
            report.Notice("No draws after warm-up yet.");
            return;
        }
        var parameters = Enumerable.Range(0, chains[0].Names.Count).Where(p => !chains[0].Names[p].StartsWith("eta_", StringComparison.Ordinal)).ToList();
        var divergent = chains.Sum(c => c.Divergent.Count(d => d));
        var draws = chains.Sum(c => c.Draws.Count);
        report.Heading("Sampler");
        report.Paragraph($"{chains.Count} chains, {draws:N0} draws after warm-up, {divergent} divergent ({100.0 * divergent / draws:0.##}%), marked in the traces and pairs.");
        report.Table(["chain", "draws", "divergent"], chains.Select(c => (IReadOnlyList<string>)[c.Chain.ToString(CultureInfo.InvariantCulture), c.Draws.Count.ToString(CultureInfo.InvariantCulture), c.Divergent.Count(d => d).ToString(CultureInfo.InvariantCulture)]),
            (row, column) => column == 2 && chains[row].Divergent.Any(d => d));
        report.Heading("Traces");
        report.Figure(FitCharts.Traces(chains, parameters), $"Each chain's draws in order, thinned to at most {FitCharts.TracePoints} points per chain (every k-th draw), divergent draws as crosses.");
        report.Heading("Rank plots");
        report.Figure(FitCharts.Ranks(chains, parameters), "Ranks of each chain's draws among all chains, in 20 bins: flat and overlapping when the chains mix (Vehtari et al. 2021).");
        report.Heading("Marginal densities");
        report.Figure(FitCharts.Densities(chains, parameters), "Histogram of all chains' draws, as a density.");
        report.Heading("Most correlated pairs");
        report.Figure(FitCharts.Pairs(chains, parameters), "The four most correlated pairs of parameters (Pearson r over the draws), divergent draws as crosses.");

        var looPath = Path.Combine(folder, LooFiles.Loo);
        if (File.Exists(looPath))
        {
            var loo = CsvTable.Read(looPath);
            report.Heading("PSIS-LOO");
            report.Table(loo.Header, loo.Rows.Select(r => (IReadOnlyList<string>)r.Select((x, i) => i == 0 ? x : double.TryParse(x, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? ChartStyle.Number(v) : x).ToList()));
        }
        var ipredPath = Path.Combine(folder, IndividualFiles.Ipred);
        if (File.Exists(ipredPath))
        {
            var ipred = CsvTable.Read(ipredPath);
            int I(string c) => ipred.Column(c);
            var predictions = ipred.Rows.Select(r => new IndividualPrediction(r[I("ID")], ipred.Number(r, I("TIME")), r[I("DVID")], ipred.Number(r, I("DV")), r[I("CENS")] is not ("0" or ""),
                ipred.Number(r, I("IPRED_median")), ipred.Number(r, I("IPRED_q5")), ipred.Number(r, I("IPRED_q95")), ipred.Number(r, I("PRED")), ipred.Number(r, I("IWRES")))).ToList();
            report.Heading("Individual fits");
            var animals = predictions.Select(r => r.Id).Distinct().Count();
            report.Figure(IndividualCharts.WorstFirst(predictions, record?.Units ?? new Dictionary<string, string>()),
                $"{(animals > 100 ? $"The 100 worst fitted of {animals} animals" : $"All {animals} animals")}, the largest mean |IWRES| first: readings (censored as triangles), the individual prediction (IPRED median, 90% interval) and the population prediction (PRED).");
        }
        var individualsPath = Path.Combine(folder, IndividualFiles.Individuals);
        if (File.Exists(individualsPath))
        {
            var individuals = CsvTable.Read(individualsPath);
            report.Heading("Animals");
            report.Table(individuals.Header, individuals.Rows.Select(r => (IReadOnlyList<string>)r.Select((x, i) => double.TryParse(x, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && i > 1 ? ChartStyle.Number(v) : x).ToList()));
        }
    }

    private static ChainDraws ReadChain(string path)
    {
        var table = CsvTable.Read(path);
        var name = Path.GetFileName(path);
        var chain = int.Parse(name["draws-chain-".Length..name.IndexOf('.')], CultureInfo.InvariantCulture);
        var first = table.Column("energy__") + 1;
        var divergent = table.Column("divergent__");
        var names = table.Header.Skip(first).ToList();
        var draws = table.Rows.Select(r => Enumerable.Range(first, names.Count).Select(c => table.Number(r, c)).ToArray()).ToList();
        return new ChainDraws(chain, names, draws, table.Rows.Select(r => table.Number(r, divergent) != 0).ToList());
    }
}
