using CellTherapySim.Modeling;

namespace CellTherapySim.Studies;

/// <summary>The columns of the study data formats (models/data/README.md) and the reads that both formats share.</summary>
internal static class DataColumns
{
    public const string Id = "ID";
    public const string Group = "GROUP";
    public const string Injury = "INJURY";
    public const string Time = "TIME";
    public const string Evid = "EVID";
    public const string Amount = "AMT";
    public const string Route = "ROUTE";
    public const string Product = "PRODUCT";
    public const string Weight = "WT";
    public const string Endpoint = "DVID";
    public const string Value = "DV";
    public const string Cens = "CENS";
    public const string Mean = "MEAN";
    public const string Sd = "SD";
    public const string Count = "N";

    /// <summary>The group label (free text, non-empty).</summary>
    public static string ReadGroup(CsvTable table) => table.Required(Group, "expected the group label, e.g. C&U");

    /// <summary>The day since surgery (a number ≥ 0).</summary>
    public static double ReadTime(CsvTable table) => table.NonNegative(Time, "expected the day since surgery, a number ≥ 0");

    /// <summary>The endpoint of the row: one of the model's endpoints.</summary>
    public static EndpointDefinition ReadEndpoint(CsvTable table, ModelDefinition model, string rowKind)
    {
        var names = NameList(model.Endpoints.Select(e => e.Name), "endpoints", model);
        var name = table.Required(Endpoint, $"{rowKind} needs the endpoint: {names}");
        return model.Endpoints.FirstOrDefault(e => e.Name == name)
            ?? throw table.Error(Endpoint, $"column {Endpoint}: unknown endpoint '{name}'; expected an endpoint of model '{model.Name}': {names}");
    }

    /// <summary>"a, b or c", or a note that <paramref name="model"/> defines no <paramref name="what"/>.</summary>
    public static string NameList(IEnumerable<string> names, string what, ModelDefinition model)
    {
        var list = names.ToList();
        return list.Count switch
        {
            0 => $"(model '{model.Name}' defines no {what})",
            1 => list[0],
            _ => $"{string.Join(", ", list.Take(list.Count - 1))} or {list[^1]}",
        };
    }
}
