using System.Text.Json;

namespace Pmcp.Generators.Tests;

/// <summary>The schemas the generator computes at compile time, read from the constants it emits.</summary>
public sealed class SchemaGenerationTests
{
    private static void AssertJson(string expected, JsonElement actual)
    {
        using var document = JsonDocument.Parse(expected);
        Assert.True(JsonElement.DeepEquals(document.RootElement, actual), $"expected {document.RootElement.GetRawText()}\nactual   {actual.GetRawText()}");
    }

    [Fact]
    public void PrimitiveParameters()
    {
        var run = GeneratorRun.Of("""
            public enum Level { Low, [JsonStringEnumMemberName("mid")] Medium, High }
            [McpToolSet] public sealed partial class Tools
            {
                [McpTool("kitchen")]
                public static string Kitchen(
                    [Description("Some text")] string text, bool flag, int count, long big, double ratio, float small, decimal money,
                    Guid id, DateTime at, DateTimeOffset when, Level level, int? maybe, string? note, int[] numbers, List<string?> words,
                    IReadOnlyList<Level>? levels, JsonElement raw, McpRequestContext context, CancellationToken cancellationToken,
                    byte tiny = 7, string greeting = "hi \"you\"", Level fallback = Level.High, double scale = 1.5, string? nothing = null) => "";
            }
            """).AssertClean();

        AssertJson("""
            {"type":"object","properties":{
              "text":{"description":"Some text","type":"string"},
              "flag":{"type":"boolean"},
              "count":{"type":"integer"},
              "big":{"type":"integer"},
              "ratio":{"type":"number"},
              "small":{"type":"number"},
              "money":{"type":"number"},
              "id":{"type":"string","format":"uuid"},
              "at":{"type":"string","format":"date-time"},
              "when":{"type":"string","format":"date-time"},
              "level":{"type":"string","enum":["Low","mid","High"]},
              "maybe":{"type":["integer","null"]},
              "note":{"type":["string","null"]},
              "numbers":{"type":"array","items":{"type":"integer"}},
              "words":{"type":"array","items":{"type":["string","null"]}},
              "levels":{"type":["array","null"],"items":{"type":"string","enum":["Low","mid","High"]}},
              "raw":{},
              "tiny":{"type":"integer","default":7},
              "greeting":{"type":"string","default":"hi \"you\""},
              "fallback":{"type":"string","enum":["Low","mid","High"],"default":"High"},
              "scale":{"type":"number","default":1.5},
              "nothing":{"type":["string","null"],"default":null}},
             "required":["text","flag","count","big","ratio","small","money","id","at","when","level","numbers","words","raw"]}
            """, run.Schema("Tools", "Kitchen"));
        Assert.False(run.HasSchema("Tools", "Kitchen", "Output"));
    }

    [Fact]
    public void TheWorkersEnvIsSuppliedByTheServerNotReadFromArguments()
    {
        var run = GeneratorRun.Of("""
            [McpToolSet] public sealed partial class Tools
            {
                [McpTool("greet")]
                public static string Greet(string name, Pmcp.Workers.Env env) => env.GetOrDefault("GREETING") + name;
            }
            """).AssertClean();

        AssertJson("""{"type":"object","properties":{"name":{"type":"string"}},"required":["name"]}""", run.Schema("Tools", "Greet"));
        Assert.Contains("__context.GetService<global::Pmcp.Workers.Env>()", run.GeneratedText, StringComparison.Ordinal);
    }

    [Fact]
    public void PrimitivesAreBoundWithoutJsonMetadata()
    {
        var text = GeneratorRun.Of("""
            public enum Level { Low, High }
            [McpToolSet] public sealed partial class Tools
            {
                [McpTool("t")] public static string T(string text, int count, Level level, List<int?> numbers, Guid? id) => "";
            }
            """).AssertClean().GeneratedText;

        Assert.DoesNotContain("ToolJsonMetadata.Resolve", text, StringComparison.Ordinal);
        Assert.Contains("global::Pmcp.Server.Generated.ToolArguments.ReadInt32(", text, StringComparison.Ordinal);
        Assert.Contains("global::Pmcp.Server.Generated.ToolArguments.ReadList<int?>(", text, StringComparison.Ordinal);
        Assert.Contains("\"High\" => global::Level.High,", text, StringComparison.Ordinal);
    }

    [Fact]
    public void NoArgumentsAdmitsOnlyAnEmptyObject()
    {
        var run = GeneratorRun.Of("""
            [McpToolSet] public sealed partial class Tools { [McpTool("now")] public static string Now(CancellationToken cancellationToken) => ""; }
            """).AssertClean();

        AssertJson("""{"type":"object","additionalProperties":false}""", run.Schema("Tools", "Now"));
    }

