using System.Globalization;
using CellTherapySim.Modeling.Expressions;
using YamlDotNet.RepresentationModel;

namespace CellTherapySim.Modeling;

/// <summary>
/// Reads and validates the model file's optional `agent:` section into an <see cref="AgentSection"/>; every problem
/// is an <see cref="InputException"/> at the offending node.
/// </summary>
internal static class AgentSectionReader
{
    private const string What = "'agent'";
    private static readonly string[] AgentKeys = ["description", "lattice", "microglia", "cells", "fields", "afferents", "placement", "step"];
    private static readonly string[] LatticeKeys = ["size", "spacing", "unit"];
    private static readonly string[] CellKeys = ["blood", "lung", "csf", "site"];
    private static readonly string[] FieldKeys = ["diffusion", "unit", "description"];
    private static readonly string[] AfferentKeys = ["state", "centre", "width", "background"];
    private static readonly string[] LengthUnits = ["um", "µm"];
    private static readonly string[] DiffusionUnits = ["um^2/day", "µm²/day"];

    /// <summary>The `agent` section of <paramref name="root"/>, or null when there is none.</summary>
    public static AgentSection? Read(YamlNodes yaml, YamlMappingNode root, List<StateDefinition> states, List<ProductDefinition> products)
    {
        if (YamlNodes.Optional(root, "agent") is not { } node) return null;
        var map = yaml.Mapping(node, $"{What} (lattice, microglia, cells, fields, afferents, placement, step, description)");
        foreach (var _ in yaml.Entries(map, What, AgentKeys)) { }

        var lattice = ReadLattice(yaml, yaml.Required(map, "lattice", What));

        // Each state plays at most one part; a clash is reported at the later of the two in file order.
        var roles = new Dictionary<int, string>();
        var cellsNode = yaml.Required(map, "cells", What);
        var cells = ReadCells(yaml, cellsNode, states, products, roles);
        var microglia = Claim(yaml, yaml.Required(map, "microglia", What), $"{What} microglia", "the microglia state", states, roles);
        CheckOtherProducts(yaml, cellsNode, states, products, [cells.Blood, cells.Lung, cells.Csf, cells.Site, microglia]);
        var fields = ReadFields(yaml, yaml.Required(map, "fields", What), states, roles);
        var afferents = ReadAfferents(yaml, yaml.Required(map, "afferents", What), states, roles);

        var placement = CellPlacement.Afferents;
        if (YamlNodes.Optional(map, "placement") is { } placementNode)
        {
            var text = yaml.Text(placementNode, $"the placement of {What}");
            if (!Enum.TryParse(text, ignoreCase: true, out placement) || int.TryParse(text, out _))
                throw yaml.Error(placementNode, $"unknown placement '{text}' in {What}; expected one of {string.Join(", ", Enum.GetNames<CellPlacement>().Select(p => p.ToLowerInvariant()))}");
        }

        double? step = null;
        if (YamlNodes.Optional(map, "step") is { } stepNode)
        {
            step = yaml.Number(stepNode, $"the step of {What}");
            if (!(step > 0 && step <= AgentSection.MaxStep))
                throw yaml.Error(stepNode, $"the step of {What} is {Echo(yaml, stepNode)} day; expected > 0 day, up to the limit of {AgentSection.MaxStep} day (2.4 h)");
        }

        var description = YamlNodes.Optional(map, "description") is { } d ? yaml.Text(d, $"the description of {What}") : "";
        return new AgentSection(lattice, microglia, cells, fields, afferents, placement, step, description);
    }

    private static LatticeGeometry ReadLattice(YamlNodes yaml, YamlNode node)
    {
        var what = $"{What} lattice";
        var map = yaml.Mapping(node, $"{what} (size, spacing, unit)");
        foreach (var _ in yaml.Entries(map, what, LatticeKeys)) { }

        RequireUnit(yaml, map, what, LengthUnits, "um (or µm): the spacing is in micrometres and unit conversions are not supported");

        var sizeNode = yaml.Required(map, "size", what);
        var size = yaml.Number(sizeNode, $"the size of {what}");
        if (size != Math.Floor(size))
            throw yaml.Error(sizeNode, $"the size of {what} must be a whole number of sites per side, not '{Echo(yaml, sizeNode)}'");
        if (size < AgentSection.MinLatticeSize || size > AgentSection.MaxLatticeSize)
            throw yaml.Error(sizeNode, $"the size of {what} is {Echo(yaml, sizeNode)}; expected {AgentSection.MinLatticeSize} to {AgentSection.MaxLatticeSize} sites per side (the limit: 1024 × 1024 sites = 1,048,576 microglia)");

        var spacingNode = yaml.Required(map, "spacing", what);
        var spacing = yaml.Number(spacingNode, $"the spacing of {what}");
        if (spacing < AgentSection.MinSpacing || spacing > AgentSection.MaxSpacing)
            throw yaml.Error(spacingNode, $"the spacing of {what} is {Echo(yaml, spacingNode)} µm; expected {AgentSection.MinSpacing} to {AgentSection.MaxSpacing} µm between sites");
        var extent = size * spacing;
        if (extent > AgentSection.MaxExtent)
            throw yaml.Error(spacingNode, $"{what}: the lattice would span {Num(extent)} µm ({size} sites × {Num(spacing)} µm); a rat lumbar cord is about 3–4 mm wide; limit {AgentSection.MaxExtent} µm");

        return new LatticeGeometry((int)size, spacing);
    }

