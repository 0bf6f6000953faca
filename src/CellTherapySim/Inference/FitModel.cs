using CellTherapySim.Compilation;
using CellTherapySim.Modeling;
using CellTherapySim.Solvers;

namespace CellTherapySim.Inference;

/// <summary>What to fit: the free parameters, the parameters that vary between animals, and the solver tolerances.</summary>
/// <param name="Free">Model parameters to fit; null: those the model marks as fitted.</param>
/// <param name="RandomEffects">Free parameters that vary between animals (log-normal, or logit-normal when bounded in (0, 1)).</param>
/// <param name="Parameters">Values of the parameters that are not fitted (model order); null: the model's values.</param>
/// <param name="Centred">Random effects sampled in the centred parametrisation (see <see cref="FitModel"/>); null: none.</param>
public sealed record FitSettings(IReadOnlyList<string>? Free = null, IReadOnlyList<string>? RandomEffects = null, SolverOptions? SolverOptions = null, double[]? Parameters = null,
    IReadOnlyList<string>? Centred = null);

/// <summary>
/// The posterior's coordinates and priors. Unconstrained vector q = (free parameters; residual SDs, one per endpoint in
/// the data; ω of each random effect; per animal and random effect its coordinate, non-centred θᵢ = θ·exp(ω·ηᵢ),
/// ηᵢ ~ Normal(0, 1), or centred log θᵢ ~ Normal(log θ, ω) — see <see cref="Centred"/>; logit for parameters in (0, 1)).
/// Each coordinate maps to its constrained value through a <see cref="Transform"/> fixed by its prior's support.
/// </summary>
public sealed class FitModel
{
    /// <summary>Prior of each ω (SD of η, on the log or logit scale): half-normal(0, 0.5), i.e. CVs mostly below 100%.</summary>
    public static readonly Prior OmegaPrior = new(PriorFamily.HalfNormal, new Dictionary<string, double> { ["sd"] = 0.5 });

