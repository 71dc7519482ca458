using System.Globalization;
using Microsoft.CodeAnalysis;

namespace Pmcp.Generators.Tests;

/// <summary>Declarations the generator cannot serve are reported with an id, a place and the fix.</summary>
public sealed class DiagnosticTests
{
    private static Diagnostic Single(GeneratorRun run, string id)
    {
        var diagnostic = Assert.Single(run.GeneratorDiagnostics);
        Assert.Equal(id, diagnostic.Id);
        Assert.Equal(DiagnosticSeverity.Error, diagnostic.Severity);
        Assert.Equal("Tools.cs", diagnostic.Location.GetLineSpan().Path);
        return diagnostic;
    }

    [Fact]
    public void ClassNotPartial()
    {
        var run = GeneratorRun.Of("""
            [McpToolSet] public sealed class Tools { [McpTool("echo")] public static string Echo(string message) => message; }
            """);

        var message = Single(run, "PMCP001").GetMessage(CultureInfo.InvariantCulture);
        Assert.Contains("'Tools' must be declared partial", message, StringComparison.Ordinal);
        Assert.Contains("add the 'partial' modifier", message, StringComparison.Ordinal);
        Assert.Empty(run.Generated);
    }

    [Fact]
    public void ContainingTypeNotPartial()
    {
        var run = GeneratorRun.Of("""
            public class Outer { [McpToolSet] public sealed partial class Tools { [McpTool("echo")] public static string Echo(string message) => message; } }
            """);

        Assert.Contains("'Outer' must be declared partial", Single(run, "PMCP001").GetMessage(CultureInfo.InvariantCulture), StringComparison.Ordinal);
    }

    [Fact]
    public void StaticClass()
    {
        var run = GeneratorRun.Of("""
            [McpToolSet] public static partial class Tools { [McpTool("echo")] public static string Echo(string message) => message; }
            """);

        Assert.Contains("remove 'static'", Single(run, "PMCP002").GetMessage(CultureInfo.InvariantCulture), StringComparison.Ordinal);
        Assert.Empty(run.Generated);
    }

    [Fact]
    public void InstanceMethod()
    {
        var run = GeneratorRun.Of("""
            [McpToolSet] public sealed partial class Tools { [McpTool("echo")] public string Echo(string message) => message; }
            """);

        Assert.Contains("'Echo' must be static", Single(run, "PMCP003").GetMessage(CultureInfo.InvariantCulture), StringComparison.Ordinal);
        Assert.Empty(run.CompilationProblems);
    }

    [Theory]
    [InlineData("ref int count", "'ref', 'out' and 'in'")]
    [InlineData("out int count", "'ref', 'out' and 'in'")]
    [InlineData("ReadOnlySpan<char> text", "ref struct")]
    [InlineData("Func<int> next", "delegate")]
    public void UnsupportedParameter(string parameter, string reason)
    {
        var run = GeneratorRun.Of($$"""
            [McpToolSet] public sealed partial class Tools { [McpTool("t")] public static string T({{parameter}}) { {{(parameter.StartsWith("out", StringComparison.Ordinal) ? "count = 0; " : "")}}return ""; } }
            """);

        var message = Single(run, "PMCP004").GetMessage(CultureInfo.InvariantCulture);
        Assert.Contains("cannot be bound from JSON arguments", message, StringComparison.Ordinal);
        Assert.Contains(reason, message, StringComparison.Ordinal);
        Assert.Empty(run.CompilationProblems);
    }

    [Fact]
    public void DuplicateToolNames()
    {
        var run = GeneratorRun.Of("""
            [McpToolSet] public sealed partial class Tools
            {
                [McpTool("same")] public static string A() => "a";
                [McpTool("same")] public static string B() => "b";
            }
            """);

        Assert.Contains("'same' of 'B' is already used by 'A'", Single(run, "PMCP005").GetMessage(CultureInfo.InvariantCulture), StringComparison.Ordinal);
        Assert.Empty(run.CompilationProblems);
        Assert.Contains("global::Pmcp.Server.Generated.GeneratedToolRegistration.AddGeneratedTool(builder, __Pmcp_A);", run.GeneratedText, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("has space")]
    [InlineData("ünïcode")]
    public void InvalidToolName(string name)
    {
        var run = GeneratorRun.Of($$"""
            [McpToolSet] public sealed partial class Tools { [McpTool("{{name}}")] public static string A() => "a"; }
            """);

        Assert.Contains("1 to 128 of the characters", Single(run, "PMCP006").GetMessage(CultureInfo.InvariantCulture), StringComparison.Ordinal);
    }

    [Fact]
    public void ToolOutsideAToolSet()
    {
        var run = GeneratorRun.Of("""
            public static class Loose { [McpTool("echo")] public static string Echo(string message) => message; }
            """);

        Assert.Contains("add [McpToolSet] to 'Loose'", Single(run, "PMCP007").GetMessage(CultureInfo.InvariantCulture), StringComparison.Ordinal);
    }

    [Fact]
    public void GenericMethod()
    {
        var run = GeneratorRun.Of("""
            [McpToolSet] public sealed partial class Tools { [McpTool("t")] public static string T<TValue>(TValue value) => ""; }
            """);

        Assert.Contains("PMCP008", run.Ids);
        Assert.Empty(run.CompilationProblems);
    }

    [Fact]
    public void TwoArgumentsWithOneJsonName()
    {
        var run = GeneratorRun.Of("""
            [McpToolSet] public sealed partial class Tools { [McpTool("t")] public static string T(string name, string Name) => ""; }
            """);

        Assert.Contains("both have the JSON name 'name'", Single(run, "PMCP009").GetMessage(CultureInfo.InvariantCulture), StringComparison.Ordinal);
    }

    [Fact]
    public void UnsupportedReturn()
    {
        var run = GeneratorRun.Of("""
            [McpToolSet] public sealed partial class Tools { [McpTool("t")] public static async IAsyncEnumerable<int> T() { await Task.Yield(); yield return 1; } }
            """);

        Assert.Contains("return an array", Single(run, "PMCP010").GetMessage(CultureInfo.InvariantCulture), StringComparison.Ordinal);
    }

    [Fact]
    public void AToolSetWithErrorsStillImplementsTheInterface()
    {
        // Only the bad tool is left out, so the user sees their mistake, not a cascade of "does not implement" errors.
        var run = GeneratorRun.Of("""
            [McpToolSet] public sealed partial class Tools
            {
                [McpTool("good")] public static string Good() => "ok";
                [McpTool("bad")] public string Bad() => "no";
            }
            public static class Use { public static McpServer Build() => McpServer.CreateBuilder("s", "1").WithTools<Tools>().Build(); }
            """);

        Assert.Equal(["PMCP003"], run.Ids);
        Assert.Empty(run.CompilationProblems);
    }
}
