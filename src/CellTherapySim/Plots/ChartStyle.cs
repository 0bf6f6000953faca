using System.Globalization;
using CellTherapySim.Modeling;
using OxyPlot;
using OxyPlot.Annotations;
using OxyPlot.Axes;
using OxyPlot.Legends;

namespace CellTherapySim.Plots;

/// <summary>
/// The look every chart shares: Helvetica (measured with the PDF standard-font metrics when exported headless), the
/// Okabe–Ito colour-blind-safe palette, named axes with units and OxyPlot's 1-2-5 tick steps, legends outside the
/// plot area (they never cover data) and dose days marked.
/// </summary>
public static class ChartStyle
{
    /// <summary>The font family of every chart.</summary>
    public const string Font = "Helvetica";

    /// <summary>
    /// Okabe & Ito (2008), "Color Universal Design": distinguishable with every common colour-vision deficiency (their
    /// yellow is left out: too faint for lines on white).
    /// </summary>
    public static readonly OxyColor[] Palette =
    [
        OxyColor.FromRgb(0, 114, 178), OxyColor.FromRgb(230, 159, 0), OxyColor.FromRgb(0, 158, 115), OxyColor.FromRgb(213, 94, 0),
        OxyColor.FromRgb(204, 121, 167), OxyColor.FromRgb(86, 180, 233), OxyColors.Black,
    ];

    /// <summary>The <paramref name="index"/>-th colour of the palette (cycling).</summary>
    public static OxyColor Colour(int index) => Palette[index % Palette.Length];

    /// <summary>A panel with a title, a bottom axis and a left axis (each title carries its unit) and an outside legend.</summary>
    public static PlotModel Panel(string title, string xTitle, string yTitle)
    {
        var model = new PlotModel
        {
            Title = title,
            DefaultFont = Font,
            TitleFontSize = 13,
            DefaultFontSize = 11,
            PlotAreaBorderColor = OxyColors.Gray,
            Background = OxyColors.White,
        };
        model.Axes.Add(new LinearAxis { Position = AxisPosition.Bottom, Title = xTitle, Key = "x", MajorGridlineStyle = LineStyle.Dot, MajorGridlineColor = OxyColors.LightGray });
        model.Axes.Add(new LinearAxis { Position = AxisPosition.Left, Title = yTitle, Key = "y", MajorGridlineStyle = LineStyle.Dot, MajorGridlineColor = OxyColors.LightGray });
        model.Legends.Add(new Legend { LegendPlacement = LegendPlacement.Outside, LegendPosition = LegendPosition.RightTop, LegendFont = Font, LegendFontSize = 10 });
        return model;
    }

    /// <summary>The bottom axis of every time course (the engine's clock is in days since injury).</summary>
    public const string DayAxis = "time since injury (day)";

    /// <summary>An axis title with its unit: "PMWT (g)", or the name alone for a pure number.</summary>
    public static string WithUnit(string name, string unit) => unit == "1" ? name : $"{name} ({unit})";

    /// <summary>Marks each dose day with a dashed vertical line labelled with the dose (one label per day).</summary>
    public static void MarkDoses(PlotModel model, IReadOnlyList<Dose> doses, ModelDefinition definition)
    {
        foreach (var day in doses.GroupBy(d => d.Time).OrderBy(g => g.Key))
            MarkDose(model, day.Key, Simulation.Regimen.Describe(day.ToList(), definition));
    }

    /// <summary>Marks one dose day with a dashed vertical line and its label.</summary>
    public static void MarkDose(PlotModel model, double day, string label) =>
        model.Annotations.Add(new LineAnnotation
        {
            Type = LineAnnotationType.Vertical,
            X = day,
            Color = OxyColors.DimGray,
            LineStyle = LineStyle.Dash,
            Text = label,
            TextColor = OxyColors.DimGray,
            FontSize = 9,
            TextOrientation = AnnotationTextOrientation.Vertical,
            Tag = "dose",
        });

    /// <summary>The series of censored readings: open triangles drawn at the cutoff.</summary>
    public static OxyPlot.Series.ScatterSeries CensoredSeries() => new()
    {
        Title = "censored", MarkerType = MarkerType.Triangle, MarkerSize = 4, MarkerFill = OxyColors.Undefined, MarkerStroke = OxyColors.Black, MarkerStrokeThickness = 1,
    };

    /// <summary>A band between two curves (points and points2), filled with <paramref name="colour"/> at opacity <paramref name="alpha"/> of 255.</summary>
    public static OxyPlot.Series.AreaSeries Band(string title, OxyColor colour, byte alpha) =>
        new() { Title = title, Color = colour, Fill = OxyColor.FromAColor(alpha, colour), StrokeThickness = 0 };

    /// <summary>A number for chart labels.</summary>
    public static string Number(double value) => value.ToString("G4", CultureInfo.InvariantCulture);
}
