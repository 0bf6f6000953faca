using CellTherapySim.Compilation;
using CellTherapySim.Modeling;

namespace CellTherapySim.Cli;

/// <summary>Loads the model named by --model (or the embedded default) and compiles it.</summary>
internal static class ModelLoader
{
    /// <summary>The definition in <paramref name="path"/>, or the embedded default model when it is null.</summary>
    public static ModelDefinition Read(string? path) => path is null ? DefaultModel.Definition : ModelFileReader.ReadFile(path);

    /// <summary>Reads and compiles the model.</summary>
    public static CompiledModel Load(string? path) => CompiledModel.Compile(Read(path));
}
