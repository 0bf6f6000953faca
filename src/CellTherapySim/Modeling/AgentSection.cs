namespace CellTherapySim.Modeling;

/// <summary>The model file's `agent:` section: what the hybrid agent-based engine needs beyond the equations (the ODE ignores it).</summary>
/// <param name="Lattice">The square dorsal-horn lattice (sites per side, µm between sites).</param>
/// <param name="MicrogliaState">Index of the state whose equation gives the microglia's activation and rest rates (one microglia per site).</param>
/// <param name="Cells">The state indices of the compartments a transplanted cell moves between.</param>
/// <param name="Fields">The states solved on the lattice (their own equations locally, plus diffusion), in file order.</param>
/// <param name="Afferents">Where the injured afferents end on the lattice (a Gaussian territory, lattice-width fractions).</param>
/// <param name="Placement">Where engrafted cells settle on the lattice.</param>
/// <param name="Step">The engine's time step (day), or null to choose it from the fastest local rate.</param>
/// <param name="Description">What the lattice represents (free text; "" when not given).</param>
public sealed record AgentSection(
    LatticeGeometry Lattice,
    int MicrogliaState,
    CellCompartments Cells,
    IReadOnlyList<LatticeField> Fields,
    AfferentTerritory Afferents,
    CellPlacement Placement,
    double? Step,
    string Description)
{
    /// <summary>Fewest lattice sites per side.</summary>
    public const int MinLatticeSize = 2;

    /// <summary>Most lattice sites per side: 1024 × 1024 sites = 1,048,576 microglia.</summary>
    public const int MaxLatticeSize = 1024;

    /// <summary>Smallest distance between neighbouring sites (µm).</summary>
    public const double MinSpacing = 1;

    /// <summary>Largest distance between neighbouring sites (µm).</summary>
    public const double MaxSpacing = 500;

    /// <summary>Largest lattice width, size × spacing (µm); a rat lumbar cord is about 3–4 mm wide.</summary>
    public const double MaxExtent = 5000;

    /// <summary>Largest effective diffusion coefficient (µm²/day): self-diffusion of water at 37 °C, 3e-5 cm²/s; no solute diffuses faster.</summary>
    public const double MaxDiffusion = 2.6e8;

    /// <summary>Largest Gaussian SD of the afferent territory (lattice widths); wider is indistinguishable from uniform.</summary>
    public const double MaxAfferentWidth = 10;

    /// <summary>Largest engine time step (day).</summary>
    public const double MaxStep = 0.1;
}

/// <summary>The square lattice of microglia sites.</summary>
/// <param name="Size">Sites per side (the lattice has Size × Size sites).</param>
/// <param name="Spacing">Distance between neighbouring sites (µm).</param>
public sealed record LatticeGeometry(int Size, double Spacing);

/// <summary>The state indices of the compartments a transplanted cell moves between.</summary>
/// <param name="Blood">Index of the circulating-blood state (cells).</param>
/// <param name="Lung">Index of the lung-trapped state (cells).</param>
/// <param name="Csf">Index of the cerebrospinal-fluid state (cells).</param>
/// <param name="Site">Index of the engrafted (injured-site) state (cells).</param>
public sealed record CellCompartments(int Blood, int Lung, int Csf, int Site);

/// <summary>A state solved on the lattice: its own equation at each site, plus diffusion between sites.</summary>
/// <param name="State">Index of the state.</param>
/// <param name="Diffusion">Effective diffusion coefficient (µm²/day).</param>
/// <param name="Description">What spreads and how far (free text; "" when not given).</param>
public sealed record LatticeField(int State, double Diffusion, string Description);

/// <summary>The injured afferents' terminal field: a Gaussian weight over the lattice on a background, scaled to mean 1.</summary>
/// <param name="State">Index of the afferent-injury state; it acts locally as state × weight.</param>
/// <param name="CentreX">Centre of the territory, mediolateral (fraction of the lattice width, 0 medial).</param>
/// <param name="CentreY">Centre of the territory, dorsoventral (fraction of the lattice width, 0 dorsal).</param>
/// <param name="Width">Gaussian SD of the territory (fraction of the lattice width).</param>
/// <param name="Background">Weight far from the territory relative to its peak (0 to 1).</param>
public sealed record AfferentTerritory(int State, double CentreX, double CentreY, double Width, double Background);

/// <summary>Where engrafted cells settle on the lattice.</summary>
public enum CellPlacement
{
    /// <summary>At a site chosen in proportion to the afferent territory's weight (CXCL12/CXCR4 homing).</summary>
    Afferents,
    /// <summary>At a site chosen uniformly.</summary>
    Uniform,
}
