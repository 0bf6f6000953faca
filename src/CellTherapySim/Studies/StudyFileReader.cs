using CellTherapySim.Modeling;
using CellTherapySim.Simulation;
using YamlDotNet.RepresentationModel;

namespace CellTherapySim.Studies;

/// <summary>
/// Reads a study file (YAML): model, groups with injury and regimen, readout days, endpoints, animals per group and
/// between-animal variability. Every problem is an <see cref="InputException"/> at the file's line and column.
/// </summary>
public static class StudyFileReader
{
    private static readonly string[] TopKeys = ["name", "description", "model", "animals_per_group", "readout_days", "endpoints", "variability", "correlations", "body_weight", "groups"];
    private static readonly string[] GroupKeys = ["injury", "description", "animals", "regimen"];
    private static readonly string[] DoseKeys = ["route", "product", "amount", "cells", "day", "days", "every", "doses"];

    /// <summary>Reads the study at <paramref name="path"/>; a relative 'model:' path is resolved against the study's folder.</summary>
    public static Study ReadFile(string path)
    {
        var text = InputFile.ReadAllText(path, "study");
        return Read(text, path, model => ModelFileReader.ReadFile(Path.Combine(Path.GetDirectoryName(Path.GetFullPath(path)) ?? ".", model)));
    }

    /// <summary>Reads study text; <paramref name="loadModel"/> loads a model named by the study's 'model:' entry.</summary>
    public static Study Read(string text, string file, Func<string, ModelDefinition> loadModel)
    {
        var yaml = new YamlNodes(file);
        var root = yaml.LoadRoot(text);
        foreach (var _ in yaml.Entries(root, "the study", TopKeys)) { }

        var model = YamlNodes.Optional(root, "model") is { } modelNode ? loadModel(yaml.Text(modelNode, "'model'")) : DefaultModel.Definition;
        var animals = YamlNodes.Optional(root, "animals_per_group") is { } n ? Count(yaml, n, "'animals_per_group'") : 10;
        var days = ReadDays(yaml, yaml.Required(root, "readout_days", "the study"));
        var endpoints = ReadEndpoints(yaml, root, model);
        var warnings = new List<string>();
        var groups = ReadGroups(yaml, yaml.Required(root, "groups", "the study"), model, animals, days[^1], warnings);
        var variability = BetweenAnimalVariability.Read(yaml, root, model.Parameters) ?? model.Variability;
        var bodyWeight = YamlNodes.Optional(root, "body_weight") is { } bw ? BodyWeight(yaml, bw, model) : (double?)null;

        return new Study(
            YamlNodes.Optional(root, "name") is { } name ? yaml.Text(name, "'name'") : Path.GetFileNameWithoutExtension(file),
            YamlNodes.Optional(root, "description") is { } d ? yaml.Text(d, "'description'") : "",
            file, model, new StudyDesign(groups, days, endpoints), variability, bodyWeight) { Warnings = warnings };
    }

    /// <summary>The study's body weight (kg): the value of the model's body-weight parameter for its animals.</summary>
    private static double BodyWeight(YamlNodes yaml, YamlNode node, ModelDefinition model)
    {
        if (model.ParameterIndex(ModelFileReader.BodyWeightParameter) < 0)
            throw yaml.Error(node, $"'body_weight' sets the model's body-weight parameter '{ModelFileReader.BodyWeightParameter}', but model '{model.Name}' has none");
        var value = yaml.Number(node, "'body_weight' (kg)");
        return value is > 0 and <= 1000 ? value : throw yaml.Error(node, $"'body_weight' must be a body weight in kg, > 0 (e.g. 0.25 for a 250 g rat), not {yaml.Text(node, "'body_weight'")}");
    }

    private static int Count(YamlNodes yaml, YamlNode node, string what)
    {
        var value = yaml.Number(node, what);
        if (value < 1 || value != Math.Floor(value) || value > 10_000_000)
            throw yaml.Error(node, $"{what} must be a whole number of animals ≥ 1, not {yaml.Text(node, what)}");
        return (int)value;
    }

    private static List<double> ReadDays(YamlNodes yaml, YamlNode node)
    {
        var days = new List<double>();
        foreach (var item in yaml.Sequence(node, "'readout_days' (e.g. [0, 1, 3, 5, 7])"))
        {
            var day = yaml.Number(item, "a readout day");
            if (day < 0) throw yaml.Error(item, $"readout day {day} is negative; days count from the injury (day 0)");
            if (days.Count > 0 && day <= days[^1]) throw yaml.Error(item, $"readout days must increase, but {day} follows {days[^1]}");
            days.Add(day);
        }
        if (days.Count == 0) throw yaml.Error(node, "'readout_days' is empty; expected at least one day");
        return days;
    }

    /// <summary>The optional 'endpoints' list of a study or sweep spec (default: every endpoint of the model), checked against the model.</summary>
    internal static List<string> ReadEndpoints(YamlNodes yaml, YamlMappingNode root, ModelDefinition model)
    {
        if (YamlNodes.Optional(root, "endpoints") is not { } node) return model.Endpoints.Select(e => e.Name).ToList();
        var endpoints = new List<string>();
        foreach (var item in yaml.Sequence(node, "'endpoints' (e.g. [PMWT, TWL])"))
        {
            var name = yaml.Text(item, "an endpoint");
            if (model.Endpoint(name) is null)
                throw yaml.Error(item, $"'{name}' is not an endpoint of model '{model.Name}'; expected one of {string.Join(", ", model.Endpoints.Select(e => e.Name))}");
            if (endpoints.Contains(name)) throw yaml.Error(item, $"endpoint '{name}' is listed twice");
            endpoints.Add(name);
        }
        if (endpoints.Count == 0) throw yaml.Error(node, "'endpoints' is empty");
        return endpoints;
    }

