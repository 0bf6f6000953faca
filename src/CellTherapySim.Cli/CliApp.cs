using System.CommandLine;
using CellTherapySim.Simulation;
using Spectre.Console;

namespace CellTherapySim.Cli;

/// <summary>The `ctsim` command line: builds the commands and turns failures into one message and an exit code.</summary>
public static class CliApp
{
    /// <summary>Exit code of a successful run.</summary>
    public const int Success = 0;

    /// <summary>Exit code when a computation failed (e.g. the solver could not integrate the model).</summary>
    public const int Failure = 1;

    /// <summary>Exit code for bad input: a wrong model, data or study file, or a wrong option value.</summary>
    public const int BadInput = 2;

    /// <summary>Exit code of an internal error (a defect of ctsim).</summary>
    public const int InternalError = 3;

    /// <summary>Exit code of a run stopped by Ctrl-C (what was done is kept; resumable where the command says so).</summary>
    public const int Interrupted = 130;

    /// <summary>Runs ctsim with <paramref name="args"/>, writing results to <paramref name="output"/> and messages to <paramref name="error"/>.</summary>
    public static int Run(string[] args, TextWriter output, TextWriter error)
    {
        var console = CreateConsole(output);
        StudyInput.WarnTo(error);
        Output.RunRecord.SetCommandLine(string.Join(' ', args.Prepend("ctsim").Select(a => a.Contains(' ') ? $"'{a}'" : a)));
        var root = new RootCommand("ctsim: mechanistic simulation of mesenchymal stem cell therapy in rat neuropathic pain (CellTherapySim).")
        {
            SimulateCommand.Create(console),
            CheckCommand.Create(console),
            FitCommand.Create(console),
            CompareCommand.Create(console),
            SweepCommand.Create(console),
            LooCommand.Create(console),
            SensitivityCommand.Create(console),
            DataCommand.Create(console),
            ReportCommand.Create(console),
        };
        var parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            var problems = ParseMessages.Describe(parsed);
            var usage = $"ctsim {string.Join(' ', CommandPath(parsed))} --help".Replace("  ", " ");
            error.WriteLine($"ctsim: error: {problems} (run '{usage}' for usage)");
            return BadInput;
        }
        try
        {
            return parsed.Invoke(new InvocationConfiguration { Output = output, Error = error, EnableDefaultExceptionHandler = false });
        }
        catch (InputException e)
        {
            error.WriteLine($"ctsim: error: {e.Message}");
            return BadInput;
        }
        catch (SimulationException e)
        {
            error.WriteLine($"ctsim: {e.Message}");
            return Failure;
        }
        catch (Exception e) when (Environment.GetEnvironmentVariable("CTSIM_DEBUG") is null)
        {
            // A defect of ctsim, not of the input: one line, and the stack trace on request.
            error.WriteLine($"ctsim: internal error ({e.GetType().Name}): {e.Message.ReplaceLineEndings(" ")} (set CTSIM_DEBUG=1 for the stack trace, and please report it)");
            return InternalError;
        }
    }

    private static IEnumerable<string> CommandPath(ParseResult parsed)
    {
        var names = new List<string>();
        for (var result = parsed.CommandResult; result.Parent is System.CommandLine.Parsing.CommandResult parent; result = parent)
            names.Insert(0, result.Command.Name);
        return names;
    }

    private static IAnsiConsole CreateConsole(TextWriter output)
    {
        var interactive = ReferenceEquals(output, Console.Out) && !Console.IsOutputRedirected;
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(output),
            Ansi = interactive ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = interactive ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = interactive ? InteractionSupport.Detect : InteractionSupport.No,
        });
        if (!interactive) console.Profile.Width = 160;
        return console;
    }
}
