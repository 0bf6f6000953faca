using CellTherapySim.Modeling.Expressions;

namespace CellTherapySim.Compilation;

/// <summary>
/// The forward sensitivity equations of a model for a set of free parameters θ_F, compiled over the augmented state
/// z = (x, S) of length n·(1 + m): x, then S = ∂x/∂θ row-major n×m (z[n + i·m + a] = ∂x_i/∂θ_{Free[Active[a]]}), where
/// only the m "active" free parameters are integrated: a free parameter with ∂f_i/∂θ_k symbolically zero for every
/// equation (one that enters only the readouts) has S_k ≡ 0 from S_k(t0) = 0 and is left out. The equations may be
/// restricted to some of the model's states (<see cref="States"/>), the others held at 0 — states that provably stay 0
/// (<see cref="DormantStates"/>), e.g. the cell compartments of an untreated animal; x then holds those n states only.
/// Everything is symbolic (first and second derivatives of the equations); the delegates read x and S from the
/// augmented vector and allocate nothing. Immutable and thread-safe.
/// </summary>
internal sealed class SensitivityEquations(int[] states, int[] free, int[] active, ModelFunction rhs, ModelFunctionPair jacobian,
    ModelDirectionalFunction product, ModelFunction? timeDerivative)
{
    /// <summary>Number of integrated states n.</summary>
    public int StateCount => states.Length;

    /// <summary>The model states integrated (model indices, increasing), in the order of x.</summary>
    public IReadOnlyList<int> States => states;

    /// <summary>The free parameters θ_F (model parameter indices).</summary>
    public IReadOnlyList<int> Free => free;

    /// <summary>Positions in <see cref="Free"/> of the integrated (active) parameters, increasing; S column a belongs to Free[Active[a]].</summary>
    public IReadOnlyList<int> Active => active;

    /// <summary>Length n·(1 + m) of the augmented state.</summary>
    public int Dimension => StateCount * (1 + Active.Count);

    /// <summary>F(t, z) = (f, J·S + ∂f/∂θ_active) into result (length <see cref="Dimension"/>, the layout of z).</summary>
    public ModelFunction RightHandSide => rhs;

    /// <summary>∂f/∂x (n×n) into first and ∂f/∂t (n) into second, over the integrated states.</summary>
    public ModelFunctionPair StateJacobian => jacobian;

    /// <summary>
    /// For a direction v (its first n values): adds (M_a·v)_i to result[n + i·m + a], with M_a = ∂(J·S_a + ∂f/∂θ_a)/∂x, i.e.
    /// Σ_jl ∂²f_i/∂x_j∂x_l·S_a,j·v_l + Σ_l ∂²f_i/∂θ_a∂x_l·v_l: the off-diagonal blocks of the augmented Jacobian applied to
    /// v, added to the S part of an augmented vector (which may be v itself).
    /// </summary>
    public ModelDirectionalFunction JacobianProduct => product;

    /// <summary>∂F/∂t = (∂f/∂t, Σ_j ∂²f_i/∂t∂x_j·S_a,j + ∂²f_i/∂t∂θ_a) into result; null when it is symbolically zero (t does not appear).</summary>
    public ModelFunction? TimeDerivative => timeDerivative;

    /// <summary>
    /// Differentiates the equations of <paramref name="model"/> in the states <paramref name="states"/> (model indices,
    /// increasing; the others replaced by 0) and compiles the sensitivity equations for <paramref name="free"/>; a free
    /// parameter is integrated when it enters these equations or when <paramref name="integrate"/> says so (a start with
    /// a nonzero sensitivity to it).
    /// </summary>
    public static SensitivityEquations Compile(CompiledModel model, IReadOnlyList<int> free, int[] states, IReadOnlyList<bool> integrate)
    {
        var definition = model.Definition;
        int n = states.Length;
        var position = Enumerable.Repeat(-1, model.StateCount).ToArray();
        for (var a = 0; a < n; a++) position[states[a]] = a;
        // States renumbered to their position in x, the others 0; an intermediate that becomes a constant is inlined.
        var intermediates = new List<Expr>();
        Expr Restrict(Expr e) => Ex.Substitute(e, s => s switch
        {
            { Kind: SymbolKind.State } => position[s.Index] >= 0 ? s with { Index = position[s.Index] } : Number.Zero,
            { Kind: SymbolKind.Intermediate } when intermediates[s.Index] is Number constant => constant,
            _ => s,
        });
        foreach (var intermediate in definition.Intermediates) intermediates.Add(Restrict(intermediate.Expression));
        var f = states.Select(i => Restrict(definition.Equations[i])).ToList();
        var derive = new Differentiator(intermediates);

        var jacobian = Grid(n, n, (i, j) => derive.Derivative(f[i], SymbolKind.State, j));
        var fTheta = free.Select(k => f.Select(e => derive.Derivative(e, SymbolKind.Parameter, k)).ToArray()).ToArray();
        var active = Enumerable.Range(0, free.Count).Where(k => integrate[k] || !fTheta[k].All(Ex.IsZero)).ToArray();
        int m = active.Length;

        // Shared subexpressions (entries of J and second derivatives) become extra intermediates, computed once per call.
        var lets = new List<Expr>(intermediates);
        Expr Let(Expr e)
        {
            if (e is Number or Symbol) return e;
            lets.Add(e);
            return new Symbol($"let{lets.Count - 1}", SymbolKind.Intermediate, lets.Count - 1);
        }
        Expr S(int a, int j) => new Symbol($"S{j}_{a}", SymbolKind.State, n + j * m + a);
        static Expr Sum(IEnumerable<Expr> terms) => terms.Aggregate(Number.Zero as Expr, Ex.Add);

        // Row-major n×m outputs for the S part: entry(i, a) for state i and active parameter a (free position Active[a]).
        List<Expr> PerSensitivity(Func<int, int, int, Expr> entry) =>
            Enumerable.Range(0, n).SelectMany(i => active.Select((k, a) => entry(i, a, k))).ToList();

        var shared = Grid(n, n, (i, l) => Let(jacobian[i][l]));
        var rhs = f.Concat(PerSensitivity((i, a, k) =>
            Ex.Add(Sum(Enumerable.Range(0, n).Select(l => Ex.Mul(shared[i][l], S(a, l)))), fTheta[k][i]))).ToList();

        // M_a·v: coefficient of v_l is Σ_j ∂²f_i/∂x_j∂x_l·S_a,j + ∂²f_i/∂θ_a∂x_l.
        var hessian = Grid(n * n, n, (ij, l) => Let(derive.Derivative(jacobian[ij / n][ij % n], SymbolKind.State, l)));
        var product = PerSensitivity((i, a, k) => Sum(Enumerable.Range(0, n).Select(l =>
            Ex.Mul(Ex.Add(Sum(Enumerable.Range(0, n).Select(j => Ex.Mul(hessian[i * n + j][l], S(a, j)))),
                    derive.Derivative(fTheta[k][i], SymbolKind.State, l)),
                new Direction(l)))));

        var time = f.Select(e => derive.Derivative(e, SymbolKind.Time, 0)).Concat(PerSensitivity((i, a, k) =>
            Ex.Add(Sum(Enumerable.Range(0, n).Select(l => Ex.Mul(derive.Derivative(jacobian[i][l], SymbolKind.Time, 0), S(a, l)))),
                derive.Derivative(fTheta[k][i], SymbolKind.Time, 0)))).ToList();

        var compiler = new ExpressionCompiler(lets);
        return new SensitivityEquations(states, free.ToArray(), active, compiler.Compile(rhs),
            compiler.Compile(shared.SelectMany(row => row).ToList(), time.Take(n).ToList()), compiler.CompileDirectional(product, n),
            time.All(Ex.IsZero) ? null : compiler.Compile(time));
    }

    private static Expr[][] Grid(int rows, int columns, Func<int, int, Expr> entry) =>
        Enumerable.Range(0, rows).Select(i => Enumerable.Range(0, columns).Select(c => entry(i, c)).ToArray()).ToArray();
}
