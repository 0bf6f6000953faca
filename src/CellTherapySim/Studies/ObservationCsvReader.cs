using System.Globalization;
using CellTherapySim.Modeling;
using CellTherapySim.Simulation;
using static CellTherapySim.Studies.DataColumns;

namespace CellTherapySim.Studies;

/// <summary>
/// Reads individual animals in the long format of the study data (ID,GROUP,INJURY,TIME,EVID,AMT,ROUTE,DVID,DV,CENS, and
/// optionally PRODUCT (absent or empty: cells; AMT in the product's dose unit) and WT (body weight, kg);
/// models/data/README.md) and checks them against a model's injury presets, products, routes, endpoints and cutoffs.
/// </summary>
/// <remarks>
/// Columns may come in any order; other columns are ignored. An animal's rows need not be contiguous but must be in
/// time order, and a reading at the time of one of its doses must come before the dose row (measured before dosing).
/// Animals are returned in order of first appearance, their doses and readings in file order.
/// </remarks>
public static class ObservationCsvReader
{
    /// <summary>The columns of the format, in the order <see cref="Output.ObservationCsvWriter"/> writes them.</summary>
    public static IReadOnlyList<string> Columns { get; } = [Id, Group, Injury, Time, Evid, Amount, Route, Endpoint, Value, Cens];

    /// <summary>The optional columns of the format: PRODUCT (absent or empty: cells) and WT (body weight, kg).</summary>
    public static IReadOnlyList<string> OptionalColumns { get; } = [Product, Weight];

    /// <summary>The header line of the format (its required columns).</summary>
    public static string Header { get; } = string.Join(",", Columns);

    /// <summary>Reads the animals in the file at <paramref name="path"/>.</summary>
    public static IReadOnlyList<AnimalRecord> Read(string path, ModelDefinition model)
    {
        using var table = CsvTable.Open(path, Header);
        return Read(table, model);
    }

    /// <summary>Reads the animals in <paramref name="reader"/>; <paramref name="sourceName"/> names it in messages.</summary>
    public static IReadOnlyList<AnimalRecord> Read(TextReader reader, string sourceName, ModelDefinition model)
    {
        using var table = CsvTable.Open(reader, sourceName, Header);
        return Read(table, model);
    }

    internal static IReadOnlyList<AnimalRecord> Read(CsvTable table, ModelDefinition model)
    {
        table.Require(Columns, "an observations file (individual animals)");
        var animals = new Dictionary<int, AnimalRows>();
        var order = new List<AnimalRows>();
        var groups = new Dictionary<string, AnimalRows>();
        while (table.Read())
        {
            var id = table.Integer(Id, "expected the animal's id, an integer");
            var group = ReadGroup(table);
            var injury = ReadInjury(table, model);
            var time = ReadTime(table);
            var evid = table.Integer(Evid, "expected 0 (a reading) or 1 (a dose)");
            if (evid is not (0 or 1))
                throw table.Error(Evid, $"column {Evid}: {evid} is not an event of this format; expected 0 (a reading) or 1 (a dose)");

            if (!animals.TryGetValue(id, out var animal))
            {
                animal = animals[id] = new AnimalRows(id, group, injury, table.Line);
                order.Add(animal);
                if (!groups.TryAdd(group, animal) && groups[group] is var first && first.Injury != injury)
                    throw table.Error(Injury, $"column {Injury}: animal {id} has injury '{injury}' but group '{group}' has '{first.Injury}' (animal {first.Id}, line {first.FirstLine}); expected one injury preset per group");
            }
            animal.Check(table, group, injury, time);
            animal.CheckWeight(table, ReadWeight(table, model));

            if (evid == 1) animal.AddDose(ReadDose(table, model, time), table.Line);
            else animal.Observations.Add(ReadObservation(table, model, animal, time));
        }
        return order.Select(a => new AnimalRecord(a.Id, a.Group, a.Injury, a.Doses, a.Observations, a.Weight)).ToList();
    }

    private static string ReadInjury(CsvTable table, ModelDefinition model)
    {
        var presets = NameList(model.Injuries.Select(i => i.Name), "injury presets", model);
        var injury = table.Required(Injury, $"expected the animal's injury preset: {presets}");
        return model.Injury(injury) is not null
            ? injury
            : throw table.Error(Injury, $"column {Injury}: unknown injury preset '{injury}'; expected an injury preset of model '{model.Name}': {presets}");
    }

