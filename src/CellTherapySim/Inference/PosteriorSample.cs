using CellTherapySim.Output;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using CellTherapySim.Inference.Diagnostics;
using CellTherapySim.Modeling;
using MathNet.Numerics.Random;

namespace CellTherapySim.Inference;

/// <summary>
/// K draws of a <c>ctsim fit</c> output as full parameter vectors of its model: the fit's fixed values (model defaults
/// with its --set) with its free parameters (population values) from each draw. The draws are thinned evenly over the
/// pooled chains with a seeded offset. The fit's record (<see cref="RecordFile"/>) names its model by the SHA-256 of
/// the model text, so predictions refuse a fit of another model.
/// </summary>
public sealed record PosteriorSample(string Folder, IReadOnlyList<string> Free, IReadOnlyList<double[]> Parameters, string ModelHash)
{
    /// <summary>The fit's record in its output folder.</summary>
    public const string RecordFile = "fit-record.json";

    /// <summary>Number of draws.</summary>
    public int Count => Parameters.Count;

    /// <summary>The SHA-256 (hex) of a model text.</summary>
    public static string Hash(string text) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text))).ToLowerInvariant();

    /// <summary>
    /// Writes the fit's record: the model's name and hash, every parameter's value held fixed, the free parameters, and
    /// the hash of the data it was fitted to (<paramref name="dataText"/>: the data and design files' text), which
    /// <c>ctsim loo</c> compares.
    /// </summary>
    public static void WriteRecord(string folder, ModelDefinition model, string modelText, double[] parameters, IEnumerable<string> free, string? dataText = null, string? dataPath = null)
    {
        using var file = ResultFile.Create(Path.Combine(folder, RecordFile));
        using var json = new Utf8JsonWriter(file.Writer.BaseStream, new JsonWriterOptions { Indented = true });
        json.WriteStartObject();
        RunRecord.WriteProvenance(json);
        json.WriteString("model", model.Name);
        json.WriteString("model_sha256", Hash(modelText));
        json.WriteStartObject("parameters");
        for (var i = 0; i < parameters.Length; i++) json.WriteNumber(model.Parameters[i].Name, parameters[i]);
        json.WriteEndObject();
        json.WriteStartArray("free");
        foreach (var name in free) json.WriteStringValue(name);
        json.WriteEndArray();
        if (dataText is not null) json.WriteString("data_sha256", Hash(dataText));
        if (dataPath is not null) json.WriteString("data", Path.GetFullPath(dataPath));
        json.WriteStartObject("endpoint_units");
        foreach (var endpoint in model.Endpoints) json.WriteString(endpoint.Name, endpoint.Unit);
        json.WriteEndObject();
        json.WriteEndObject();
        json.Dispose();   // flushes into the file before it is renamed
        file.Commit();
    }

    /// <summary>The hash of the data a fit in <paramref name="folder"/> was fitted to, or null when its record has none.</summary>
    /// <exception cref="InputException">The folder is not a fit output.</exception>
    public static string? DataHash(string folder)
    {
        var path = Path.Combine(folder, RecordFile);
        if (!File.Exists(path)) throw new InputException(folder, $"not a ctsim fit output (no {RecordFile})");
        try
        {
            var root = JsonDocument.Parse(File.ReadAllText(path)).RootElement;
            return root.TryGetProperty("data_sha256", out var h) ? h.GetString() : null;
        }
        catch (JsonException e)
        {
            throw new InputException(path, $"damaged fit record: {e.Message}");
        }
    }

    /// <summary>Reads <paramref name="draws"/> draws of the fit in <paramref name="folder"/> for <paramref name="model"/> (whose text is <paramref name="modelText"/>).</summary>
    /// <exception cref="InputException">The folder is not a fit output, its model differs, or it has fewer draws than asked.</exception>
    public static PosteriorSample Read(string folder, ModelDefinition model, string modelText, int draws, int seed, string option)
    {
        var recordPath = Path.Combine(folder, RecordFile);
        if (!File.Exists(recordPath))
            throw new InputException(option, $"'{folder}' is not a ctsim fit output (it has no {RecordFile}; run 'ctsim fit --out {folder}' first)");
        JsonElement record;
        try
        {
            record = JsonDocument.Parse(File.ReadAllText(recordPath)).RootElement;
        }
        catch (JsonException e)
        {
            throw new InputException(recordPath, $"damaged fit record: {e.Message}");
        }
        var hash = record.TryGetProperty("model_sha256", out var h) ? h.GetString() ?? "" : "";
        if (hash != Hash(modelText))
            throw new InputException(option, $"the fit in '{folder}' is of another model ('{(record.TryGetProperty("model", out var m) ? m.GetString() : "?")}', model file hash {hash[..Math.Min(12, hash.Length)]}…) than this run's '{model.Name}' ({Hash(modelText)[..12]}…); give the fit's model with --model or the spec's model:");
        var values = model.Parameters.Select(p => record.GetProperty("parameters").TryGetProperty(p.Name, out var v) ? v.GetDouble() : p.Value).ToArray();
        var free = record.GetProperty("free").EnumerateArray().Select(x => x.GetString()!).ToList();

        var files = Directory.GetFiles(folder, "draws-chain-*.csv").OrderBy(f => ChainNumber(f)).ToList();
        if (files.Count == 0) throw new InputException(option, $"'{folder}' has no draws-chain-N.csv files");
        var pooled = new List<double[]>();
        var columns = new int[free.Count];
        foreach (var file in files)
        {
            var csv = CmdStanCsvReader.Read(file);
            for (var k = 0; k < free.Count; k++)
            {
                columns[k] = csv.ColumnNames.ToList().IndexOf(free[k]);
                if (columns[k] < 0) throw new InputException(file, $"no column '{free[k]}' (a free parameter of the fit)");
            }
            pooled.AddRange(csv.Draws.Select(d => columns.Select(c => d[c]).ToArray()));
        }
        if (draws < 1 || draws > pooled.Count)
            throw new InputException("--draws", $"the fit in '{folder}' has {pooled.Count} draws; ask for 1 to {pooled.Count}, not {draws}");

        // Evenly spaced over the pooled chains, from a seeded offset within the first stride.
        var offset = new Xoshiro256StarStar(seed).NextDouble();
        var indices = free.Select(model.ParameterIndex).ToArray();
        var parameters = Enumerable.Range(0, draws).Select(i =>
        {
            var draw = pooled[(int)Math.Min(pooled.Count - 1, Math.Floor((i + offset) * pooled.Count / draws))];
            var x = (double[])values.Clone();
            for (var k = 0; k < indices.Length; k++) x[indices[k]] = draw[k];
            return x;
        }).ToList();
        return new PosteriorSample(folder, free, parameters, hash);
    }

    private static int ChainNumber(string file) =>
        int.TryParse(Path.GetFileNameWithoutExtension(file)["draws-chain-".Length..], NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : int.MaxValue;
}
