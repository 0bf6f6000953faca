using System.Globalization;
using CellTherapySim.Output;
using CellTherapySim.Runs;

namespace CellTherapySim.Sweeps;

/// <summary>The K-th (0-based) of N disjoint slices of a design: scenario ids K, K + N, K + 2N, …</summary>
public readonly record struct Shard(int Index, int Count)
{
    /// <summary>The whole design.</summary>
    public static readonly Shard Whole = new(0, 1);

    /// <summary>Scenarios of this shard in a design of <paramref name="size"/>.</summary>
    public long Size(long size) => size <= Index ? 0 : (size - Index + Count - 1) / Count;

    /// <summary>The scenario id at position <paramref name="position"/> of this shard.</summary>
    public long Id(long position) => Index + position * Count;

    /// <summary>"K/N".</summary>
    public override string ToString() => $"{Index}/{Count}";

    /// <summary>Parses "K/N" with 0 ≤ K &lt; N.</summary>
    /// <exception cref="InputException">Not of that form (named by <paramref name="option"/>).</exception>
    public static Shard Parse(string text, string option)
    {
        var parts = text.Split('/');
        if (parts.Length == 2 && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var k)
            && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= 1)
            return k < n ? new Shard(k, n) : throw new InputException(option, $"shard '{text}': K must be below N (shards are numbered 0 to {n - 1}, e.g. $SLURM_ARRAY_TASK_ID/{n})");
        throw new InputException(option, $"'{text}' is not a shard; expected K/N with 0 ≤ K < N, e.g. 0/4");
    }
}

/// <summary>What a sweep folder holds: identifies the run so that resume and merge refuse other runs.</summary>
/// <param name="SpecHash">SHA-256 of the spec file's text.</param>
/// <param name="Posterior">The posterior's fit folder and draws ("" without one).</param>
public sealed record SweepManifest(string Tool, string Version, string Spec, string SpecHash, int Seed, string Design, long DesignSize, Shard Shard, long ShardSize,
    string Posterior, string Rank, string Header);

/// <summary>
/// Runs a sweep (or one shard of it) into a folder through the <see cref="OrderedRunner"/>: rows are appended to
/// journal.csv as scenarios finish (in id order within a bounded window), so an interrupted run resumes where it
/// stopped; at the end results.csv is written from the journal (sorted by id). With a posterior, each scenario's
/// ranking metric per draw goes to rank-draws.bin beside it, and results.csv's p_beats_best is the share of draws in
/// which the scenario beats the best one (by the posterior median) — computed over the whole design, so a shard
/// leaves it empty and <see cref="Merge"/> fills it.
/// </summary>
public static class SweepRun
{
    /// <summary>The journal of finished scenarios.</summary>
    public const string Journal = "journal.csv";

    /// <summary>The final results, sorted by id.</summary>
    public const string Results = "results.csv";

    /// <summary>The run's identity.</summary>
    public const string Manifest = "manifest.json";

    /// <summary>Every file a sweep or sensitivity run writes into its folder (what --force replaces).</summary>
    public static IReadOnlyList<string> Files { get; } = [Manifest, Journal, Results, RankDraws, Output.SensitivityFiles.Sobol, Output.SensitivityFiles.Tornado];

    /// <summary>With a posterior: the ranking metric per draw of every scenario, in journal order (little-endian doubles).</summary>
    public const string RankDraws = "rank-draws.bin";

    /// <summary>The tool version written in manifests.</summary>
    public static string ToolVersion => Output.RunRecord.ToolVersion;

