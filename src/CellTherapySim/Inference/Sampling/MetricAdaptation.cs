namespace CellTherapySim.Inference.Sampling;

/// <summary>
/// Stan's windowed metric adaptation (windowed_adaptation.hpp, var_adaptation.hpp, covar_adaptation.hpp): after an
/// initial buffer of 75 iterations, draws are accumulated (Welford) in windows of 25, 50, 100, … iterations (the last
/// one stretched to the terminal buffer of 50); at the end of each window the inverse metric becomes the regularised
/// estimate (n/(n+5))·Σ̂ + 10⁻³·(5/(n+5))·I — the variances for diag_e, the covariance matrix for dense_e (there only
/// among the leading "dense" coordinates, the others' covariances set to 0: a block-diagonal metric). Warm-ups
/// shorter than 150 iterations use Stan's fallback of 15% / 75% / 10%; below 20 iterations there is no metric adaptation.
/// </summary>
internal sealed class MetricAdaptation
{
    private const int DefaultInitBuffer = 75;
    private const int DefaultTermBuffer = 50;
    private const int DefaultBaseWindow = 25;
    private const int MinimumWarmup = 20;

    private readonly int _n, _denseCoordinates;
    private readonly bool _dense;
    private readonly double[] _mean;
    private readonly double[] _m2;
    private readonly double[] _delta;
    private int _samples;

    private bool _enabled;
    private int _warmup;
    private int _initBuffer;
    private int _termBuffer;
    private int _counter;
    private int _windowSize;
    private int _nextWindow;

    /// <summary>An estimator over <paramref name="dimension"/> coordinates, dense among the first <paramref name="denseCoordinates"/> when <paramref name="dense"/>.</summary>
    public MetricAdaptation(int dimension, bool dense, int denseCoordinates)
    {
        _n = dimension;
        _denseCoordinates = denseCoordinates;
        _dense = dense;
        _mean = new double[dimension];
        _m2 = new double[dense ? dimension * dimension : dimension];
        _delta = new double[dimension];
    }

    /// <summary>Sets the window schedule for a warm-up of <paramref name="warmup"/> iterations and clears the estimator.</summary>
    public void Restart(int warmup)
    {
        ClearEstimator();
        _warmup = warmup;
        _enabled = warmup >= MinimumWarmup;
        int baseWindow;
        if (DefaultInitBuffer + DefaultBaseWindow + DefaultTermBuffer > warmup)
        {
            _initBuffer = (int)(0.15 * warmup);
            _termBuffer = (int)(0.1 * warmup);
            baseWindow = warmup - (_initBuffer + _termBuffer);
        }
        else
        {
            _initBuffer = DefaultInitBuffer;
            _termBuffer = DefaultTermBuffer;
            baseWindow = DefaultBaseWindow;
        }
        _counter = 0;
        _windowSize = baseWindow;
        _nextWindow = _initBuffer + _windowSize - 1;
    }

    /// <summary>
    /// Records the draw <paramref name="q"/> of the current warm-up iteration; at the end of a window writes the new
    /// inverse metric into <paramref name="metric"/> and returns true.
    /// </summary>
    public bool Learn(double[] q, EuclideanMetric metric)
    {
        if (!_enabled) return false;
        int counter = _counter++;
        if (counter >= _initBuffer && counter < _warmup - _termBuffer)
            AddSample(q);
        if (counter != _nextWindow) return false;

        ComputeNextWindow(counter);
        WriteEstimate(metric.Values);
        metric.Refresh();
        ClearEstimator();
        return true;
    }

    private void ComputeNextWindow(int counter)
    {
        int lastWindowEnd = _warmup - _termBuffer - 1;
        if (_nextWindow == lastWindowEnd) return;
        _windowSize *= 2;
        _nextWindow = counter + _windowSize;
        // If the window after this one would overrun the terminal buffer, stretch this one to the end.
        if (_nextWindow != lastWindowEnd && _nextWindow + 2 * _windowSize >= _warmup - _termBuffer)
            _nextWindow = lastWindowEnd;
    }

    private void AddSample(double[] q)
    {
        _samples++;
        for (int i = 0; i < _n; i++)
        {
            _delta[i] = q[i] - _mean[i];
            _mean[i] += _delta[i] / _samples;
        }
        if (_dense)
        {
            for (int i = 0; i < _n; i++)
            {
                double centred = q[i] - _mean[i];
                for (int j = 0; j < _n; j++)
                    _m2[i * _n + j] += centred * _delta[j];
            }
        }
        else
        {
            for (int i = 0; i < _n; i++)
                _m2[i] += (q[i] - _mean[i]) * _delta[i];
        }
    }

    private void WriteEstimate(double[] inverseMetric)
    {
        double n = _samples;
        double shrink = n / (n + 5.0);
        double regulariser = 1e-3 * (5.0 / (n + 5.0));
        if (_dense)
        {
            for (int i = 0; i < _n; i++)
                for (int j = 0; j < _n; j++)
                {
                    // Welford's M2 is symmetric in exact arithmetic; average the rounding away for the Cholesky factor.
                    double covariance = 0.5 * (_m2[i * _n + j] + _m2[j * _n + i]) / (n - 1.0);
                    inverseMetric[i * _n + j] = i == j ? shrink * covariance + regulariser
                        : i < _denseCoordinates && j < _denseCoordinates ? shrink * covariance : 0;
                }
        }
        else
        {
            for (int i = 0; i < _n; i++)
                inverseMetric[i] = shrink * (_m2[i] / (n - 1.0)) + regulariser;
        }
        foreach (double v in inverseMetric)
            if (!double.IsFinite(v))
                throw new InvalidOperationException(
                    "Numerical overflow in metric adaptation: the sampler met extreme values on the unconstrained space "
                    + "(the posterior may be too wide or improper).");
    }

    private void ClearEstimator()
    {
        _samples = 0;
        Array.Clear(_mean);
        Array.Clear(_m2);
    }
}
