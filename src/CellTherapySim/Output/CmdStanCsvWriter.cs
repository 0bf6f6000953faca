using System.Globalization;
using System.Text;
using CellTherapySim.Inference;
using CellTherapySim.Inference.Diagnostics;
using CellTherapySim.Inference.Sampling;

namespace CellTherapySim.Output;

/// <summary>
/// Writes one chain's draws as CmdStan (2.3x) writes its sample output CSV, so that ArviZ (<c>az.from_cmdstan</c>),
/// cmdstanr (<c>read_cmdstan_csv</c>, <c>as_cmdstan_fit</c>) and <see cref="CmdStanCsvReader"/> read it: the settings as
/// '#' comments, the header row (sampler columns lp__ … energy__, then the parameters), after warm-up the adaptation
/// comments, one line per draw and at the end the timing comments.
/// </summary>
/// <remarks>
/// Calls go in this order: <see cref="WriteAdaptation"/> (at most once, before the draws), <see cref="WriteDraw"/> per
/// draw after warm-up, <see cref="WriteTiming"/> (once, last). Everything is flushed after the header, the adaptation
/// and every draw, so an interrupted run leaves the complete lines it wrote; lines end in '\n'.
/// </remarks>
public sealed class CmdStanCsvWriter : IDisposable
{
    /// <summary>CmdStan's sampler columns, first in every line.</summary>
    public static readonly IReadOnlyList<string> SamplerColumns =
        ["lp__", "accept_stat__", "stepsize__", "treedepth__", "n_leapfrog__", "divergent__", "energy__"];

    private readonly TextWriter _writer;
    private readonly bool _ownsWriter;
    private ResultFile? _file;
    private readonly CmdStanSettings _settings;
    private readonly int _parameterCount;
    private readonly StringBuilder _line = new();
    private bool _adaptationWritten;
    private bool _timingWritten;

    /// <summary>
    /// Writes the comment header and the header row to <paramref name="writer"/>. Parameter names are taken as given
    /// (CmdStan style: <c>theta</c>, <c>eta.1.3</c>); <paramref name="ownsWriter"/> makes <see cref="Dispose"/> close it.
    /// </summary>
    /// <exception cref="ArgumentException">A name that is empty, repeated or holds a comma or line break; a setting with a line break.</exception>
    public CmdStanCsvWriter(TextWriter writer, CmdStanSettings settings, IReadOnlyList<string> parameterNames, bool ownsWriter = false)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(parameterNames);
        var columns = SamplerColumns.Concat(parameterNames).ToArray();
        foreach (var name in parameterNames)
            if (name.Length == 0 || name.IndexOfAny([',', '\n', '\r']) >= 0)
                throw new ArgumentException($"parameter name '{name}' must be non-empty, without commas or line breaks", nameof(parameterNames));
        if (columns.Distinct(StringComparer.Ordinal).Count() != columns.Length)
            throw new ArgumentException("parameter names must be distinct and differ from the sampler columns", nameof(parameterNames));
        foreach (var text in new[] { settings.ModelName, settings.Init, settings.DataFile, settings.OutputFile })
            if (text.IndexOfAny(['\n', '\r']) >= 0)
                throw new ArgumentException($"setting '{text}' holds a line break", nameof(settings));
        if (settings.SignificantDigits is < 1 or > 17)
            throw new ArgumentException("SignificantDigits must be between 1 and 17", nameof(settings));

