using CellTherapySim.Modeling;
using CellTherapySim.Modeling.Expressions;

namespace CellTherapySim.Compilation;

/// <summary>
/// Finds the states of a model that stay exactly 0 in a simulation: a state that starts at 0, is not dosed, and whose
/// equation vanishes identically when it and the other such states are 0 (the compartments of a product never given,
/// e.g. EVs and NAC in a cell-only run, or the cells in an untreated one). By uniqueness of the ODE's solution they are 0
/// at all times, so a simulator can integrate the other states only.
/// </summary>
internal static class DormantStates
{
    /// <summary>
    /// Whether each state is dormant, for a simulation whose states start at <paramref name="initial"/> and whose doses
    /// enter <paramref name="dosed"/>: the largest set Z of zero, undosed states such that every equation of Z is
    /// symbolically 0 once the states of Z are replaced by 0 (found by removing states from the candidates until none
    /// fails; simplification is conservative, so a state it cannot prove dormant is integrated).
    /// </summary>
    public static bool[] Find(ModelDefinition model, double[] initial, IReadOnlySet<int> dosed)
    {
        var n = model.States.Count;
        var dormant = Enumerable.Range(0, n).Select(i => initial[i] == 0 && !dosed.Contains(i)).ToArray();
        for (var changed = true; changed;)
        {
            changed = false;
            var memo = new Dictionary<int, Expr>();
            for (var i = 0; i < n; i++)
            {
                if (!dormant[i] || Ex.IsZero(Zeroed(model.Equations[i], dormant, model, memo))) continue;
                dormant[i] = false;
                changed = true;
                break;
            }
        }
        return dormant;
    }

    /// <summary><paramref name="e"/> with the states marked in <paramref name="zero"/> replaced by 0, simplified (intermediates expanded, memoised).</summary>
    private static Expr Zeroed(Expr e, bool[] zero, ModelDefinition model, Dictionary<int, Expr> memo) => Ex.Substitute(e, s => s switch
    {
        { Kind: SymbolKind.State } when zero[s.Index] => Number.Zero,
        { Kind: SymbolKind.Intermediate } => memo.TryGetValue(s.Index, out var value) ? value : memo[s.Index] = Zeroed(model.Intermediates[s.Index].Expression, zero, model, memo),
        _ => s,
    });
}
