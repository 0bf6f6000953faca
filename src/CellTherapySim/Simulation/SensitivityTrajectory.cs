using CellTherapySim.Solvers;

namespace CellTherapySim.Simulation;

/// <summary>
/// A time, the states there and their sensitivities ∂x/∂θ_F (row-major n×nf: [i·nf + k] = ∂x_i/∂θ_F[k]): where a
/// sensitivity simulation starts, e.g. one output of an earlier run to branch into saline and dosed continuations.
/// </summary>
public readonly record struct SensitivityState(double Time, double[] States, double[] Sensitivities);

/// <summary>
/// A trajectory at the output times (<see cref="Trajectory"/>: states, readouts, solver statistics) with its sensitivities
/// to the free parameters θ_F: <see cref="StateSensitivities"/> (row-major m×n×nf: [(time·n + i)·nf + k] = ∂x_i/∂θ_F[k])
/// and <see cref="ReadoutSensitivities"/> (m×nr×nf: ∂r/∂θ_F = ∂r/∂x·∂x/∂θ_F + ∂r/∂θ_F).
/// </summary>
public sealed record SensitivityTrajectory(Trajectory Trajectory, IReadOnlyList<int> FreeParameters, double[] StateSensitivities, double[] ReadoutSensitivities)
{
    /// <summary>Number of free parameters nf.</summary>
    public int ParameterCount => FreeParameters.Count;

    /// <summary>The solver's work counters (those of <see cref="Trajectory"/>).</summary>
    public SolverStatistics Statistics => Trajectory.Statistics;

    /// <summary>∂x_state/∂θ_F[parameter] at output time index <paramref name="time"/>.</summary>
    public double StateSensitivity(int time, int state, int parameter) =>
        StateSensitivities[(time * Trajectory.StateCount + state) * ParameterCount + parameter];

    /// <summary>∂r_readout/∂θ_F[parameter] at output time index <paramref name="time"/>.</summary>
    public double ReadoutSensitivity(int time, int readout, int parameter) =>
        ReadoutSensitivities[(time * Trajectory.ReadoutCount + readout) * ParameterCount + parameter];

    /// <summary>The time, states and sensitivities at output time index <paramref name="time"/> (fresh arrays), to start a continuation from.</summary>
    public SensitivityState At(int time)
    {
        int n = Trajectory.StateCount, block = n * ParameterCount;
        return new SensitivityState(Trajectory.Times[time], Trajectory.States.AsSpan(time * n, n).ToArray(),
            StateSensitivities.AsSpan(time * block, block).ToArray());
    }
}
