using System.Globalization;
using CellTherapySim.Modeling;

namespace CellTherapySim.Simulation;

/// <summary>Applies "NAME=VALUE" parameter overrides (the --set option) to a parameter vector.</summary>
public static class ParameterOverrides
{
    /// <summary>Returns a copy of <paramref name="values"/> with each "NAME=VALUE" of <paramref name="assignments"/> applied.</summary>
    public static double[] Apply(ModelDefinition model, double[] values, IEnumerable<string> assignments, string source)
    {
        var result = (double[])values.Clone();
        foreach (var text in assignments)
        {
            var equals = text.IndexOf('=');
            if (equals <= 0) throw new InputException(source, $"'{text}' is not an assignment; expected NAME=VALUE, e.g. k_act=1.5");
            var name = text[..equals].Trim();
            var valueText = text[(equals + 1)..].Trim();
            var index = model.ParameterIndex(name);
            if (index < 0)
                throw new InputException(source, $"'{name}' is not a parameter of model '{model.Name}'; expected one of {string.Join(", ", model.Parameters.Select(p => p.Name))}");
            if (!double.TryParse(valueText, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || !double.IsFinite(value))
                throw new InputException(source, $"'{text}': '{valueText}' is not a number");
            if (model.Parameters[index].Prior is var prior && !prior.Allows(value))
                throw new InputException(source, $"'{text}': {valueText} is outside the prior of {name}, {prior}; expected {prior.Limits(name)}");
            result[index] = value;
        }
        return result;
    }
}
