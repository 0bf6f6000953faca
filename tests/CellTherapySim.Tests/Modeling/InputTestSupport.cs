using CellTherapySim.Cli;
using CellTherapySim.Modeling;

namespace CellTherapySim.Tests.Modeling;

/// <summary>Shared helpers of the bad-input tests: a small valid model to mutate, token positions, the CLI runner and the repository root.</summary>
public static class InputTestSupport
{
    /// <summary>The file name the inline models are read under.</summary>
    public const string FileName = "tiny.yaml";

    /// <summary>A small valid model using every section of the model-file format.</summary>
    public const string MinimalModel = """
        name: tiny
        parameters:
          k: {value: 0.5, unit: 1/day, prior: {distribution: lognormal, median: 0.5, sdlog: 0.5}}
          X0:
            value: 2
            unit: "1"
            description: a scale
        states:
          X: {initial: 1, unit: 1e6 cells}
          Y: {initial: 0, unit: 1e6 cells}
        intermediates:
          flux: k*X
        equations:
          dX/dt: -flux
          dY/dt: flux
        readouts:
          total: {expression: "X + Y", unit: 1e6 cells}
        routes:
          iv: {target: X, scale: 1e-6}
        injuries:
          hurt:
            initial: {X: 2}
        endpoints:
          obs:
            readout: total
            unit: 1e6 cells
            error: {model: additive, sd: 0.1}
        scenario:
          injury: hurt
          doses: ["1:iv:1e6"]
          times: "0:3:1"
        """;

    /// <summary><see cref="MinimalModel"/> with the single occurrence of <paramref name="find"/> replaced.</summary>
    public static string Mutate(string find, string replace) => Mutate(MinimalModel, find, replace);

    /// <summary><paramref name="text"/> with the single occurrence of <paramref name="find"/> replaced.</summary>
    public static string Mutate(string text, string find, string replace)
    {
        var at = text.IndexOf(find, StringComparison.Ordinal);
        Assert.True(at >= 0, $"'{find}' is not in the model text");
        Assert.True(text.IndexOf(find, at + 1, StringComparison.Ordinal) < 0, $"'{find}' occurs more than once in the model text");
        return string.Concat(text.AsSpan(0, at), replace, text.AsSpan(at + find.Length));
    }

    /// <summary>Reads <paramref name="text"/> as <see cref="FileName"/>.</summary>
    public static ModelDefinition Read(string text) => ModelFileReader.Read(text, FileName);

    /// <summary>The error reading <paramref name="text"/> gives; it must name the file.</summary>
    public static InputException ReadError(string text)
    {
        var error = Assert.Throws<InputException>(() => Read(text));
        Assert.Equal(FileName, error.Source);
        Assert.StartsWith($"{FileName}:", error.Message);
        return error;
    }

    /// <summary>1-based line and column of the <paramref name="occurrence"/>-th (1-based) occurrence of <paramref name="token"/>.</summary>
    public static (int Line, int Column) PositionOf(string text, string token, int occurrence = 1)
    {
        var at = -1;
        for (var i = 0; i < occurrence; i++)
        {
            at = text.IndexOf(token, at + 1, StringComparison.Ordinal);
            Assert.True(at >= 0, $"occurrence {occurrence} of '{token}' is not in the text");
        }
        var lineStart = text.LastIndexOf('\n', at) + 1;
        return (text[..at].Count(c => c == '\n') + 1, at - lineStart + 1);
    }

    /// <summary>
    /// Asserts that reading <paramref name="text"/> fails at the first occurrence of <paramref name="token"/>, with a
    /// message naming the file, that position and each of <paramref name="mentions"/>.
    /// </summary>
    public static InputException AssertErrorAt(string text, string token, params string[] mentions) =>
        AssertErrorAtOccurrence(text, token, 1, mentions);

    /// <summary>As <see cref="AssertErrorAt"/>, at the <paramref name="occurrence"/>-th (1-based) occurrence of <paramref name="token"/>.</summary>
    public static InputException AssertErrorAtOccurrence(string text, string token, int occurrence, params string[] mentions)
    {
        var error = ReadError(text);
        var (line, column) = PositionOf(text, token, occurrence);
        Assert.True((line, column) == (error.Line, error.Column), $"expected the error at {line}:{column} ('{token}'), got {error.Message}");
        Assert.StartsWith($"{FileName}:{line}:{column}: ", error.Message);
        foreach (var mention in mentions) Assert.Contains(mention, error.Message);
        return error;
    }

    /// <summary>Runs ctsim with <paramref name="args"/> and returns its exit code, standard output and standard error.</summary>
    public static (int ExitCode, string Output, string Error) RunCli(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exitCode = CliApp.Run(args, output, error);
        return (exitCode, output.ToString(), error.ToString());
    }

    /// <summary>
    /// Runs ctsim with arguments that must be rejected as bad input: exit code 2, nothing on standard output, and
    /// exactly one line on standard error, starting "ctsim:", without a stack trace. Returns that line.
    /// </summary>
    public static string RunBadInput(params string[] args)
    {
        var (exitCode, output, error) = RunCli(args);
        Assert.True(exitCode == 2, $"ctsim {string.Join(' ', args)} exited with {exitCode}; stderr: {error}");
        Assert.Equal("", output);
        Assert.DoesNotContain("   at ", error);
        var lines = error.Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);
        var line = Assert.Single(lines);
        Assert.StartsWith("ctsim:", line);
        return line;
    }

    /// <summary>A new empty directory under the system temp folder (the caller deletes it).</summary>
    public static string CreateTempDirectory()
    {
        var path = Path.Combine(Path.GetTempPath(), $"ctsim-tests-{Guid.NewGuid():N}");
        Directory.CreateDirectory(path);
        return path;
    }

    /// <summary>The repository root: the first folder above the test binaries that holds CellTherapySim.sln.</summary>
    public static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "CellTherapySim.sln"))) return dir.FullName;
        throw new InvalidOperationException($"CellTherapySim.sln not found above {AppContext.BaseDirectory}");
    }
}
