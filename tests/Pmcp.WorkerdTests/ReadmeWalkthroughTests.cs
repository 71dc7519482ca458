using System.Globalization;
using Pmcp.Testing;
using static Pmcp.Testing.McpClientDriver;

namespace Pmcp.WorkerdTests;

/// <summary>
/// The README's walkthrough, command for command, in a fresh folder outside the checkout: new, deploy init,
/// deploy build, deploy --dry-run, then dev in workerd answering the official TypeScript MCP client.
/// </summary>
[Collection("workerd")]
public sealed class ReadmeWalkthroughTests
{
    [Fact]
    public async Task FromNothingToAServerInWorkerd()
    {
        var root = Directory.CreateTempSubdirectory("pmcp-walkthrough-");
        try
        {
            var folder = Path.Combine(root.FullName, "my-server");

            await Step(root.FullName, "new", "my-server");
            Assert.True(File.Exists(Path.Combine(folder, "src", "MyServer", "MyServer.csproj")));

            var init = await Step(folder, "deploy", "init", "src/MyServer", "--target", "cloudflare-workers");
            Assert.Contains("deploy.toml", init, StringComparison.Ordinal);
            var deployToml = await File.ReadAllTextAsync(Path.Combine(folder, "src", "MyServer", ".pmcp", "deploy.toml"));
            Assert.Contains("name = \"my-server\"", deployToml, StringComparison.Ordinal);

            var build = await Step(folder, "deploy", "build", "src/MyServer", "--target", "cloudflare-workers");
            Assert.Contains("Total", build, StringComparison.Ordinal);
            Assert.True(File.Exists(Path.Combine(folder, "src", "MyServer", ".pmcp", "workers", "build", "worker", "shim.mjs")));

            var dryRun = await Step(folder, "deploy", "src/MyServer", "--dry-run");
            Assert.Contains("--dry-run: exiting now.", dryRun, StringComparison.Ordinal);
            Assert.Contains("Dry run passed", dryRun, StringComparison.Ordinal);
            Assert.False(File.Exists(Path.Combine(folder, "src", "MyServer", ".pmcp", "deploy-outputs.json")), "a dry run records no deployment");

            var port = WorkerdFixture.FreePort().ToString(CultureInfo.InvariantCulture);
            await using var dev = CliProcess.StartIn(folder, WorkerdFixture.Environment, "dev", "src/MyServer", "--port", port);
            var endpoint = await dev.EndpointAsync(TimeSpan.FromMinutes(4));
            Assert.Equal($"http://127.0.0.1:{port}/mcp", endpoint);

            var run = await RunAsync(endpoint, [Op("listTools"), Op("callTool", new { name = "echo", arguments = new { message = "walkthrough" } })]);
            Assert.Contains(run.Result(0)["tools"]!.AsArray(), tool => tool!["name"]!.GetValue<string>() == "echo");
            Assert.Equal("walkthrough", run.Result(1)["content"]![0]!["text"]!.GetValue<string>());
            Assert.Equal(0, await dev.InterruptAsync(TimeSpan.FromSeconds(30)));
        }
        finally
        {
            root.Delete(recursive: true);
        }
    }

    /// <summary>Runs one command of the walkthrough; it must succeed. Returns its output.</summary>
    private static async Task<string> Step(string workingDirectory, params string[] arguments)
    {
        var (exitCode, stdout, stderr) = await TestProcess.RunAsync(
            "dotnet", [CliProcess.CliAssembly, .. arguments], workingDirectory, TimeSpan.FromMinutes(5), WorkerdFixture.Environment);
        Assert.True(exitCode == 0, $"dotnet pmcp {string.Join(' ', arguments)} failed ({exitCode}):\n{stdout}\n{stderr}");
        return stdout + stderr;
    }
}
