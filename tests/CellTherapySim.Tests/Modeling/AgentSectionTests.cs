using System.Text.RegularExpressions;
using CellTherapySim.Modeling;
using static CellTherapySim.Tests.Modeling.InputTestSupport;

namespace CellTherapySim.Tests.Modeling;

/// <summary>The model file's `agent:` section: the default model's values, its absence, and each mistake reported at its file:line:column.</summary>
public sealed class AgentSectionTests
{
    private static readonly string DefaultText = File.ReadAllText(Path.Combine(RepositoryRoot(), "models", "msc-neuropathic-pain.yaml"));

    [Fact]
    public void TheDefaultModelHasTheAgentSection()
    {
        var model = DefaultModel.Definition;
        int S(string name) => model.StateIndex(name);
        var agent = model.Agent;
        Assert.NotNull(agent);
        Assert.Equal(new LatticeGeometry(64, 16), agent.Lattice);
        Assert.Equal(S("M"), agent.MicrogliaState);
        Assert.Equal(new CellCompartments(S("B"), S("L"), S("Q"), S("T")), agent.Cells);
        Assert.Equal(
            [
                new LatticeField(S("R"), 5.0e3, "ROS; spreads about 50 um (sqrt(D/k_R)) before turnover"),
                new LatticeField(S("C"), 2.0e4, "TNF-alpha/IL-1beta; paracrine range about 150 um"),
                new LatticeField(S("S"), 2.0e4, "MSC secretome (TSG-6, exosomes); paracrine range about 170 um"),
            ],
            agent.Fields);
        Assert.Equal(new AfferentTerritory(S("D"), 0.35, 0.15, 0.2, 0.1), agent.Afferents);
        Assert.Equal(CellPlacement.Afferents, agent.Placement);
        Assert.Null(agent.Step);
        Assert.Equal(
            "Unilateral L4-L5 dorsal horn in cross-section (about 1 mm square); sciatic afferents end in the medial "
            + "superficial laminae; engrafted MSCs settle where the injured afferents end (CXCL12/CXCR4 homing).",
            agent.Description);
    }

    [Fact]
    public void TheEmbeddedDefaultModelIsTheRepositoryFile() => Assert.Equal(DefaultText, DefaultModel.Text);

    [Fact]
    public void AModelWithoutAnAgentSectionHasNone() => Assert.Null(Read(MinimalModel).Agent);

    [Fact]
    public void OptionalKeysAndMicrometreSpellingsAreRead()
    {
        var text = Mutate(DefaultText, "  # step: 0.005 ", "  step: 0.005 ");
        text = Mutate(text, "placement: afferents", "placement: uniform");
        text = Mutate(text, "    unit: um\n", "    unit: µm\n");
        text = Mutate(text, "unit: um^2/day, description: \"ROS", "unit: µm²/day, description: \"ROS");
        text = Mutate(text, "  description: >-\n    Unilateral L4-L5 dorsal horn in cross-section (about 1 mm square); sciatic afferents end in the medial\n    superficial laminae; engrafted MSCs settle where the injured afferents end (CXCL12/CXCR4 homing).\n", "");
        text = Mutate(text, ", description: \"ROS; spreads about 50 um (sqrt(D/k_R)) before turnover\"", "");
        var agent = Read(text).Agent!;
        Assert.Equal(0.005, agent.Step);
        Assert.Equal(CellPlacement.Uniform, agent.Placement);
        Assert.Equal("", agent.Description);
        Assert.Equal("", agent.Fields[0].Description);
        Assert.Equal(5.0e3, agent.Fields[0].Diffusion);
    }

    [Fact]
    public void ZeroDiffusionIsAllowed() =>
        Assert.Equal(0, Read(Mutate(DefaultText, "diffusion: 5.0e3", "diffusion: 0")).Agent!.Fields[0].Diffusion);

