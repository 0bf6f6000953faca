namespace CellTherapySim.Inference.Diagnostics;

/// <summary>
/// The energy Bayesian fraction of missing information (E-BFMI, Betancourt 2016) of Hamiltonian Monte Carlo chains.
/// </summary>
/// <remarks>
/// E-BFMI = Σₙ (Eₙ − Eₙ₋₁)² / Σₙ (Eₙ − Ē)² over one chain's energies (<c>energy__</c>), Betancourt's estimator as
/// his stan_utility and PyStan's <c>check_energy</c> compute it. ArviZ's <c>bfmi</c> divides the mean of the n − 1 squared differences by the population variance, which
/// is this value times n/(n − 1). For independent energies it is about 2; values below <see cref="LowThreshold"/> mean
/// the momentum resampling explores the energy distribution poorly.
/// </remarks>
public static class EnergyDiagnostics
{
    /// <summary>The value below which Stan warns of a low E-BFMI.</summary>
    public const double LowThreshold = 0.3;

    /// <summary>E-BFMI of one chain's energies; NaN with fewer than two energies or constant energies.</summary>
    public static double Ebfmi(ReadOnlySpan<double> energy)
    {
        if (energy.Length < 2)
            return double.NaN;
        var mean = 0.0;
        foreach (var e in energy)
            mean += e;
        mean /= energy.Length;
        var squaredDifferences = 0.0;
        var squaredDeviations = (energy[0] - mean) * (energy[0] - mean);
        for (var i = 1; i < energy.Length; i++)
        {
            var difference = energy[i] - energy[i - 1];
            squaredDifferences += difference * difference;
            squaredDeviations += (energy[i] - mean) * (energy[i] - mean);
        }
        return squaredDeviations == 0 ? double.NaN : squaredDifferences / squaredDeviations;
    }

    /// <summary>E-BFMI of each chain.</summary>
    public static double[] Ebfmi(IReadOnlyList<double[]> chains) => chains.Select(c => Ebfmi(c)).ToArray();
}
