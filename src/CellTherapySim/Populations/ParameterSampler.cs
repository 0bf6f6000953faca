using CellTherapySim.Modeling;
using MathNet.Numerics.Distributions;
using MathNet.Numerics.LinearAlgebra;

namespace CellTherapySim.Populations;

/// <summary>
/// Draws individual parameter vectors: η ~ Normal(0, Ω) with Ω from the terms' ω and correlations (Cholesky factor
/// computed once), then θ_i = θ·exp(η) (log scale) or logit θ_i = logit θ + η (logit scale).
/// </summary>
public sealed class ParameterSampler
{
    private readonly double[] _typical;
    private readonly IReadOnlyList<VariabilityTerm> _terms;
    private readonly double[,] _cholesky;

    /// <summary>Prepares sampling around the typical parameter values <paramref name="typical"/> (model order).</summary>
    /// <exception cref="InputException">The correlations do not form a positive-definite matrix.</exception>
    public ParameterSampler(double[] typical, BetweenAnimalVariability variability, string source)
    {
        _typical = (double[])typical.Clone();
        _terms = variability.Terms;
        var k = _terms.Count;
        var omega = Matrix<double>.Build.Dense(k, k);
        for (var i = 0; i < k; i++)
        {
            var t = _terms[i];
            var value = _typical[t.Parameter];
            if (t.Scale == VariabilityScale.Log ? value <= 0 : value <= 0 || value >= 1)
                throw new InputException(source, $"'{t.Name}' = {value} cannot vary on the {t.Scale.ToString().ToLowerInvariant()} scale");
            omega[i, i] = Math.Pow(t.Omega(value), 2);
        }
        foreach (var c in variability.Correlations)
            omega[c.First, c.Second] = omega[c.Second, c.First] =
                c.R * Math.Sqrt(omega[c.First, c.First] * omega[c.Second, c.Second]);
        _cholesky = new double[k, k];
        if (k == 0) return;
        var zeroVariance = Enumerable.Range(0, k).Where(i => omega[i, i] == 0).ToHashSet();
        if (zeroVariance.Count == k) return;
        // Terms with CV 0 are left out of the factorization (their η is 0).
        var active = Enumerable.Range(0, k).Where(i => !zeroVariance.Contains(i)).ToArray();
        var reduced = Matrix<double>.Build.Dense(active.Length, active.Length, (r, c) => omega[active[r], active[c]]);
        Matrix<double> factor;
        try
        {
            factor = reduced.Cholesky().Factor;
        }
        catch (ArgumentException)
        {
            throw new InputException(source, "the correlations between parameters do not form a valid (positive-definite) correlation matrix");
        }
        for (var r = 0; r < active.Length; r++)
            for (var c = 0; c <= r; c++) _cholesky[active[r], active[c]] = factor[r, c];
    }

    /// <summary>Number of standard-normal draws per animal.</summary>
    public int DrawsPerAnimal => _terms.Count;

    /// <summary>Draws <paramref name="count"/> animals' parameter vectors, in animal order, from <paramref name="random"/>.</summary>
    public double[][] SampleAnimals(int count, Random random)
    {
        var animals = new double[count][];
        for (var a = 0; a < count; a++)
        {
            animals[a] = new double[_typical.Length];
            Sample(random, animals[a]);
        }
        return animals;
    }

    /// <summary>Writes one animal's parameters into <paramref name="parameters"/>, drawing from <paramref name="random"/>.</summary>
    public void Sample(Random random, double[] parameters)
    {
        Array.Copy(_typical, parameters, _typical.Length);
        var k = _terms.Count;
        if (k == 0) return;
        Span<double> z = stackalloc double[k];
        for (var i = 0; i < k; i++) z[i] = Normal.Sample(random, 0, 1);
        for (var i = 0; i < k; i++)
        {
            var eta = 0.0;
            for (var j = 0; j <= i; j++) eta += _cholesky[i, j] * z[j];
            var t = _terms[i];
            parameters[t.Parameter] = t.Scale.Individual(_typical[t.Parameter], eta);
        }
    }
}
