namespace CellTherapySim.Solvers;

/// <summary>Work counters of one or more integrations (accumulated by <see cref="Add"/>).</summary>
public record struct SolverStatistics(int AcceptedSteps, int RejectedSteps, int FunctionEvaluations, int JacobianEvaluations, int Decompositions)
{
    /// <summary>Sum of two counters.</summary>
    public readonly SolverStatistics Add(SolverStatistics other) => new(
        AcceptedSteps + other.AcceptedSteps,
        RejectedSteps + other.RejectedSteps,
        FunctionEvaluations + other.FunctionEvaluations,
        JacobianEvaluations + other.JacobianEvaluations,
        Decompositions + other.Decompositions);
}
