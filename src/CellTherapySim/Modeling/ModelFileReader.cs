using System.Globalization;
using System.Text.RegularExpressions;
using CellTherapySim.Modeling.Expressions;
using CellTherapySim.Modeling.Units;
using YamlDotNet.RepresentationModel;

namespace CellTherapySim.Modeling;

/// <summary>
/// Reads a model file (YAML) into a validated <see cref="ModelDefinition"/>. Every problem is reported as an
/// <see cref="InputException"/> naming the file, line, column and symbol.
/// </summary>
public static partial class ModelFileReader
{
    private static readonly string[] TopKeys = ["name", "version", "description", "time_unit", "parameters", "states", "injuries", "intermediates", "equations", "readouts", "products", "routes", "endpoints", "variability", "correlations", "scenario", "agent", "reference"];
    private static readonly string[] ParameterKeys = ["value", "unit", "description", "prior", "fitted", "source"];
    private static readonly string[] StateKeys = ["initial", "unit", "description", "atol"];
    private static readonly string[] InjuryKeys = ["description", "initial"];
    private static readonly string[] ReadoutKeys = ["expression", "unit", "description"];
    private static readonly string[] ProductKeys = ["description", "unit", "routes"];
    private static readonly string[] RouteKeys = ["target", "scale", "description"];
    private static readonly string[] EndpointKeys = ["readout", "unit", "lower_cutoff", "upper_cutoff", "error"];
    private static readonly string[] ErrorKeys = ["model", "sd", "unit", "prior"];
    private static readonly string[] ScenarioKeys = ["description", "injury", "doses", "times"];

    /// <summary>Reads and validates the model file at <paramref name="path"/>.</summary>
    public static ModelDefinition ReadFile(string path)
    {
        var text = InputFile.ReadAllText(path, "model");
        return Read(text, path);
    }

    /// <summary>Reads and validates model text; <paramref name="file"/> names it in messages.</summary>
    public static ModelDefinition Read(string text, string file)
    {
        var yaml = new YamlNodes(file);
        var root = yaml.LoadRoot(text);
        foreach (var _ in yaml.Entries(root, "the model", TopKeys)) { }

        var parameterMap = yaml.Mapping(yaml.Required(root, "parameters", "the model"), "'parameters'");
        var stateMap = yaml.Mapping(yaml.Required(root, "states", "the model"), "'states'");
        var equationMap = yaml.Mapping(yaml.Required(root, "equations", "the model"), "'equations'");
        var intermediateMap = YamlNodes.Optional(root, "intermediates") is { } im ? yaml.Mapping(im, "'intermediates'") : new YamlMappingNode();

        var parameters = ReadParameters(yaml, parameterMap);
        var states = ReadStates(yaml, stateMap);
        var intermediateNodes = yaml.Entries(intermediateMap, "'intermediates'").ToList();
        CheckNames(yaml, parameterMap, stateMap, intermediateMap);
        var units = new UnitChecker(ReadTimeUnit(yaml, root),
            parameters.Select((p, i) => ReadUnit(yaml, UnitNode(parameterMap, i), p.Unit, $"the unit of parameter '{p.Name}'")).ToList(),
            states.Select((s, i) => (s.Name, ReadUnit(yaml, UnitNode(stateMap, i), s.Unit, $"the unit of state '{s.Name}'"))).ToList());

        var intermediates = ReadIntermediates(yaml, intermediateNodes, parameters, states, units);
        var symbols = SymbolTable(parameters, states, intermediates.Select(i => i.Name).ToList());
        var equations = ReadEquations(yaml, equationMap, stateMap, states, symbols, units);
        var readouts = ReadReadouts(yaml, root, symbols, units);
        var products = ReadProducts(yaml, root, parameters, states, units);
        var injuries = ReadInjuries(yaml, root, states);
        var endpoints = ReadEndpoints(yaml, root, readouts);
        var scenario = ReadScenario(yaml, root, injuries);
        var variability = BetweenAnimalVariability.Read(yaml, root, parameters) ?? BetweenAnimalVariability.None;
        var agent = AgentSectionReader.Read(yaml, root, states, products);

        var definition = new ModelDefinition(
            YamlNodes.Optional(root, "name") is { } n ? yaml.Text(n, "'name'") : Path.GetFileNameWithoutExtension(file),
            YamlNodes.Optional(root, "description") is { } d ? yaml.Text(d, "'description'") : "",
            file, parameters, states, intermediates, equations, readouts, products, injuries, endpoints, variability, scenario, agent)
        { UnitCheck = units.Report };
        CheckScenarioDoses(yaml, root, definition);
        return definition;
    }

