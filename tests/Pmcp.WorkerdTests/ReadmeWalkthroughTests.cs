using System.Globalization;
using Pmcp.Testing;
using static Pmcp.Testing.McpClientDriver;

namespace Pmcp.WorkerdTests;

/// <summary>
/// The walkthrough of docs/deploying.md, command for command, in a fresh folder outside the checkout: new, deploy init,
/// deploy build (the fixture), deploy --dry-run, then dev in workerd answering the official TypeScript MCP client.
/// </summary>
[Collection("workerd")]
public sealed class ReadmeWalkthroughTests(FreshProject project)
{
    [Fact]
    public async Task FromNothingToAServerInWorkerd()
    {
        Assert.Contains("cd my-server", project.NewOutput, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(project.ProjectDirectory, "MyServer.csproj")));
        Assert.Contains("deploy.toml", project.InitOutput, StringComparison.Ordinal);
        Assert.Contains("name = \"my-server\"", await File.ReadAllTextAsync(Path.Combine(project.ProjectDirectory, ".pmcp", "deploy.toml")), StringComparison.Ordinal);
        Assert.Contains("Total", project.BuildOutput, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(project.ProjectDirectory, ".pmcp", "workers", "build", "worker", "shim.mjs")));

        var dryRun = await FreshProject.RunAsync(project.Folder, "deploy", "src/MyServer", "--dry-run");
        Assert.Contains("--dry-run: exiting now.", dryRun, StringComparison.Ordinal);
        Assert.Contains("Dry run passed", dryRun, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(project.ProjectDirectory, ".pmcp", "deploy-outputs.json")), "a dry run records no deployment");

        var port = WorkerdFixture.FreePort().ToString(CultureInfo.InvariantCulture);
        await using var dev = CliProcess.StartAsTerminalJob(project.Folder, WorkerdFixture.Environment, "dev", "src/MyServer", "--port", port);
        var endpoint = await dev.EndpointAsync(TimeSpan.FromMinutes(4));
        Assert.Equal($"http://127.0.0.1:{port}/mcp", endpoint);

        var run = await RunAsync(endpoint, [Op("listTools"), Op("callTool", new { name = "echo", arguments = new { message = "walkthrough" } })]);
        Assert.Contains(run.Result(0)["tools"]!.AsArray(), tool => tool!["name"]!.GetValue<string>() == "echo");
        Assert.Equal("walkthrough", run.Result(1)["content"]![0]!["text"]!.GetValue<string>());
        // Ctrl+C, as the README says, stops dev, wrangler and workerd.
        var started = ProcessTree.Descendants(dev.Id);
        Assert.True(!OperatingSystem.IsLinux() || started.Any(child => child.Name == "workerd"), string.Join(", ", started));
        Assert.Equal(0, await dev.InterruptAsync(TimeSpan.FromSeconds(30)));
        Assert.Empty(await ProcessTree.StillRunningAfterAsync(started, TimeSpan.FromSeconds(5)));
    }
}
