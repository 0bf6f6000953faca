using System.CommandLine;
using System.Globalization;
using CellTherapySim.Compilation;
using CellTherapySim.Modeling.Units;
using Spectre.Console;

namespace CellTherapySim.Cli;

/// <summary>`ctsim check`: validates a model file and lists what it defines.</summary>
internal static class CheckCommand
{
    public static Command Create(IAnsiConsole console)
    {
        var file = new Argument<string?>("FILE") { Description = "Model file (YAML). Default: the embedded msc-neuropathic-pain model.", Arity = ArgumentArity.ZeroOrOne };
        var command = new Command("check", "Validate a model file and print its states, parameters (with units, priors and sources), readouts, products with their routes and dose units, injury presets, endpoints, between-animal variability and default scenario.") { file };
        command.SetAction(parse =>
        {
            var model = ModelLoader.Load(parse.GetValue(file));
            Print(console, model);
            return CliApp.Success;
        });
        return command;
    }

    private static void Print(IAnsiConsole console, CompiledModel compiled)
    {
        var m = compiled.Definition;
        console.MarkupLineInterpolated($"[bold]{m.Name}[/] ({m.Source}): OK — {m.States.Count} states, {m.Parameters.Count} parameters, {m.Intermediates.Count} intermediates, {m.Readouts.Count} readouts, {m.Products.Count} products ({m.Products.Sum(x => x.Routes.Count)} routes), {m.Injuries.Count} injury presets, {m.Endpoints.Count} endpoints.");

        var units = m.UnitCheck;
        console.MarkupLineInterpolated($"Units: consistent — {units.Checked} terms of {m.Equations.Count} equations, {m.Intermediates.Count} intermediates, {m.Readouts.Count} readouts and {m.Products.Sum(x => x.Routes.Count)} route scales checked against the declared units (time in {units.TimeUnit}).");
        if (units.Unchecked.Count > 0)
            console.MarkupLineInterpolated($"[yellow]Not checked[/] (tagged {UnitChecker.UncheckedTag}): {string.Join(", ", units.Unchecked)}.");

        Section(console, "States", ["name", "initial", "unit", "atol", "description"],
            m.States.Select(s => new[] { s.Name, Num(s.Initial), s.Unit, s.AbsoluteTolerance is { } a ? Num(a) : "", s.Description }));
        Section(console, "Parameters", ["name", "value", "unit", "prior", "fitted", "description", "source"],
            m.Parameters.Select(p => new[] { p.Name, Num(p.Value), p.Unit, p.Prior.ToString(), p.Fitted ? "yes" : "", p.Description, p.Source }));
        Section(console, "Intermediates", ["name", "unit (inferred)", "expression"],
            m.Intermediates.Select((i, k) => new[] { i.Name, k < m.UnitCheck.IntermediateUnits.Count ? m.UnitCheck.IntermediateUnits[k] : "", i.Text }));
        Section(console, "Readouts", ["name", "unit", "expression", "description"],
            m.Readouts.Select(r => new[] { r.Name, r.Unit, r.Text, r.Description }));
        Section(console, "Products", ["product", "dose unit", "route", "target", "scale (model amount per dose unit)", "description"],
            m.Products.SelectMany(p => p.Routes.Select(r => new[] { p.Name, p.Unit.Symbol, r.Name, r.TargetName, r.ScaleText, r.Description })));
        Section(console, "Injury presets", ["name", "initial values", "description"],
            m.Injuries.Select(i => new[] { i.Name, string.Join(", ", i.InitialValues.Select(v => $"{m.States[v.State].Name} = {Num(v.Value)}")), i.Description }));
        Section(console, "Endpoints", ["name", "readout", "unit", "cutoffs", "residual error"],
            m.Endpoints.Select(e => new[]
            {
                e.Name, m.Readouts[e.Readout].Name, e.Unit,
                $"{(e.LowerCutoff is { } lo ? Num(lo) : "-")} .. {(e.UpperCutoff is { } up ? Num(up) : "-")}",
                $"{e.ErrorModel.ToString().ToLowerInvariant()}, sd {Num(e.ErrorSd)} {e.ErrorUnit}, prior {e.ErrorPrior}",
            }));
        var terms = m.Variability.Terms;
        Section(console, "Between-animal variability", ["parameter", "CV", "scale", "correlated with"],
            terms.Select((t, i) => new[]
            {
                t.Name, Num(t.Cv), t.Scale.ToString().ToLowerInvariant(),
                string.Join(", ", m.Variability.Correlations.Where(c => c.First == i || c.Second == i).Select(c => $"{terms[c.First == i ? c.Second : c.First].Name} (r = {Num(c.R)})")),
            }));
        var scenario = m.Scenario;
        Section(console, "Default scenario (simulate without options)", ["injury", "doses", "times", "description"],
            [[scenario.Injury, scenario.Doses.Count == 0 ? "none" : string.Join(", ", scenario.Doses), scenario.Times, scenario.Description]]);
        if (m.Agent is { } a)
        {
            string Name(int state) => m.States[state].Name;
            Section(console, $"Agent engine: {a.Lattice.Size}×{a.Lattice.Size} lattice, {Num(a.Lattice.Spacing)} µm apart; microglia {Name(a.MicrogliaState)}; cells {Name(a.Cells.Blood)}/{Name(a.Cells.Lung)}/{Name(a.Cells.Csf)}/{Name(a.Cells.Site)}; afferents {Name(a.Afferents.State)}; placement {a.Placement.ToString().ToLowerInvariant()}; step {(a.Step is { } step ? $"{Num(step)} day" : "automatic")}",
                ["field", "diffusion (µm²/day)", "description"],
                a.Fields.Select(f => new[] { Name(f.State), Num(f.Diffusion), f.Description }));
        }
    }

    private static void Section(IAnsiConsole console, string title, string[] columns, IEnumerable<string[]> rows)
    {
        var table = new Table().Border(TableBorder.Simple).Title(title);
        foreach (var c in columns) table.AddColumn(c);
        foreach (var row in rows) table.AddRow(row.Select(Markup.Escape).ToArray());
        if (table.Rows.Count > 0) console.Write(table);
    }

    private static string Num(double value) => value.ToString("G6", CultureInfo.InvariantCulture);
}