    /// <summary>
    /// Runs the shard's scenarios not yet in <paramref name="folder"/> (all of them without <paramref name="resume"/>),
    /// then writes results.csv; returns how the run ended (cancelled: results.csv is not written, the journal is resumable).
    /// With <paramref name="resume"/>, a folder whose results.csv is complete (<see cref="IsFinished"/>: a finished run or
    /// a <see cref="Merge"/>) is left as it is. The folder must have been made ready by <see cref="Prepare"/>.
    /// </summary>
    /// <exception cref="InputException">The journal belongs to another run or cannot be written.</exception>
    public static RunOutcome Run(SweepEvaluator evaluator, SweepManifest manifest, string folder, bool resume, int threads,
        Action<long, long>? progress = null, CancellationToken cancellation = default, int posteriorDraws = 0)
    {
        if (resume && IsFinished(folder, manifest))
        {
            progress?.Invoke(manifest.ShardSize, manifest.ShardSize);
            return new RunOutcome(manifest.ShardSize, false);
        }
        var shard = manifest.Shard;
        var fingerprint = ResultJournal.Fingerprint([manifest.SpecHash, manifest.Version, manifest.Seed.ToString(CultureInfo.InvariantCulture), manifest.Shard.ToString(), manifest.Posterior, manifest.Rank]);
        using var journal = ResultJournal.Open(Path.Combine(folder, Journal), fingerprint, manifest.Header, 1,
            p => shard.Id(p).ToString(CultureInfo.InvariantCulture), resume);
        var done = journal.CompletedUnits;
        using var draws = posteriorDraws > 0 ? OpenRankDraws(Path.Combine(folder, RankDraws), done * posteriorDraws * sizeof(double)) : null;
        progress?.Invoke(done, manifest.ShardSize);
        var outcome = OrderedRunner.Run(done, manifest.ShardSize, evaluator.CreateWorker,
            (position, worker) => evaluator.Evaluate(shard.Id(position), worker),
            (_, row) =>
            {
                // The draws first: a journal line is only there when its draws are, so resume can trust the journal.
                if (draws is not null) Write(draws, row.RankDraws!);
                journal.Append([row.Line]);
            },
            threads, progress is null ? null : n => progress(done + n, manifest.ShardSize), cancellation);
        if (outcome.Cancelled) return outcome with { Committed = done + outcome.Committed };
        journal.Dispose();
        draws?.Dispose();
        WriteResults(Path.Combine(folder, Results), manifest.Header, [Path.Combine(folder, Journal)], shard.Count == 1 && posteriorDraws > 0 ? posteriorDraws : 0,
            evaluator.RankColumn, evaluator.HigherIsBetter, [Path.Combine(folder, RankDraws)]);
        return outcome with { Committed = done + outcome.Committed };
    }

    /// <summary>
    /// Whether <paramref name="folder"/>'s results.csv is complete for <paramref name="manifest"/>: its header, then one
    /// row per scenario of the shard, the last one the shard's last id, every line ended (not cut short).
    /// </summary>
    public static bool IsFinished(string folder, SweepManifest manifest)
    {
        var path = Path.Combine(folder, Results);
        if (!File.Exists(path)) return false;
        using (var stream = File.OpenRead(path))
        {
            if (stream.Length == 0) return false;
            stream.Seek(-1, SeekOrigin.End);
            if (stream.ReadByte() != '\n') return false;
        }
        long lines = 0;
        string? last = null;
        foreach (var line in File.ReadLines(path))
        {
            if (lines++ == 0 && line != manifest.Header) return false;
            last = line;
        }
        var lastId = manifest.Shard.Id(manifest.ShardSize - 1).ToString(CultureInfo.InvariantCulture);
        return lines == manifest.ShardSize + 1 && (manifest.ShardSize == 0 || last!.StartsWith(lastId + ",", StringComparison.Ordinal));
    }

    /// <summary>Checks (resume) or creates (fresh run) the folder and its manifest; a fresh run never overwrites a sweep folder.</summary>
    /// <exception cref="InputException">The folder holds a sweep (without resume), another sweep (the message says what differs), or cannot be written.</exception>
    public static void Prepare(string folder, SweepManifest manifest, bool resume)
    {
        var path = Path.Combine(folder, Manifest);
        if (File.Exists(path))
        {
            if (!resume)
                throw new InputException("--out", $"'{folder}' already holds a sweep ({Manifest}); add --resume to continue it, --force to replace it, or choose another folder (nothing is overwritten)");
            var existing = SweepManifestFile.Read(path);
            if (Difference(existing, manifest) is { } difference)
                throw new InputException(path, $"this folder holds another sweep: {difference}; choose another folder or drop --resume");
            return;
        }
        try
        {
            Directory.CreateDirectory(folder);
            SweepManifestFile.Write(path, manifest);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InputException("--out", $"cannot write into '{folder}': {e.Message}");
        }
    }

