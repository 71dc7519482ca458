using System.Net;
using System.Net.Sockets;
using Pmcp.Testing;

namespace Pmcp.Cli.Check.Tests;

/// <summary>What <c>test check</c> says when it cannot check at all: each error says what to do, and exits 2.</summary>
public sealed class ErrorTests
{
    [Fact]
    public async Task AnUnreachableUrlSaysToStartTheServer()
    {
        var run = await CheckRun.RunAsync($"http://127.0.0.1:{ClosedPort()}/mcp");

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Contains("could not reach", run.StdErr, StringComparison.Ordinal);
        Assert.Contains("dotnet pmcp dev", run.StdErr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AUrlThatIsNotAnMcpEndpointSaysSo()
    {
        var app = LoopbackApp.Create();
        Microsoft.AspNetCore.Builder.EndpointRouteBuilderExtensions.MapPost(app, "/", () => "hello");
        await app.StartAsync();
        try
        {
            var run = await CheckRun.RunAsync(LoopbackApp.Address(app) + "/");

            Assert.True(run.ExitCode == 2, run.ToString());
            Assert.Contains("is not an MCP endpoint", run.StdErr, StringComparison.Ordinal);
        }
        finally
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }

    [Fact]
    public async Task TheApiKeyIsSentButNeverPrinted()
    {
        const string key = "sekret-key-4711";
        await using var server = await NativeServer.StartAsync(HelloWorld.HelloWorldServer.CreateServer(), o => o.Vars["MCP_API_KEY"] = key);

        var withKey = await CheckRun.RunAsync(new Dictionary<string, string> { ["CHECK_KEY"] = key }, TimeSpan.FromMinutes(2), server.McpUrl, "--api-key-env", "CHECK_KEY", "--format", "json");
        var withoutKey = await CheckRun.RunAsync(server.McpUrl);

        Assert.True(withKey.ExitCode == 0, withKey.ToString());
        Assert.DoesNotContain(key, withKey.StdOut + withKey.StdErr, StringComparison.Ordinal);
        Assert.Equal(2, withoutKey.ExitCode);
        Assert.Contains("--api-key-env", withoutKey.StdErr, StringComparison.Ordinal);
    }

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