    [Fact]
    public void NamesComeFromTheDeclaration()
    {
        var run = GeneratorRun.Of("""
            [McpToolSet] public sealed partial class Tools
            {
                [McpTool] public static Task<string> GetWeatherAsync(string URLValue, string @from) => Task.FromResult("");
            }
            """).AssertClean();

        Assert.Contains("const string __tool = \"get_weather\";", run.GeneratedText, StringComparison.Ordinal);
        AssertJson("""
            {"type":"object","properties":{"urlValue":{"type":"string"},"from":{"type":"string"}},"required":["urlValue","from"]}
            """, run.Schema("Tools", "GetWeatherAsync"));
    }

    [Fact]
    public void ComplexParametersAreDescribedByTheirProperties()
    {
        var run = GeneratorRun.Of("""
            public sealed record Address([property: Description("Street and number")] string Street, [Description("The city")] string City, string? Zip = null);
            [Description("Someone to greet")]
            public sealed record Person(string Name, int Age, Address? Home, Dictionary<string, int> Scores)
            {
                public required IReadOnlyList<string> Tags { get; init; }
                [JsonPropertyName("nick")] public string? Nickname { get; init; }
                [JsonIgnore] public int Ignored { get; init; }
                public int Computed => Age * 2;
            }
            [McpToolSet] public sealed partial class Tools
            {
                [McpTool("greet")] public static string Greet(Person person, [Description("Where to send it")] Address? to = null) => "";
            }
            """).AssertClean();

        AssertJson("""
            {"type":"object","properties":{
              "person":{"description":"Someone to greet","type":"object","properties":{
                "name":{"type":"string"},
                "age":{"type":"integer"},
                "home":{"type":["object","null"],"properties":{
                  "street":{"description":"Street and number","type":"string"},
                  "city":{"description":"The city","type":"string"},
                  "zip":{"type":["string","null"],"default":null}},"required":["street","city"]},
                "scores":{"type":"object","additionalProperties":{"type":"integer"}},
                "tags":{"type":"array","items":{"type":"string"}},
                "nick":{"type":["string","null"]},
                "computed":{"type":"integer"}},
               "required":["name","age","home","scores","tags"]},
              "to":{"description":"Where to send it","type":["object","null"],"properties":{
                  "street":{"description":"Street and number","type":"string"},
                  "city":{"description":"The city","type":"string"},
                  "zip":{"type":["string","null"],"default":null}},"required":["street","city"],"default":null}},
             "required":["person"]}
            """, run.Schema("Tools", "Greet"));

        // Complex types go through the server's JSON metadata, whose names are checked against this schema at build.
        Assert.Contains("global::Pmcp.Server.Generated.ToolJsonMetadata.Resolve<global::Person>(json, __tool, \"Person\")", run.GeneratedText, StringComparison.Ordinal);
        Assert.Contains("CheckPropertyNames(json, __tool, typeof(global::Address), \"Address\", new string[] { \"street\", \"city\", \"zip\" })", run.GeneratedText, StringComparison.Ordinal);
    }

    [Fact]
    public void CyclesBecomeAnySchema()
    {
        var run = GeneratorRun.Of("""
            public sealed record Node(string Name, Node? Next, List<Node> Children);
            [McpToolSet] public sealed partial class Tools { [McpTool("walk")] public static int Walk(Node node) => 0; }
            """).AssertClean();

        AssertJson("""
            {"type":"object","properties":{"node":{"type":"object","properties":{
              "name":{"type":"string"},"next":{},"children":{"type":"array","items":{}}},"required":["name","next","children"]}},
             "required":["node"]}
            """, run.Schema("Tools", "Walk"));
    }

    [Fact]
    public void DeepNestingIsCut()
    {
        var run = GeneratorRun.Of("""
            public sealed record L0(L1 Next); public sealed record L1(L2 Next); public sealed record L2(L3 Next); public sealed record L3(L4 Next);
            public sealed record L4(L5 Next); public sealed record L5(L6 Next); public sealed record L6(L7 Next); public sealed record L7(L8 Next);
            public sealed record L8(L9 Next); public sealed record L9(L10 Next); public sealed record L10(L11 Next); public sealed record L11(int Last);
            [McpToolSet] public sealed partial class Tools { [McpTool("deep")] public static int Deep(L0 start) => 0; }
            """).AssertClean();

        var schema = run.Schema("Tools", "Deep").GetProperty("properties").GetProperty("start");
        var depth = 0;
        while (schema.TryGetProperty("properties", out var properties))
        {
            schema = properties.GetProperty("next");
            depth++;
        }

        Assert.Equal("{}", schema.GetRawText());
        Assert.InRange(depth, 5, 11);
    }

