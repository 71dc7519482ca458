using System.Text.Json;
using HelloWorld;
using Pmcp.Testing;

namespace Pmcp.Cli.Check.Tests;

/// <summary><c>test load</c>: concurrent requests for a while, measured; errors counted by kind and failing the run.</summary>
public sealed class LoadCommandTests
{
    [Fact]
    public async Task EightConcurrentWorkersAgainstHelloWorldReportLatenciesAndNoErrors()
    {
        await using var server = await NativeServer.StartAsync(HelloWorldServer.CreateServer());

        var run = await CheckRun.TestAsync(TimeSpan.FromMinutes(2), "load", server.McpUrl, "--concurrency", "8", "--duration", "3", "--format", "json");

        Assert.True(run.ExitCode == 0, run.ToString());
        using var document = JsonDocument.Parse(run.StdOut);
        var root = document.RootElement;
        Assert.StartsWith("tools/call ", root.GetProperty("request").GetString(), StringComparison.Ordinal);
        Assert.Equal(8, root.GetProperty("concurrency").GetInt32());
        Assert.True(root.GetProperty("requests").GetInt32() >= 8, run.StdOut);
        var latency = root.GetProperty("latencyMs");
        Assert.True(latency.GetProperty("p50").GetDouble() > 0);
        Assert.True(latency.GetProperty("p50").GetDouble() <= latency.GetProperty("p90").GetDouble());
        Assert.True(latency.GetProperty("p90").GetDouble() <= latency.GetProperty("p99").GetDouble());
        Assert.Empty(root.GetProperty("errors").EnumerateObject());
        // Progress every second, on stderr.
        Assert.Contains("requests", run.StdErr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ErrorsAreCountedByKindAndFailTheRun()
    {
        await using var server = await NativeServer.StartAsync(HelloWorldServer.CreateServer());

        // A wrong argument type: every call is refused, and the report says how.
        var run = await CheckRun.TestAsync(TimeSpan.FromMinutes(2), "load", server.McpUrl, "--tool", "echo", "--arguments", """{"message":42}""", "--concurrency", "8", "--duration", "2", "--format", "json");

        Assert.True(run.ExitCode == 1, run.ToString());
        using var document = JsonDocument.Parse(run.StdOut);
        var errors = document.RootElement.GetProperty("errors").EnumerateObject().ToList();
        Assert.Single(errors);
        Assert.Matches("^(JSON-RPC error -32602|tool result isError: true)$", errors[0].Name);
        Assert.Equal(document.RootElement.GetProperty("requests").GetInt32(), errors[0].Value.GetInt32());
    }

    [Fact]
    public async Task AnUnknownToolIsAClearError()
    {
        await using var server = await NativeServer.StartAsync(HelloWorldServer.CreateServer());

        var run = await CheckRun.TestAsync(TimeSpan.FromMinutes(2), "load", server.McpUrl, "--tool", "nope", "--duration", "1");

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Contains("the server has no tool 'nope'; it has: ", run.StdErr, StringComparison.Ordinal);
    }
}
