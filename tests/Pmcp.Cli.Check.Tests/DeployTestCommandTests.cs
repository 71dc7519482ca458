using HelloWorld;
using Pmcp.Testing;

namespace Pmcp.Cli.Check.Tests;

/// <summary>
/// <c>deploy test</c>: test check against the endpoint the last deploy recorded in <c>.pmcp/deploy-outputs.json</c>
/// (here a record pointing at a local server, as deploy writes it; deploying itself is tested against the fake
/// Cloudflare API elsewhere).
/// </summary>
public sealed class DeployTestCommandTests : IDisposable
{
    private readonly DirectoryInfo _project = Directory.CreateTempSubdirectory("pmcp-deploy-test-");

    public DeployTestCommandTests() => File.WriteAllText(Path.Combine(_project.FullName, "MyServer.csproj"), "<Project Sdk=\"Microsoft.NET.Sdk\" />\n");

    public void Dispose() => _project.Delete(recursive: true);

    [Fact]
    public async Task TheRecordedEndpointIsChecked()
    {
        await using var server = await NativeServer.StartAsync(HelloWorldServer.CreateServer());
        Record(null, server.McpUrl);

        var run = await Deploy("test", _project.FullName, "--format", "json");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains($"Checking the deployed my-server at {server.McpUrl}", run.StdErr, StringComparison.Ordinal);
        Assert.Contains(run.Checks(), c => c is { Name: "2025-11-25 tools/call echo (valid)", Outcome: "pass" });
    }

    [Fact]
    public async Task AnEnvironmentsDefectFailsTheRun()
    {
        await using var server = await FlawedServer.StartAsync(Defect.ForeignOriginServed);
        Record("staging", server.McpUrl);

        var run = await Deploy("test", _project.FullName, "--env", "staging", "--format", "json");

        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Contains("http.origin", run.Failed());
    }

    [Fact]
    public async Task WithoutARecordedDeploymentItSaysToDeployFirst()
    {
        var run = await Deploy("test", _project.FullName, "--env", "production");

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Contains("no deployment of --env production is recorded", run.StdErr, StringComparison.Ordinal);
        Assert.Contains("Run dotnet pmcp deploy --env production first", run.StdErr, StringComparison.Ordinal);
    }

    private void Record(string? environment, string endpoint)
    {
        Directory.CreateDirectory(Path.Combine(_project.FullName, ".pmcp"));
        var env = environment is null ? "" : $"\"Environment\": \"{environment}\", ";
        File.WriteAllText(Path.Combine(_project.FullName, ".pmcp", "deploy-outputs.json"),
            $$"""{ "Deployments": [ { {{env}}"WorkerName": "my-server", "McpEndpoint": "{{endpoint}}" } ] }""");
    }

    private static async Task<CheckRun> Deploy(params string[] arguments)
    {
        var (exitCode, stdout, stderr) = await TestProcess.RunAsync("dotnet", [CliProcess.CliAssembly, "deploy", .. arguments], RepoPaths.Root, TimeSpan.FromMinutes(2), new Dictionary<string, string>());
        return new CheckRun(exitCode, stdout, stderr);
    }
}
