using System.CommandLine;
using System.Globalization;
using CellTherapySim.Modeling;
using CellTherapySim.Simulation;
using CellTherapySim.Studies;
using Spectre.Console;

namespace CellTherapySim.Cli;

/// <summary>`ctsim data describe`: reads a study data file, checks it against a model and prints the study's design.</summary>
internal static class DataCommand
{
    public static Command Create(IAnsiConsole console)
    {
        var file = new Argument<string>("FILE")
        {
            Description = $"Study data (CSV): individual animals ({ObservationCsvReader.Header}) or a group summary ({SummaryCsvReader.Header}), told apart by the header.",
        };
        var model = new Option<string?>("--model") { Description = "Model file (YAML) whose endpoints, cutoffs, products, routes and injury presets the data must use. Default: the embedded msc-neuropathic-pain model.", HelpName = "FILE" };
        var design = new Option<string?>("--design") { Description = "For a summary: the observations file (CSV) or the study file (YAML) of the same study, which gives the groups' injuries and regimens.", HelpName = "FILE" };
        var describe = new Command("describe", "Check a study data file and print its design: groups (injury, regimen, animals), readout days, endpoints, readings per group, day and endpoint, censored readings.")
        {
            file, model, design,
        };
        describe.SetAction(parse =>
        {
            var definition = ModelLoader.Read(parse.GetValue(model));
            var designPath = parse.GetValue(design);
            var derived = designPath is null ? null : DesignFile.Read(designPath, definition);
            var data = StudyDataFile.Read(parse.GetValue(file)!, definition, derived?.Design);
            if (data.Format == StudyDataFormat.Observations)
            {
                if (derived is not null)
                    throw new InputException("--design", $"applies to a summary file only; '{data.Source}' holds individual animals, which carry their own design");
                PrintObservations(console, definition, data);
            }
            else PrintSummary(console, definition, data, derived);
            return CliApp.Success;
        });
        return new Command("data", "Read study data files (individual animals or group summaries).") { describe };
    }

    private static void PrintObservations(IAnsiConsole console, ModelDefinition model, StudyDataFile data)
    {
        var animals = data.Animals;
        var derived = DesignDerivation.Derive(animals);
        var design = derived.Design;
        console.MarkupLineInterpolated($"[bold]{data.Source}[/]: individual animals — {Count(animals.Count, "animal")} in {Count(design.Groups.Count, "group")}, {Count(animals.Sum(a => a.Observations.Count), "reading")}, {Count(animals.Sum(a => a.Doses.Count), "dose")}.");
        PrintIgnored(console, data);
        PrintGroups(console, model, design.Groups, derived);
        PrintProductsAndWeights(console, model, animals);
        PrintDaysAndEndpoints(console, model, design.ReadoutDays, design.Endpoints);

        var counts = DesignDerivation.CountReadings(animals);
        var cells = counts.ToDictionary(c => (c.Group, c.Endpoint, c.Day), c => c.Readings);
        PrintByDay(console, "Readings per day", GroupEndpointPairs(design.Groups.Select(g => g.Name), design.Endpoints), design.ReadoutDays, cells);

        var censored = new Table().Border(TableBorder.Simple).Title("Censored readings");
        censored.AddColumns("group", "endpoint");
        foreach (var column in new[] { "right-censored (CENS -1)", "left-censored (CENS 1)", "readings" })
            censored.AddColumn(new TableColumn(column).RightAligned());
        foreach (var (group, endpoint) in GroupEndpointPairs(design.Groups.Select(g => g.Name), design.Endpoints))
        {
            var these = counts.Where(c => c.Group == group && c.Endpoint == endpoint).ToList();
            censored.AddRow(Cells(group, endpoint, Num(these.Sum(c => c.RightCensored)), Num(these.Sum(c => c.LeftCensored)), Num(these.Sum(c => c.Readings))));
        }
        console.Write(censored);
    }

    private static void PrintSummary(IAnsiConsole console, ModelDefinition model, StudyDataFile data, DerivedDesign? derived)
    {
        var rows = data.Summary;
        var groups = rows.Select(r => r.Group).Distinct().ToList();
        var days = rows.Select(r => r.Time).Distinct().Order().ToList();
        var endpoints = rows.Select(r => r.Endpoint).Distinct().ToList();
        console.MarkupLineInterpolated($"[bold]{data.Source}[/]: group summary — {Count(rows.Count, "row")}: {Count(groups.Count, "group")}, {Count(days.Count, "day")}, {Count(endpoints.Count, "endpoint")}.");
        PrintIgnored(console, data);
        if (derived is null)
            console.MarkupLineInterpolated($"Groups: {string.Join(", ", groups)} (injuries and regimens: give the study's observations file with --design).");
        else
        {
            PrintGroups(console, model, groups.Select(g => derived.Design.Groups.First(d => d.Name == g)), derived);
            var absent = derived.Design.Groups.Select(g => g.Name).Except(groups).ToList();
            if (absent.Count > 0) console.MarkupLineInterpolated($"Groups of the design without summary rows: {string.Join(", ", absent)}.");
        }
        PrintDaysAndEndpoints(console, model, days, endpoints);
        var cells = rows.ToDictionary(r => (r.Group, r.Endpoint, r.Time), r => r.N);
        PrintByDay(console, "Animals (N) per day", GroupEndpointPairs(groups, endpoints), days, cells);
    }

