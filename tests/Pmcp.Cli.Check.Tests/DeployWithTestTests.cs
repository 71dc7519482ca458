using HelloWorld;
using Pmcp.FakeCloudflare;
using Pmcp.Testing;

namespace Pmcp.Cli.Check.Tests;

/// <summary>
/// <c>dotnet pmcp deploy --test</c> end to end: the real wrangler uploads to the fake Cloudflare API, the CLI records
/// the URL wrangler printed (<c>https://my-server.pmcp-test.workers.dev/mcp</c>), then runs test check against that
/// URL, which <see cref="DeployedHostStandIn"/> serves with a local server standing in for the deployed one. A sound
/// server passes; a server with a defect fails the deploy's exit code, by the check's name.
/// </summary>
public sealed class DeployWithTestTests : IDisposable
{
    private const string Worker = "my-server";
    private readonly DirectoryInfo _project = Directory.CreateTempSubdirectory("pmcp-deploy-with-test-");

    public void Dispose() => _project.Delete(recursive: true);

    [Fact]
    public async Task TheDeployedEndpointIsCheckedAfterTheUpload()
    {
        await using var cloudflare = await FakeCloudflareApi.StartAsync();
        var host = new Uri(cloudflare.WorkersDevUrl(Worker)).Host;
        await using var server = await NativeServer.StartAsync(HelloWorldServer.CreateServer(), o => o.Vars["PMCP_ALLOWED_HOSTS"] = host);
        await using var standIn = DeployedHostStandIn.Start(host[(host.IndexOf('.') + 1)..], new Uri(server.BaseAddress).Port);

        var run = await DeployAsync(cloudflare, standIn);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.NotNull(cloudflare.Script(Worker)?.LatestVersion);
        Assert.Contains($"Checking the deployed {Worker} at {cloudflare.WorkersDevUrl(Worker)}/mcp", run.StdErr, StringComparison.Ordinal);
        Assert.Contains("2025-11-25 initialize", run.StdOut, StringComparison.Ordinal);
        Assert.Contains("http.origin", run.StdOut, StringComparison.Ordinal);
        Assert.True(standIn.DeployedConnections > 0, run.ToString());
    }

    [Fact]
    public async Task ADefectOfTheDeployedServerFailsTheDeploy()
    {
        await using var cloudflare = await FakeCloudflareApi.StartAsync();
        var host = new Uri(cloudflare.WorkersDevUrl(Worker)).Host;
        await using var server = await FlawedServer.StartAsync(Defect.ForeignOriginServed);
        await using var standIn = DeployedHostStandIn.Start(host[(host.IndexOf('.') + 1)..], new Uri(server.McpUrl).Port);

        var run = await DeployAsync(cloudflare, standIn);

        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.NotNull(cloudflare.Script(Worker)?.LatestVersion);
        Assert.Contains(run.StdOut.Split('\n'), line => line.Contains("http.origin", StringComparison.Ordinal) && line.Contains("FAIL", StringComparison.Ordinal));
        Assert.True(standIn.DeployedConnections > 0, run.ToString());
    }

    private async Task<CheckRun> DeployAsync(FakeCloudflareApi cloudflare, DeployedHostStandIn standIn)
    {
        WriteProject(cloudflare.AccountId);
        var environment = new Dictionary<string, string>(cloudflare.WranglerEnvironment) { ["PMCP_TOOLS_DIR"] = Path.Combine(RepoPaths.E2e, ".pmcp-tools") };
        foreach (var (name, value) in standIn.Environment)
        {
            environment[name] = value;
            environment[name.ToLowerInvariant()] = value;
        }

        var (exitCode, stdout, stderr) = await TestProcess.RunAsync("dotnet", [CliProcess.CliAssembly, "deploy", ".", "--no-build", "--test"], _project.FullName, TimeSpan.FromMinutes(4), environment);
        return new CheckRun(exitCode, stdout, stderr);
    }

    /// <summary>
    /// A project whose built bundle is one small module: the fake API stores what wrangler uploads but runs nothing, so
    /// the stand-in server answers for it (building a real bundle is what the workerd deploy tests do).
    /// </summary>
    private void WriteProject(string accountId)
    {
        File.WriteAllText(Path.Combine(_project.FullName, "MyServer.csproj"), "<Project Sdk=\"Microsoft.NET.Sdk\" />\n");
        var worker = Directory.CreateDirectory(Path.Combine(_project.FullName, ".pmcp", "workers", "build", "worker"));
        File.WriteAllText(Path.Combine(worker.FullName, "shim.mjs"), "export default { fetch() { return new Response(\"stand-in\"); } };\n");
        File.WriteAllText(Path.Combine(_project.FullName, ".pmcp", "deploy.toml"), $$"""
            [target]
            target_type = "cloudflare-workers"

            [server]
            name = "{{Worker}}"

            [cloudflare]
            account_id = "{{accountId}}"

            [workers]
            name = "{{Worker}}"
            compatibility_date = "2026-11-17"
            workers_dev = true
            """);
    }
}