    [Fact]
    public void TheLimitsAreInclusive()
    {
        var text = Mutate(DefaultText, "size: 64 ", "size: 10 ");
        text = Mutate(text, "spacing: 16 ", "spacing: 500 ");
        text = Mutate(text, "diffusion: 5.0e3", "diffusion: 2.6e8");
        text = Mutate(text, "  # step: 0.005 ", "  step: 0.1 ");
        text = Mutate(text, "[0.35, 0.15]", "[0, 1]");
        text = Mutate(text, "width: 0.2", "width: 10");
        text = Mutate(text, "background: 0.1", "background: 1");
        var agent = Read(text).Agent!;
        Assert.Equal((10, AgentSection.MaxSpacing), (agent.Lattice.Size, agent.Lattice.Spacing));
        Assert.Equal(AgentSection.MaxExtent, agent.Lattice.Size * agent.Lattice.Spacing);
        Assert.Equal(AgentSection.MaxDiffusion, agent.Fields[0].Diffusion);
        Assert.Equal(AgentSection.MaxStep, agent.Step);
        Assert.Equal(new AfferentTerritory(DefaultModel.Definition.StateIndex("D"), 0, 1, AgentSection.MaxAfferentWidth, 1), agent.Afferents);
    }

    /// <summary>Each case: the text to find in the default model, its replacement, the token the error is at (its first occurrence in the agent section), and fragments of the message separated by '|'.</summary>
    [Theory]
    // The section and its keys.
    [InlineData("placement: afferents", "placment: afferents", "placment", "unknown key 'placment' in 'agent'|expected one of description, lattice")]
    [InlineData("    unit: um\n", "    units: um\n", "units", "unknown key 'units' in 'agent' lattice|size, spacing, unit")]
    [InlineData("R: {diffusion: 5.0e3,", "R: {diffusion: 5.0e3, range: 50,", "range", "unknown key 'range' in 'agent' field 'R'")]
    [InlineData("    width: 0.2 ", "    sd: 0.2 ", "sd: 0.2", "unknown key 'sd' in 'agent' afferents")]
    [InlineData("{blood: B, lung: L, csf: Q, site: T}", "{blood: B, lung: L, csf: Q, site: T, liver: B}", "liver", "unknown key 'liver' in 'agent' cells")]
    [InlineData("  microglia: M\n", "", "description: >-", "'agent' has no 'microglia'")]
    [InlineData(", unit: um^2/day, description: \"ROS", ", description: \"ROS", "{diffusion: 5.0e3", "'agent' field 'R' has no 'unit'")]
    [InlineData("    background: 0.1 ", "    # background: 0.1 ", "state: D", "'agent' afferents has no 'background'")]
    [InlineData("{blood: B, lung: L, csf: Q, site: T}", "{blood: B, lung: L, csf: Q}", "{blood: B", "'agent' cells has no 'site'")]
    // lattice
    [InlineData("size: 64 ", "size: 10.5 ", "10.5", "size of 'agent' lattice must be a whole number of sites per side, not '10.5'")]
    [InlineData("size: 64 ", "size: big ", "big", "size of 'agent' lattice must be a number, not 'big'")]
    [InlineData("size: 64 ", "size: 2048 ", "2048", "is 2048; expected 2 to 1024 sites per side|1024 × 1024 sites = 1,048,576 microglia")]
    [InlineData("size: 64 ", "size: 1 ", "1          # sites", "is 1; expected 2 to 1024 sites per side")]
    [InlineData("spacing: 16 ", "spacing: 0.5 ", "0.5 ", "spacing of 'agent' lattice is 0.5 µm; expected 1 to 500 µm")]
    [InlineData("spacing: 16 ", "spacing: 600 ", "600", "spacing of 'agent' lattice is 600 µm; expected 1 to 500 µm")]
    [InlineData("size: 64 ", "size: 1024 ", "16 ", "the lattice would span 16384 µm (1024 sites × 16 µm)|a rat lumbar cord is about 3–4 mm wide; limit 5000 µm")]
    [InlineData("    unit: um\n", "    unit: mm\n", "mm\n", "unit of 'agent' lattice is 'mm'; expected um (or µm)|conversions are not supported")]
    // microglia
    [InlineData("microglia: M", "microglia: Mg", "Mg", "'agent' microglia: 'Mg' is not a state; expected one of B, L, Q, T, S, D, R, A, M, C, Z")]
    [InlineData("microglia: M", "microglia: T", "T\n", "'agent' microglia: 'T' is already the site compartment")]
    [InlineData("microglia: M", "microglia: R", "R: {", "'agent' fields: 'R' is already the microglia state")]
    // cells and routes
    [InlineData("csf: Q", "csf: Qx", "Qx", "'agent' cells csf: 'Qx' is not a state; expected one of B, L")]
    [InlineData("csf: Q", "csf: B", "B, site", "'agent' cells csf: 'B' is already the blood compartment")]
    [InlineData("site: T", "site: M", "M\n  cells", "'agent' microglia: 'M' is already the site compartment")]
    [InlineData("iv: {target: B", "iv: {target: L", "{blood: B", "route 'iv' of product 'cells' targets 'L', but the agent engine injects cells only into the blood ('B') or csf ('Q') state")]
    [InlineData("it: {target: Q, scale: 1e-6", "it: {target: Q, scale: !units-unchecked 2e-6", "{blood: B", "routes 'iv' (scale 1e-6) and 'it' (scale 2e-6) of product 'cells' have different scales")]
    // fields
    [InlineData("    R: {diffusion", "    Rx: {diffusion", "Rx", "'agent' fields: 'Rx' is not a state; expected one of B, L")]
    [InlineData("    R: {diffusion", "    B: {diffusion", "B: {diffusion", "'agent' fields: 'B' is already the blood compartment")]
    [InlineData("    R: {diffusion", "    D: {diffusion", "D\n", "'agent' afferents state: 'D' is already a field")]
    [InlineData("diffusion: 5.0e3", "diffusion: -5", "-5", "diffusion of 'agent' field 'R' is -5; expected ≥ 0 µm²/day")]
    [InlineData("diffusion: 5.0e3", "diffusion: 3e8", "3e8", "diffusion of 'agent' field 'R' is 3e8 µm²/day, above the limit of 2.6e8 µm²/day|self-diffusion of water at 37 °C, 3e-5 cm²/s")]
    [InlineData("diffusion: 5.0e3", "diffusion: fast", "fast", "diffusion of 'agent' field 'R' must be a number, not 'fast'")]
    [InlineData("unit: um^2/day, description: \"ROS", "unit: cm^2/s, description: \"ROS", "cm^2/s", "unit of 'agent' field 'R' is 'cm^2/s'; expected um^2/day (or µm²/day)|conversions are not supported")]
    // afferents
    [InlineData("state: D", "state: Dx", "Dx", "'agent' afferents state: 'Dx' is not a state; expected one of B, L")]
    [InlineData("state: D", "state: M", "M\n    centre", "'agent' afferents state: 'M' is already the microglia state")]
    [InlineData("state: D", "state: L", "L\n    centre", "'agent' afferents state: 'L' is already the lung compartment")]
    [InlineData("state: D", "state: C", "C\n    centre", "'agent' afferents state: 'C' is already a field")]
    [InlineData("[0.35, 0.15]", "[0.35]", "[0.35]", "centre of 'agent' afferents must be a list of 2 numbers|not 1")]
    [InlineData("[0.35, 0.15]", "[0.35, 0.15, 0]", "[0.35", "centre of 'agent' afferents must be a list of 2 numbers|not 3")]
    [InlineData("[0.35, 0.15]", "0.35", "0.35", "centre of 'agent' afferents (e.g. [0.35, 0.15]) must be a list")]
    [InlineData("[0.35, 0.15]", "[-0.1, 0.15]", "-0.1", "mediolateral centre of 'agent' afferents is -0.1; expected 0 to 1")]
    [InlineData("[0.35, 0.15]", "[0.35, 1.5]", "1.5]", "dorsoventral centre of 'agent' afferents is 1.5; expected 0 to 1")]
    [InlineData("[0.35, 0.15]", "[0.35, y]", "y]", "dorsoventral centre of 'agent' afferents must be a number, not 'y'")]
    [InlineData("width: 0.2", "width: 0e0", "0e0", "width of 'agent' afferents is 0e0; expected > 0 and ≤ 10")]
    [InlineData("width: 0.2", "width: 11", "11", "width of 'agent' afferents is 11; expected > 0 and ≤ 10")]
    [InlineData("background: 0.1", "background: 1.5", "1.5", "background of 'agent' afferents is 1.5; expected 0 to 1")]
    [InlineData("background: 0.1", "background: -0.1", "-0.1", "background of 'agent' afferents is -0.1; expected 0 to 1")]
    // placement and step
    [InlineData("placement: afferents", "placement: random", "random", "unknown placement 'random' in 'agent'; expected one of afferents, uniform")]
    [InlineData("placement: afferents", "placement: 1", "1     # engrafted", "unknown placement '1'")]
    [InlineData("  # step: 0.005 ", "  step: 0.5 ", "0.5 ", "step of 'agent' is 0.5 day; expected > 0 day, up to the limit of 0.1 day")]
    [InlineData("  # step: 0.005 ", "  step: 0e0 ", "0e0", "step of 'agent' is 0e0 day; expected > 0 day")]
    [InlineData("  # step: 0.005 ", "  step: -0.01 ", "-0.01", "step of 'agent' is -0.01 day; expected > 0 day")]
    [InlineData("  # step: 0.005 ", "  step: soon ", "soon", "step of 'agent' must be a number, not 'soon'")]
    public void ABadAgentSectionIsReportedAtTheOffendingNode(string find, string replace, string token, string mentions)
    {
        var text = Mutate(DefaultText, find, replace);
        AssertErrorAtOccurrence(text, token, OccurrenceInAgentSection(text, token), mentions.Split('|'));
    }

