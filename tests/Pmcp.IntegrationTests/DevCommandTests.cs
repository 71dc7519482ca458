using System.Net;
using System.Net.Sockets;
using Pmcp.Testing;
using static Pmcp.Testing.McpClientDriver;

namespace Pmcp.IntegrationTests;

/// <summary><c>dotnet pmcp dev --native</c> as a user runs it: build, serve, answer the official client, stop on Ctrl+C.</summary>
public sealed class DevCommandTests
{
    /// <summary>
    /// Ctrl+C in a terminal (SIGINT) and a script's or CI's kill (SIGTERM) both stop dev and the native host it started,
    /// whether or not the tests themselves run from a background job (which would leave SIGINT ignored).
    /// </summary>
    [Theory]
    [InlineData("SIGINT")]
    [InlineData("SIGTERM")]
    public async Task DevServesTheSampleUntilStopped(string signal)
    {
        var port = FreePort();
        string[] arguments = ["dev", "samples/HelloWorld", "--native", "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture)];
        await using var cli = signal == "SIGINT"
            ? CliProcess.StartAsTerminalJob(RepoPaths.Root, new Dictionary<string, string>(), arguments)
            : CliProcess.Start(arguments);

        var endpoint = await cli.EndpointAsync(TimeSpan.FromMinutes(3));
        Assert.Equal($"http://127.0.0.1:{port}/mcp", endpoint);

        var run = await RunAsync(endpoint, [Op("callTool", new { name = "echo", arguments = new { message = "from dev" } })]);
        Assert.Equal("from dev", run.Result(0)["content"]![0]!["text"]!.GetValue<string>());
        var started = ProcessTree.Descendants(cli.Id);

        var exitCode = signal == "SIGINT" ? await cli.InterruptAsync(TimeSpan.FromSeconds(30)) : await cli.StopAsync(TimeSpan.FromSeconds(30));

        Assert.True(exitCode == 0, cli.Output);
        Assert.Contains("Stopped.", cli.Output, StringComparison.Ordinal);
        Assert.Empty(await ProcessTree.StillRunningAfterAsync(started, TimeSpan.FromSeconds(5)));
        using var probe = new TcpClient();
        await Assert.ThrowsAnyAsync<SocketException>(() => probe.ConnectAsync(IPAddress.Loopback, port));
    }

    [Fact]
    public async Task AMissingProjectFolderIsAClearError()
    {
        var (exitCode, output) = await CliProcess.RunAsync(TimeSpan.FromMinutes(1), "dev", "samples/NoSuchServer", "--native");

        Assert.Equal(1, exitCode);
        Assert.Contains("no folder", output, StringComparison.Ordinal);
        Assert.Contains("dotnet pmcp dev samples/HelloWorld --native", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HelpExplainsTheCommandWithExamples()
    {
        var (exitCode, output) = await CliProcess.RunAsync(TimeSpan.FromMinutes(1), "dev", "--help");

        Assert.Equal(0, exitCode);
        Assert.Contains("--native", output, StringComparison.Ordinal);
        Assert.Contains("--port", output, StringComparison.Ordinal);
        Assert.Contains("Examples:", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ABusyPortIsAClearError()
    {
        using var occupier = new TcpListener(IPAddress.Loopback, 0);
        occupier.Start();
        var port = ((IPEndPoint)occupier.LocalEndpoint).Port;

        var (exitCode, output) = await CliProcess.RunAsync(TimeSpan.FromMinutes(3), "dev", "samples/HelloWorld", "--native", "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture));

        Assert.Equal(1, exitCode);
        Assert.Contains($"cannot listen on 127.0.0.1:{port}", output, StringComparison.Ordinal);
        Assert.Contains("--port", output, StringComparison.Ordinal);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
