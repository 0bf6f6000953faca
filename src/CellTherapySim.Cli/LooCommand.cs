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
        var by = new Option<string>("--by")
        {
            Description = "What to leave out: observation (each reading or group mean, log-lik-chain-N.csv) or animal (all of an animal's readings at once, log-lik-animal-chain-N.csv: how well a new animal is predicted; with random effects, PSIS is often unreliable there, so check the Pareto k).",
            DefaultValueFactory = _ => "observation",
        };
        by.AcceptOnlyFromAmong("observation", "animal");
        command.Add(folders);
        command.Add(by);
        command.SetAction(parse =>
        {
            var inputs = parse.GetValue(folders)!;
            var unit = parse.GetValue(by) == "animal" ? LooUnit.Animal : LooUnit.Observation;
            var units = unit == LooUnit.Animal ? "animals" : "observations";
            var hashes = inputs.Select(PosteriorSample.DataHash).ToList();
            for (var i = 1; i < inputs.Length; i++)
                if (hashes[i] != hashes[0])
                    throw new InputException(inputs[i], $"this fit is of other data than '{inputs[0]}' ({Short(hashes[i])} vs {Short(hashes[0])}); LOO compares models on the same data");
            var loos = inputs.Select(f => (Name: f, Loo: FitLoo.Compute(f, unit))).ToList();
            if (loos.Select(l => l.Loo.PointwiseElpd.Count).Distinct().Count() > 1)
                throw new InputException(inputs[1], $"the fits have different numbers of {units}; LOO compares models on the same data");
            var table = new Table().Border(TableBorder.Simple).Title(unit == LooUnit.Animal ? "PSIS-LOO, leaving out one animal at a time" : "PSIS-LOO");
            foreach (var header in new[] { "fit", "elpd_loo", "SE", "p_loo", "looic", "Pareto k > threshold", "elpd_diff", "se_diff" })
                table.AddColumn(new TableColumn(header).RightAligned());
            var compared = loos.Count > 1 ? LooCompare.Compare(loos) : [new LooComparisonRow(loos[0].Name, 0, 0, loos[0].Loo)];
            foreach (var row in compared)
            {
                var loo = row.Loo;
                table.AddRow(new[] { row.Name, F(loo.ElpdLoo), F(loo.ElpdLooSe), F(loo.PLoo), F(loo.Looic),
                    $"{loo.HighParetoKCount} of {loo.Observations} {units} (k > {loo.KThreshold.ToString("0.##", CultureInfo.InvariantCulture)})", F(row.ElpdDiff), F(row.SeDiff) }.Select(Markup.Escape).ToArray());
            }
            console.Write(table);
            if (loos.Any(l => l.Loo.HighParetoKCount > 0))
                console.MarkupLine(unit == LooUnit.Animal
                    ? "[yellow]Some Pareto k exceed the threshold: PSIS cannot stand in for leaving those animals out; refit without each of them (exact leave-one-animal-out) or K-fold by animal.[/]"
                    : "[yellow]Some Pareto k exceed the threshold: those observations' LOO estimates are unreliable; with random effects, leave one animal out instead (--by animal; where its k exceed the threshold too, refit without each animal, or K-fold by animal).[/]");
            return CliApp.Success;
        });
        return command;
    }

    private static string Short(string? hash) => hash is null ? "no data hash" : hash[..Math.Min(12, hash.Length)] + "…";

    private static string F(double value) => value.ToString("F1", CultureInfo.InvariantCulture);
}
