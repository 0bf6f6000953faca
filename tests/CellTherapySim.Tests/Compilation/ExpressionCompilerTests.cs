using CellTherapySim.Compilation;
using CellTherapySim.Modeling;

namespace CellTherapySim.Tests.Compilation;

/// <summary>The compiled right-hand side is the default model's v2 equations, term by term (MODEL.md).</summary>
public class ExpressionCompilerTests
{
    [Fact]
    public void RightHandSideEqualsTheHandWrittenEquations()
    {
        var model = CompiledModel.Compile(DefaultModel.Definition);
        var d = DefaultModel.Definition;
        var random = new Random(3);
        var x = Enumerable.Range(0, model.StateCount).Select(_ => 2 * random.NextDouble()).ToArray();
        var p = model.DefaultParameters();
        double P(string name) => p[d.ParameterIndex(name)];
        double X(string name) => x[d.StateIndex(name)];
        var (B, L, Q, T, S, D, R, A, M, C, Z) = (X("B"), X("L"), X("Q"), X("T"), X("S"), X("D"), X("R"), X("A"), X("M"), X("C"), X("Z"));
        var (VB, VQ, NI, NG, NP) = (X("VB"), X("VQ"), X("NI"), X("NG"), X("NP"));
        var es = S * S / (1 + S * S); // E_S with h_S = 2
        var cp = NP / (P("V_N") * P("BW"));
        var en = cp / (P("EC50_N") + cp);
        var expected = new[]
        {
            -(P("k_BL") + P("k_BO") + P("k_BT") * D) * B + P("k_LB") * L + P("k_QB") * Q,
            P("k_BL") * B - (P("k_LB") + P("k_Ld")) * L,
            -(P("k_QT") + P("k_QB")) * Q,
            P("k_BT") * D * B + P("k_QT") * Q - P("k_Td") * T,
            P("k_S") * (P("sig_T") * (T + P("phi_V") * (P("k_VT") * D * VB + P("k_VQT") * VQ)) + P("sig_L") * L) - P("k_Sd") * S,
            -P("k_rep") * (1 + P("rho_S") * es) * D + P("k_RD") * (R - 1) * D * (1 - D),
            P("k_R") * (1 + P("a_M") * M + P("a_D") * D - (P("e_R") + (1 - P("e_R")) * A) * R),
            (P("k_Ad") + P("k_AR")) * (1 + P("b_S") * es + P("b_N") * en) - (P("k_Ad") + P("k_AR") * R) * A,
            P("k_act") * D * (1 + P("w_R") * (R - 1)) * (1 - M) - P("k_deact") * (1 + P("g_S") * es) * M,
            P("k_C") * M - P("k_Cd") * (1 + P("d_S") * es) * C,
            P("k_Z") * ((C + P("w_DZ") * D) * (1 + P("w_RZ") * (R - 1)) - Z),
            -(P("k_VBo") + P("k_VT") * D) * VB + P("k_VQB") * VQ,
            -(P("k_VQT") + P("k_VQB")) * VQ,
            -P("ka_ip") * NI,
            -P("ka_po") * NG,
            P("ka_ip") * NI + P("ka_po") * NG - P("k_el") * NP,
        };
        var actual = new double[model.StateCount];
        model.RightHandSide(0, x, p, actual);
        for (var i = 0; i < expected.Length; i++) Assert.Equal(expected[i], actual[i], 1e-12);

        var readouts = new double[model.ReadoutCount];
        model.Readouts(0, x, p, readouts);
        double Hill(double v, double v50, double h) => Math.Pow(v, h) / (Math.Pow(v50, h) + Math.Pow(v, h));
        Assert.Equal(P("P0") * (1 - P("ImaxP") * Hill(Z, P("Z50"), P("hP"))), readouts[0], 1e-12);
        Assert.Equal(P("W0") * (1 - P("ImaxW") * Hill(C, P("C50"), P("hW"))), readouts[1], 1e-12);
        Assert.Equal(1 + 2 * M, readouts[2], 1e-12);
    }
}