    private static Dose ReadDose(CsvTable table, ModelDefinition model, double time)
    {
        var product = table.Has(Product) && table.Text(Product).Trim() is { Length: > 0 } p ? p : Dose.CellsProduct;
        if (model.Product(product) is not { } definition)
            throw table.Error(table.Has(Product) ? Product : Amount, $"column {(table.Has(Product) ? Product : Amount)}: " +
                (table.Has(Product) ? model.UnknownProduct(product) : $"a dose without a {Product} column is of cells, but model '{model.Name}' has no product 'cells'; add a {Product} column"));
        var routes = NameList(definition.Routes.Select(r => r.Name), "routes", model);
        var route = table.Required(Route, $"a dose row (EVID 1) needs the route: {routes}");
        if (definition.Route(route) is null)
            throw table.Error(Route, $"column {Route}: {model.DoseRoute(product, route).Problem}");
        var expected = $"a dose row (EVID 1) needs the amount of {product} in {definition.Unit.Symbol}, > 0{(product == Dose.CellsProduct ? ", e.g. 1000000" : "")}";
        var amount = table.NonNegative(Amount, expected);
        return amount > 0
            ? new Dose(time, product, route, amount)
            : throw table.Error(Amount, $"column {Amount}: {table.Text(Amount)} is not a dose; {expected} (an untreated or vehicle animal has no dose rows)");
    }

    /// <summary>The row's body weight (WT, kg), or null when the column is absent or empty.</summary>
    private static double? ReadWeight(CsvTable table, ModelDefinition model)
    {
        if (!table.Has(Weight) || table.Text(Weight).Trim().Length == 0) return null;
        if (model.ParameterIndex(ModelFileReader.BodyWeightParameter) < 0)
            throw table.Error(Weight, $"column {Weight}: a body weight sets the model's parameter '{ModelFileReader.BodyWeightParameter}', but model '{model.Name}' has none; remove the column or use a model with it");
        var weight = table.Number(Weight, "expected the animal's body weight in kg, e.g. 0.25");
        return weight is > 0 and <= 1000 ? weight : throw table.Error(Weight, $"column {Weight}: {table.Text(Weight)} is not a body weight; expected kg > 0 (e.g. 0.25 for a 250 g rat)");
    }

    private static Observation ReadObservation(CsvTable table, ModelDefinition model, AnimalRows animal, double time)
    {
        const string codes = "expected -1 (right-censored at the upper cutoff), 0 (exact) or 1 (left-censored at the lower cutoff)";
        var endpoint = ReadEndpoint(table, model, "a reading row (EVID 0)");
        var value = table.Number(Value, "a reading row (EVID 0) needs the reading, a number");
        var code = table.Integer(Cens, codes);
        if (code is < -1 or > 1) throw table.Error(Cens, $"column {Cens}: {code} is not a censoring code; {codes}");
        var censoring = (Censoring)code;
        CheckCutoff(table, model, endpoint, value, censoring);
        CheckRange(table, Value, endpoint, value, censoring);
        animal.CheckRepeat(table, endpoint.Name, time);
        if (animal.LastDose is { } dose && dose.Time == time)
            throw table.Error(Time, $"column {Time}: this reading of animal {animal.Id} at day {Csv.Number(time)} comes after its dose at day {Csv.Number(time)} (line {dose.Line}); " +
                "expected a reading at a dose's time before the dose row (readings are taken before dosing), or a later TIME");
        return new Observation(time, endpoint.Name, value, censoring);
    }

    private static void CheckCutoff(CsvTable table, ModelDefinition model, EndpointDefinition endpoint, double value, Censoring censoring)
    {
        if (censoring == Censoring.Exact) return;
        var (cutoff, side, what) = censoring == Censoring.Right
            ? (endpoint.UpperCutoff, "upper", "right-censored (CENS -1)")
            : (endpoint.LowerCutoff, "lower", "left-censored (CENS 1)");
        if (cutoff is not { } at)
            throw table.Error(Cens, $"column {Cens}: the reading is {what} but endpoint {endpoint.Name} of model '{model.Name}' has no {side} cutoff; expected 0 (exact)");
        if (Math.Abs(value - at) > 1e-9 * Math.Max(1, Math.Abs(at)))
            throw table.Error(Value, $"column {Value}: {table.Text(Value)} is {what} but is not the {side} cutoff of {endpoint.Name}, {Csv.Number(at)} {endpoint.Unit}; " +
                $"expected a censored reading to be recorded at the cutoff (DV = {Csv.Number(at)}), or CENS 0");
    }

