using System.Text.Json.Serialization.Metadata;
using Pmcp.Http;
using Pmcp.Server;

namespace Pmcp.Generators.Tests.EndToEnd;

/// <summary>JSON metadata that cannot serve a compile-time schema fails at Build(), saying what to add.</summary>
public sealed class BuildErrorTests
{
    [Fact]
    public void MissingMetadataNamesTheTypeAndTheAttribute()
    {
        var builder = McpServer.CreateBuilder("s", "1").WithTools<TestTools>();

        var e = Assert.Throws<InvalidOperationException>(builder.Build);

        Assert.Contains("Tool 'greet': no JSON metadata for Pmcp.Generators.Tests.EndToEnd.Person", e.Message, StringComparison.Ordinal);
        Assert.Contains("Add [JsonSerializable(typeof(Person))]", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void PrimitiveResultsNeedNoMetadata()
    {
        var server = McpServer.CreateBuilder("s", "1").WithTools<PrimitiveTools>().Build();

        Assert.Equal(["double_it"], server.Tools.Select(t => t.Tool.Name));
    }

    [Fact]
    public async Task AnyContextServesCamelCaseNames()
    {
        // The server's options name properties (camelCase), whatever options the context was generated with.
        var handler = new StreamableHttpHandler(McpServer.CreateBuilder("s", "1").WithJsonContext(PascalCaseJsonContext.Default).WithTools<TestTools>().Build());

        var result = await handler.CallAsync("greet", """{"person":{"name":"Ada","age":36,"home":null}}""");

        Assert.Equal("Hello Ada (36, Light) of nowhere", result.Text());
    }

    [Fact]
    public void MetadataRenamedAtRunTimeIsRefused()
    {
        var renamed = TestJsonContext.Default.WithAddedModifier(info =>
        {
            foreach (var property in info.Properties.Where(_ => info.Type == typeof(Address)))
            {
                property.Name = property.Name.ToUpperInvariant();
            }
        });
        var builder = McpServer.CreateBuilder("s", "1").WithJsonContext(renamed).WithTools<TestTools>();

        var e = Assert.Throws<InvalidOperationException>(builder.Build);

        Assert.Contains("Tool 'greet': the JSON properties of Address are [STREET, CITY, ZIP], but its schema, made at compile time, names [street, city, zip]", e.Message, StringComparison.Ordinal);
        Assert.Contains("[JsonPropertyName]", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void EnumsWrittenAsNumbersAreRefused()
    {
        var builder = McpServer.CreateBuilder("s", "1").WithJsonContext(NumericEnumJsonContext.Default).WithTools<ChoreTools>();

        var e = Assert.Throws<InvalidOperationException>(builder.Build);

        Assert.Contains("Tool 'plan': the schema lists the values of Priority by name", e.Message, StringComparison.Ordinal);
        Assert.Contains("[JsonConverter(typeof(JsonStringEnumConverter<Priority>))]", e.Message, StringComparison.Ordinal);
    }
}

[McpToolSet]
public sealed partial class PrimitiveTools
{
    [McpTool]
    public static double DoubleIt(double value) => value * 2;
}