    private static List<StudyGroup> ReadGroups(YamlNodes yaml, YamlNode node, ModelDefinition model, int defaultAnimals, double lastDay, List<string> warnings)
    {
        var groups = new List<StudyGroup>();
        foreach (var (name, keyNode, value) in yaml.Entries(yaml.Mapping(node, "'groups' (name: {injury, regimen, animals})"), "'groups'"))
        {
            var what = $"group '{name}'";
            if (name.Length == 0) throw yaml.Error(keyNode, "a group needs a name");
            var map = yaml.Mapping(value, $"{what} (injury, regimen, animals)");
            foreach (var _ in yaml.Entries(map, what, GroupKeys)) { }
            var injuryNode = yaml.Required(map, "injury", what);
            var injury = yaml.Text(injuryNode, $"the injury of {what}");
            if (model.Injury(injury) is null)
                throw yaml.Error(injuryNode, $"unknown injury preset '{injury}' in {what}; expected one of {string.Join(", ", model.Injuries.Select(i => i.Name))}");
            var animals = YamlNodes.Optional(map, "animals") is { } a ? Count(yaml, a, $"the animals of {what}") : defaultAnimals;
            var doses = YamlNodes.Optional(map, "regimen") is { } r ? ReadRegimen(yaml, r, model, what, lastDay, warnings) : [];
            groups.Add(new StudyGroup(name, injury, doses, animals));
        }
        if (groups.Count == 0) throw yaml.Error(node, "'groups' is empty; a study needs at least one group");
        return groups;
    }

    /// <summary>
    /// A regimen: a list of {route, cells | product and amount, day | days: [..], every, doses}; "every 7 days, 3 doses"
    /// expands to 3 doses. The amount carries its unit (100ug, 150mg/kg); 'cells: N' is product cells, amount N. A dose
    /// after the last readout day can change no reading: a warning, located, added to <paramref name="warnings"/>.
    /// </summary>
    private static List<Dose> ReadRegimen(YamlNodes yaml, YamlNode node, ModelDefinition model, string group, double lastDay, List<string> warnings)
    {
        var doses = new List<Dose>();
        foreach (var item in yaml.Sequence(node, $"the regimen of {group} (a list of {{route, cells, day}})"))
        {
            var what = $"a dose of {group}";
            var map = yaml.Mapping(item, $"{what} ({{route, cells, day}})");
            foreach (var _ in yaml.Entries(map, what, DoseKeys)) { }
            var routeNode = yaml.Required(map, "route", what);
            var cellsNode = YamlNodes.Optional(map, "cells");
            var amountNode = YamlNodes.Optional(map, "amount");
            var productNode = YamlNodes.Optional(map, "product");
            var dayNode = YamlNodes.Optional(map, "day");
            var daysNode = YamlNodes.Optional(map, "days");
            var everyNode = YamlNodes.Optional(map, "every");
            var countNode = YamlNodes.Optional(map, "doses");
            var entry = new RegimenEntry(
                yaml.Text(routeNode, "the route"),
                productNode is null ? null : yaml.Text(productNode, "the product"),
                amountNode is null ? null : yaml.Text(amountNode, "the amount"),
                cellsNode is null ? null : yaml.Text(cellsNode, "the amount"),
                dayNode is null ? null : yaml.Number(dayNode, "a dose day"),
                daysNode is null ? null : yaml.Sequence(daysNode, "'days' (e.g. [7, 14])").Select(d => yaml.Number(d, "a dose day")).ToList(),
                everyNode is null ? null : yaml.Number(everyNode, "'every' (days between doses)"),
                countNode is null ? null : yaml.Number(countNode, "'doses' (number of doses)"));
            var expanded = entry.Expand(model, (field, problem) => yaml.Error(field switch
            {
                RegimenField.Route => routeNode,
                RegimenField.Product => productNode ?? routeNode,
                RegimenField.Amount => amountNode ?? cellsNode ?? map,
                RegimenField.Day => daysNode ?? dayNode ?? map,
                RegimenField.Every => everyNode ?? map,
                RegimenField.Doses => countNode ?? everyNode ?? map,
                _ => map,
            }, $"{what}: {problem}"));
            if (expanded.Where(d => d.Time > lastDay).Select(d => (double?)d.Time).FirstOrDefault() is { } late)
                warnings.Add(yaml.Error(daysNode ?? dayNode ?? everyNode ?? map,
                    $"{what} on day {late.ToString(System.Globalization.CultureInfo.InvariantCulture)} is after the last readout day, " +
                    $"{lastDay.ToString(System.Globalization.CultureInfo.InvariantCulture)}: it cannot change any reading").Message);
            doses.AddRange(expanded);
        }
        return doses.OrderBy(d => d.Time).ToList();
    }
}