    /// <summary>Builds the coordinates for <paramref name="data"/>; <paramref name="source"/> names the option in messages.</summary>
    /// <remarks>
    /// A random-effect parameter that is not in the free set is added to it (after the free parameters, in the order
    /// the random effects name them; <see cref="FreedForRandomEffects"/>): its typical value must be estimated.
    /// </remarks>
    /// <exception cref="InputException">
    /// A free or random-effect parameter not in the model or listed twice; a dose-scale parameter; a random effect on a
    /// parameter whose prior allows neither a log-normal nor a logit-normal variation (a normal prior, a uniform one other
    /// than on (0, 1)); random effects with summary data or fewer than two animals.
    /// </exception>
    public FitModel(CompiledModel compiled, FitData data, FitSettings settings, string source = "--free")
    {
        Compiled = compiled;
        Data = data;
        SolverOptions = settings.SolverOptions ?? SolverOptions.Fitting;
        BaseParameters = settings.Parameters ?? compiled.DefaultParameters();
        var model = compiled.Definition;
        var freeNames = settings.Free ?? model.Parameters.Where(p => p.Fitted).Select(p => p.Name).ToList();
        if (freeNames.Count == 0) throw new InputException(source, $"no free parameters: model '{model.Name}' marks none as fitted; name them with --free");
        var free = freeNames.Select(name =>
        {
            var index = model.ParameterIndex(name);
            return index >= 0 ? index : throw new InputException(source, $"'{name}' is not a parameter of model '{model.Name}'; expected one of {string.Join(", ", model.Parameters.Select(p => p.Name))}");
        }).ToList();
        if (free.GroupBy(f => f).FirstOrDefault(g => g.Count() > 1) is { } twice)
            throw new InputException(source, $"'{model.Parameters[twice.Key].Name}' is listed twice");
        foreach (var f in free.Where(compiled.DoseScaleParameters.Contains))
            throw new InputException(source, $"'{model.Parameters[f].Name}' scales doses (a product route's scale uses it), so it cannot be fitted: a dose scale is fixed during a fit; set it with --set instead");
        _bodyWeight = model.ParameterIndex(Modeling.ModelFileReader.BodyWeightParameter);

        // Random effects: each a parameter of the model, once, able to vary on the log or logit scale; one that is not
        // free is freed (its typical value is estimated with it).
        var randomIndices = new List<int>();
        var freed = new List<string>();
        foreach (var name in settings.RandomEffects ?? [])
        {
            var index = model.ParameterIndex(name);
            if (index < 0)
                throw new InputException(RandomEffectsOption, $"'{name}' is not a parameter of model '{model.Name}'; expected one of {string.Join(", ", RandomEffectCandidates(compiled))}");
            if (randomIndices.Contains(index)) throw new InputException(RandomEffectsOption, $"'{name}' is listed twice");
            if (compiled.DoseScaleParameters.Contains(index))
                throw new InputException(RandomEffectsOption, $"'{name}' scales doses (a product route's scale uses it), so it cannot vary between animals in a fit: a dose scale is fixed during a fit (per animal, the data's WT column gives the body weight)");
            if (ScaleProblem(model.Parameters[index]) is { } problem) throw new InputException(RandomEffectsOption, problem);
            randomIndices.Add(index);
            if (!free.Contains(index))
            {
                free.Add(index);
                freed.Add(name);
            }
        }
        Free = free.ToArray();
        var active = compiled.Sensitivities(Free).Active;
        _entersEquations = Enumerable.Range(0, Free.Length).Select(active.Contains).ToArray();
        FreedForRandomEffects = freed;
        RandomEffects = randomIndices.Select(index => free.IndexOf(index)).ToArray();
        if (RandomEffects.Length > 0 && data.AnimalNames.Count == 0)
            throw new InputException(RandomEffectsOption, "random effects need individual animals; a summary file has group means only");
        if (RandomEffects.Length > 0 && data.AnimalNames.Count < 2)
            throw new InputException(RandomEffectsOption, $"random effects need at least 2 animals; the data have {data.AnimalNames.Count}");

        var priors = new List<PriorDensity>();
        var names = new List<string>();
        foreach (var f in Free)
        {
            priors.Add(new PriorDensity(model.Parameters[f].Prior));
            names.Add(model.Parameters[f].Name);
        }
        foreach (var e in data.Endpoints)
        {
            priors.Add(new PriorDensity(model.Endpoints[e].ErrorPrior));
            names.Add($"sigma_{model.Endpoints[e].Name}");
        }
        foreach (var r in RandomEffects)
        {
            priors.Add(new PriorDensity(OmegaPrior));
            names.Add($"omega_{model.Parameters[Free[r]].Name}");
        }
        Priors = priors;
        Transforms = priors.Select(p => new Transform(p.Support.Lower, p.Support.Upper, p.Lean)).ToArray();
        Scales = RandomEffects.Select(r => Priors[r].Support == (0, 1) ? VariabilityScale.Logit : VariabilityScale.Log).ToArray();
        _residualCoordinate = Enumerable.Repeat(-1, model.Endpoints.Count).ToArray();
        for (var i = 0; i < data.Endpoints.Count; i++) _residualCoordinate[data.Endpoints[i]] = ResidualOffset + i;
        Names = names
            .Concat(RandomEffects.SelectMany(r => data.AnimalNames.Select(a => $"eta_{model.Parameters[Free[r]].Name}.{a}")))
            .ToArray();
        var centred = settings.Centred ?? [];
        foreach (var name in centred.Where(c => !RandomEffects.Any(r => model.Parameters[Free[r]].Name == c)))
            throw new InputException("--centred", $"'{name}' has no random effect to centre; expected some of {string.Join(", ", RandomEffects.Select(r => model.Parameters[Free[r]].Name))}, 'auto' or 'none'");
        Centred = RandomEffects.Select(r => centred.Contains(model.Parameters[Free[r]].Name)).ToArray();
        _settings = settings;
        _source = source;
    }

    private readonly FitSettings _settings;
    private readonly string _source;

    /// <summary>
    /// Per random effect, whether its animals' coordinates are centred — uᵢ = log θᵢ (or logit θᵢ) ~ Normal(log θ, ω),
    /// better when the data pin each animal's value down — instead of non-centred ηᵢ ~ Normal(0, 1), better when they
    /// do not (Papaspiliopoulos, Roberts &amp; Sköld 2007, Stat Sci 22:59; Betancourt &amp; Girolami 2015). Either way the
    /// draws report ηᵢ = (uᵢ − log θ)/ω.
    /// </summary>
    public bool[] Centred { get; }

    /// <summary>
    /// A point <paramref name="q"/> and diagonal inverse metric <paramref name="variance"/> of this fit's all-non-centred
    /// form (<see cref="WithCentred"/> of none) in this fit's coordinates: a centred uᵢ = m + ω·ηᵢ with variance ω²·var(ηᵢ).
    /// (A centred posterior has no mode — its density grows without bound as ω → 0 with every uᵢ at m — so a start is
    /// sought in the non-centred form and carried over.)
    /// </summary>
    public (double[] Point, double[] Variance) FromNonCentred(double[] q, double[] variance)
    {
        var (point, metric) = ((double[])q.Clone(), (double[])variance.Clone());
        for (var j = 0; j < RandomEffects.Length; j++)
        {
            if (!Centred[j]) continue;
            var typical = Transforms[RandomEffects[j]].ToConstrained(q[RandomEffects[j]], out _, out _, out _);
            var omega = Transforms[OmegaOffset + j].ToConstrained(q[OmegaOffset + j], out _, out _, out _);
            for (var a = 0; a < Data.AnimalNames.Count; a++)
            {
                var i = EtaCoordinate(j, a);
                point[i] = Scales[j].ToScale(typical) + omega * q[i];
                metric[i] = Math.Max(omega * omega * variance[i], 1e-8);
            }
        }
        return (point, metric);
    }