        _writer = writer;
        _ownsWriter = ownsWriter;
        _settings = settings;
        _parameterCount = parameterNames.Count;
        WriteHeader(columns);
    }

    /// <summary>
    /// Creates the file <paramref name="path"/> (UTF-8, readable while being written) and writes the header: under the
    /// temporary name <c>path.partial</c> until <see cref="WriteTiming"/> completes it (see <see cref="ResultFile"/>), so an
    /// interrupted chain keeps its draws there and no file of the final name looks finished.
    /// </summary>
    public static CmdStanCsvWriter Create(string path, CmdStanSettings settings, IReadOnlyList<string> parameterNames)
    {
        var file = ResultFile.Create(path);
        try
        {
            return new CmdStanCsvWriter(file.Writer, settings, parameterNames, ownsWriter: true) { _file = file };
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    /// <summary>Number of draws written so far.</summary>
    public int DrawCount { get; private set; }

    /// <summary>
    /// Writes the end of adaptation: the adapted step size and the inverse metric of the d unconstrained coordinates
    /// (which need not be as many as the parameter columns): its diagonal (diag_e, one line of d) or the whole matrix
    /// (dense_e: d×d row-major, as the sampler holds it, one line per row).
    /// </summary>
    public void WriteAdaptation(double stepSize, ReadOnlySpan<double> inverseMetric)
    {
        var dense = _settings.Metric == CmdStanMetric.Dense;
        var d = dense ? (int)Math.Round(Math.Sqrt(inverseMetric.Length)) : inverseMetric.Length;
        if (dense && d * d != inverseMetric.Length)
            throw new ArgumentException($"a dense inverse metric of {inverseMetric.Length} elements is not square", nameof(inverseMetric));
        if (_adaptationWritten || DrawCount > 0)
            throw new InvalidOperationException("the adaptation is written once, before the first draw");
        EnsureNotFinished();
        _adaptationWritten = true;
        AppendNumber(_line.Append("# Adaptation terminated\n# Step size = "), stepSize).Append('\n');
        _line.Append(dense ? "# Elements of inverse mass matrix:\n" : "# Diagonal elements of inverse mass matrix:\n");
        for (var row = 0; row < (dense ? d : 1); row++)
        {
            _line.Append("# ");
            for (var i = 0; i < d; i++)
                AppendNumber(i == 0 ? _line : _line.Append(", "), inverseMetric[row * d + i]);
            _line.Append('\n');
        }
        Flush();
    }

    /// <summary>
    /// Writes one draw after warm-up: the sampler's values of <paramref name="draw"/>, then <paramref name="parameters"/>
    /// (the values of the named parameters, in header order; not <see cref="NutsDraw.Position"/>'s unconstrained
    /// coordinates); flushes.
    /// </summary>
    /// <exception cref="ArgumentException">A warm-up draw (warm-up is not saved), or a wrong number of values.</exception>
    public void WriteDraw(in NutsDraw draw, ReadOnlySpan<double> parameters)
    {
        if (draw.IsWarmup)
            throw new ArgumentException("warm-up draws are not saved (save_warmup = 0)", nameof(draw));
        if (parameters.Length != _parameterCount)
            throw new ArgumentException($"{parameters.Length} parameter values for {_parameterCount} parameters", nameof(parameters));
        EnsureNotFinished();
        AppendNumber(draw.LogDensity).Append(',');
        AppendNumber(draw.AcceptStat).Append(',');
        AppendNumber(draw.StepSize).Append(',');
        _line.Append(draw.TreeDepth.ToString(CultureInfo.InvariantCulture)).Append(',');
        _line.Append(draw.LeapfrogSteps.ToString(CultureInfo.InvariantCulture)).Append(',');
        _line.Append(draw.Divergent ? '1' : '0').Append(',');
        AppendNumber(draw.Energy);
        foreach (var value in parameters)
            AppendNumber(_line.Append(','), value);
        _line.Append('\n');
        Flush();
        DrawCount++;
    }

    /// <summary>Writes the timing comments that end a complete CmdStan file (warm-up, sampling and total seconds).</summary>
    public void WriteTiming(double warmupSeconds, double samplingSeconds)
    {
        EnsureNotFinished();
        _timingWritten = true;
        _line.Append("# \n")
            .Append("#  Elapsed Time: ").Append(Seconds(warmupSeconds)).Append(" seconds (Warm-up)\n")
            .Append("#                ").Append(Seconds(samplingSeconds)).Append(" seconds (Sampling)\n")
            .Append("#                ").Append(Seconds(warmupSeconds + samplingSeconds)).Append(" seconds (Total)\n")
            .Append("# \n");
        Flush();
        _file?.Commit();
    }

    /// <summary>Flushes and, when the writer is owned, closes it.</summary>
    public void Dispose()
    {
        if (_file is not null)
            _file.Dispose();
        else if (_ownsWriter)
            _writer.Dispose();
        else
            _writer.Flush();
    }

    private void WriteHeader(string[] columns)
    {
        var s = _settings;
        Setting(0, $"model = {s.ModelName}");
        Setting(0, "method = sample");
        Setting(1, "sample");
        Setting(2, $"num_samples = {Integer(s.NumSamples)}");
        Setting(2, $"num_warmup = {Integer(s.NumWarmup)}");
        Setting(2, "save_warmup = 0");
        Setting(2, "thin = 1");
        Setting(2, "adapt");
        Setting(3, $"engaged = {(s.AdaptEngaged ? 1 : 0)}");
        Setting(3, $"gamma = {Setting(s.AdaptGamma)}");
        Setting(3, $"delta = {Setting(s.AdaptDelta)}");
        Setting(3, $"kappa = {Setting(s.AdaptKappa)}");
        Setting(3, $"t0 = {Setting(s.AdaptT0)}");
        Setting(3, $"init_buffer = {Integer(s.InitBuffer)}");
        Setting(3, $"term_buffer = {Integer(s.TermBuffer)}");
        Setting(3, $"window = {Integer(s.Window)}");
        Setting(2, "algorithm = hmc");
        Setting(3, "hmc");
        Setting(4, "engine = nuts");
        Setting(5, "nuts");
        Setting(6, $"max_depth = {Integer(s.MaxDepth)}");
        Setting(4, $"metric = {(s.Metric == CmdStanMetric.Dense ? "dense_e" : "diag_e")}");
        Setting(4, $"stepsize = {Setting(s.StepSize)}");
        Setting(4, "stepsize_jitter = 0");
        Setting(2, "num_chains = 1");
        Setting(0, $"id = {Integer(s.ChainId)}");
        Setting(0, "data");
        Setting(1, $"file = {s.DataFile}");
        Setting(0, $"init = {s.Init}");
        Setting(0, "random");
        Setting(1, $"seed = {s.Seed.ToString(CultureInfo.InvariantCulture)}");
        Setting(0, "output");
        Setting(1, $"file = {s.OutputFile}");
        Setting(1, $"sig_figs = {Integer(s.SignificantDigits ?? 17)}");
        _line.AppendJoin(',', columns).Append('\n');
        Flush();
    }

    private void Setting(int level, string text) => _line.Append('#').Append(' ', 1 + 2 * level).Append(text).Append('\n');

    private static string Setting(double value) => CmdStanNumbers.Format(value, null);

    private static string Integer(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Seconds(double seconds) => CmdStanNumbers.Format(seconds, 6);

    private StringBuilder AppendNumber(double value) => AppendNumber(_line, value);

    private StringBuilder AppendNumber(StringBuilder line, double value) =>
        line.Append(CmdStanNumbers.Format(value, _settings.SignificantDigits));

    private void EnsureNotFinished()
    {
        if (_timingWritten)
            throw new InvalidOperationException("the timing has been written: the file is complete");
    }

    private void Flush()
    {
        _writer.Write(_line);
        _writer.Flush();
        _line.Clear();
    }
}