    [Theory]
    [InlineData("void", "", null)]
    [InlineData("Task", "return Task.CompletedTask;", null)]
    [InlineData("ValueTask", "return default;", null)]
    [InlineData("string", "return \"\";", null)]
    [InlineData("Task<string?>", "return Task.FromResult<string?>(null);", null)]
    [InlineData("CallToolResult", "return new();", null)]
    [InlineData("TextContent", "return new(\"\");", null)]
    [InlineData("ContentBlock[]", "return [];", null)]
    [InlineData("List<TextContent>", "return [];", null)]
    [InlineData("int", "return 1;", """{"type":"object","properties":{"result":{"type":"integer"}},"required":["result"]}""")]
    [InlineData("ValueTask<int?>", "return default;", """{"type":"object","properties":{"result":{"type":["integer","null"]}},"required":["result"]}""")]
    [InlineData("Task<User[]>", "return Task.FromResult<User[]>([]);", """{"type":"object","properties":{"result":{"type":"array","items":{"type":"object","properties":{"name":{"type":"string"}},"required":["name"]}}},"required":["result"]}""")]
    [InlineData("Task<User?>", "return Task.FromResult<User?>(null);", """{"type":"object","properties":{"name":{"type":"string"}},"required":["name"]}""")]
    [InlineData("Dictionary<string, User>", "return [];", """{"type":"object","additionalProperties":{"type":"object","properties":{"name":{"type":"string"}},"required":["name"]}}""")]
    public void ReturnTypes(string returnType, string body, string? outputSchema)
    {
        var run = GeneratorRun.Of($$"""
            public sealed record User(string Name);
            [McpToolSet] public sealed partial class Tools { [McpTool("t")] public static {{returnType}} T() { {{body}} } }
            """).AssertClean();

        if (outputSchema is null)
        {
            Assert.False(run.HasSchema("Tools", "T", "Output"));
        }
        else
        {
            AssertJson(outputSchema, run.Schema("Tools", "T", "Output"));
        }
    }

    [Fact]
    public void DescriptionTitleAndHintsGoToTheTool()
    {
        var text = GeneratorRun.Of("""
            [McpToolSet] public sealed partial class Tools
            {
                [McpTool("add", Title = "Add", ReadOnly = true, OpenWorld = false), Description("Add two integers")]
                public static int Add(int a, int b = 0) => a + b;

                [McpTool("wipe", Description = "Erase everything", Destructive = true, Idempotent = true)]
                public static void Wipe() { }
            }
            """).AssertClean().GeneratedText;

        Assert.Contains("Title = \"Add\",", text, StringComparison.Ordinal);
        Assert.Contains("Description = \"Add two integers\",", text, StringComparison.Ordinal);
        Assert.Contains("Annotations = new global::Pmcp.Protocol.ToolAnnotations { ReadOnlyHint = true, OpenWorldHint = false },", text, StringComparison.Ordinal);
        Assert.Contains("Description = \"Erase everything\",", text, StringComparison.Ordinal);
        Assert.Contains("{ DestructiveHint = true, IdempotentHint = true }", text, StringComparison.Ordinal);
    }

    [Fact]
    public void NestedGenericAndObsoleteDeclarationsCompile()
    {
        GeneratorRun.Of("""
            namespace Deep.Space
            {
                public static partial class Outer
                {
                    public partial class Middle
                    {
                        [McpToolSet] internal sealed partial record Tools<TTag>
                        {
                            [Obsolete("old")] [McpTool("old")] private static string Old(@string @class) => @class.ToString();
                            [McpTool("keyword")] public static @string Keyword(@string @event = @string.@default) => @event;
                        }
                    }
                }

                public enum @string { @default, @class }
            }
            """).AssertClean();
    }

    [Fact]
    public void UnrelatedEditsReuseTheGeneratedSource()
    {
        var run = IncrementalRun.Of("""
            [McpToolSet] public sealed partial class Tools { [McpTool("echo")] public static string Echo(string message) => message; }
            """);

        var reasons = run.RerunWith("public static class Unrelated { public static int Answer => 42; }");

        Assert.NotEmpty(reasons);
        Assert.All(reasons, r => Assert.True(r is Microsoft.CodeAnalysis.IncrementalStepRunReason.Cached or Microsoft.CodeAnalysis.IncrementalStepRunReason.Unchanged, r.ToString()));
    }
}