    /// <summary>
    /// Checks that a reading is physically possible: ≥ 0 (> 0 for an endpoint with log-normal error, whose likelihood
    /// needs its log), and, uncensored, within the endpoint's cutoffs (no reading can pass the cutoff: there the test
    /// stops and the reading is censored); the reading is in <paramref name="column"/> (DV, or a summary's MEAN).
    /// </summary>
    internal static void CheckRange(CsvTable table, string column, EndpointDefinition endpoint, double value, Censoring censoring)
    {
        var positive = endpoint.ErrorModel == ErrorModel.Multiplicative;
        if (positive ? value <= 0 : value < 0)
            throw table.Error(column, $"column {column}: {table.Text(column)} is not a possible reading of {endpoint.Name}; expected {(positive ? "> 0" : "≥ 0")} {endpoint.Unit}" +
                (positive ? " (its residual error is log-normal)" : ""));
        if (censoring != Censoring.Exact) return;
        var reading = column == Value;
        if (endpoint.UpperCutoff is { } upper && value > upper)
            throw table.Error(column, $"column {column}: {table.Text(column)} is above the upper cutoff of {endpoint.Name}, {Csv.Number(upper)} {endpoint.Unit}{(reading ? ", and not censored (CENS 0)" : "")}; " +
                (reading ? $"expected a reading ≤ {Csv.Number(upper)}, or DV = {Csv.Number(upper)} with CENS -1 for no response up to the cutoff" : $"expected a group mean ≤ {Csv.Number(upper)} (a censored reading counts at the cutoff)"));
        if (endpoint.LowerCutoff is { } lower && value < lower)
            throw table.Error(column, $"column {column}: {table.Text(column)} is below the lower cutoff of {endpoint.Name}, {Csv.Number(lower)} {endpoint.Unit}{(reading ? ", and not censored (CENS 0)" : "")}; " +
                (reading ? $"expected a reading ≥ {Csv.Number(lower)}, or DV = {Csv.Number(lower)} with CENS 1" : $"expected a group mean ≥ {Csv.Number(lower)}"));
    }

    /// <summary>One animal's rows so far, with what the consistency checks need.</summary>
    private sealed class AnimalRows(int id, string group, string injury, int firstLine)
    {
        public int Id { get; } = id;
        public string Group { get; } = group;
        public string Injury { get; } = injury;
        public int FirstLine { get; } = firstLine;
        public List<Dose> Doses { get; } = [];
        public List<Observation> Observations { get; } = [];
        public (double Time, int Line) Last { get; private set; } = (0, firstLine);
        public (double Time, int Line)? LastDose { get; private set; }
        public double? Weight { get; private set; }
        private int _weightLine;

        /// <summary>Checks that the animal's body weight, where a row gives one, is the same on every row; records it.</summary>
        public void CheckWeight(CsvTable table, double? weight)
        {
            if (weight is not { } w) return;
            if (Weight is { } known && known != w)
                throw table.Error(DataColumns.Weight, $"column {DataColumns.Weight}: animal {Id} weighs {Csv.Number(w)} kg here but {Csv.Number(known)} kg on line {_weightLine}; expected one body weight per animal");
            (Weight, _weightLine) = (w, table.Line);
        }

        /// <summary>Checks that a row of this animal keeps its group and injury and does not go back in time; records its time.</summary>
        public void Check(CsvTable table, string group, string injury, double time)
        {
            if (group != Group)
                throw table.Error(DataColumns.Group, $"column {DataColumns.Group}: animal {Id} is in group '{group}' here but in group '{Group}' on line {FirstLine}; expected one group per animal");
            if (injury != Injury)
                throw table.Error(DataColumns.Injury, $"column {DataColumns.Injury}: animal {Id} has injury '{injury}' here but '{Injury}' on line {FirstLine}; expected one injury preset per animal");
            if (time < Last.Time)
                throw table.Error(Time, $"column {Time}: day {Csv.Number(time)} of animal {Id} comes after its day {Csv.Number(Last.Time)} (line {Last.Line}); expected the rows of an animal in time order (non-decreasing TIME)");
            Last = (time, table.Line);
        }

        private readonly Dictionary<(string Endpoint, double Time), int> _readings = [];

        /// <summary>Checks that the animal has no other reading of <paramref name="endpoint"/> at <paramref name="time"/>; records this one.</summary>
        public void CheckRepeat(CsvTable table, string endpoint, double time)
        {
            if (!_readings.TryAdd((endpoint, time), table.Line))
                throw table.Error(DataColumns.Endpoint, $"column {DataColumns.Endpoint}: animal {Id} has a second {endpoint} reading at day {Csv.Number(time)} (the first on line {_readings[(endpoint, time)]}); " +
                    "expected one reading per endpoint and day (average replicate trials into one reading)");
        }

        /// <summary>Adds a dose read on <paramref name="line"/>.</summary>
        public void AddDose(Dose dose, int line)
        {
            Doses.Add(dose);
            LastDose = (dose.Time, line);
        }
    }
}
