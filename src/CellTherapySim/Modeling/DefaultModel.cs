namespace CellTherapySim.Modeling;

/// <summary>The embedded default model (models/msc-neuropathic-pain.yaml), available from any folder.</summary>
public static class DefaultModel
{
    /// <summary>The name shown in messages for the embedded file.</summary>
    public const string FileName = "msc-neuropathic-pain.yaml (embedded)";

    private static readonly Lazy<ModelDefinition> Parsed = new(() => ModelFileReader.Read(Text, FileName));

    /// <summary>The model file's text.</summary>
    public static string Text
    {
        get
        {
            using var stream = typeof(DefaultModel).Assembly.GetManifestResourceStream("CellTherapySim.Models.msc-neuropathic-pain.yaml")
                ?? throw new InvalidOperationException("the default model is not embedded in the assembly");
            using var reader = new StreamReader(stream);
            return reader.ReadToEnd();
        }
    }

    /// <summary>The text of the file a model was read from (the embedded text for the default model), for run fingerprints.</summary>
    public static string SourceText(ModelDefinition definition) =>
        definition.Source == FileName ? Text : InputFile.ReadAllText(definition.Source, "model");

    /// <summary>The parsed default model.</summary>
    public static ModelDefinition Definition => Parsed.Value;
}
