namespace CellTherapySim.Modeling.Expressions;

/// <summary>
/// Built-in functions. The first eight are the model language; the rest appear only in derivatives
/// produced by <see cref="CellTherapySim.Compilation.Differentiator"/>.
/// </summary>
public enum Function
{
    /// <summary>exp(x)</summary>
    Exp,
    /// <summary>natural logarithm log(x)</summary>
    Log,
    /// <summary>sqrt(x)</summary>
    Sqrt,
    /// <summary>abs(x)</summary>
    Abs,
    /// <summary>min(a, b)</summary>
    Min,
    /// <summary>max(a, b)</summary>
    Max,
    /// <summary>pos(x) = max(x, 0)</summary>
    Pos,
    /// <summary>hill(x, x50, n) = x^n / (x50^n + x^n) for x &gt; 0, else 0</summary>
    Hill,
    /// <summary>Heaviside step: 1 if x &gt; 0, else 0 (derivative of pos).</summary>
    Step,
    /// <summary>sign(x) (derivative of abs).</summary>
    Sign,
    /// <summary>∂hill/∂x</summary>
    HillDx,
    /// <summary>∂hill/∂x50</summary>
    HillDx50,
    /// <summary>∂hill/∂n</summary>
    HillDn,
    /// <summary>∂²hill/∂x²</summary>
    HillDxDx,
    /// <summary>∂²hill/∂x∂x50</summary>
    HillDxDx50,
    /// <summary>∂²hill/∂x∂n</summary>
    HillDxDn,
    /// <summary>∂²hill/∂x50²</summary>
    HillDx50Dx50,
    /// <summary>∂²hill/∂x50∂n</summary>
    HillDx50Dn,
    /// <summary>∂²hill/∂n²</summary>
    HillDnDn,
}

/// <summary>Names and arities of the functions users may write.</summary>
public static class FunctionTable
{
    private static readonly Dictionary<string, (Function Function, int Arity)> ByName = new(StringComparer.Ordinal)
    {
        ["exp"] = (Function.Exp, 1),
        ["log"] = (Function.Log, 1),
        ["sqrt"] = (Function.Sqrt, 1),
        ["abs"] = (Function.Abs, 1),
        ["min"] = (Function.Min, 2),
        ["max"] = (Function.Max, 2),
        ["pos"] = (Function.Pos, 1),
        ["hill"] = (Function.Hill, 3),
    };

    /// <summary>The user-visible function names, for messages.</summary>
    public static IEnumerable<string> Names => ByName.Keys;

    /// <summary>Looks up a user-visible function by name.</summary>
    public static bool TryGet(string name, out Function function, out int arity)
    {
        var found = ByName.TryGetValue(name, out var entry);
        (function, arity) = entry;
        return found;
    }

    /// <summary>Whether a name is taken by a function (and so cannot name a parameter or state).</summary>
    public static bool IsReserved(string name) => ByName.ContainsKey(name);

    /// <summary>The language name of a function, as printed in expressions.</summary>
    public static string NameOf(Function function) => function switch
    {
        Function.HillDx => "hill_dx",
        Function.HillDx50 => "hill_dx50",
        Function.HillDn => "hill_dn",
        Function.HillDxDx => "hill_dxdx",
        Function.HillDxDx50 => "hill_dxdx50",
        Function.HillDxDn => "hill_dxdn",
        Function.HillDx50Dx50 => "hill_dx50dx50",
        Function.HillDx50Dn => "hill_dx50dn",
        Function.HillDnDn => "hill_dndn",
        _ => function.ToString().ToLowerInvariant(),
    };
}
