namespace CellTherapySim.Simulation;

/// <summary>A simulation that could not be completed (the solver failed); the message names the time, the states and the likely cause.</summary>
public sealed class SimulationException(string message, Exception? inner = null) : Exception(message, inner);
