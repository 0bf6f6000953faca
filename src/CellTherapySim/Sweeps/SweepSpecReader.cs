using System.Globalization;
using CellTherapySim.Comparison;
using CellTherapySim.Modeling;
using CellTherapySim.Simulation;
using CellTherapySim.Studies;
using YamlDotNet.RepresentationModel;

namespace CellTherapySim.Sweeps;

/// <summary>Reads a sweep spec (YAML); every problem is an <see cref="InputException"/> at the file's line and column.</summary>
public static class SweepSpecReader
{
    /// <summary>The largest design run without --force (scenarios).</summary>
    public const long DefaultMaxScenarios = 10_000_000;

    private static readonly string[] TopKeys = ["name", "description", "model", "injury", "days", "endpoints", "reference", "set", "body_weight", "factors", "regimen", "design", "cohort", "metrics", "rank"];
    private static readonly string[] FactorKeys = ["values", "range", "count", "scale", "distribution", "parameter", "type"];
    private static readonly string[] DesignKeys = ["type", "points", "categorical"];
    private static readonly string[] CohortKeys = ["animals", "variability"];
    private static readonly string[] MetricKeys = ["effect_days", "thresholds"];
    private static readonly string[] DoseKeys = ["route", "product", "amount", "cells", "day", "days", "every", "doses"];

    /// <summary>
    /// Reads the spec at <paramref name="path"/>; a relative 'model:' or cohort study path is resolved against the spec's
    /// folder. Without <paramref name="readDesign"/> (a caller that makes its own design over the factors, as ctsim
    /// sensitivity does) the 'design' key is not read, range factors need no 'count', and the spec's design is a
    /// one-point Sobol placeholder.
    /// </summary>
    public static SweepSpec ReadFile(string path, bool readDesign = true)
    {
        var text = InputFile.ReadAllText(path, "sweep spec");
        var folder = Path.GetDirectoryName(Path.GetFullPath(path)) ?? ".";
        return Read(text, path, file => Path.Combine(folder, file), readDesign);
    }

    /// <summary>Reads spec text; <paramref name="resolve"/> turns a relative path in it into a file path (<paramref name="readDesign"/>: as in <see cref="ReadFile"/>).</summary>
    public static SweepSpec Read(string text, string file, Func<string, string> resolve, bool readDesign = true)
    {
        var yaml = new YamlNodes(file);
        var root = yaml.LoadRoot(text);
        foreach (var _ in yaml.Entries(root, "the sweep spec", TopKeys)) { }

        var model = YamlNodes.Optional(root, "model") is { } modelNode ? ModelFileReader.ReadFile(resolve(yaml.Text(modelNode, "'model'"))) : DefaultModel.Definition;
        var injury = YamlNodes.Optional(root, "injury") is { } injuryNode ? Injury(yaml, injuryNode, model) : model.Scenario.Injury;
        var days = YamlNodes.Optional(root, "days") is { } daysNode ? Days(yaml, daysNode) : TimeGrid.Parse(model.Scenario.Times, $"{model.Source} (scenario)");
        var endpoints = StudyFileReader.ReadEndpoints(yaml, root, model);
        var parameters = BaseParameters(yaml, root, model);
        var factors = Factors(yaml, yaml.Required(root, "factors", "the sweep spec"), model);
        var template = Template(yaml, yaml.Required(root, "regimen", "the sweep spec"), factors);
        var reference = YamlNodes.Optional(root, "reference") is { } referenceNode ? Reference(yaml, referenceNode, model) : [];
        var (design, points, categorical) = readDesign ? Design(yaml, root, factors) : (DesignKind.Sobol, 1L, CategoricalMode.Crossed);
        var cohort = YamlNodes.Optional(root, "cohort") is { } cohortNode ? Cohort(yaml, cohortNode, model, resolve) : null;
        var (effectDays, thresholds) = Metrics(yaml, root, days, endpoints);
        var rank = YamlNodes.Optional(root, "rank") is { } rankNode ? ParseRank(yaml.Text(rankNode, "'rank'"), endpoints, e => yaml.Error(rankNode, e)) : (endpoints[0], "auc");

        var spec = new SweepSpec(
            YamlNodes.Optional(root, "name") is { } name ? yaml.Text(name, "'name'") : Path.GetFileNameWithoutExtension(file),
            file, text, model, injury, days, endpoints, parameters, reference, factors, template, design, points, categorical, cohort,
            effectDays, thresholds, rank);
        // The first scenario's regimen must expand: catches a wrong route, product or amount before anything runs.
        var first = new SweepDesign(spec, 1).Values(0);
        if (template.Doses(model, first, () => "the first scenario").Count == 0)
            throw yaml.Error(root, "the regimen template gives no dose");
        return spec;
    }