    private static List<ParameterDefinition> ReadParameters(YamlNodes yaml, YamlMappingNode map)
    {
        var result = new List<ParameterDefinition>();
        foreach (var (name, keyNode, node) in yaml.Entries(map, "'parameters'"))
        {
            var what = $"parameter '{name}'";
            var entry = yaml.Mapping(node, $"{what} (value, unit, description, prior, source)");
            foreach (var _ in yaml.Entries(entry, what, ParameterKeys)) { }
            var valueNode = yaml.Required(entry, "value", what);
            var value = yaml.Number(valueNode, $"the value of {what}");
            var unit = yaml.Text(yaml.Required(entry, "unit", what), $"the unit of {what}");
            if (unit.Length == 0) throw yaml.Error(keyNode, $"{what} has an empty unit; write \"1\" for a dimensionless parameter");
            var prior = YamlNodes.Optional(entry, "prior") is { } p ? ReadPrior(yaml, p, what) : DefaultPrior(yaml, keyNode, value, what);
            if (!prior.Allows(value))
                throw yaml.Error(valueNode, $"{what} has value {value.ToString(CultureInfo.InvariantCulture)}, outside its prior {prior}; expected {prior.Limits(name)}");
            result.Add(new ParameterDefinition(
                name, value, unit,
                OptionalText(yaml, entry, "description", what),
                prior,
                YamlNodes.Optional(entry, "fitted") is { } f && yaml.Boolean(f, $"'fitted' of {what}"),
                OptionalText(yaml, entry, "source", what)));
        }
        if (result.Count == 0) throw yaml.Error(map, "'parameters' is empty; a model needs at least one parameter");
        return result;
    }

    /// <summary>The model's time unit ('time_unit', default day): the engine's clock is in days, so only day is accepted.</summary>
    private static NamedUnit ReadTimeUnit(YamlNodes yaml, YamlMappingNode root)
    {
        if (YamlNodes.Optional(root, "time_unit") is not { } node) return new NamedUnit("day", UnitParser.Parse("day"));
        var unit = ReadUnit(yaml, node, yaml.Text(node, "'time_unit'"), "'time_unit'");
        if (!unit.Unit.Matches(UnitParser.Parse("day")))
            throw yaml.Error(node, $"'time_unit' is '{unit.Name}'; expected day (times, doses and data are in days; give rates per day, e.g. 24/h as 1/day values)");
        return unit;
    }

    /// <summary>The `unit` node of the <paramref name="index"/>-th entry of a section of mappings.</summary>
    private static YamlNode UnitNode(YamlMappingNode section, int index) =>
        ((YamlMappingNode)section.Children[index].Value).Children[new YamlScalarNode("unit")];

    /// <summary>Parses a unit string written at <paramref name="node"/>; a syntax error is located at its character.</summary>
    private static NamedUnit ReadUnit(YamlNodes yaml, YamlNode node, string text, string what)
    {
        try
        {
            return new NamedUnit(text, UnitParser.Parse(text));
        }
        catch (UnitSyntaxException e)
        {
            var (line, column) = node is YamlScalarNode scalar ? YamlNodes.TextStart(scalar) : ((int)node.Start.Line, (int)node.Start.Column);
            throw ExpressionParser.ErrorAt(text, yaml.File, line, column, e.Offset, $"{what}: {e.Message}");
        }
    }

    /// <summary>Whether an expression carries the tag <see cref="UnitChecker.UncheckedTag"/> (no other tag is allowed).</summary>
    private static bool ExemptFromUnits(YamlNodes yaml, YamlNode node, string what) =>
        node.Tag.IsEmpty || node.Tag.Value == "?" || node.Tag.Value == "!" ? false
        : node.Tag.Value == UnitChecker.UncheckedTag ? true
        : throw yaml.Error(node, $"{what} has the tag '{node.Tag.Value}'; the only tag an expression may carry is {UnitChecker.UncheckedTag} (exempt it from the unit check)");

