using System.CommandLine;
using System.Globalization;
using CellTherapySim.Modeling;
using CellTherapySim.Output;
using CellTherapySim.Simulation;
using CellTherapySim.Solvers;
using Spectre.Console;

namespace CellTherapySim.Cli;

/// <summary>`ctsim simulate`: one animal's trajectory under an injury and a dosing schedule.</summary>
internal static class SimulateCommand
{
    public static Command Create(IAnsiConsole console)
    {
        var model = new Option<string?>("--model") { Description = "Model file (YAML). Default: the embedded msc-neuropathic-pain model.", HelpName = "FILE" };
        var injury = new Option<string?>("--injury") { Description = "Injury preset of the model (cci, sham). Default: the model's scenario.", HelpName = "NAME" };
        var doses = new Option<string[]>("--dose")
        {
            Description = "Bolus DAY:ROUTE:CELLS, e.g. 7:iv:1e6 (repeat for a schedule; 'none' for no dose). A dose on an output day is given right after that output. Default: the model's scenario.",
            HelpName = "DAY:ROUTE:CELLS",
            AllowMultipleArgumentsPerToken = false,
        };
        var times = new Option<string?>("--times") { Description = "Output days: start:stop:step or a comma list (0,1,3,7). Default: the model's scenario (0:15:1).", HelpName = "TIMES" };
        var output = new Option<string?>("--out") { Description = "Write the trajectory as CSV: time, every state, every readout.", HelpName = "FILE" };
        var set = new Option<string[]>("--set") { Description = "Override a parameter value, e.g. --set k_act=1.5 (repeatable).", HelpName = "NAME=VALUE" };
        var rtol = PositiveNumber("--rtol", "Relative tolerance of the solver.", SolverOptions.Default.RelativeTolerance);
        var atol = PositiveNumber("--atol", "Absolute tolerance of the solver.", SolverOptions.Default.AbsoluteTolerance);
        var solver = new Option<SolverKind>("--solver")
        {
            Description = "stiff (Rodas4, analytic Jacobian) or nonstiff (Dormand-Prince 5(4)). Default: stiff.",
            HelpName = "stiff|nonstiff",
            DefaultValueFactory = _ => SolverKind.Stiff,
            CustomParser = result =>
            {
                var text = result.Tokens[0].Value;
                switch (text.ToLowerInvariant())
                {
                    case "stiff": return SolverKind.Stiff;
                    case "nonstiff": return SolverKind.Nonstiff;
                    default:
                        result.AddError($"--solver: unknown solver '{text}'; expected stiff or nonstiff");
                        return default;
                }
            },
        };

        var command = new Command("simulate", "Simulate one animal: states and readouts (PMWT, TWL, ...) by day. Without options: the model's default scenario (CCI, 1e6 cells IV after the day-7 reading, days 0-15).")
        {
            model, injury, doses, times, output, set, rtol, atol, solver,
        };
        command.SetAction(parse =>
        {
            var definition = ModelLoader.Read(parse.GetValue(model));
            var scenario = definition.Scenario;
            var injuryName = parse.GetValue(injury) ?? scenario.Injury;
            if (injuryName.Length > 0 && definition.Injury(injuryName) is null)
                throw new InputException("--injury", definition.Injuries.Count > 0
                    ? $"unknown injury preset '{injuryName}'; expected one of {string.Join(", ", definition.Injuries.Select(i => i.Name))}"
                    : $"unknown injury preset '{injuryName}'; model '{definition.Name}' defines none");
            var (doseTexts, doseSource) = parse.GetValue(doses) is { Length: > 0 } given ? (given, "--dose") : (scenario.Doses.ToArray(), $"{definition.Source} (scenario)");
            var schedule = doseTexts.Length == 1 && doseTexts[0] == "none"
                ? []
                : doseTexts.Select(d => Dose.Parse(d, definition, doseSource)).ToList();
            var timeGrid = parse.GetValue(times) is { } t ? TimeGrid.Parse(t, "--times") : TimeGrid.Parse(scenario.Times, $"{definition.Source} (scenario)");
            var options = new SolverOptions(parse.GetValue(rtol), parse.GetValue(atol));

            var compiled = Compilation.CompiledModel.Compile(definition);
            var parameters = ParameterOverrides.Apply(definition, compiled.DefaultParameters(), parse.GetValue(set) ?? [], "--set");
            var simulator = new Simulator(compiled, parse.GetValue(solver), options);
            var trajectory = simulator.Simulate(parameters, compiled.InitialState(injuryName), schedule, timeGrid);

            if (parse.GetValue(output) is { } path) WriteCsv(path, definition, trajectory, console);
            PrintTable(console, definition, injuryName, schedule, trajectory);
            return CliApp.Success;
        });
        return command;
    }

    private static Option<double> PositiveNumber(string name, string description, double defaultValue) => new(name)
    {
        Description = description,
        HelpName = "NUMBER",
        DefaultValueFactory = _ => defaultValue,
        CustomParser = result =>
        {
            var text = result.Tokens[0].Value;
            if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && double.IsFinite(value) && value > 0) return value;
            result.AddError($"{name}: '{text}' is not a positive number; expected e.g. {defaultValue.ToString(CultureInfo.InvariantCulture)}");
            return default;
        },
    };

    private static void WriteCsv(string path, ModelDefinition definition, Trajectory trajectory, IAnsiConsole console)
    {
        try
        {
            using var writer = new StreamWriter(path);
            TrajectoryCsvWriter.Write(writer, definition, trajectory);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or DirectoryNotFoundException)
        {
            throw new InputException("--out", $"cannot write '{path}': {e.Message}");
        }
        console.MarkupLineInterpolated($"Wrote {trajectory.Times.Length} rows to [bold]{path}[/].");
    }

    private static void PrintTable(IAnsiConsole console, ModelDefinition definition, string injury, IReadOnlyList<Dose> schedule, Trajectory trajectory)
    {
        var doses = schedule.Count == 0 ? "no dose" : string.Join(", ", schedule.Select(d => $"{d.Cells.ToString("#,0.###", CultureInfo.InvariantCulture)} cells {d.Route} at day {d.Time.ToString(CultureInfo.InvariantCulture)}"));
        console.MarkupLineInterpolated($"[bold]{definition.Name}[/]: injury {injury}; {doses}");
        var table = new Table().Border(TableBorder.Simple);
        table.AddColumn(new TableColumn("day").RightAligned());
        foreach (var readout in definition.Readouts)
            table.AddColumn(new TableColumn($"{readout.Name} ({readout.Unit})").RightAligned());
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
