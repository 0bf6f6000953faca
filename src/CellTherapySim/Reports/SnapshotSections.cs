using System.Globalization;
using CellTherapySim.Output;
using CellTherapySim.Plots;

namespace CellTherapySim.Reports;

/// <summary>The agent engine's lattice snapshots: read from their CSV files, drawn as maps, and reported.</summary>
public static class SnapshotSections
{
    /// <summary>Reads one lattice CSV (row, column, x_um, y_um, activated, one column per field, cells).</summary>
    /// <exception cref="InputException">The file is cut short or lacks the columns.</exception>
    public static LatticeSnapshot Read(string path, string title)
    {
        var table = CsvTable.Read(path);
        int row = table.Column("row"), column = table.Column("column"), x = table.Column("x_um"), activated = table.Column("activated"), cells = table.Column("cells");
        var fields = Enumerable.Range(activated + 1, cells - activated - 1).ToList();
        var size = (int)table.Rows.Max(r => table.Number(r, row)) + 1;
        if (table.Rows.Count != size * size) throw new InputException(path, $"has {table.Rows.Count} sites, not {size}×{size}; the file is cut short");
        var spacing = 2 * table.Rows.Min(r => table.Number(r, x));
        var map = new double[size, size];
        var values = fields.Select(_ => new double[size, size]).ToList();
        foreach (var r in table.Rows)
        {
            int i = (int)table.Number(r, column), j = (int)table.Number(r, row);
            map[i, j] = table.Number(r, activated);
            for (var f = 0; f < fields.Count; f++) values[f][i, j] = table.Number(r, fields[f]);
        }
        return new LatticeSnapshot(title, size, spacing, fields.Select(f => table.Header[f]).ToList(), map, values);
    }

    /// <summary>Writes each snapshot's maps as an SVG beside its CSV (lattice-rR-dayD.svg); returns how many.</summary>
    public static int WriteMaps(string folder)
    {
        var files = Directory.EnumerateFiles(folder, "lattice-r*-day*.csv").Order(StringComparer.Ordinal).ToList();
        foreach (var csv in files) LatticeCharts.Snapshot(Read(csv, Title(csv))).Write(Path.ChangeExtension(csv, ".svg"), "--snapshots");
        return files.Count;
    }

    /// <summary>The report of a snapshot folder: the index as a table and replicate 1's maps per snapshot day.</summary>
    public static void Section(HtmlReport report, string folder)
    {
        var index = CsvTable.Read(Path.Combine(folder, AgentCsvWriter.SnapshotIndex));
        report.Heading("Snapshots");
        report.Table(index.Header, index.Rows.Select(r => (IReadOnlyList<string>)r.Select((v, i) => double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && index.Header[i] != "file" ? ChartStyle.Number(d) : v).ToList()));
        var file = index.Column("file");
        foreach (var r in index.Rows.Where(r => r[index.Column("replicate")] == "1"))
        {
            var path = Path.Combine(folder, r[file]);
            report.Heading($"Lattice, replicate 1, day {r[index.Column("day")]}");
            report.Figure(LatticeCharts.Snapshot(Read(path, Title(path))), "Activated microglia and each field per lattice site (dorsal at the top, medial at the left).");
        }
    }

    private static string Title(string csv)
    {
        var name = Path.GetFileNameWithoutExtension(csv); // lattice-r1-day15
        var parts = name.Split('-');
        return $"replicate {parts[1][1..]}, day {parts[2][3..]}";
    }
}