    /// <summary>An initial state value: a number ≥ 0 (states are amounts, concentrations or activities).</summary>
    private static double InitialValue(YamlNodes yaml, YamlNode node, string what) =>
        yaml.Number(node, what) is >= 0 and var value ? value : throw yaml.Error(node, $"{what} is negative; expected a number ≥ 0 (a state is an amount, a concentration or an activity)");

    private static Prior DefaultPrior(YamlNodes yaml, YamlNode at, double value, string what) =>
        value > 0 ? Prior.DefaultFor(value) : throw yaml.Error(at, $"{what} has value {value} and no prior; give a 'prior' (the default log-normal needs a positive value)");

    private static Prior ReadPrior(YamlNodes yaml, YamlNode node, string owner)
    {
        var what = $"the prior of {owner}";
        var map = yaml.Mapping(node, $"{what} (e.g. {{distribution: lognormal, median: 1, sdlog: 0.5}})");
        var familyNode = yaml.Required(map, "distribution", what);
        var familyText = yaml.Text(familyNode, $"the distribution of {what}");
        if (!Enum.TryParse<PriorFamily>(familyText, ignoreCase: true, out var family) || int.TryParse(familyText, out _))
            throw yaml.Error(familyNode, $"unknown distribution '{familyText}' in {what}; expected one of {string.Join(", ", Enum.GetNames<PriorFamily>().Select(f => f.ToLowerInvariant()))}");
        var names = Prior.ArgumentNames(family);
        var args = new Dictionary<string, double>();
        var argNodes = new Dictionary<string, YamlNode>();
        foreach (var (key, _, value) in yaml.Entries(map, what, ["distribution", .. names]))
            if (key != "distribution") (args[key], argNodes[key]) = (yaml.Number(value, $"'{key}' of {what}"), value);
        foreach (var name in names)
            if (!args.ContainsKey(name)) throw yaml.Error(map, $"{what} ({familyText}) has no '{name}'; expected {string.Join(", ", names)}");
        if (Prior.Validate(family, args) is { } invalid) throw yaml.Error(argNodes[invalid.Argument], $"{what}: {invalid.Problem}");
        return new Prior(family, args);
    }

    private static List<StateDefinition> ReadStates(YamlNodes yaml, YamlMappingNode map)
    {
        var result = new List<StateDefinition>();
        foreach (var (name, _, node) in yaml.Entries(map, "'states'"))
        {
            var what = $"state '{name}'";
            var entry = yaml.Mapping(node, $"{what} (initial, unit, description)");
            foreach (var _ in yaml.Entries(entry, what, StateKeys)) { }
            result.Add(new StateDefinition(
                name,
                YamlNodes.Optional(entry, "initial") is { } i ? InitialValue(yaml, i, $"the initial value of {what}") : 0.0,
                yaml.Text(yaml.Required(entry, "unit", what), $"the unit of {what}"),
                OptionalText(yaml, entry, "description", what),
                YamlNodes.Optional(entry, "atol") is { } a ? yaml.Number(a, $"the absolute tolerance of {what}") is > 0 and var atol ? atol
                    : throw yaml.Error(a, $"the absolute tolerance of {what} must be > 0 (in the state's unit)") : null));
        }
        if (result.Count == 0) throw yaml.Error(map, "'states' is empty; a model needs at least one state");
        return result;
    }