    [Fact]
    public void AnEmptyFieldsSectionIsReported()
    {
        var text = Regex.Replace(DefaultText, @"  fields:\n(    .*\n)+", "  fields: {}\n");
        AssertErrorAtOccurrence(text, "{}", OccurrenceInAgentSection(text, "{}"), "'agent' fields is empty; expected at least one state");
    }

    [Fact]
    public void AnAgentSectionThatIsNotAMappingIsReported()
    {
        var text = MinimalModel + "\nagent: yes\n";
        AssertErrorAt(text, "yes", "'agent' (lattice, microglia, cells, fields, afferents, placement, step, description) must be a mapping");
    }

    [Fact]
    public void CheckRejectsABadAgentSectionWithOneLine()
    {
        var directory = CreateTempDirectory();
        try
        {
            var text = Mutate(DefaultText, "size: 64 ", "size: 10.5 ");
            var path = Path.Combine(directory, "bad.yaml");
            File.WriteAllText(path, text);
            var (line, column) = PositionOf(text, "10.5", OccurrenceInAgentSection(text, "10.5"));
            var message = RunBadInput("check", path);
            Assert.Contains($"{path}:{line}:{column}: the size of 'agent' lattice must be a whole number of sites per side, not '10.5'", message);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary>The 1-based occurrence number, counted from the start of <paramref name="text"/>, of the first <paramref name="token"/> in the agent section.</summary>
    private static int OccurrenceInAgentSection(string text, string token)
    {
        var agent = text.IndexOf("\nagent:", StringComparison.Ordinal);
        Assert.True(agent >= 0, "the text has no agent section");
        var occurrence = 1;
        for (var at = text.IndexOf(token, StringComparison.Ordinal); at >= 0 && at < agent; at = text.IndexOf(token, at + 1, StringComparison.Ordinal))
            occurrence++;
        return occurrence;
    }
}
