namespace CellTherapySim.Studies;

/// <summary>How a reading relates to the true value (the CENS column).</summary>
public enum Censoring
{
    /// <summary>CENS = 0: the reading is the value (with measurement error).</summary>
    Exact = 0,
    /// <summary>CENS = -1: right-censored at the upper cutoff; the true value is at least DV.</summary>
    Right = -1,
    /// <summary>CENS = 1: left-censored at the lower cutoff; the true value is at most DV.</summary>
    Left = 1,
}

/// <summary>One behavioural reading of one animal.</summary>
public readonly record struct Observation(double Time, string Endpoint, double Value, Censoring Censoring);
