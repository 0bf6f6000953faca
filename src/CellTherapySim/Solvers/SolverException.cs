namespace CellTherapySim.Solvers;

/// <summary>Why an integration failed, where, and the states at that time.</summary>
public sealed class SolverException : Exception
{
    /// <summary>Creates the exception; the message states the time, the states and the likely cause.</summary>
    public SolverException(string solver, string reason, double time, double[] state, string likelyCause)
        : base($"{solver} failed at t = {time:G6}: {reason}. State: [{string.Join(", ", state.Select(v => v.ToString("G6")))}]. Likely cause: {likelyCause}")
    {
        Reason = reason;
        Time = time;
        State = (double[])state.Clone();
        LikelyCause = likelyCause;
    }

    /// <summary>What went wrong (e.g. "step size underflow").</summary>
    public string Reason { get; }

    /// <summary>Time reached when the failure was detected.</summary>
    public double Time { get; }

    /// <summary>State values at <see cref="Time"/>.</summary>
    public IReadOnlyList<double> State { get; }

    /// <summary>The most likely reason in the model or its inputs, as advice to the user.</summary>
    public string LikelyCause { get; }
}
