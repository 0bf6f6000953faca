using System.Diagnostics;
using System.Text;
using CellTherapySim.Tests.Modeling;
using Xunit.Abstractions;

namespace CellTherapySim.Tests.Fuzzing;

/// <summary>
/// Mutated model files, study files and data CSVs (fixed seed) fed to `check`, `data describe`, a short `simulate`
/// and a short `fit`: every run must end
/// with exit code 0, 1 or 2, one message and no stack trace, no internal error, and within a time limit. Mutations:
/// byte flips, truncations, deleted, duplicated and swapped lines, duplicated keys, swapped CSV columns, huge and
/// non-finite numbers, non-UTF-8 bytes.
/// </summary>
[Trait("Category", "Fuzz")]
public class InputFuzzTests(ITestOutputHelper output)
{
    private static readonly string Root = InputTestSupport.RepositoryRoot();
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(20);

    private static readonly string[] Numbers = ["1e999", "-1e999", "NaN", "Infinity", "-0", "0", "1e-320", "99999999999999999999", "-1", "1e308"];

    [Fact]
    public void MutatedInputsNeverCrash()
    {
        var random = new Random(20261202);
        var folder = InputTestSupport.CreateTempDirectory();
        var model = File.ReadAllBytes(Path.Combine(Root, "models", "msc-neuropathic-pain.yaml"));
        var tiny = Encoding.UTF8.GetBytes(InputTestSupport.MinimalModel);
        var observations = File.ReadAllBytes(Path.Combine(Root, "models", "data", "cci-iv-day7", "observations.csv"));
        var summary = Path.Combine(Root, "models", "data", "cci-iv-day7", "summary.csv");
        var study = File.ReadAllBytes(Path.Combine(Root, "models", "studies", "cci-iv-day7.yaml"));
        var messages = new HashSet<string>();
        var cases = 0;

        void Run(string[] args)
        {
            var clock = Stopwatch.StartNew();
            var (exit, _, error) = InputTestSupport.RunCli(args);
            cases++;
            Assert.True(exit is 0 or 1 or 2, $"ctsim {string.Join(' ', args)}: exit {exit}: {error}");
            Assert.DoesNotContain("internal error", error);
            Assert.DoesNotContain("   at ", error);
            Assert.True(error.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length <= 1, $"ctsim {string.Join(' ', args)}: more than one message: {error}");
            Assert.True(clock.Elapsed < Limit, $"ctsim {string.Join(' ', args)} took {clock.Elapsed.TotalSeconds:F1} s");
            if (exit != 0) messages.Add(Shape(error));
        }

        for (var i = 0; i < 300; i++) Run(["check", Write(folder, $"model-{i}.yaml", Mutate(random, model, yaml: true))]);
        for (var i = 0; i < 600; i++)
        {
            var path = Write(folder, $"tiny-{i}.yaml", Mutate(random, tiny, yaml: true));
            Run(["check", path]);
            Run(["simulate", "--model", path, "--times", "0:3:1"]);
        }
        for (var i = 0; i < 2500; i++) Run(["data", "describe", Write(folder, $"obs-{i}.csv", Mutate(random, observations, yaml: false))]);
        for (var i = 0; i < 600; i++) Run(["data", "describe", summary, "--design", Write(folder, $"study-{i}.yaml", Mutate(random, study, yaml: true))]);
        // A short fit of mutated data: reading, checking and the first evaluations of the density.
        for (var i = 0; i < 30; i++)
            Run(["fit", "--data", Write(folder, $"fit-{i}.csv", Mutate(random, observations, yaml: false)), "--out", Path.Combine(folder, $"fit-{i}"),
                 "--free", "k_act", "--chains", "1", "--warmup", "3", "--draws", "2", "--max-depth", "2"]);

        output.WriteLine($"{cases} cases, {messages.Count} distinct message shapes:");
        foreach (var message in messages.Order()) output.WriteLine(message);
        Directory.Delete(folder, recursive: true);
    }

    /// <summary>A message with its file paths and numbers masked, to count distinct kinds.</summary>
    private static string Shape(string error) =>
        System.Text.RegularExpressions.Regex.Replace(error.Trim(), @"/\S+?\.(yaml|csv)|\d+(\.\d+)?", "#");

    private static string Write(string folder, string name, byte[] content)
    {
        var path = Path.Combine(folder, name);
        File.WriteAllBytes(path, content);
        return path;
    }

    /// <summary>One to three random mutations of <paramref name="original"/>.</summary>
    private static byte[] Mutate(Random random, byte[] original, bool yaml)
    {
        var bytes = original.ToList();
        for (var m = random.Next(1, 4); m > 0; m--)
        {
            var lines = Encoding.UTF8.GetString(bytes.ToArray()).Split('\n').ToList();
            var line = random.Next(lines.Count);
            switch (random.Next(9))
            {
                case 0: // byte flip
                    if (bytes.Count > 0) bytes[random.Next(bytes.Count)] ^= (byte)(1 << random.Next(8));
                    continue;
                case 1: // truncation
                    bytes = bytes.Take(random.Next(bytes.Count + 1)).ToList();
                    continue;
                case 2: // non-UTF-8 bytes
                    bytes.InsertRange(random.Next(bytes.Count + 1), [0xC3, 0x28, 0xFF, 0xFE]);
                    continue;
                case 3: lines.RemoveAt(line); break;
                case 4: lines.Insert(line, lines[line]); break; // duplicated line (a duplicated key in YAML)
                case 5:
                    var other = random.Next(lines.Count);
                    (lines[line], lines[other]) = (lines[other], lines[line]);
                    break;
                case 6: // a number replaced by a huge, tiny or non-finite one
                    var match = System.Text.RegularExpressions.Regex.Match(lines[line], @"-?\d+(\.\d+)?(e-?\d+)?");
                    if (match.Success) lines[line] = lines[line][..match.Index] + Numbers[random.Next(Numbers.Length)] + lines[line][(match.Index + match.Length)..];
                    break;
                case 7 when !yaml: // two CSV columns swapped on one line
                    var fields = lines[line].Split(',');
                    if (fields.Length > 1)
                    {
                        int a = random.Next(fields.Length), b = random.Next(fields.Length);
                        (fields[a], fields[b]) = (fields[b], fields[a]);
                        lines[line] = string.Join(',', fields);
                    }
                    break;
                default: // a key or field deleted from a line
                    var cut = lines[line].IndexOfAny(yaml ? [':'] : [',']);
                    if (cut > 0) lines[line] = lines[line][(cut + 1)..];
                    break;
            }
            bytes = Encoding.UTF8.GetBytes(string.Join('\n', lines)).ToList();
        }
        return bytes.ToArray();
    }
}