    /// <summary>What differs between two manifests of runs that should be the same (null: nothing).</summary>
    public static string? Difference(SweepManifest a, SweepManifest b, bool sameShard = true)
    {
        if (a.SpecHash != b.SpecHash) return $"its spec differs (SHA-256 {a.SpecHash[..12]}… vs {b.SpecHash[..12]}…)";
        if (a.Design != b.Design) return $"its design is {a.Design}, not {b.Design}";
        if (a.Seed != b.Seed) return $"its seed is {a.Seed}, not {b.Seed}";
        if (a.Version != b.Version) return $"it was made by ctsim {a.Version}, not {b.Version}";
        if (a.Posterior != b.Posterior) return $"its posterior is '{a.Posterior}', not '{b.Posterior}'";
        if (a.Rank != b.Rank) return $"it ranks by {a.Rank}, not {b.Rank}";
        if (a.DesignSize != b.DesignSize) return $"its design has {a.DesignSize} scenarios, not {b.DesignSize}";
        if (sameShard && a.Shard != b.Shard) return $"it is shard {a.Shard}, not {b.Shard}";
        if (!sameShard && a.Shard.Count != b.Shard.Count) return $"it is one of {a.Shard.Count} shards, not {b.Shard.Count}";
        return null;
    }

    /// <summary>
    /// Joins the shard folders' journals into <paramref name="output"/>'s results.csv — the same bytes as a single run —
    /// refusing shards of different runs, a missing or repeated shard, or an unfinished one, each named.
    /// </summary>
    public static SweepManifest Merge(IReadOnlyList<string> folders, string output, string rankColumn, bool higherIsBetter, int posteriorDraws)
    {
        if (folders.Count == 0) throw new InputException("sweep merge", "no shard folders given");
        var manifests = folders.Select(f =>
        {
            var path = Path.Combine(f, Manifest);
            return File.Exists(path) ? SweepManifestFile.Read(path) : throw new InputException(f, $"not a sweep folder (no {Manifest})");
        }).ToList();
        for (var i = 1; i < manifests.Count; i++)
            if (Difference(manifests[i], manifests[0], sameShard: false) is { } difference)
                throw new InputException(folders[i], $"this shard belongs to another sweep than '{folders[0]}': {difference}");
        var count = manifests[0].Shard.Count;
        foreach (var group in manifests.Select((m, i) => (m, i)).GroupBy(x => x.m.Shard.Index).Where(g => g.Count() > 1))
            throw new InputException(folders[group.ElementAt(1).i], $"shard {group.Key}/{count} is given twice (also '{folders[group.First().i]}'); the ids would overlap");
        var missing = Enumerable.Range(0, count).Except(manifests.Select(m => m.Shard.Index)).ToList();
        if (missing.Count > 0) throw new InputException("sweep merge", $"shard{(missing.Count > 1 ? "s" : "")} {string.Join(", ", missing.Select(k => $"{k}/{count}"))} missing; ids {string.Join(", ", missing.Take(3))}… are in none of the folders given");
        var ordered = manifests.Select((m, i) => (m, f: folders[i])).OrderBy(x => x.m.Shard.Index).ToList();
        foreach (var (m, f) in ordered)
        {
            var rows = File.Exists(Path.Combine(f, Journal)) ? ResultJournal.ReadRows(Path.Combine(f, Journal)).LongCount() : 0;
            if (rows != m.ShardSize) throw new InputException(f, $"shard {m.Shard} is unfinished: {rows:N0} of {m.ShardSize:N0} scenarios; resume it with --resume before merging");
        }
        Directory.CreateDirectory(output);
        var merged = manifests[0] with { Shard = Shard.Whole, ShardSize = manifests[0].DesignSize };
        SweepManifestFile.Write(Path.Combine(output, Manifest), merged);
        WriteResults(Path.Combine(output, Results), merged.Header, ordered.Select(x => Path.Combine(x.f, Journal)).ToList(), posteriorDraws,
            rankColumn, higherIsBetter, ordered.Select(x => Path.Combine(x.f, RankDraws)).ToList());
        return merged;
    }

