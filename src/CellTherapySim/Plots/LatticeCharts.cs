using OxyPlot;
using OxyPlot.Axes;
using OxyPlot.Series;

namespace CellTherapySim.Plots;

/// <summary>One lattice snapshot of the agent engine: per site its position (µm), activation and field values.</summary>
public sealed record LatticeSnapshot(string Title, int Size, double Spacing, IReadOnlyList<string> Fields, double[,] Activated, IReadOnlyList<double[,]> FieldValues);

/// <summary>Maps of the dorsal-horn lattice: activated microglia and each field, one heat map per quantity.</summary>
public static class LatticeCharts
{
    /// <summary>A panel of activated microglia (0/1 per site) and one per field, with µm axes and a labelled colour scale.</summary>
    public static Figure Snapshot(LatticeSnapshot snapshot)
    {
        var panels = new List<PlotModel> { Map($"{snapshot.Title}: activated microglia", snapshot, snapshot.Activated, "activated (1) or resting (0)", OxyPalettes.Gray(2).Reverse()) };
        for (var f = 0; f < snapshot.Fields.Count; f++)
            panels.Add(Map($"{snapshot.Title}: {snapshot.Fields[f]}", snapshot, snapshot.FieldValues[f], $"{snapshot.Fields[f]} (relative to baseline)", OxyPalettes.Viridis(100)));
        return new Figure(snapshot.Title, panels);
    }

    private static PlotModel Map(string title, LatticeSnapshot snapshot, double[,] values, string scale, OxyPalette palette)
    {
        var panel = ChartStyle.Panel(title, "mediolateral position (µm)", "dorsoventral position (µm)");
        var vertical = panel.Axes.First(a => a.Position == AxisPosition.Left);
        vertical.StartPosition = 1; // dorsal at the top, as the dorsal horn is drawn
        vertical.EndPosition = 0;
        panel.Axes.Add(new LinearColorAxis { Position = AxisPosition.Right, Title = scale, Palette = palette, Key = "colour" });
        var half = snapshot.Spacing / 2;
        panel.Series.Add(new HeatMapSeries
        {
            X0 = half, X1 = snapshot.Size * snapshot.Spacing - half, Y0 = half, Y1 = snapshot.Size * snapshot.Spacing - half,
            Data = values, Interpolate = false, RenderMethod = HeatMapRenderMethod.Bitmap, ColorAxisKey = "colour",
        });
        panel.Legends.Clear();
        return panel;
    }
}
