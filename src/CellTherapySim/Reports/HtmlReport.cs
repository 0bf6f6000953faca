using System.Text;
using CellTherapySim.Plots;

namespace CellTherapySim.Reports;

/// <summary>
/// A self-contained HTML page: headings, paragraphs, tables and figures as inline SVG, styled by inline CSS. Nothing
/// is fetched from the network and no script is needed to read it.
/// </summary>
public sealed class HtmlReport(string title)
{
    private const string Style = """
        body { font-family: Helvetica, Arial, 'Liberation Sans', sans-serif; margin: 2em auto; max-width: 1560px; color: #222; padding: 0 1em; }
        h1 { font-size: 1.5em; } h2 { font-size: 1.2em; margin-top: 2em; border-bottom: 1px solid #ccc; }
        table { border-collapse: collapse; margin: 0.5em 0 1em; font-size: 0.85em; }
        th, td { border: 1px solid #ccc; padding: 0.2em 0.5em; text-align: right; }
        th:first-child, td:first-child { text-align: left; }
        th { background: #f0f0f0; }
        td.fail { background: #fbd5c5; color: #7a1f00; font-weight: bold; }
        .notice { background: #fff3cd; border: 1px solid #e0c060; padding: 0.6em 1em; }
        figure { margin: 1em 0; } figure svg { max-width: 100%; height: auto; }
        figcaption { font-size: 0.85em; color: #555; }
        code { font-size: 0.9em; }
        """;

    private readonly StringBuilder _body = new();

    /// <summary>How many figures the page holds.</summary>
    public int Figures { get; private set; }

    /// <summary>A section heading.</summary>
    public HtmlReport Heading(string text)
    {
        _body.Append("<h2>").Append(Encode(text)).Append("</h2>\n");
        return this;
    }

    /// <summary>A paragraph of plain text.</summary>
    public HtmlReport Paragraph(string text)
    {
        _body.Append("<p>").Append(Encode(text)).Append("</p>\n");
        return this;
    }

    /// <summary>A highlighted notice (a partial folder, another tool version).</summary>
    public HtmlReport Notice(string text)
    {
        _body.Append("<p class=\"notice\">").Append(Encode(text)).Append("</p>\n");
        return this;
    }

    /// <summary>A table; <paramref name="fails"/> marks cells (row, column) that fail a threshold.</summary>
    public HtmlReport Table(IReadOnlyList<string> columns, IEnumerable<IReadOnlyList<string>> rows, Func<int, int, bool>? fails = null)
    {
        _body.Append("<table>\n<tr>");
        foreach (var c in columns) _body.Append("<th>").Append(Encode(c)).Append("</th>");
        _body.Append("</tr>\n");
        var r = 0;
        foreach (var row in rows)
        {
            _body.Append("<tr>");
            for (var c = 0; c < row.Count; c++)
                _body.Append(fails?.Invoke(r, c) == true ? "<td class=\"fail\">" : "<td>").Append(Encode(row[c])).Append("</td>");
            _body.Append("</tr>\n");
            r++;
        }
        _body.Append("</table>\n");
        return this;
    }

    /// <summary>A figure drawn inline as SVG, with a caption.</summary>
    public HtmlReport Figure(Figure figure, string caption)
    {
        _body.Append("<figure>\n").Append(figure.ToSvg()).Append("<figcaption>").Append(Encode(caption)).Append("</figcaption>\n</figure>\n");
        Figures++;
        return this;
    }

    /// <summary>The whole page.</summary>
    public string Render() =>
        $"<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>{Encode(title)}</title>\n<style>\n{Style}\n</style>\n</head>\n<body>\n<h1>{Encode(title)}</h1>\n{_body}</body>\n</html>\n";

    /// <summary>Escapes the characters HTML gives meaning to; the page is UTF-8, so other characters stay as they are.</summary>
    private static string Encode(string text) => text.Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;").Replace("\"", "&quot;").Replace("'", "&#39;");
}
