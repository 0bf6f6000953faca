using System.Text.Json;

namespace CellTherapySim.Output;

/// <summary>
/// What made an output folder, for a report or a lab notebook: the tool and its version, the command line and the
/// time (UTC), written into the folder's record (a fit's fit-record.json, a cohort's run.json).
/// </summary>
public static class RunRecord
{
    /// <summary>A cohort folder's record.</summary>
    public const string File = "run.json";

    private static readonly AsyncLocal<string?> CommandLine = new();

    /// <summary>The version of this build of the engine.</summary>
    public static string ToolVersion => typeof(RunRecord).Assembly.GetName().Version?.ToString() ?? "0";

    /// <summary>Sets the command line recorded by the runs of this logical thread (set by the command-line tool).</summary>
    public static void SetCommandLine(string commandLine) => CommandLine.Value = commandLine;

    /// <summary>Writes the tool, version, command and time properties into an open JSON object.</summary>
    public static void WriteProvenance(Utf8JsonWriter json)
    {
        json.WriteString("tool", "ctsim");
        json.WriteString("tool_version", ToolVersion);
        json.WriteString("command", CommandLine.Value ?? "");
        json.WriteString("created_utc", DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture));
    }

    /// <summary>
    /// Writes <see cref="File"/> into <paramref name="folder"/>: provenance, the model's name and hash, the typical
    /// animal's parameter values, the study's name and the endpoints' units.
    /// </summary>
    public static void WriteCohort(string folder, string model, string modelText, IEnumerable<(string Name, double Value)> parameters, string study, IEnumerable<(string Endpoint, string Unit)> endpoints)
    {
        using var file = ResultFile.Create(Path.Combine(folder, File));
        using (var json = new Utf8JsonWriter(file.Writer.BaseStream, new JsonWriterOptions { Indented = true }))
        {
            file.Writer.Flush();
            json.WriteStartObject();
            json.WriteString("kind", "cohort");
            WriteProvenance(json);
            json.WriteString("model", model);
            json.WriteString("model_sha256", Inference.PosteriorSample.Hash(modelText));
            json.WriteStartObject("parameters");
            foreach (var (name, value) in parameters) json.WriteNumber(name, value);
            json.WriteEndObject();
            json.WriteString("study", study);
            json.WriteStartObject("endpoint_units");
            foreach (var (endpoint, unit) in endpoints) json.WriteString(endpoint, unit);
            json.WriteEndObject();
            json.WriteEndObject();
        }
        file.Commit();
    }
}
