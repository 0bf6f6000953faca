using CellTherapySim.Compilation;
using CellTherapySim.Modeling;
using CellTherapySim.Solvers;

namespace CellTherapySim.Inference;

/// <summary>What to fit: the free parameters, the parameters that vary between animals, and the solver tolerances.</summary>
/// <param name="Free">Model parameters to fit; null: those the model marks as fitted.</param>
/// <param name="RandomEffects">Free parameters that vary between animals (log-normal, or logit-normal when bounded in (0, 1)).</param>
/// <param name="Parameters">Values of the parameters that are not fitted (model order); null: the model's values.</param>
public sealed record FitSettings(IReadOnlyList<string>? Free = null, IReadOnlyList<string>? RandomEffects = null, SolverOptions? SolverOptions = null, double[]? Parameters = null);

/// <summary>
/// The posterior's coordinates and priors. Unconstrained vector q = (free parameters; residual SDs, one per endpoint in
/// the data; ω of each random effect; η of each animal and random effect, non-centred: θᵢ = θ·exp(ω·ηᵢ), ηᵢ ~ Normal(0, 1)).
/// Each coordinate maps to its constrained value through a <see cref="Transform"/> fixed by its prior's support.
/// </summary>
public sealed class FitModel
{
    /// <summary>Prior of each ω (SD of η, on the log or logit scale): half-normal(0, 0.5), i.e. CVs mostly below 100%.</summary>
    public static readonly Prior OmegaPrior = new(PriorFamily.HalfNormal, new Dictionary<string, double> { ["sd"] = 0.5 });

    /// <summary>Builds the coordinates for <paramref name="data"/>; <paramref name="source"/> names the option in messages.</summary>
    /// <exception cref="InputException">A free or random-effect parameter not in the model, or a random effect that is not free.</exception>
    public FitModel(CompiledModel compiled, FitData data, FitSettings settings, string source = "--free")
    {
        Compiled = compiled;
        Data = data;
        SolverOptions = settings.SolverOptions ?? SolverOptions.Default;
        BaseParameters = settings.Parameters ?? compiled.DefaultParameters();
        var model = compiled.Definition;
        var freeNames = settings.Free ?? model.Parameters.Where(p => p.Fitted).Select(p => p.Name).ToList();
        if (freeNames.Count == 0) throw new InputException(source, $"no free parameters: model '{model.Name}' marks none as fitted; name them with --free");
        Free = freeNames.Select(name =>
        {
            var index = model.ParameterIndex(name);
            return index >= 0 ? index : throw new InputException(source, $"'{name}' is not a parameter of model '{model.Name}'; expected one of {string.Join(", ", model.Parameters.Select(p => p.Name))}");
        }).ToArray();
        if (Free.Distinct().Count() != Free.Length) throw new InputException(source, "a free parameter is listed twice");
        foreach (var f in Free.Where(compiled.DoseScaleParameters.Contains))
            throw new InputException(source, $"'{model.Parameters[f].Name}' scales doses (a product route's scale uses it), so it cannot be fitted: a dose scale is fixed during a fit; set it with --set instead");
        _bodyWeight = model.ParameterIndex(Modeling.ModelFileReader.BodyWeightParameter);

        var random = settings.RandomEffects ?? [];
        RandomEffects = random.Select(name =>
        {
            var index = Array.IndexOf(Free, model.ParameterIndex(name));
            return index >= 0 ? index : throw new InputException("--random-effects", $"'{name}' must be a free parameter to vary between animals (free: {string.Join(", ", freeNames)})");
        }).ToArray();
        if (RandomEffects.Length > 0 && data.AnimalNames.Count == 0)
            throw new InputException("--random-effects", "random effects need individual animals; a summary file has group means only");

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
        Transforms = priors.Select(p => new Transform(p.Support.Lower, p.Support.Upper)).ToArray();
        Scales = RandomEffects.Select(r => Priors[r].Support == (0, 1) ? VariabilityScale.Logit : VariabilityScale.Log).ToArray();
        _residualCoordinate = Enumerable.Repeat(-1, model.Endpoints.Count).ToArray();
        for (var i = 0; i < data.Endpoints.Count; i++) _residualCoordinate[data.Endpoints[i]] = ResidualOffset + i;
        Names = names
            .Concat(RandomEffects.SelectMany(r => data.AnimalNames.Select(a => $"eta_{model.Parameters[Free[r]].Name}.{a}")))
            .ToArray();
    }

    private readonly int _bodyWeight;

    /// <summary>Sets the body weight in <paramref name="parameters"/> to <paramref name="scenario"/>'s (the data's WT), or back to the base value.</summary>
    public void SetBodyWeight(double[] parameters, FitScenario scenario) => SetBodyWeight(parameters, scenario.BodyWeight);

    /// <summary>Sets the body weight in <paramref name="parameters"/> to <paramref name="bodyWeight"/> (kg, an animal's WT), or back to the base value when null.</summary>
    public void SetBodyWeight(double[] parameters, double? bodyWeight)
    {
        if (_bodyWeight >= 0) parameters[_bodyWeight] = bodyWeight ?? BaseParameters[_bodyWeight];
    }

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
        return values;
    }

    /// <summary>
    /// An initial point: each prior coordinate at its prior median moved by Uniform(−radius, radius) on the
    /// unconstrained scale; ηs Uniform(−radius, radius).
    /// </summary>
    public double[] InitialPoint(Random random, double radius)
    {
        var q = new double[Dimension];
        for (var i = 0; i < Dimension; i++)
        {
            var centre = i < PriorCount ? Transforms[i].ToUnconstrained(Priors[i].Median) : 0;
            q[i] = centre + radius * (2 * random.NextDouble() - 1);
        }
        return q;
    }
}