    /// <summary>Parses "ENDPOINT:METRIC" (metric auc, onset, peak, duration or effect_dayD) for <paramref name="endpoints"/>.</summary>
    public static (string Endpoint, string Metric) ParseRank(string text, IReadOnlyList<string> endpoints, Func<string, Exception> error)
    {
        var parts = text.Split(':', 2, StringSplitOptions.TrimEntries);
        if (parts.Length != 2) throw error($"'{text}' is not a ranking; expected ENDPOINT:METRIC, e.g. PMWT:auc");
        if (!endpoints.Contains(parts[0])) throw error($"'{parts[0]}' is not an endpoint of the sweep; expected one of {string.Join(", ", endpoints)}");
        if (parts[1] is not ("auc" or "onset" or "peak" or "duration") && !parts[1].StartsWith("effect_day", StringComparison.Ordinal))
            throw error($"'{parts[1]}' cannot rank scenarios; expected auc, onset, peak, duration or effect_dayD (a metric day)");
        return (parts[0], parts[1]);
    }

    private static string Injury(YamlNodes yaml, YamlNode node, ModelDefinition model)
    {
        var injury = yaml.Text(node, "'injury'");
        return model.Injury(injury) is not null ? injury
            : throw yaml.Error(node, $"unknown injury preset '{injury}'; expected one of {string.Join(", ", model.Injuries.Select(i => i.Name))}");
    }

    private static double[] Days(YamlNodes yaml, YamlNode node)
    {
        if (node is YamlScalarNode scalar)
        {
            try { return TimeGrid.Parse(scalar.Value ?? "", "'days'"); }
            catch (InputException e) { throw yaml.Error(node, e.Problem); }
        }
        var days = yaml.Sequence(node, "'days' (start:stop:step or a list)").Select(d => yaml.Number(d, "a readout day")).ToArray();
        for (var i = 0; i < days.Length; i++)
            if (days[i] < 0 || (i > 0 && days[i] <= days[i - 1])) throw yaml.Error(node, "readout days must be ≥ 0 and increase");
        return days.Length > 0 ? days : throw yaml.Error(node, "'days' is empty");
    }

    private static double[] BaseParameters(YamlNodes yaml, YamlMappingNode root, ModelDefinition model)
    {
        var values = model.Parameters.Select(p => p.Value).ToArray();
        if (YamlNodes.Optional(root, "set") is { } set)
            foreach (var (name, keyNode, value) in yaml.Entries(yaml.Mapping(set, "'set' (parameter: value)"), "'set'"))
            {
                var index = model.ParameterIndex(name);
                if (index < 0) throw yaml.Error(keyNode, UnknownParameter(name, model));
                values[index] = yaml.Number(value, $"the value of '{name}'");
            }
        if (YamlNodes.Optional(root, "body_weight") is { } bw)
        {
            var index = model.ParameterIndex(ModelFileReader.BodyWeightParameter);
            if (index < 0) throw yaml.Error(bw, $"'body_weight' sets the model's parameter '{ModelFileReader.BodyWeightParameter}', but model '{model.Name}' has none");
            values[index] = yaml.Number(bw, "'body_weight' (kg)") is > 0 and var weight ? weight : throw yaml.Error(bw, "'body_weight' must be > 0 kg");
        }
        return values;
    }

    private static string UnknownParameter(string name, ModelDefinition model) =>
        $"'{name}' is not a parameter of model '{model.Name}'; expected one of {string.Join(", ", model.Parameters.Select(p => p.Name))}";

