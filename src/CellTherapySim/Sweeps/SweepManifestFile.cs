using CellTherapySim.Output;
using System.Text.Json;

namespace CellTherapySim.Sweeps;

/// <summary>Writes and reads a sweep folder's manifest.json (the run's identity: spec, hash, tool version, seed, design size, shard), which the runner checks on resume and merge.</summary>
public static class SweepManifestFile
{
    /// <summary>Writes <paramref name="manifest"/> to <paramref name="path"/> (with the spec file's text).</summary>
    public static void Write(string path, SweepManifest manifest)
    {
        using var file = ResultFile.Create(path);
        using var json = new Utf8JsonWriter(file.Writer.BaseStream, new JsonWriterOptions { Indented = true });
        json.WriteStartObject();
        json.WriteString("tool", manifest.Tool);
        json.WriteString("version", manifest.Version);
        json.WriteString("spec", manifest.Spec);
        json.WriteString("spec_sha256", manifest.SpecHash);
        json.WriteNumber("seed", manifest.Seed);
        json.WriteString("design", manifest.Design);
        json.WriteNumber("design_size", manifest.DesignSize);
        json.WriteString("shard", manifest.Shard.ToString());
        json.WriteNumber("shard_size", manifest.ShardSize);
        json.WriteString("posterior", manifest.Posterior);
        json.WriteString("rank", manifest.Rank);
        json.WriteString("columns", manifest.Header);
        json.WriteEndObject();
        json.Dispose();   // flushes into the file before it is renamed
        file.Commit();
    }

    /// <summary>Reads the manifest at <paramref name="path"/>.</summary>
    /// <exception cref="InputException">It is not a sweep manifest.</exception>
    public static SweepManifest Read(string path)
    {
        try
        {
            var root = JsonDocument.Parse(InputFile.ReadAllText(path, "sweep manifest")).RootElement;
            string Text(string key) => root.GetProperty(key).GetString() ?? "";
            return new SweepManifest(Text("tool"), Text("version"), Text("spec"), Text("spec_sha256"), root.GetProperty("seed").GetInt32(),
                Text("design"), root.GetProperty("design_size").GetInt64(), Shard.Parse(Text("shard"), path), root.GetProperty("shard_size").GetInt64(),
                Text("posterior"), Text("rank"), Text("columns"));
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw new InputException(path, $"not a ctsim sweep manifest: {e.Message}");
        }
    }
}
