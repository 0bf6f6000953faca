using System.Text;
using System.Text.RegularExpressions;
using CellTherapySim.Output;
using OxyPlot;

namespace CellTherapySim.Plots;

/// <summary>A figure: chart panels laid out in a grid (one column up to three panels, else two), written as SVG or PDF.</summary>
public sealed partial record Figure(string Title, IReadOnlyList<PlotModel> Panels)
{
    /// <summary>Width and height of one panel (points; SVG pixels).</summary>
    public const double PanelWidth = 760, PanelHeight = 320;

    /// <summary>The file types a figure can be written as.</summary>
    public static readonly string[] Extensions = [".svg", ".pdf"];

    private int Columns => Panels.Count <= 3 ? 1 : 2;

    private int Rows => (Panels.Count + Columns - 1) / Columns;

    /// <summary>Measures SVG text with the PDF standard-font (Helvetica) metrics, which match the Liberation/Arial fonts browsers draw it with.</summary>
    private static readonly IRenderContext TextMeasurer = new SvgTextMeasurer();

    /// <summary>Where panel <paramref name="i"/> sits.</summary>
    private OxyRect Place(int i) => new(i % Columns * PanelWidth, i / Columns * PanelHeight, PanelWidth, PanelHeight);

    /// <summary>Writes the figure to <paramref name="path"/> (.svg or .pdf) under a temporary name, renamed when complete.</summary>
    /// <exception cref="InputException">The extension is neither .svg nor .pdf.</exception>
    public void Write(string path, string option)
    {
        var extension = Path.GetExtension(path).ToLowerInvariant();
        if (!Extensions.Contains(extension))
            throw new InputException(option, $"'{path}' has the extension '{Path.GetExtension(path)}'; expected {string.Join(" or ", Extensions)}");
        ResultFile.Write(path, writer =>
        {
            if (extension == ".svg") writer.Write(ToSvg());
            else
            {
                writer.Flush();
                WritePdf(writer.BaseStream);
            }
        });
    }

    /// <summary>The figure as one SVG document: each panel's SVG (OxyPlot's SvgExporter) placed in its cell, with ids made unique.</summary>
    public string ToSvg()
    {
        var (width, height) = (Columns * PanelWidth, Rows * PanelHeight);
        var svg = new StringBuilder();
        svg.Append($"<svg xmlns=\"http://www.w3.org/2000/svg\" xmlns:xlink=\"http://www.w3.org/1999/xlink\" version=\"1.1\" width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\">\n");
        svg.Append($"  <title>{System.Security.SecurityElement.Escape(Title)}</title>\n");
        for (var i = 0; i < Panels.Count; i++)
        {
            var place = Place(i);
            var panel = SvgExporter.ExportToString(Panels[i], PanelWidth, PanelHeight, false, TextMeasurer, false);
            panel = XmlDeclaration().Replace(panel, "");
            panel = ClipId().Replace(panel, m => $"{m.Groups[1].Value}p{i + 1}{m.Groups[2].Value}");
            svg.Append($"  <g transform=\"translate({place.Left},{place.Top})\" class=\"panel\">\n").Append(panel).Append("\n  </g>\n");
        }
        return svg.Append("</svg>\n").ToString();
    }

    /// <summary>One PDF page holding every panel (OxyPlot's managed PDF renderer; text measured with the standard-font metrics).</summary>
    private void WritePdf(Stream stream)
    {
#pragma warning disable CS0618 // (see SvgTextMeasurer)
        var context = new PdfRenderContext(Columns * PanelWidth, Rows * PanelHeight, OxyColors.White);
#pragma warning restore CS0618
        for (var i = 0; i < Panels.Count; i++)
        {
            IPlotModel panel = Panels[i];
            panel.Update(true);
            panel.Render(context, Place(i));
        }
        // The renderer closes the stream it saves to: save to memory, then copy into the result file.
        var pdf = new MemoryStream();
        context.Save(pdf);
        stream.Write(pdf.ToArray());
    }

    [GeneratedRegex("<\\?xml[^>]*\\?>\\s*")]
    private static partial Regex XmlDeclaration();

    [GeneratedRegex("(id=\"|url\\(#)(clipPath\\d+)")]
    private static partial Regex ClipId();
}

#pragma warning disable CS0618 // OxyPlot.Core's PDF renderer is marked obsolete in favour of SkiaSharp's, which needs native libraries.
/// <summary>
/// The PDF renderer's Helvetica metrics, scaled from points to SVG pixels (4/3): SVG draws font-size 10 as 10 px,
/// which the PDF measure takes as 10 pt and so reports three quarters of the drawn width (legends and axis titles
/// then overlap or are clipped).
/// </summary>
internal sealed class SvgTextMeasurer() : PdfRenderContext(1, 1, OxyColors.White)
{
    /// <inheritdoc/>
    public override OxySize MeasureText(string text, string fontFamily, double fontSize, double fontWeight)
    {
        var size = base.MeasureText(text, fontFamily, fontSize, fontWeight);
        return new OxySize(size.Width * 4 / 3, size.Height * 4 / 3);
    }
}
#pragma warning restore CS0618