    /// <summary>Checks that <paramref name="map"/>'s required `unit` is one of <paramref name="allowed"/>.</summary>
    private static void RequireUnit(YamlNodes yaml, YamlMappingNode map, string what, IReadOnlyCollection<string> allowed, string expected)
    {
        var unitNode = yaml.Required(map, "unit", what);
        var unit = yaml.Text(unitNode, $"the unit of {what}");
        if (!allowed.Contains(unit)) throw yaml.Error(unitNode, $"the unit of {what} is '{unit}'; expected {expected}");
    }

    private static CellCompartments ReadCells(YamlNodes yaml, YamlNode node, List<StateDefinition> states, List<ProductDefinition> products, Dictionary<int, string> roles)
    {
        var what = $"{What} cells";
        var map = yaml.Mapping(node, $"{what} (blood, lung, csf, site)");
        foreach (var _ in yaml.Entries(map, what, CellKeys)) { }
        var index = CellKeys.ToDictionary(
            key => key,
            key => Claim(yaml, yaml.Required(map, key, what), $"{what} {key}", $"the {key} compartment", states, roles));

        // The engine injects each dosed cell (product 'cells') as one agent into blood or CSF.
        var (blood, csf) = (index["blood"], index["csf"]);
        var product = products.FirstOrDefault(p => p.Name == Dose.CellsProduct)
            ?? throw yaml.Error(node, $"the agent engine follows the doses of product '{Dose.CellsProduct}' as agents, but the model has no such product (products: {string.Join(", ", products.Select(p => p.Name))})");
        var routes = product.Routes;
        foreach (var route in routes)
        {
            if (route.TargetState != blood && route.TargetState != csf)
                throw yaml.Error(node, $"route '{route.Name}' of product '{product.Name}' targets '{route.TargetName}', but the agent engine injects cells only into the blood ('{states[blood].Name}') or csf ('{states[csf].Name}') state of {what}");
            if (route.Scale is not Number { Value: > 0 })
                throw yaml.Error(node, $"route '{route.Name}' of product '{product.Name}' has the scale '{route.ScaleText}'; the agent engine needs a constant model amount per cell");
        }
        foreach (var route in routes.Skip(1))
            if (((Number)route.Scale).Value != ((Number)routes[0].Scale).Value)
                throw yaml.Error(node, $"routes '{routes[0].Name}' (scale {routes[0].ScaleText}) and '{route.Name}' (scale {route.ScaleText}) of product '{product.Name}' have different scales; the agent engine needs one cell to be the same model amount on every route");

        return new CellCompartments(blood, index["lung"], csf, index["site"]);
    }

    /// <summary>Products other than cells stay well-mixed (or uniform on a field): none may dose a cell compartment or the microglia.</summary>
    private static void CheckOtherProducts(YamlNodes yaml, YamlNode node, List<StateDefinition> states, List<ProductDefinition> products, int[] agentStates)
    {
        foreach (var product in products.Where(p => p.Name != Dose.CellsProduct))
            foreach (var route in product.Routes.Where(r => agentStates.Contains(r.TargetState)))
                throw yaml.Error(node, $"route '{route.Name}' of product '{product.Name}' targets '{states[route.TargetState].Name}', which the agent engine follows as agents (cells or microglia); only product '{Dose.CellsProduct}' may dose it");
    }

