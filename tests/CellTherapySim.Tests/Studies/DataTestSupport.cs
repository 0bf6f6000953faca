using CellTherapySim.Modeling;
using static CellTherapySim.Tests.Modeling.InputTestSupport;

namespace CellTherapySim.Tests.Studies;

/// <summary>Shared helpers of the study data tests: the shipped files, small valid files to mutate, and located-error assertions.</summary>
public static class DataTestSupport
{
    /// <summary>The name the inline data files are read under.</summary>
    public const string Source = "data.csv";

    /// <summary>Marks, in a mutated file, the character where the error must be located; removed before reading.</summary>
    public const string Here = "§";

    /// <summary>A small valid observations file: two animals, a group label with a comma and '&amp;', a dose after the day-7 reading, a right-censored reading.</summary>
    public const string Observations = """
        ID,GROUP,INJURY,TIME,EVID,AMT,ROUTE,DVID,DV,CENS
        1,S&S,sham,0,0,,,PMWT,15,-1
        1,S&S,sham,0,0,,,TWL,11.2,0
        1,S&S,sham,7,0,,,PMWT,14.1,0
        2,"C, &U",cci,0,0,,,PMWT,9.5,0
        2,"C, &U",cci,7,0,,,TWL,7.7,0
        2,"C, &U",cci,7,1,1000000,iv,,,
        2,"C, &U",cci,9,0,,,PMWT,12,0

        """;

    /// <summary>A small valid summary file.</summary>
    public const string Summary = """
        GROUP,TIME,DVID,MEAN,SD,N
        S&S,0,PMWT,15,0,10
        S&S,0,TWL,10.9,1.0,10
        "C, &U",7,PMWT,6.2,1.5,10

        """;

    /// <summary>The default model: endpoints PMWT (upper cutoff 15 g) and TWL (20 s), routes iv and it, injuries cci and sham.</summary>
    public static ModelDefinition Model => DefaultModel.Definition;

    /// <summary>The shipped observations file.</summary>
    public static string ObservationsPath => Path.Combine(RepositoryRoot(), "models", "data", "cci-iv-day7", "observations.csv");

    /// <summary>The shipped summary file.</summary>
    public static string SummaryPath => Path.Combine(RepositoryRoot(), "models", "data", "cci-iv-day7", "summary.csv");

    /// <summary>
    /// Asserts that <paramref name="read"/> rejects <paramref name="marked"/> (without its <see cref="Here"/> marker) with an
    /// error naming <see cref="Source"/>, located at the marker's line and column, naming <paramref name="column"/> and each of <paramref name="mentions"/>.
    /// </summary>
    public static InputException AssertErrorAt(Action<TextReader, string> read, string marked, string column, params string[] mentions)
    {
        var (line, character) = PositionOf(marked, Here);
        var error = Assert.Throws<InputException>(() => read(new StringReader(marked.Replace(Here, "")), Source));
        Assert.True((Source, line, character) == (error.Source, error.Line, error.Column),
            $"expected the error at {Source}:{line}:{character}, got {error.Message}");
        Assert.StartsWith($"{Source}:{line}:{character}: column {column}", error.Message);
        foreach (var mention in mentions) Assert.Contains(mention, error.Message);
        return error;
    }

    /// <summary>Asserts that <paramref name="read"/> rejects <paramref name="text"/> with an error at a whole line (no column) that mentions each of <paramref name="mentions"/>.</summary>
    public static InputException AssertErrorAtLine(Action<TextReader, string> read, string text, int line, params string[] mentions)
    {
        var error = Assert.Throws<InputException>(() => read(new StringReader(text), Source));
        Assert.True((Source, line, 0) == (error.Source, error.Line, error.Column), $"expected the error at {Source}:{line}, got {error.Message}");
        Assert.StartsWith($"{Source}:{line}: ", error.Message);
        foreach (var mention in mentions) Assert.Contains(mention, error.Message);
        return error;
    }
}
