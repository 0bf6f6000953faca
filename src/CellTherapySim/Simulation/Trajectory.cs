using CellTherapySim.Solvers;

namespace CellTherapySim.Simulation;

/// <summary>
/// A simulated trajectory at the output times: states (row-major, one row of n per time) and readouts
/// (one row of nr per time), with the solver's work counters.
/// </summary>
public sealed record Trajectory(double[] Times, double[] States, double[] Readouts, int StateCount, int ReadoutCount, SolverStatistics Statistics)
{
    /// <summary>The solver's work counters (set again when a simulator reuses this result's arrays).</summary>
    public SolverStatistics Statistics { get; internal set; } = Statistics;

    /// <summary>State <paramref name="state"/> at output time index <paramref name="time"/>.</summary>
    public double State(int time, int state) => States[time * StateCount + state];

    /// <summary>Readout <paramref name="readout"/> at output time index <paramref name="time"/>.</summary>
    public double Readout(int time, int readout) => Readouts[time * ReadoutCount + readout];

    /// <summary>Column <paramref name="column"/> at output time index <paramref name="time"/>: the states first, then the readouts (as in the CSV files).</summary>
    public double Value(int time, int column) => column < StateCount ? State(time, column) : Readout(time, column - StateCount);
}
