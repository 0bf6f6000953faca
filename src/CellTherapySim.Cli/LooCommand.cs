using System.CommandLine;
using System.Globalization;
using CellTherapySim.Inference;
using CellTherapySim.Inference.Diagnostics;
using Spectre.Console;

namespace CellTherapySim.Cli;

/// <summary>`ctsim loo`: ranks fits of the same data by PSIS-LOO expected log predictive density, as R's loo_compare.</summary>
internal static class LooCommand
{
    public static Command Create(IAnsiConsole console)
    {
        var folders = new Argument<string[]>("FIT_DIR") { Description = "Output folders of 'ctsim fit' on the same data (e.g. fixed against random effects, or two model files).", Arity = ArgumentArity.OneOrMore };
        var command = new Command("loo", "Compare fits of the same data by PSIS-LOO (Vehtari, Gelman & Gabry 2017): elpd_loo, p_loo and looic with standard errors per fit, and elpd_diff with se_diff against the best, as R's loo_compare.");
        command.Add(folders);
        command.SetAction(parse =>
        {
            var inputs = parse.GetValue(folders)!;
            var hashes = inputs.Select(PosteriorSample.DataHash).ToList();
            for (var i = 1; i < inputs.Length; i++)
                if (hashes[i] != hashes[0])
                    throw new InputException(inputs[i], $"this fit is of other data than '{inputs[0]}' ({Short(hashes[i])} vs {Short(hashes[0])}); LOO compares models on the same data");
            var loos = inputs.Select(f => (Name: f, Loo: FitLoo.Compute(f))).ToList();
            if (loos.Select(l => l.Loo.PointwiseElpd.Count).Distinct().Count() > 1)
                throw new InputException(inputs[1], "the fits have different numbers of observations; LOO compares models on the same data");
            var table = new Table().Border(TableBorder.Simple).Title("PSIS-LOO");
            foreach (var header in new[] { "fit", "elpd_loo", "SE", "p_loo", "looic", "Pareto k > threshold", "elpd_diff", "se_diff" })
                table.AddColumn(new TableColumn(header).RightAligned());
            var compared = loos.Count > 1 ? LooCompare.Compare(loos) : [new LooComparisonRow(loos[0].Name, 0, 0, loos[0].Loo)];
            foreach (var row in compared)
            {
                var loo = row.Loo;
                table.AddRow(new[] { row.Name, F(loo.ElpdLoo), F(loo.ElpdLooSe), F(loo.PLoo), F(loo.Looic),
                    $"{loo.HighParetoKCount} of {loo.Observations} (k > {loo.KThreshold.ToString("0.##", CultureInfo.InvariantCulture)})", F(row.ElpdDiff), F(row.SeDiff) }.Select(Markup.Escape).ToArray());
            }
            console.Write(table);
            if (loos.Any(l => l.Loo.HighParetoKCount > 0))
                console.MarkupLine("[yellow]Some Pareto k exceed the threshold: those observations' LOO estimates are unreliable; with random effects, leave one animal out instead (refit without each animal, or K-fold by animal).[/]");
            return CliApp.Success;
        });
        return command;
    }

    private static string Short(string? hash) => hash is null ? "no data hash" : hash[..Math.Min(12, hash.Length)] + "…";

    private static string F(double value) => value.ToString("F1", CultureInfo.InvariantCulture);
}