    private static List<LatticeField> ReadFields(YamlNodes yaml, YamlNode node, List<StateDefinition> states, Dictionary<int, string> roles)
    {
        var what = $"{What} fields";
        var map = yaml.Mapping(node, $"{what} (state: {{diffusion, unit, description}})");
        var result = new List<LatticeField>();
        foreach (var (name, keyNode, value) in yaml.Entries(map, what))
        {
            var fieldWhat = $"{What} field '{name}'";
            var state = Claim(yaml, keyNode, what, "a field", states, roles);
            var entry = yaml.Mapping(value, $"{fieldWhat} (diffusion, unit, description)");
            foreach (var _ in yaml.Entries(entry, fieldWhat, FieldKeys)) { }

            RequireUnit(yaml, entry, fieldWhat, DiffusionUnits, "um^2/day (or µm²/day): unit conversions are not supported");

            var diffusionNode = yaml.Required(entry, "diffusion", fieldWhat);
            var diffusion = yaml.Number(diffusionNode, $"the diffusion of {fieldWhat}");
            if (diffusion < 0)
                throw yaml.Error(diffusionNode, $"the diffusion of {fieldWhat} is {Echo(yaml, diffusionNode)}; expected ≥ 0 µm²/day");
            if (diffusion > AgentSection.MaxDiffusion)
                throw yaml.Error(diffusionNode, $"the diffusion of {fieldWhat} is {Echo(yaml, diffusionNode)} µm²/day, above the limit of 2.6e8 µm²/day (self-diffusion of water at 37 °C, 3e-5 cm²/s; no solute diffuses faster)");

            var description = YamlNodes.Optional(entry, "description") is { } d ? yaml.Text(d, $"the description of {fieldWhat}") : "";
            result.Add(new LatticeField(state, diffusion, description));
        }
        if (result.Count == 0)
            throw yaml.Error(node, $"{what} is empty; expected at least one state solved on the lattice, e.g. R: {{diffusion: 5.0e3, unit: um^2/day}}");
        return result;
    }

    private static AfferentTerritory ReadAfferents(YamlNodes yaml, YamlNode node, List<StateDefinition> states, Dictionary<int, string> roles)
    {
        var what = $"{What} afferents";
        var map = yaml.Mapping(node, $"{what} (state, centre, width, background)");
        foreach (var _ in yaml.Entries(map, what, AfferentKeys)) { }
        var state = Claim(yaml, yaml.Required(map, "state", what), $"{what} state", "the afferent state", states, roles);

        var centreNode = yaml.Required(map, "centre", what);
        var centre = yaml.Sequence(centreNode, $"the centre of {what} (e.g. [0.35, 0.15])");
        if (centre.Children.Count != 2)
            throw yaml.Error(centreNode, $"the centre of {what} must be a list of 2 numbers (mediolateral, dorsoventral fractions of the lattice width), not {centre.Children.Count}");
        var xy = new double[2];
        for (var i = 0; i < 2; i++)
        {
            var axis = i == 0 ? "mediolateral" : "dorsoventral";
            xy[i] = yaml.Number(centre.Children[i], $"the {axis} centre of {what}");
            if (xy[i] < 0 || xy[i] > 1)
                throw yaml.Error(centre.Children[i], $"the {axis} centre of {what} is {Echo(yaml, centre.Children[i])}; expected 0 to 1 (a fraction of the lattice width)");
        }

        var widthNode = yaml.Required(map, "width", what);
        var width = yaml.Number(widthNode, $"the width of {what}");
        if (!(width > 0 && width <= AgentSection.MaxAfferentWidth))
            throw yaml.Error(widthNode, $"the width of {what} is {Echo(yaml, widthNode)}; expected > 0 and ≤ {AgentSection.MaxAfferentWidth} (Gaussian SD as a fraction of the lattice width)");

        var backgroundNode = yaml.Required(map, "background", what);
        var background = yaml.Number(backgroundNode, $"the background of {what}");
        if (background < 0 || background > 1)
            throw yaml.Error(backgroundNode, $"the background of {what} is {Echo(yaml, backgroundNode)}; expected 0 to 1 (relative to the territory's peak)");

        return new AfferentTerritory(state, xy[0], xy[1], width, background);
    }

    /// <summary>The index of the state named at <paramref name="node"/>, which must not already play another part.</summary>
    private static int Claim(YamlNodes yaml, YamlNode node, string what, string role, List<StateDefinition> states, Dictionary<int, string> roles)
    {
        var name = yaml.Text(node, what);
        var index = states.FindIndex(s => s.Name == name);
        if (index < 0)
            throw yaml.Error(node, $"{what}: '{name}' is not a state; expected one of {string.Join(", ", states.Select(s => s.Name))}");
        if (roles.TryGetValue(index, out var existing))
            throw yaml.Error(node, $"{what}: '{name}' is already {existing}; in {What} a state is one of the cell compartments, the microglia, a field or the afferent state, and only one");
        roles[index] = role;
        return index;
    }

    /// <summary>A number for messages: up to 6 significant digits, invariant culture, exponent in lower case (1e-06).</summary>
    private static string Num(double value) => value.ToString("G6", CultureInfo.InvariantCulture).Replace('E', 'e');

    /// <summary>The scalar's text as written, for messages.</summary>
    private static string Echo(YamlNodes yaml, YamlNode node) => yaml.Text(node, "a value");
}