    /// <summary>The same fit with the random effects named in <paramref name="centred"/> centred, the others not.</summary>
    public FitModel WithCentred(IReadOnlyList<string> centred) => new(Compiled, Data, _settings with { Centred = centred }, _source);

    private readonly int _bodyWeight;

    /// <summary>Sets the body weight in <paramref name="parameters"/> to <paramref name="scenario"/>'s (the data's WT), or back to the base value.</summary>
    public void SetBodyWeight(double[] parameters, FitScenario scenario) => SetBodyWeight(parameters, scenario.BodyWeight);

    /// <summary>Sets the body weight in <paramref name="parameters"/> to <paramref name="bodyWeight"/> (kg, an animal's WT), or back to the base value when null.</summary>
    public void SetBodyWeight(double[] parameters, double? bodyWeight)
    {
        if (_bodyWeight >= 0) parameters[_bodyWeight] = bodyWeight ?? BaseParameters[_bodyWeight];
    }

    /// <summary>Whether the free parameter at position <paramref name="k"/> of <see cref="Free"/> enters the model's equations (not only its readouts).</summary>
    public bool EntersEquations(int k) => _entersEquations[k];

    private readonly bool[] _entersEquations;

    /// <summary>The compiled model.</summary>
    public CompiledModel Compiled { get; }

    /// <summary>Tolerances of the simulations.</summary>
    public SolverOptions SolverOptions { get; }

    /// <summary>Values of every parameter (model order); the free ones are replaced at each evaluation.</summary>
    public double[] BaseParameters { get; }

    /// <summary>The data.</summary>
    public FitData Data { get; }

    /// <summary>Model indices of the free parameters.</summary>
    public int[] Free { get; }

    /// <summary>Positions in <see cref="Free"/> of the parameters with random effects.</summary>
    public int[] RandomEffects { get; }

    /// <summary>
    /// Names of the parameters added to the free set because they have random effects (they were not among the free
    /// parameters asked for), in the order of the random effects; empty when every random effect was free already.
    /// </summary>
    public IReadOnlyList<string> FreedForRandomEffects { get; }

    /// <summary>The option that names the random effects, in messages.</summary>
    public const string RandomEffectsOption = "--random-effects";

    /// <summary>
    /// Why <paramref name="parameter"/> cannot have a random effect on the log or logit scale (the scales of
    /// <see cref="VariabilityScale"/>), or null when it can: its prior's support must be (0, ∞) (log-normal: lognormal,
    /// halfnormal) or (0, 1) (logit-normal: beta, uniform(0, 1)).
    /// </summary>
    public static string? ScaleProblem(ParameterDefinition parameter)
    {
        var prior = parameter.Prior;
        var (lower, upper) = new PriorDensity(prior).Support;
        if (lower == 0 && (double.IsPositiveInfinity(upper) || upper == 1)) return null;
        var interval = string.Create(System.Globalization.CultureInfo.InvariantCulture, $"({lower:G6}, {upper:G6})");
        var advice = "give it a log-normal prior in the model file (a beta prior for a fraction in (0, 1)) or leave it out of --random-effects";
        return prior.Family == PriorFamily.Uniform
            ? $"'{parameter.Name}' has a {PriorText(prior)} prior: a log-normal random effect would leave its bounds (a logit-normal scale on {interval} would be needed, which --random-effects does not offer); {advice}"
            : $"'{parameter.Name}' has a {PriorText(prior)} prior, on all real numbers: a log-normal random effect needs a positive parameter and a logit-normal one a parameter in (0, 1) (an additive normal random effect would be needed, which --random-effects does not offer); {advice}";
    }

    /// <summary>A prior as "uniform(2, 5)" or "normal(0, 1)": the family and its arguments in order.</summary>
    private static string PriorText(Prior prior) => string.Create(System.Globalization.CultureInfo.InvariantCulture,
        $"{prior.Family.ToString().ToLowerInvariant()}({string.Join(", ", Prior.ArgumentNames(prior.Family).Select(n => prior.Arguments[n].ToString("G6", System.Globalization.CultureInfo.InvariantCulture)))})");

