using System.Globalization;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace CellTherapySim.Modeling;

/// <summary>Typed, located access to a YAML document's nodes: every failure is an <see cref="InputException"/> at the node.</summary>
internal sealed class YamlNodes(string file)
{
    /// <summary>The file name used in messages.</summary>
    public string File { get; } = file;

    /// <summary>Parses the text into its root mapping.</summary>
    public YamlMappingNode LoadRoot(string text)
    {
        var stream = new YamlStream();
        var scanner = new Scanner(new StringReader(text));
        try
        {
            stream.Load(new Parser(scanner));
        }
        catch (YamlException e)
        {
            var problem = e.InnerException is { } inner ? $"{e.Message} {inner.Message}" : e.Message;
            // YamlDotNet places a tab in the indentation at the start of the enclosing mapping; find the tab itself.
            var (line, column) = problem.Contains("tab", StringComparison.Ordinal) && IndentationTab(text) is { } tab
                ? tab
                : ((int)e.Start.Line, (int)e.Start.Column);
            throw new InputException(File, line, column, $"invalid YAML: {problem.Trim()}");
        }
        catch (InvalidOperationException)
        {
            // YamlDotNet's scanner reports some malformed input (e.g. an unclosed '{' followed by more lines) with this
            // instead of a YamlException; its position is where it stopped.
            var at = scanner.CurrentPosition;
            throw new InputException(File, (int)at.Line, (int)at.Column, "invalid YAML: the text cannot be parsed here; look for an unclosed '{', '[' or quote, or wrong indentation, above");
        }
        if (stream.Documents.Count == 0) throw new InputException(File, "the file is empty; expected a YAML mapping with parameters, states and equations");
        return Mapping(stream.Documents[0].RootNode, "the document");
    }

    /// <summary>1-based line and column of the first tab in a line's indentation, or null.</summary>
    private static (int Line, int Column)? IndentationTab(string text)
    {
        var lines = text.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var indentation = lines[i].Length - lines[i].TrimStart(' ', '\t').Length;
            if (lines[i].IndexOf('\t', 0, indentation) is var tab and >= 0) return (i + 1, tab + 1);
        }
        return null;
    }

    /// <summary>An error at a node.</summary>
    public InputException Error(YamlNode node, string problem) =>
        new(File, (int)node.Start.Line, (int)node.Start.Column, problem);

    /// <summary>The node as a mapping.</summary>
    public YamlMappingNode Mapping(YamlNode node, string what) =>
        node as YamlMappingNode ?? throw Error(node, $"{what} must be a mapping (key: value lines)");

    /// <summary>The node as a sequence.</summary>
    public YamlSequenceNode Sequence(YamlNode node, string what) =>
        node as YamlSequenceNode ?? throw Error(node, $"{what} must be a list");

    /// <summary>The node as a scalar.</summary>
    public YamlScalarNode Scalar(YamlNode node, string what) =>
        node as YamlScalarNode ?? throw Error(node, $"{what} must be a single value, not a list or mapping");

    /// <summary>The scalar's text.</summary>
    public string Text(YamlNode node, string what) => Scalar(node, what).Value ?? "";

    /// <summary>The scalar as a finite number.</summary>
    public double Number(YamlNode node, string what)
    {
        var text = Text(node, what);
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && double.IsFinite(value))
            return value;
        throw Error(node, $"{what} must be a number, not '{text}'");
    }

    /// <summary>The scalar as a boolean (true/false).</summary>
    public bool Boolean(YamlNode node, string what)
    {
        var text = Text(node, what);
        return text switch
        {
            "true" or "True" or "yes" => true,
            "false" or "False" or "no" => false,
            _ => throw Error(node, $"{what} must be true or false, not '{text}'"),
        };
    }

    /// <summary>The mapping's entries with their keys as text, rejecting keys not in <paramref name="allowed"/> (null allows any).</summary>
    public IEnumerable<(string Key, YamlNode KeyNode, YamlNode Value)> Entries(YamlMappingNode map, string what, IReadOnlyCollection<string>? allowed = null)
    {
        foreach (var (keyNode, value) in map.Children)
        {
            var key = Text(keyNode, $"a key of {what}");
            if (allowed is not null && !allowed.Contains(key))
                throw Error(keyNode, $"unknown key '{key}' in {what}; expected one of {string.Join(", ", allowed)}");
            yield return (key, keyNode, value);
        }
    }

    /// <summary>The value under <paramref name="key"/>, or null.</summary>
    public static YamlNode? Optional(YamlMappingNode map, string key) =>
        map.Children.TryGetValue(new YamlScalarNode(key), out var node) ? node : null;

    /// <summary>The value under <paramref name="key"/>, which must be present.</summary>
    public YamlNode Required(YamlMappingNode map, string key, string what) =>
        Optional(map, key) ?? throw Error(map, $"{what} has no '{key}'");

    /// <summary>Line and column where a scalar's text begins (after an opening quote).</summary>
    public static (int Line, int Column) TextStart(YamlScalarNode node)
    {
        var quoted = node.Style is ScalarStyle.SingleQuoted or ScalarStyle.DoubleQuoted;
        var block = node.Style is ScalarStyle.Literal or ScalarStyle.Folded;
        return block ? ((int)node.Start.Line + 1, 1) : ((int)node.Start.Line, (int)node.Start.Column + (quoted ? 1 : 0));
    }
}