    /// <summary>The products dosed (with their routes and dose counts) and the animals' body weights, when the data give them.</summary>
    private static void PrintProductsAndWeights(IAnsiConsole console, ModelDefinition model, IReadOnlyList<AnimalRecord> animals)
    {
        var doses = animals.SelectMany(a => a.Doses).ToList();
        if (doses.Count > 0)
            console.MarkupLineInterpolated($"Products: {string.Join("; ", doses.GroupBy(d => d.Product).Select(p => $"{p.Key} ({model.Product(p.Key)!.Unit.Symbol}; {string.Join(", ", p.Select(d => d.Route).Distinct())}): {Count(p.Count(), "dose")}"))}.");
        var weights = animals.Where(a => a.BodyWeight is not null).Select(a => a.BodyWeight!.Value).ToList();
        if (weights.Count > 0)
            console.MarkupLineInterpolated($"Body weights (WT): {Count(weights.Count, "animal")}, {weights.Min().ToString("0.###", CultureInfo.InvariantCulture)}–{weights.Max().ToString("0.###", CultureInfo.InvariantCulture)} kg; the others weigh the model's BW.");
    }

    private static void PrintIgnored(IAnsiConsole console, StudyDataFile data)
    {
        if (data.IgnoredColumns.Count > 0)
            console.MarkupLineInterpolated($"Ignored columns: {string.Join(", ", data.IgnoredColumns)} (not part of the format).");
    }

    private static void PrintGroups(IAnsiConsole console, ModelDefinition model, IEnumerable<StudyGroup> groups, DerivedDesign derived)
    {
        var table = new Table().Border(TableBorder.Simple).Title("Groups");
        table.AddColumns("group", "injury", "regimen");
        table.AddColumn(new TableColumn("animals").RightAligned());
        var mixed = derived.MixedGroups;
        foreach (var group in groups)
        {
            var regimen = mixed.Contains(group.Name)
                ? string.Join("\n", derived.RegimensOf(group.Name).Select(r => $"{Regimen.Describe(r.Doses, model)} — {Animals(r.AnimalIds)}"))
                : Regimen.Describe(group.Doses, model);
            table.AddRow(Cells(group.Name, group.Injury, regimen, Num(group.Animals)));
        }
        console.Write(table);
        foreach (var group in mixed)
            console.MarkupLineInterpolated($"[yellow]Group {group}: its animals got {derived.RegimensOf(group).Count} different regimens (each shown with its animals); the design uses the first.[/]");
    }

    private static void PrintDaysAndEndpoints(IAnsiConsole console, ModelDefinition model, IReadOnlyList<double> days, IReadOnlyList<string> endpoints)
    {
        console.MarkupLineInterpolated($"Readout days: {string.Join(", ", days.Select(Day))}");
        console.MarkupLineInterpolated($"Endpoints: {string.Join(", ", endpoints.Select(e => $"{e} ({model.Endpoints.First(d => d.Name == e).Unit})"))}");
    }

    private static void PrintByDay(IAnsiConsole console, string title, IEnumerable<(string Group, string Endpoint)> rows, IReadOnlyList<double> days,
        Dictionary<(string Group, string Endpoint, double Day), int> counts)
    {
        var table = new Table().Border(TableBorder.Simple).Title(title);
        table.AddColumns("group", "endpoint");
        foreach (var day in days) table.AddColumn(new TableColumn($"day {Day(day)}").RightAligned());
        foreach (var (group, endpoint) in rows)
            table.AddRow(Cells([group, endpoint, .. days.Select(d => counts.TryGetValue((group, endpoint, d), out var n) ? Num(n) : "-")]));
        console.Write(table);
    }

    private static IEnumerable<(string Group, string Endpoint)> GroupEndpointPairs(IEnumerable<string> groups, IReadOnlyList<string> endpoints) =>
        groups.SelectMany(g => endpoints.Select(e => (g, e)));

    private static string Animals(IReadOnlyList<int> ids) =>
        ids.Count <= 5 ? $"{Count(ids.Count, "animal")} ({string.Join(", ", ids)})" : Count(ids.Count, "animal");

    private static string Count(int n, string noun) => $"{Num(n)} {noun}{(n == 1 ? "" : "s")}";

    private static string[] Cells(params string[] values) => values.Select(Markup.Escape).ToArray();

    private static string Day(double day) => day.ToString(CultureInfo.InvariantCulture);

    private static string Num(int value) => value.ToString(CultureInfo.InvariantCulture);
}