    /// <summary>The parameters of the model that can have a random effect in a fit: not a dose scale, a prior on (0, ∞) or (0, 1).</summary>
    private static IEnumerable<string> RandomEffectCandidates(CompiledModel compiled) =>
        compiled.Definition.Parameters
            .Where((p, i) => !compiled.DoseScaleParameters.Contains(i) && ScaleProblem(p) is null)
            .Select(p => p.Name);

    /// <summary>The scale of each random effect: logit for a parameter bounded in (0, 1), log otherwise.</summary>
    public VariabilityScale[] Scales { get; }

    private readonly int[] _residualCoordinate;

    /// <summary>The coordinate of the residual SD of model endpoint <paramref name="endpoint"/> (an endpoint of the data).</summary>
    public int ResidualCoordinate(int endpoint) => _residualCoordinate[endpoint];

    /// <summary>Priors of the first <see cref="PriorCount"/> coordinates (free parameters, residual SDs, ωs).</summary>
    public IReadOnlyList<PriorDensity> Priors { get; }

    /// <summary>Transforms of the first <see cref="PriorCount"/> coordinates; the ηs are unconstrained.</summary>
    public Transform[] Transforms { get; }

    /// <summary>Number of coordinates with their own prior (free parameters, residual SDs, ωs).</summary>
    public int PriorCount => Priors.Count;

    /// <summary>Index of the first residual SD coordinate.</summary>
    public int ResidualOffset => Free.Length;

    /// <summary>Index of the first ω coordinate.</summary>
    public int OmegaOffset => Free.Length + Data.Endpoints.Count;

    /// <summary>Index of the first η coordinate; η of animal a and random effect j is at EtaOffset + j·animals + a.</summary>
    public int EtaOffset => PriorCount;

    /// <summary>The coordinate of η of animal <paramref name="animal"/> for random effect <paramref name="j"/> (position in <see cref="RandomEffects"/>).</summary>
    public int EtaCoordinate(int j, int animal) => EtaOffset + j * Data.AnimalNames.Count + animal;

    /// <summary>Names of the constrained parameters in CmdStan style (eta_k_act.3 for animal 3).</summary>
    public string[] Names { get; }

    /// <summary>Number of unconstrained coordinates.</summary>
    public int Dimension => Names.Length;

    /// <summary>
    /// Animal <paramref name="animal"/>'s value of the free parameter at position <paramref name="k"/> of <see cref="Free"/>
    /// under the constrained draw <paramref name="draw"/> (<see cref="Names"/> order): the typical value, moved by its
    /// random effect when it has one.
    /// </summary>
    public double IndividualValue(ReadOnlySpan<double> draw, int k, int animal)
    {
        var j = Array.IndexOf(RandomEffects, k);
        return j < 0 ? draw[k] : Scales[j].Individual(draw[k], draw[OmegaOffset + j] * draw[EtaCoordinate(j, animal)]);
    }

    /// <summary>The constrained values of the unconstrained point <paramref name="q"/>.</summary>
    public double[] Constrain(ReadOnlySpan<double> q)
    {
        var values = q.ToArray();
        for (var i = 0; i < PriorCount; i++) values[i] = Transforms[i].ToConstrained(q[i], out _, out _, out _);
        for (var j = 0; j < RandomEffects.Length; j++)
        {
            if (!Centred[j]) continue;
            var (mean, omega) = (Scales[j].ToScale(values[RandomEffects[j]]), values[OmegaOffset + j]);
            for (var a = 0; a < Data.AnimalNames.Count; a++) values[EtaCoordinate(j, a)] = (q[EtaCoordinate(j, a)] - mean) / omega;
        }
        return values;
    }

    /// <summary>
    /// An initial point: each prior coordinate at its prior median moved by Uniform(−radius, radius) on the
    /// unconstrained scale; ηs Uniform(−radius, radius) (a centred coordinate at the value of that η).
    /// </summary>
    public double[] InitialPoint(Random random, double radius)
    {
        var q = new double[Dimension];
        for (var i = 0; i < Dimension; i++)
        {
            var centre = i < PriorCount ? Transforms[i].ToUnconstrained(Priors[i].Median) : 0;
            q[i] = centre + radius * (2 * random.NextDouble() - 1);
        }
        for (var j = 0; j < RandomEffects.Length; j++)
        {
            if (!Centred[j]) continue;
            var typical = Transforms[RandomEffects[j]].ToConstrained(q[RandomEffects[j]], out _, out _, out _);
            var omega = Transforms[OmegaOffset + j].ToConstrained(q[OmegaOffset + j], out _, out _, out _);
            for (var a = 0; a < Data.AnimalNames.Count; a++) q[EtaCoordinate(j, a)] = Scales[j].ToScale(typical) + omega * q[EtaCoordinate(j, a)];
        }
        return q;
    }
}