    private static List<SweepFactor> Factors(YamlNodes yaml, YamlNode node, ModelDefinition model)
    {
        var factors = new List<SweepFactor>();
        foreach (var (name, keyNode, value) in yaml.Entries(yaml.Mapping(node, "'factors' (name: {values} or {range, count})"), "'factors'"))
        {
            var what = $"factor '{name}'";
            var (line, column) = ((int)keyNode.Start.Line, (int)keyNode.Start.Column);
            if (name.Length == 0 || !name.All(c => char.IsLetterOrDigit(c) || c == '_'))
                throw yaml.Error(keyNode, $"factor name '{name}' must be letters, digits and '_' (it is used as $name in the regimen)");
            var map = yaml.Mapping(value, $"{what} ({{values: [...]}} or {{range: [low, high], count: n}})");
            foreach (var _ in yaml.Entries(map, what, FactorKeys)) { }
            var parameter = -1;
            if (YamlNodes.Optional(map, "parameter") is { } p)
            {
                var parameterName = yaml.Text(p, "'parameter'");
                parameter = model.ParameterIndex(parameterName);
                if (parameter < 0) throw yaml.Error(p, UnknownParameter(parameterName, model));
            }
            var integer = YamlNodes.Optional(map, "type") is { } t && (yaml.Text(t, "'type'") switch
            {
                "integer" => true,
                "number" => false,
                var other => throw yaml.Error(t, $"unknown factor type '{other}'; expected integer or number"),
            });
            var valuesNode = YamlNodes.Optional(map, "values");
            var rangeNode = YamlNodes.Optional(map, "range");
            if ((valuesNode is null) == (rangeNode is null)) throw yaml.Error(map, $"{what} needs either 'values' or 'range'");
            if (valuesNode is not null)
            {
                var values = yaml.Sequence(valuesNode, "'values'").Select(v => yaml.Text(v, "a value")).ToList();
                if (values.Count == 0) throw yaml.Error(valuesNode, $"{what} has no values");
                if (values.Distinct().Count() != values.Count) throw yaml.Error(valuesNode, $"{what} lists a value twice");
                if (parameter >= 0)
                    foreach (var (v, item) in values.Zip(yaml.Sequence(valuesNode, "'values'")))
                        if (!double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out var x) || !double.IsFinite(x))
                            throw yaml.Error(item, $"the values of parameter factor '{name}' must be numbers, not '{v}'");
                factors.Add(new SweepFactor(name, parameter, values, 0, 0, values.Count, false, integer, line, column));
                continue;
            }
            var range = yaml.Sequence(rangeNode!, "'range' ([low, high])").ToList();
            if (range.Count != 2) throw yaml.Error(rangeNode!, $"'range' of {what} must be [low, high]");
            var (low, high) = (yaml.Number(range[0], "the low end"), yaml.Number(range[1], "the high end"));
            if (!(high > low)) throw yaml.Error(rangeNode!, $"the range of {what} is empty or inverted: [{low.ToString(CultureInfo.InvariantCulture)}, {high.ToString(CultureInfo.InvariantCulture)}]; expected low < high");
            var scaleNode = YamlNodes.Optional(map, "scale") ?? YamlNodes.Optional(map, "distribution");
            var log = scaleNode is not null && (yaml.Text(scaleNode, "'scale'") switch
            {
                "log" or "loguniform" or "log-uniform" => true,
                "linear" or "uniform" => false,
                var other => throw yaml.Error(scaleNode, $"unknown scale '{other}'; expected linear (uniform) or log (log-uniform)"),
            });
            if (log && low <= 0) throw yaml.Error(rangeNode!, $"a log range of {what} must be > 0 at both ends (a log scale cannot reach or cross zero)");
            if (integer && (low != Math.Floor(low) || high != Math.Floor(high))) throw yaml.Error(rangeNode!, $"an integer range of {what} needs whole-number ends");
            var count = YamlNodes.Optional(map, "count") is { } c ? (int)Math.Min(yaml.Number(c, "'count'"), int.MaxValue) : 0;
            if (YamlNodes.Optional(map, "count") is { } cn && count < 1) throw yaml.Error(cn, "'count' must be a whole number ≥ 1");
            factors.Add(new SweepFactor(name, parameter, null, low, high, count, log, integer, line, column));
        }
        if (factors.Count == 0) throw yaml.Error(node, "'factors' is empty; a sweep needs at least one factor");
        return factors;
    }

    private static RegimenTemplate Template(YamlNodes yaml, YamlNode node, IReadOnlyList<SweepFactor> factors)
    {
        TemplateValue Value(YamlNode item)
        {
            var scalar = yaml.Scalar(item, "a template value");
            var text = scalar.Value ?? "";
            if (!text.StartsWith('$')) return new TemplateValue(text, -1, "", (int)item.Start.Line, (int)item.Start.Column);
            // "$name" or "$name UNIT" (the factor's value with a unit after it, e.g. "$amount ug").
            var name = new string(text[1..].TakeWhile(c => char.IsLetterOrDigit(c) || c == '_').ToArray());
            var suffix = text[(1 + name.Length)..].Trim();
            var index = factors.ToList().FindIndex(f => f.Name == name);
            if (index < 0) throw yaml.Error(item, $"unknown factor '${name}'; expected one of {string.Join(", ", factors.Select(f => "$" + f.Name))}");
            if (factors[index].Parameter >= 0) throw yaml.Error(item, $"'${name}' is a parameter factor (it sets {name}'s parameter); it cannot be used in the regimen");
            return new TemplateValue(null, index, suffix, (int)item.Start.Line, (int)item.Start.Column);
        }

        var entries = new List<TemplateEntry>();
        foreach (var item in yaml.Sequence(node, "'regimen' (a list of {route, cells, day, ...})"))
        {
            var map = yaml.Mapping(item, "a dose of the regimen template");
            var fields = new Dictionary<string, TemplateValue>();
            var lists = new Dictionary<string, IReadOnlyList<TemplateValue>>();
            foreach (var (key, _, value) in yaml.Entries(map, "a dose of the regimen template", DoseKeys))
                if (key == "days" && value is YamlSequenceNode sequence) lists[key] = sequence.Children.Select(Value).ToList();
                else fields[key] = Value(value);
            if (!fields.ContainsKey("route")) throw yaml.Error(map, "a dose of the regimen template has no 'route'");
            entries.Add(new TemplateEntry(fields, lists, (int)item.Start.Line, (int)item.Start.Column));
        }
        if (entries.Count == 0) throw yaml.Error(node, "'regimen' is empty");
        var used = entries.SelectMany(e => e.Fields.Values.Concat(e.Lists.Values.SelectMany(l => l))).Where(v => v.Literal is null).Select(v => v.Factor).ToHashSet();
        var unused = factors.Select((f, i) => (f, i)).FirstOrDefault(x => x.f.Parameter < 0 && !used.Contains(x.i));
        if (unused.f is not null) throw yaml.Error(node, $"factor '{unused.f.Name}' is neither a parameter nor used in the regimen (write ${unused.f.Name} in a dose, or 'parameter: NAME')");
        return new RegimenTemplate(yaml.File, entries);
    }

    private static IReadOnlyList<Dose> Reference(YamlNodes yaml, YamlNode node, ModelDefinition model)
    {
        var doses = new List<Dose>();
        foreach (var item in yaml.Sequence(node, "'reference' (a regimen: a list of {route, cells, day})"))
        {
            var map = yaml.Mapping(item, "a dose of the reference regimen");
            foreach (var _ in yaml.Entries(map, "a dose of the reference regimen", DoseKeys)) { }
            string? Text(string key) => YamlNodes.Optional(map, key) is { } n ? yaml.Text(n, $"'{key}'") : null;
            double? Number(string key) => YamlNodes.Optional(map, key) is { } n ? yaml.Number(n, $"'{key}'") : null;
            var days = YamlNodes.Optional(map, "days") is { } d ? yaml.Sequence(d, "'days'").Select(x => yaml.Number(x, "a dose day")).ToList() : null;
            var entry = new RegimenEntry(Text("route") ?? "", Text("product"), Text("amount"), Text("cells"), Number("day"), days, Number("every"), Number("doses"));
            doses.AddRange(entry.Expand(model, (_, problem) => yaml.Error(map, $"a dose of the reference regimen: {problem}")));
        }
        return doses.OrderBy(d => d.Time).ToList();
    }

    private static (DesignKind, long, CategoricalMode) Design(YamlNodes yaml, YamlMappingNode root, IReadOnlyList<SweepFactor> factors)
    {
        var node = YamlNodes.Optional(root, "design");
        var map = node is null ? null : yaml.Mapping(node, "'design' ({type: grid | lhs | sobol, points: N, categorical: crossed | sampled})");
        if (map is not null) foreach (var _ in yaml.Entries(map, "'design'", DesignKeys)) { }
        var typeNode = map is null ? null : YamlNodes.Optional(map, "type");
        var kind = typeNode is null ? DesignKind.Grid : yaml.Text(typeNode, "'type'") switch
        {
            "grid" => DesignKind.Grid,
            "lhs" or "latin-hypercube" => DesignKind.LatinHypercube,
            "sobol" => DesignKind.Sobol,
            var other => throw yaml.Error(typeNode, $"unknown design '{other}'; expected grid, lhs or sobol"),
        };
        if (kind == DesignKind.Grid)
        {
            var coarse = factors.FirstOrDefault(f => !f.IsListed && f.Count < 1);
            if (coarse is not null) throw yaml.Error(node ?? root, $"on a grid, range factor '{coarse.Name}' needs 'count' (how many levels)");
            return (kind, 0, CategoricalMode.Crossed);
        }
        var pointsNode = YamlNodes.Optional(map!, "points") ?? throw yaml.Error(map!, $"a {yaml.Text(typeNode!, "'type'")} design needs 'points' (N)");
        var points = yaml.Number(pointsNode, "'points'");
        if (points < 1 || points != Math.Floor(points) || points > 1e12) throw yaml.Error(pointsNode, "'points' must be a whole number ≥ 1");
        if (factors.All(f => f.IsListed)) throw yaml.Error(map!, "a sampled design needs at least one range factor (the others are crossed or sampled)");
        var mode = YamlNodes.Optional(map!, "categorical") is { } c ? yaml.Text(c, "'categorical'") switch
        {
            "crossed" => CategoricalMode.Crossed,
            "sampled" => CategoricalMode.Sampled,
            var other => throw yaml.Error(c, $"unknown categorical mode '{other}'; expected crossed (every combination with every point) or sampled (uniformly, one more design dimension each)"),
        } : CategoricalMode.Crossed;
        return (kind, (long)points, mode);
    }

    private static SweepCohort Cohort(YamlNodes yaml, YamlNode node, ModelDefinition model, Func<string, string> resolve)
    {
        var map = yaml.Mapping(node, "'cohort' ({animals: N, variability: model | STUDY.yaml})");
        foreach (var _ in yaml.Entries(map, "'cohort'", CohortKeys)) { }
        var animalsNode = yaml.Required(map, "animals", "'cohort'");
        var animals = yaml.Number(animalsNode, "'animals'");
        if (animals < 1 || animals != Math.Floor(animals) || animals > 1_000_000) throw yaml.Error(animalsNode, "'animals' must be a whole number from 1 to 1,000,000");
        var variability = model.Variability;
        if (YamlNodes.Optional(map, "variability") is { } v && yaml.Text(v, "'variability'") is var text && text != "model")
        {
            var study = StudyFileReader.ReadFile(resolve(text));
            if (study.Model.Name != model.Name) throw yaml.Error(v, $"study '{text}' uses model '{study.Model.Name}', not the sweep's '{model.Name}'");
            variability = study.Variability;
        }
        return new SweepCohort((int)animals, variability);
    }

    private static (IReadOnlyList<double>, IReadOnlyDictionary<string, double>) Metrics(YamlNodes yaml, YamlMappingNode root, double[] days, IReadOnlyList<string> endpoints)
    {
        IReadOnlyList<double> effectDays = [days[^1]];
        IReadOnlyDictionary<string, double> thresholds = new Dictionary<string, double>();
        if (YamlNodes.Optional(root, "metrics") is not { } node) return (effectDays, thresholds);
        var map = yaml.Mapping(node, "'metrics' ({effect_days, thresholds})");
        foreach (var _ in yaml.Entries(map, "'metrics'", MetricKeys)) { }
        if (YamlNodes.Optional(map, "effect_days") is { } e)
        {
            var list = new List<double>();
            foreach (var item in yaml.Sequence(e, "'effect_days'"))
            {
                var day = yaml.Number(item, "an effect day");
                if (!days.Contains(day)) throw yaml.Error(item, $"effect day {day.ToString(CultureInfo.InvariantCulture)} is not a readout day ('days')");
                list.Add(day);
            }
            effectDays = list;
        }
        if (YamlNodes.Optional(map, "thresholds") is { } t)
        {
            var assignments = yaml.Entries(yaml.Mapping(t, "'thresholds' (ENDPOINT: value)"), "'thresholds'")
                .Select(x => $"{x.Key}={yaml.Text(x.Value, "a threshold")}").ToList();
            try { thresholds = ReliefThresholds.Parse(assignments, endpoints, "thresholds"); }
            catch (InputException error) { throw yaml.Error(t, error.Problem); }
        }
        return (effectDays, thresholds);
    }
}
