using CellTherapySim.Compilation;
using CellTherapySim.Inference;
using CellTherapySim.Modeling;
using CellTherapySim.Runs;

namespace CellTherapySim.Comparison;

/// <summary>
/// P(<see cref="Metric"/> of <see cref="Regimen"/> &gt; that of <see cref="Versus"/>) on <see cref="Endpoint"/> over
/// <see cref="Draws"/> posterior draws; <see cref="Versus"/> is another regimen or the untreated reference (metric &gt; 0).
/// </summary>
public readonly record struct BeatProbability(string Endpoint, string Metric, string Regimen, string Versus, double Probability, int Draws);

/// <summary>
/// A regimen comparison over posterior draws. <see cref="Summary"/> summarises every metric over the draws: ESTIMATE and
/// Q50 are the posterior median, MEAN the posterior mean, Q5/Q95 the 90% credible interval, N the draws (for onset, the
/// draws whose typical animal reaches the threshold; <see cref="RegimenEfficacy.Responders"/> is their share) and the
/// mean relief curve is the posterior mean curve. <see cref="Draws"/> holds each draw's comparison and
/// <see cref="Probabilities"/> P(AUC of a regimen &gt; AUC of another), per endpoint.
/// </summary>
public sealed record PosteriorComparisonResult(ComparisonResult Summary, IReadOnlyList<ComparisonResult> Draws, IReadOnlyList<BeatProbability> Probabilities);

/// <summary>
/// Compares regimens for the typical animal of each posterior draw: per draw exactly <see cref="RegimenComparison.Compare"/>
/// with one animal and no between-animal variability, the draws in parallel on the <see cref="OrderedRunner"/> (the
/// result does not depend on the thread count); then every metric's posterior median and 90% credible interval, and the
/// posterior probability that one regimen's AUC beats another's.
/// </summary>
public static class PosteriorComparison
{
    /// <summary>The metric the regimens are ranked on pairwise.</summary>
    public const string RankMetric = "auc";

    /// <summary>
    /// Compares <paramref name="design"/>'s regimens for each of <paramref name="draws"/> (typical parameter values,
    /// model order, of <paramref name="model"/>); <see cref="ComparisonOptions.Animals"/> and the design's variability
    /// are not used, <see cref="ComparisonOptions.Threads"/> runs draws in parallel.
    /// </summary>
    /// <param name="progress">Called with the number of draws compared so far.</param>
    /// <exception cref="InputException">A default threshold is not positive.</exception>
    /// <exception cref="Simulation.SimulationException">A draw's simulation failed; the message names the draw, the animal's regimen.</exception>
    public static PosteriorComparisonResult Compare(ComparisonDesign design, CompiledModel model, IReadOnlyList<double[]> draws, ComparisonOptions options, Action<int>? progress = null)
    {
        if (draws.Count == 0) throw new ArgumentException("no posterior draw", nameof(draws));
        var typicalAnimal = design with { Variability = BetweenAnimalVariability.None };
        var perDraw = options with { Animals = 1, Threads = 1 };
        var results = new ComparisonResult[draws.Count];
        OrderedRunner.Run(0, draws.Count, () => 0,
            (position, _) => PosteriorDraw.Run(position, () => RegimenComparison.Compare(typicalAnimal, model, draws[(int)position], perDraw)),
            (position, result) => results[position] = result,
            options.Threads, progress is null ? null : done => progress((int)done));

        var first = results[0];
        var efficacies = first.Efficacies.Select((x, i) =>
        {
            var all = results.Select(r => r.Efficacies[i]).ToArray();
            // One animal: each metric's Mean is that animal's value (NaN for an onset never reached).
            var onsets = all.Select(a => a.Onset.Mean).Where(o => !double.IsNaN(o)).ToArray();
            return x with
            {
                Effects = x.Effects.Select((e, d) => e with { Relief = Posterior(all.Select(a => a.Effects[d].Relief.Mean)) }).ToList(),
                Auc = Posterior(all.Select(a => a.Auc.Mean)),
                Onset = Posterior(onsets),
                Responders = (double)onsets.Length / all.Length,
                Peak = Posterior(all.Select(a => a.Peak.Mean)),
                PeakDay = Posterior(all.Select(a => a.PeakDay.Mean)),
                Duration = Posterior(all.Select(a => a.Duration.Mean)),
                MeanRelief = x.MeanRelief.Select((_, k) => all.Sum(a => a.MeanRelief[k]) / all.Length).ToList(),
            };
        }).ToList();
        var summary = first with { Design = typicalAnimal, Options = options with { Animals = 1 }, Efficacies = efficacies };
        return new PosteriorComparisonResult(summary, results, Probabilities(design, results));
    }

    /// <summary>The posterior summary of per-draw values: median (as the estimate), mean, 5/50/95% quantiles, count.</summary>
    private static MetricSummary Posterior(IEnumerable<double> values)
    {
        var summary = MetricSummary.Of(double.NaN, values);
        return summary with { Estimate = summary.Q50 };
    }

    /// <summary>Per endpoint, for each regimen: P(AUC &gt; 0), i.e. beats its untreated reference, then P(AUC &gt; AUC of each other regimen).</summary>
    private static List<BeatProbability> Probabilities(ComparisonDesign design, ComparisonResult[] results)
    {
        var endpoints = design.Endpoints.Count;
        var regimens = design.Regimens;
        var probabilities = new List<BeatProbability>();
        for (var e = 0; e < endpoints; e++)
        {
            double[] Auc(int r) => results.Select(x => x.Efficacies[r * endpoints + e].Auc.Mean).ToArray();
            BeatProbability Beat(int r, string versus, double[] b)
            {
                var a = Auc(r);
                return new BeatProbability(design.Endpoints[e], RankMetric, regimens[r].Name, versus,
                    Enumerable.Range(0, a.Length).Count(d => a[d] > b[d]) / (double)a.Length, a.Length);
            }
            for (var r = 0; r < regimens.Count; r++)
            {
                probabilities.Add(Beat(r, design.ReferenceOf(regimens[r]).Name, new double[results.Length]));
                for (var s = 0; s < regimens.Count; s++)
                    if (s != r) probabilities.Add(Beat(r, regimens[s].Name, Auc(s)));
            }
        }
        return probabilities;
    }
}
