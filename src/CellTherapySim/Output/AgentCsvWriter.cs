using System.Globalization;
using CellTherapySim.Agents;
using CellTherapySim.Modeling;

namespace CellTherapySim.Output;

/// <summary>
/// Writes agent-based results as CSV: the replicate summary (per state and readout: the ODE value, the replicate mean and
/// 5%/95% quantiles) and lattice snapshots (one row per site; an index of snapshot means).
/// </summary>
public static class AgentCsvWriter
{
    /// <summary>The index of snapshots written by <see cref="WriteSnapshots"/>.</summary>
    public const string SnapshotIndex = "snapshots.csv";

    /// <summary>Header `time`, then for every state and readout X: X (ODE), X_mean, X_q05, X_q95; one row per output time.</summary>
    public static void WriteSummary(TextWriter writer, ModelDefinition model, ReplicateSummary summary)
    {
        var names = model.States.Select(s => s.Name).Concat(model.Readouts.Select(r => r.Name)).ToList();
        writer.WriteLine(string.Join(",", names.SelectMany(n => new[] { n, $"{n}_mean", $"{n}_q05", $"{n}_q95" }).Prepend("time")));
        var times = summary.MeanField.Times;
        var fields = new List<string>(1 + 4 * names.Count);
        for (var i = 0; i < times.Length; i++)
        {
            fields.Clear();
            fields.Add(Csv.Number(times[i]));
            for (var c = 0; c < names.Count; c++)
            {
                fields.Add(Csv.Number(ReplicateSummary.Value(summary.MeanField, i, c)));
                fields.Add(Csv.Number(summary.Mean(i, c)));
                fields.Add(Csv.Number(summary.Quantile(i, c, 0.05)));
                fields.Add(Csv.Number(summary.Quantile(i, c, 0.95)));
            }
            writer.WriteLine(string.Join(",", fields));
        }
    }

    /// <summary>
    /// Writes every replicate's snapshots into <paramref name="folder"/> (created if needed): lattice-rR-dayD.csv with
    /// row, column, x_um, y_um, activated (0/1), each field and the engrafted cells per site; and snapshots.csv with the
    /// replicate, day, activated fraction, field means and engrafted cells. Returns the files written.
    /// </summary>
    public static IReadOnlyList<string> WriteSnapshots(string folder, ReplicateSummary summary)
    {
        Directory.CreateDirectory(folder);
        var written = new List<string>();
        var index = Path.Combine(folder, SnapshotIndex);
        using var indexFile = ResultFile.Create(index);
        var indexWriter = indexFile.Writer;
        var first = summary.Runs.SelectMany(r => r?.Snapshots ?? []).FirstOrDefault();
        indexWriter.WriteLine(string.Join(",", new[] { "replicate", "day", "activated_fraction" }
            .Concat((first?.FieldNames ?? []).Select(f => $"{f}_mean")).Append("site_cells").Append("file")));
        for (var r = 0; r < summary.Runs.Count; r++)
        {
            foreach (var snapshot in summary.Runs[r]?.Snapshots ?? [])
            {
                var name = $"lattice-r{r + 1}-day{Csv.Number(snapshot.Time)}.csv";
                ResultFile.Write(Path.Combine(folder, name), writer => WriteLattice(writer, snapshot));
                written.Add(Path.Combine(folder, name));
                indexWriter.WriteLine(string.Join(",", new[] { (r + 1).ToString(CultureInfo.InvariantCulture), Csv.Number(snapshot.Time), Csv.Number(snapshot.ActivatedFraction) }
                    .Concat(snapshot.Fields.Select(f => Csv.Number(f.Average())))
                    .Append(snapshot.SiteCells.Sum().ToString(CultureInfo.InvariantCulture))
                    .Append(name)));
            }
        }
        indexFile.Commit();
        written.Add(index);
        return written;
    }

    /// <summary>One row per site: row, column, x_um, y_um (site centre), activated, the fields, cells.</summary>
    public static void WriteLattice(TextWriter writer, LatticeSnapshot snapshot)
    {
        writer.WriteLine(string.Join(",", new[] { "row", "column", "x_um", "y_um", "activated" }.Concat(snapshot.FieldNames).Append("cells")));
        var fields = new string[6 + snapshot.Fields.Count];
        for (var row = 0; row < snapshot.Size; row++)
            for (var column = 0; column < snapshot.Size; column++)
            {
                var site = row * snapshot.Size + column;
                fields[0] = row.ToString(CultureInfo.InvariantCulture);
                fields[1] = column.ToString(CultureInfo.InvariantCulture);
                fields[2] = Csv.Number((column + 0.5) * snapshot.Spacing);
                fields[3] = Csv.Number((row + 0.5) * snapshot.Spacing);
                fields[4] = snapshot.Activated[site].ToString(CultureInfo.InvariantCulture);
                for (var f = 0; f < snapshot.Fields.Count; f++) fields[5 + f] = Csv.Number(snapshot.Fields[f][site]);
                fields[^1] = snapshot.SiteCells[site].ToString(CultureInfo.InvariantCulture);
                writer.WriteLine(string.Join(",", fields));
            }
    }
}
