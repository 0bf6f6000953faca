namespace CellTherapySim.Modeling.Expressions;

/// <summary>A parsed expression together with its text and where each of its nodes was written, for located messages.</summary>
public sealed class LocatedExpression(Expr expression, string text, string file, int line, int column, IReadOnlyDictionary<Expr, (int Start, int End)> spans)
{
    /// <summary>The syntax tree.</summary>
    public Expr Expression { get; } = expression;

    /// <summary>The text as written in the file.</summary>
    public string Text { get; } = text;

    /// <summary>The text of <paramref name="node"/> as written (the whole text for a node of another tree).</summary>
    public string Snippet(Expr node) => spans.TryGetValue(node, out var span) ? Text[span.Start..span.End].Trim() : Text.Trim();

    /// <summary>An error located at the start of <paramref name="node"/> (at the expression's start for a node of another tree).</summary>
    public InputException Error(Expr node, string problem) =>
        ExpressionParser.ErrorAt(Text, file, line, column, spans.TryGetValue(node, out var span) ? span.Start : 0, problem);
}
