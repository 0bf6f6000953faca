namespace CellTherapySim.Inference.Sampling;

/// <summary>
/// Settings of a <see cref="NutsSampler"/> run, with Stan's defaults: <paramref name="Warmup"/> adaptation iterations
/// then <paramref name="Draws"/> sampling iterations, maximum tree depth, dual-averaging target acceptance
/// (adapt_delta), diagonal (diag_e) or dense (dense_e) metric, and the step size the adaptation starts from.
/// </summary>
/// <param name="DenseCoordinates">With a dense metric, how many leading coordinates get dense (correlated) entries, the
/// others diagonal ones (null: all) — e.g. a hierarchical model's population parameters dense, its many ηs diagonal.</param>
/// <param name="InitialInverseMetric">The diagonal of the inverse metric warm-up starts from (null: the identity, as Stan).</param>
public sealed record NutsSettings(
    int Warmup,
    int Draws,
    int MaxTreeDepth = 10,
    double TargetAcceptance = 0.8,
    bool DenseMetric = false,
    double InitialStepSize = 1,
    int? DenseCoordinates = null,
    double[]? InitialInverseMetric = null);