    /// <summary>
    /// Writes results.csv: the journals' rows interleaved by id (shard k holds ids ≡ k mod N, each journal in id order),
    /// with p_beats_best filled from the rank draws when <paramref name="posteriorDraws"/> &gt; 0.
    /// </summary>
    private static void WriteResults(string path, string header, IReadOnlyList<string> journals, int posteriorDraws, string rankColumn, bool higherIsBetter, IReadOnlyList<string> drawFiles)
    {
        var rankIndex = Array.IndexOf(ResultJournal.SplitFields(header), rankColumn);
        double[]? best = null;
        if (posteriorDraws > 0)
        {
            // The best scenario by the ranking metric's posterior median (the first in id order on a tie).
            var (bestShard, bestPosition, bestValue) = (-1, -1L, double.NaN);
            for (var s = 0; s < journals.Count; s++)
            {
                var position = 0L;
                foreach (var fields in ResultJournal.ReadRows(journals[s]))
                {
                    var value = double.TryParse(fields[rankIndex], NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v : double.NaN;
                    var id = long.Parse(fields[0], CultureInfo.InvariantCulture);
                    if (!double.IsNaN(value) && (double.IsNaN(bestValue) || (higherIsBetter ? value > bestValue : value < bestValue)
                        || (value == bestValue && id < long.Parse(BestId(journals, bestShard, bestPosition), CultureInfo.InvariantCulture))))
                        (bestShard, bestPosition, bestValue) = (s, position, value);
                    position++;
                }
            }
            if (bestShard >= 0) best = ReadDraws(drawFiles[bestShard], bestPosition, posteriorDraws);
        }

        var readers = journals.Select(j => ResultJournal.ReadRows(j).GetEnumerator()).ToList();
        var streams = posteriorDraws > 0 ? drawFiles.Select(f => new BinaryReader(File.OpenRead(f))).ToList() : null;
        try
        {
            using var file = ResultFile.Create(path);
            var writer = file.Writer;
            writer.WriteLine(header);
            var draws = new double[posteriorDraws];
            for (var turn = 0; ; turn = (turn + 1) % readers.Count)
            {
                if (!readers[turn].MoveNext()) break;
                var fields = readers[turn].Current;
                if (streams is not null)
                {
                    for (var k = 0; k < posteriorDraws; k++) draws[k] = streams[turn].ReadDouble();
                    fields[^1] = best is null ? "" : SweepEvaluator.Number(BeatsShare(draws, best, higherIsBetter));
                }
                writer.WriteLine(string.Join(",", fields.Select(Csv.Field)));
            }
            file.Commit();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InputException(path, $"cannot write the results: {e.Message}");
        }
        finally
        {
            foreach (var r in readers) r.Dispose();
            streams?.ForEach(s => s.Dispose());
        }
    }

    private static string BestId(IReadOnlyList<string> journals, int shard, long position) =>
        shard < 0 ? long.MaxValue.ToString(CultureInfo.InvariantCulture) : ResultJournal.ReadRows(journals[shard]).ElementAt((int)position)[0];

    /// <summary>The share of draws in which <paramref name="draws"/> beat <paramref name="best"/> (draw by draw; NaN, e.g. an onset never reached, never beats).</summary>
    private static double BeatsShare(double[] draws, double[] best, bool higherIsBetter)
    {
        var wins = 0;
        for (var k = 0; k < draws.Length; k++)
            if (higherIsBetter ? draws[k] > best[k] : draws[k] < best[k] || (double.IsNaN(best[k]) && !double.IsNaN(draws[k]))) wins++;
        return wins / (double)draws.Length;
    }

    private static double[] ReadDraws(string file, long position, int count)
    {
        using var reader = new BinaryReader(File.OpenRead(file));
        reader.BaseStream.Seek(position * count * sizeof(double), SeekOrigin.Begin);
        return Enumerable.Range(0, count).Select(_ => reader.ReadDouble()).ToArray();
    }

    private static FileStream OpenRankDraws(string path, long keep)
    {
        var stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read);
        if (stream.Length < keep) throw new InputException(path, "the rank draws are shorter than the journal; remove the folder and start afresh");
        stream.SetLength(keep);
        stream.Seek(keep, SeekOrigin.Begin);
        return stream;
    }

    private static void Write(FileStream stream, double[] values)
    {
        var bytes = new byte[values.Length * sizeof(double)];
        Buffer.BlockCopy(values, 0, bytes, 0, bytes.Length);
        stream.Write(bytes);
        stream.Flush();
    }
}
