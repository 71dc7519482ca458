namespace Pmcp.Generators.Tests;

/// <summary>Names derived from C# names: tool names in snake_case, JSON names as System.Text.Json's camelCase policy.</summary>
public sealed class NamesTests
{
    [Theory]
    [InlineData("Echo", "echo")]
    [InlineData("GetWeather", "get_weather")]
    [InlineData("GetWeatherAsync", "get_weather")]
    [InlineData("Async", "async")]
    [InlineData("HTTPGet", "http_get")]
    [InlineData("ParseURL", "parse_url")]
    [InlineData("Add2Numbers", "add2_numbers")]
    [InlineData("already_snake", "already_snake")]
    public void ToolNameIsSnakeCase(string method, string tool) => Assert.Equal(tool, Names.ToolName(method));

    [Theory]
    [InlineData("message")]
    [InlineData("Message")]
    [InlineData("URLValue")]
    [InlineData("ID")]
    [InlineData("iPhone")]
    [InlineData("A")]
    [InlineData("ABCDef")]
    [InlineData("Snake_Case")]
    public void CamelCaseIsSystemTextJsons(string name) =>
        Assert.Equal(System.Text.Json.JsonNamingPolicy.CamelCase.ConvertName(name), Names.CamelCase(name));
}