    private static void CheckNames(YamlNodes yaml, params YamlMappingNode[] sections)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var section in sections)
        foreach (var (keyNode, _) in section.Children)
        {
            var name = yaml.Text(keyNode, "a name");
            if (!IdentifierPattern().IsMatch(name))
                throw yaml.Error(keyNode, $"'{name}' is not a valid name; expected a letter or '_' followed by letters, digits or '_'");
            if (name == "t" || FunctionTable.IsReserved(name))
                throw yaml.Error(keyNode, $"'{name}' is reserved ({(name == "t" ? "the time variable" : "a function")}); choose another name");
            if (!seen.Add(name))
                throw yaml.Error(keyNode, $"'{name}' is defined twice (names of parameters, states and intermediates must be unique)");
        }
    }

    private static List<IntermediateDefinition> ReadIntermediates(
        YamlNodes yaml, List<(string Key, YamlNode KeyNode, YamlNode Value)> nodes,
        List<ParameterDefinition> parameters, List<StateDefinition> states, UnitChecker units)
    {
        // First pass in file order finds the dependencies; the intermediates are then ordered so that each
        // follows those it uses, and parsed again with their final indices.
        var names = nodes.Select(n => n.Key).ToList();
        var provisional = SymbolTable(parameters, states, names);
        var dependencies = nodes.Select(n => Dependencies(ParseExpression(yaml, n.Value, provisional, $"intermediate '{n.Key}'"))).ToList();
        var order = new List<int>();
        var mark = new int[nodes.Count];
        void Visit(int i, List<string> path)
        {
            if (mark[i] == 2) return;
            if (mark[i] == 1)
                throw yaml.Error(nodes[i].KeyNode, $"intermediate '{names[i]}' depends on itself: {string.Join(" -> ", path.SkipWhile(p => p != names[i]).Append(names[i]))}");
            mark[i] = 1;
            foreach (var d in dependencies[i]) Visit(d, [.. path, names[i]]);
            mark[i] = 2;
            order.Add(i);
        }
        for (var i = 0; i < nodes.Count; i++) Visit(i, []);

        var final = SymbolTable(parameters, states, order.Select(i => names[i]).ToList());
        return order.Select(i =>
        {
            var what = $"intermediate '{names[i]}'";
            var located = ParseLocated(yaml, nodes[i].Value, final, what);
            units.Intermediate(names[i], located, ExemptFromUnits(yaml, nodes[i].Value, what));
            return new IntermediateDefinition(names[i], located.Expression, yaml.Text(nodes[i].Value, what));
        }).ToList();
    }

    private static HashSet<int> Dependencies(Expr expr)
    {
        var found = new HashSet<int>();
        void Walk(Expr e)
        {
            switch (e)
            {
                case Symbol { Kind: SymbolKind.Intermediate } s: found.Add(s.Index); break;
                case Negate n: Walk(n.Operand); break;
                case Binary b: Walk(b.Left); Walk(b.Right); break;
                case Call c: foreach (var a in c.Arguments) Walk(a); break;
            }
        }
        Walk(expr);
        return found;
    }

    private static Dictionary<string, Symbol> SymbolTable(List<ParameterDefinition> parameters, List<StateDefinition> states, List<string> intermediates)
    {
        var table = new Dictionary<string, Symbol>(StringComparer.Ordinal) { ["t"] = new Symbol("t", SymbolKind.Time, 0) };
        for (var i = 0; i < parameters.Count; i++) table[parameters[i].Name] = new Symbol(parameters[i].Name, SymbolKind.Parameter, i);
        for (var i = 0; i < states.Count; i++) table[states[i].Name] = new Symbol(states[i].Name, SymbolKind.State, i);
        for (var i = 0; i < intermediates.Count; i++) table[intermediates[i]] = new Symbol(intermediates[i], SymbolKind.Intermediate, i);
        return table;
    }

    private static Expr ParseExpression(YamlNodes yaml, YamlNode node, Dictionary<string, Symbol> symbols, string what) =>
        ParseLocated(yaml, node, symbols, what).Expression;

    private static LocatedExpression ParseLocated(YamlNodes yaml, YamlNode node, Dictionary<string, Symbol> symbols, string what)
    {
        var scalar = yaml.Scalar(node, $"the formula of {what}");
        var (line, column) = YamlNodes.TextStart(scalar);
        return ExpressionParser.ParseLocated(scalar.Value ?? "", yaml.File, line, column, name => symbols.GetValueOrDefault(name));
    }

    private static List<Expr> ReadEquations(YamlNodes yaml, YamlMappingNode map, YamlMappingNode stateMap, List<StateDefinition> states, Dictionary<string, Symbol> symbols, UnitChecker units)
    {
        var equations = new Expr?[states.Count];
        foreach (var (key, keyNode, value) in yaml.Entries(map, "'equations'"))
        {
            var match = EquationKeyPattern().Match(key);
            if (!match.Success) throw yaml.Error(keyNode, $"'{key}' is not an equation name; expected 'dX/dt' for a state X");
            var name = match.Groups[1].Value;
            var index = states.FindIndex(s => s.Name == name);
            if (index < 0) throw yaml.Error(keyNode, $"equation '{key}' is for '{name}', which is not a state; expected one of {string.Join(", ", states.Select(s => s.Name))}");
            if (equations[index] is not null) throw yaml.Error(keyNode, $"state '{name}' has two equations");
            var located = ParseLocated(yaml, value, symbols, $"equation '{key}'");
            units.Equation(index, located, ExemptFromUnits(yaml, value, $"equation '{key}'"));
            equations[index] = located.Expression;
        }
        var stateKeys = stateMap.Children.Keys.ToList();
        for (var i = 0; i < states.Count; i++)
            if (equations[i] is null) throw yaml.Error(stateKeys[i], $"state '{states[i].Name}' has no equation; expected 'd{states[i].Name}/dt: ...' under 'equations'");
        return equations.Select(e => e!).ToList();
    }

    private static List<ReadoutDefinition> ReadReadouts(YamlNodes yaml, YamlMappingNode root, Dictionary<string, Symbol> symbols, UnitChecker units)
    {
        var result = new List<ReadoutDefinition>();
        if (YamlNodes.Optional(root, "readouts") is not { } node) return result;
        foreach (var (name, keyNode, value) in yaml.Entries(yaml.Mapping(node, "'readouts'"), "'readouts'"))
        {
            var what = $"readout '{name}'";
            if (!IdentifierPattern().IsMatch(name)) throw yaml.Error(keyNode, $"'{name}' is not a valid readout name");
            if (symbols.ContainsKey(name)) throw yaml.Error(keyNode, $"readout '{name}' has the name of a parameter, state or intermediate");
            var entry = yaml.Mapping(value, $"{what} (expression, unit, description)");
            foreach (var _ in yaml.Entries(entry, what, ReadoutKeys)) { }
            var expressionNode = yaml.Required(entry, "expression", what);
            var located = ParseLocated(yaml, expressionNode, symbols, what);
            var unitNode = yaml.Required(entry, "unit", what);
            var unit = ReadUnit(yaml, unitNode, yaml.Text(unitNode, $"the unit of {what}"), $"the unit of {what}");
            units.Readout(name, located, unit, ExemptFromUnits(yaml, expressionNode, what));
            result.Add(new ReadoutDefinition(name, located.Expression, yaml.Text(expressionNode, what), unit.Name, OptionalText(yaml, entry, "description", what)));
        }
        return result;
    }

    /// <summary>
    /// The 'products' section (name: {description, unit, routes: {route: {target, scale, description}}}), or an older
    /// file's 'routes' section (route: {target, scale}, doses in cells), read as the product 'cells'.
    /// </summary>
    private static List<ProductDefinition> ReadProducts(YamlNodes yaml, YamlMappingNode root, List<ParameterDefinition> parameters, List<StateDefinition> states, UnitChecker units)
    {
        var productsNode = YamlNodes.Optional(root, "products");
        var routesNode = YamlNodes.Optional(root, "routes");
        if (productsNode is not null && routesNode is not null)
            throw yaml.Error(routesNode, "the model has both 'products' and 'routes'; write the routes under a product in 'products' (an older file's 'routes' is the product 'cells')");
        var result = new List<ProductDefinition>();
        var index = 0;
        if (routesNode is not null)
        {
            result.Add(new ProductDefinition(Dose.CellsProduct, "cells (an older model file's 'routes')", DoseUnit.Find("cells")!,
                ReadProductRoutes(yaml, routesNode, "'routes'", null, new NamedUnit("cells", UnitParser.Parse("cells")), parameters, states, units, ref index)));
            return result;
        }
        if (productsNode is null) return result;
        foreach (var (name, keyNode, value) in yaml.Entries(yaml.Mapping(productsNode, "'products'"), "'products'"))
        {
            var what = $"product '{name}'";
            if (!IdentifierPattern().IsMatch(name)) throw yaml.Error(keyNode, $"'{name}' is not a valid product name; expected a letter or '_' followed by letters, digits or '_'");
            var entry = yaml.Mapping(value, $"{what} (description, unit, routes)");
            foreach (var _ in yaml.Entries(entry, what, ProductKeys)) { }
            var unitNode = yaml.Required(entry, "unit", what);
            var unitText = yaml.Text(unitNode, $"the dose unit of {what}");
            var unit = DoseUnit.Find(unitText)
                ?? throw yaml.Error(unitNode, $"'{unitText}' is not a dose unit; expected one of {string.Join(", ", DoseUnit.Symbols)}");
            if (unit.PerBodyWeight && parameters.FindIndex(p => p.Name == BodyWeightParameter) is var bw && (bw < 0 || parameters[bw].Unit != "kg"))
                throw yaml.Error(unitNode, $"{what} is dosed per kilogram of body weight ({unit.Symbol}) but the model has no body-weight parameter '{BodyWeightParameter}' in kg; add one (e.g. value 0.25, unit kg) and use it in the routes' scales");
            var routes = ReadProductRoutes(yaml, yaml.Required(entry, "routes", what), $"the routes of {what}", unit.PerBodyWeight ? what : null,
                new NamedUnit(unit.Symbol, UnitParser.Parse(unit.Symbol)), parameters, states, units, ref index);
            result.Add(new ProductDefinition(name, OptionalText(yaml, entry, "description", what), unit, routes));
        }
        return result;
    }

    /// <summary>The body-weight parameter (kg) that per-kg doses scale with.</summary>
    public const string BodyWeightParameter = "BW";

    private static List<ProductRoute> ReadProductRoutes(YamlNodes yaml, YamlNode node, string owner, string? perKgProduct, NamedUnit doseUnit,
        List<ParameterDefinition> parameters, List<StateDefinition> states, UnitChecker units, ref int index)
    {
        var symbols = new Dictionary<string, Symbol>(StringComparer.Ordinal);
        for (var i = 0; i < parameters.Count; i++) symbols[parameters[i].Name] = new Symbol(parameters[i].Name, SymbolKind.Parameter, i);
        var result = new List<ProductRoute>();
        foreach (var (name, keyNode, value) in yaml.Entries(yaml.Mapping(node, owner), owner))
        {
            var what = $"route '{name}'";
            if (!IdentifierPattern().IsMatch(name)) throw yaml.Error(keyNode, $"'{name}' is not a valid route name; expected a letter or '_' followed by letters, digits or '_'");
            var entry = yaml.Mapping(value, $"{what} (target, scale, description)");
            foreach (var _ in yaml.Entries(entry, what, RouteKeys)) { }
            var targetNode = yaml.Required(entry, "target", what);
            var target = yaml.Text(targetNode, $"the target of {what}");
            var state = states.FindIndex(s => s.Name == target);
            if (state < 0) throw yaml.Error(targetNode, $"{what} targets '{target}', which is not a state; expected one of {string.Join(", ", states.Select(s => s.Name))}");
            var scaleNode = yaml.Required(entry, "scale", what);
            var scalar = yaml.Scalar(scaleNode, $"the scale of {what}");
            var (line, column) = YamlNodes.TextStart(scalar);
            var located = ExpressionParser.ParseLocated(scalar.Value ?? "", yaml.File, line, column,
                n => symbols.GetValueOrDefault(n) ?? throw yaml.Error(scaleNode, $"the scale of {what} uses '{n}', which is not a parameter; a scale is an expression in parameters and numbers"));
            var scale = located.Expression;
            var atValues = new Compilation.ExpressionCompiler([]).Compile([scale]);
            var scaleValue = new double[1];
            atValues(0, [], parameters.Select(p => p.Value).ToArray(), scaleValue);
            if (!(scaleValue[0] > 0) || !double.IsFinite(scaleValue[0]))
                throw yaml.Error(scaleNode, $"the scale of {what} must be > 0 (model amount per dose unit), but it is {scaleValue[0]} at the parameters' values");
            if (perKgProduct is not null && !Uses(scale, parameters.FindIndex(p => p.Name == BodyWeightParameter)))
                throw yaml.Error(scaleNode, $"{perKgProduct} is dosed per kilogram, so the scale of {what} must use the body weight '{BodyWeightParameter}' (e.g. {BodyWeightParameter}*F)");
            units.RouteScale($"{what} ({owner})", located, doseUnit, state, ExemptFromUnits(yaml, scaleNode, $"the scale of {what}"));
            result.Add(new ProductRoute(name, state, target, scale, scalar.Value ?? "", OptionalText(yaml, entry, "description", what), index++));
        }
        if (result.Count == 0) throw yaml.Error(node, $"{owner} is empty; a product needs at least one route");
        return result;
    }

    private static bool Uses(Expr expr, int parameter) => expr switch
    {
        Symbol { Kind: SymbolKind.Parameter } s => s.Index == parameter,
        Negate n => Uses(n.Operand, parameter),
        Binary b => Uses(b.Left, parameter) || Uses(b.Right, parameter),
        Call c => c.Arguments.Any(a => Uses(a, parameter)),
        _ => false,
    };

    private static List<InjuryPreset> ReadInjuries(YamlNodes yaml, YamlMappingNode root, List<StateDefinition> states)
    {
        var result = new List<InjuryPreset>();
        if (YamlNodes.Optional(root, "injuries") is not { } node) return result;
        foreach (var (name, _, value) in yaml.Entries(yaml.Mapping(node, "'injuries'"), "'injuries'"))
        {
            var what = $"injury '{name}'";
            var entry = yaml.Mapping(value, $"{what} (description, initial)");
            foreach (var _ in yaml.Entries(entry, what, InjuryKeys)) { }
            var initial = new List<(int, double)>();
            if (YamlNodes.Optional(entry, "initial") is { } initialNode)
            {
                foreach (var (state, stateNode, v) in yaml.Entries(yaml.Mapping(initialNode, $"the initial values of {what}"), what))
                {
                    var index = states.FindIndex(s => s.Name == state);
                    if (index < 0) throw yaml.Error(stateNode, $"{what} sets '{state}', which is not a state");
                    initial.Add((index, InitialValue(yaml, v, $"the initial value of '{state}' in {what}")));
                }
            }
            result.Add(new InjuryPreset(name, OptionalText(yaml, entry, "description", what), initial));
        }
        return result;
    }

    private static List<EndpointDefinition> ReadEndpoints(YamlNodes yaml, YamlMappingNode root, List<ReadoutDefinition> readouts)
    {
        var result = new List<EndpointDefinition>();
        if (YamlNodes.Optional(root, "endpoints") is not { } node) return result;
        foreach (var (name, _, value) in yaml.Entries(yaml.Mapping(node, "'endpoints'"), "'endpoints'"))
        {
            var what = $"endpoint '{name}'";
            var entry = yaml.Mapping(value, $"{what} (readout, unit, cutoffs, error)");
            foreach (var _ in yaml.Entries(entry, what, EndpointKeys)) { }
            var readoutNode = yaml.Required(entry, "readout", what);
            var readout = yaml.Text(readoutNode, $"the readout of {what}");
            var index = readouts.FindIndex(r => r.Name == readout);
            if (index < 0) throw yaml.Error(readoutNode, $"{what} observes '{readout}', which is not a readout; expected one of {string.Join(", ", readouts.Select(r => r.Name))}");
            double? lower = YamlNodes.Optional(entry, "lower_cutoff") is { } lo ? yaml.Number(lo, $"the lower cutoff of {what}") : null;
            double? upper = YamlNodes.Optional(entry, "upper_cutoff") is { } up ? yaml.Number(up, $"the upper cutoff of {what}") : null;
            if (lower is not null && upper is not null && lower >= upper) throw yaml.Error(entry, $"{what}: lower_cutoff must be below upper_cutoff");

            var errorWhat = $"the error model of {what}";
            var error = yaml.Mapping(yaml.Required(entry, "error", what), $"{errorWhat} (model, sd, unit, prior)");
            foreach (var _ in yaml.Entries(error, errorWhat, ErrorKeys)) { }
            var modelNode = yaml.Required(error, "model", errorWhat);
            var modelText = yaml.Text(modelNode, errorWhat);
            if (!Enum.TryParse<ErrorModel>(modelText, ignoreCase: true, out var model) || int.TryParse(modelText, out _))
                throw yaml.Error(modelNode, $"unknown error model '{modelText}' in {what}; expected multiplicative or additive");
            var sdNode = yaml.Required(error, "sd", errorWhat);
            var sd = yaml.Number(sdNode, $"the sd of {errorWhat}");
            if (sd < 0) throw yaml.Error(sdNode, $"the sd of {errorWhat} must be ≥ 0");
            var prior = YamlNodes.Optional(error, "prior") is { } p ? ReadPrior(yaml, p, errorWhat) : DefaultPrior(yaml, sdNode, sd, errorWhat);
            var unitNode = yaml.Required(entry, "unit", what);
            var unit = ReadUnit(yaml, unitNode, yaml.Text(unitNode, $"the unit of {what}"), $"the unit of {what}");
            var readoutUnit = readouts[index].Unit;
            if (!unit.Unit.Matches(UnitParser.Parse(readoutUnit)))
                throw yaml.Error(unitNode, $"{what} is in {unit.Name} but its readout '{readout}' is in {readoutUnit}; expected {readoutUnit} (cutoffs and data are in the readout's unit)");
            var errorUnitText = OptionalText(yaml, error, "unit", errorWhat);
            if (YamlNodes.Optional(error, "unit") is { } errorUnitNode)
            {
                var errorUnit = ReadUnit(yaml, errorUnitNode, errorUnitText, $"the unit of the sd of {errorWhat}");
                var (expected, why) = model == ErrorModel.Multiplicative
                    ? (new NamedUnit("1", Unit.One), "a multiplicative error's sd is on the log scale, a pure number")
                    : (unit, "an additive error's sd is in the endpoint's unit");
                if (!errorUnit.Unit.Matches(expected.Unit))
                    throw yaml.Error(errorUnitNode, $"the sd of {errorWhat} is in {errorUnit.Name}; expected {expected.Name} ({why})");
            }
            result.Add(new EndpointDefinition(name, index, unit.Name, lower, upper, model, sd, errorUnitText, prior));
        }
        return result;
    }

    private static DefaultScenario ReadScenario(YamlNodes yaml, YamlMappingNode root, List<InjuryPreset> injuries)
    {
        if (YamlNodes.Optional(root, "scenario") is not { } node)
            return new DefaultScenario("", injuries.Count > 0 ? injuries[0].Name : "", [], "0:15:1");
        var what = "'scenario'";
        var map = yaml.Mapping(node, what);
        foreach (var _ in yaml.Entries(map, what, ScenarioKeys)) { }
        var injury = "";
        if (YamlNodes.Optional(map, "injury") is { } injuryNode)
        {
            injury = yaml.Text(injuryNode, "the scenario's injury");
            if (injuries.All(i => i.Name != injury))
                throw yaml.Error(injuryNode, $"the scenario's injury '{injury}' is not an injury preset; expected one of {string.Join(", ", injuries.Select(i => i.Name))}");
        }
        var doses = YamlNodes.Optional(map, "doses") is { } dosesNode
            ? yaml.Sequence(dosesNode, "the scenario's doses").Select(d => yaml.Text(d, "a scenario dose (DAY:ROUTE:PRODUCT:AMOUNT)")).ToList()
            : [];
        var times = "0:15:1";
        if (YamlNodes.Optional(map, "times") is { } timesNode)
        {
            times = yaml.Text(timesNode, "the scenario's times");
            CheckAt(yaml, timesNode, () => TimeGrid.Parse(times, yaml.File));
        }
        return new DefaultScenario(OptionalText(yaml, map, "description", what), injury, doses, times);
    }

    /// <summary>Checks the scenario's doses against the model's products, locating a bad one at its node.</summary>
    private static void CheckScenarioDoses(YamlNodes yaml, YamlMappingNode root, ModelDefinition model)
    {
        if (YamlNodes.Optional(root, "scenario") is not YamlMappingNode map || YamlNodes.Optional(map, "doses") is not YamlSequenceNode doses) return;
        foreach (var doseNode in doses)
            CheckAt(yaml, doseNode, () => Dose.Parse(yaml.Text(doseNode, "a scenario dose"), model, yaml.File));
    }

    /// <summary>Runs a check that reports problems without a position (the command-line parsers), locating them at <paramref name="node"/>.</summary>
    private static void CheckAt(YamlNodes yaml, YamlNode node, Action check)
    {
        try
        {
            check();
        }
        catch (InputException e)
        {
            throw yaml.Error(node, e.Problem);
        }
    }

    private static string OptionalText(YamlNodes yaml, YamlMappingNode map, string key, string what) =>
        YamlNodes.Optional(map, key) is { } node ? yaml.Text(node, $"'{key}' of {what}") : "";

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]*$")]
    private static partial Regex IdentifierPattern();

    [GeneratedRegex(@"^d\s*([A-Za-z_][A-Za-z0-9_]*)\s*/\s*dt$")]
    private static partial Regex EquationKeyPattern();
}
