namespace CellTherapySim;

/// <summary>Where a long run keeps each finished unit (a replicate or an animal) so that an interrupted run can resume.</summary>
public interface IResultJournal
{
    /// <summary>Units finished by an earlier run, in order: unit k's rows [time, values…].</summary>
    IReadOnlyList<double[][]> Completed { get; }

    /// <summary>Records a finished unit's rows [time, values…] (thread-safe).</summary>
    void Add(int unit, double[][] rows);
}
