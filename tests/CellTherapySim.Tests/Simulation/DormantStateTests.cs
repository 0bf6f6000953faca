using CellTherapySim.Compilation;
using CellTherapySim.Modeling;
using CellTherapySim.Simulation;
using CellTherapySim.Solvers;

namespace CellTherapySim.Tests.Simulation;

/// <summary>
/// States that provably stay 0 (a product's compartments when it is not given) are left out of the integration: which
/// ones, and that the simulation is the full one (dormant states exactly 0, the others as integrated in full).
/// </summary>
public class DormantStateTests
{
    private static readonly ModelDefinition Definition = DefaultModel.Definition;
    private static readonly CompiledModel Model = CompiledModel.Compile(Definition);

    private static string[] Active(string injury, params Dose[] doses)
    {
        var dosed = doses.Where(d => d.Amount != 0).Select(d => Definition.DoseRoute(d.Product, d.Route).Route!.TargetState).ToHashSet();
        return Model.ActiveStates(Model.InitialState(injury), dosed).Select(s => Definition.States[s].Name).ToArray();
    }

    [Fact]
    public void ProductsNotGivenAreDormant()
    {
        // Untreated, even the secretome S stays 0 (it comes from cells and EVs only).
        string[] core = ["D", "R", "A", "M", "C", "Z"];
        Assert.Equal(core, Active("cci"));
        Assert.Equal(["B", "L", "T", "S", .. core], Active("cci", Dose.Cells(7, "iv", 1e6))); // IV cells never reach the CSF (Q)
        Assert.Equal(["B", "L", "Q", "T", "S", .. core], Active("cci", Dose.Cells(7, "it", 1e6)));
        // Intrathecal EVs reach blood from the CSF, so both EV compartments move; cells stay dormant.
        Assert.Equal(["S", .. core, "VB", "VQ"], Active("cci", new Dose(7, "ev", "it", 100)));
        // i.p. NAC: the peritoneal depot and plasma move, the gut depot does not.
        Assert.Equal([.. core, "NI", "NP"], Active("sham", new Dose(0, "nac", "ip", 150)));
        Assert.Equal(core, Active("cci", new Dose(0, "nac", "ip", 0)));
    }

    [Fact]
    public void ADormantStateIsOneWhoseEquationVanishesOnlyWhenItsSourcesAreZeroToo()
    {
        // Y is fed by X (which starts at 2 under 'hurt'): not dormant; Z feeds only itself: dormant; W has a source: not dormant.
        var text = Modeling.InputTestSupport.Mutate(Modeling.InputTestSupport.MinimalModel, "  Y: {initial: 0, unit: 1e6 cells}", "  Y: {initial: 0, unit: 1e6 cells}\n  Z: {initial: 0, unit: \"1\"}\n  W: {initial: 0, unit: \"1\"}");
        text = Modeling.InputTestSupport.Mutate(text, "  dY/dt: flux", "  dY/dt: flux\n  dZ/dt: -k*Z*X/X1\n  dW/dt: k*(1 - W)");
        text = Modeling.InputTestSupport.Mutate(text, "parameters:\n", "parameters:\n  X1: {value: 1, unit: 1e6 cells}\n");
        var model = CompiledModel.Compile(ModelFileReader.Read(text, "tiny.yaml"));
        Assert.Equal([0, 1, 3], model.ActiveStates(model.InitialState("hurt"), new HashSet<int>()));
        Assert.Equal([0, 1, 2, 3], model.ActiveStates(model.InitialState("hurt"), new HashSet<int> { 2 }));
    }

    [Fact]
    public void AReducedSimulationIsTheFullOne()
    {
        // The same run with the dormant compartments made live by a negligible initial amount (1e-300, far below atol)
        // integrates every state: the reduced run's states agree to the solvers' tolerance and its dormant ones are exactly 0.
        var tight = new SolverOptions(RelativeTolerance: 1e-10, AbsoluteTolerance: 1e-12);
        var simulator = new Simulator(Model, SolverKind.Stiff, tight);
        double[] days = [0, 1, 3, 7, 8, 10, 15, 28];
        Dose[] doses = [Dose.Cells(7, "iv", 1e6)];
        var reduced = simulator.Simulate(Model.DefaultParameters(), Model.InitialState("cci"), doses, days);
        var live = Model.InitialState("cci");
        foreach (var s in new[] { "VB", "VQ", "NI", "NG", "NP" }) live[Definition.StateIndex(s)] = 1e-300;
        var full = simulator.Simulate(Model.DefaultParameters(), live, doses, days);
        for (var i = 0; i < days.Length; i++)
            for (var s = 0; s < Model.StateCount; s++)
            {
                var name = Definition.States[s].Name;
                if (name is "VB" or "VQ" or "NI" or "NG" or "NP") Assert.Equal(0, reduced.State(i, s));
                else Assert.True(Math.Abs(reduced.State(i, s) - full.State(i, s)) <= 1e-8 * Math.Max(1, Math.Abs(full.State(i, s))), $"{name} day {days[i]}");
            }
    }
}
