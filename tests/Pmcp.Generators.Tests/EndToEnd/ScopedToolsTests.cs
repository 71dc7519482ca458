using Pmcp.Server;

namespace Pmcp.Generators.Tests.EndToEnd;

/// <summary>Tools whose <c>[McpTool]</c> names required OAuth scopes.</summary>
[McpToolSet]
public sealed partial class ScopedTools
{
    [McpTool("read_notes", RequiredScopes = ["notes:read"])]
    public static string Read() => "notes";

    [McpTool("purge_notes", RequiredScopes = ["notes:write", "admin", " ", "admin"])]
    public static string Purge() => "purged";

    [McpTool("open")]
    public static string Open() => "open";
}

/// <summary>The generator passes <c>RequiredScopes</c> through to each tool's registration, where the HTTP gate checks them.</summary>
public sealed class ScopedToolsTests
{
    [Fact]
    public void RequiredScopesReachTheRegistration()
    {
        var tools = McpServer.CreateBuilder("scoped", "1.0.0").WithTools<ScopedTools>().Build().Tools.ToDictionary(t => t.Tool.Name);

        Assert.Equal(["notes:read"], tools["read_notes"].RequiredScopes);
        Assert.Equal(["notes:write", "admin"], tools["purge_notes"].RequiredScopes);
        Assert.Empty(tools["open"].RequiredScopes);
    }

    [Fact]
    public void TheGeneratedRegistrationSetsThemOnlyWhenThereAreSome()
    {
        var text = GeneratorRun.Of("""
            [McpToolSet] public sealed partial class Tools
            {
                [McpTool("write", RequiredScopes = new[] { "notes:write" })] public static string Write() => "w";
                [McpTool("plain")] public static string Plain() => "p";
            }
            """).AssertClean().GeneratedText;

        Assert.Contains("{ RequiredScopes = new string[] { \"notes:write\" } };", text, StringComparison.Ordinal);
        Assert.Equal(2, text.Split("RequiredScopes").Length);
    }
}
