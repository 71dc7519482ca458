using System.Text.Json;
using Pmcp.Cli.Deploy;

namespace Pmcp.Cli.Tests;

/// <summary>What a deploy records: the Worker picked by --env, the URLs read from wrangler's output event, the outputs file.</summary>
public sealed class DeployRecordTests
{
    private static readonly DateTimeOffset At = new(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void TheWorkersDevUrlIsTheWorkerUrl()
    {
        var output = Read("""{"type":"deploy","worker_name":"my-server","version_id":"v-1","targets":["https://my-server.acme.workers.dev","mcp.example.com/*"]}""");

        Assert.Equal("my-server", output.WorkerName);
        Assert.Equal("https://my-server.acme.workers.dev", output.WorkerUrl);
        Assert.Equal("https://my-server.acme.workers.dev/mcp", output.McpEndpoint);
        Assert.Equal(["mcp.example.com/*"], output.Routes);
        Assert.Equal("v-1", output.VersionId);
        Assert.Equal(At, output.DeployedAt);
    }

    [Theory]
    [InlineData("mcp.example.com/*", "https://mcp.example.com")]
    [InlineData("mcp.example.com/* (zone name: example.com)", "https://mcp.example.com")]
    [InlineData("mcp.example.com (custom domain)", "https://mcp.example.com")]
    [InlineData("*.example.com/*", null)]
    public void WithoutWorkersDevTheFirstRouteThatNamesAHostIsTheUrl(string route, string? url)
    {
        var output = Read($$"""{"type":"deploy","worker_name":"my-server","targets":["{{route}}"]}""");

        Assert.Equal(url, output.WorkerUrl);
        Assert.Equal(url is null ? null : url + "/mcp", output.McpEndpoint);
        Assert.Equal([route], output.Routes);
    }

    [Theory]
    [InlineData("Uploaded my-server (3.21 sec)\nWorker Startup Time: 37 ms\nYour Worker has access to the following bindings:", 37)]
    [InlineData("Total Upload: 12.0 KiB / gzip: 4.0 KiB\nUploaded my-server (3.21 sec)\n", null)]
    public void TheStartupTimeIsWhatWranglerPrintedIfAnything(string output, int? expected) =>
        Assert.Equal(expected, WranglerResults.StartupTimeMs(output));

    [Fact]
    public void TheStartupTimeIsKeptInTheOutputsFileOnlyWhenKnown()
    {
        using var project = new TempProject();
        var top = new DeployOutput { WorkerName = "my-server", DeployedAt = At, StartupTimeMs = 37 };
        DeployOutputsFile.Record(project.Directory, top);
        DeployOutputsFile.Record(project.Directory, top with { Environment = "staging", StartupTimeMs = null });

        Assert.Equal([37, null], DeployOutputsFile.Load(project.Directory).Select(d => d.StartupTimeMs));
        var json = File.ReadAllText(DeployOutputsFile.PathIn(project.Directory));
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(json, "\"StartupTimeMs\": 37"));
    }

    [Fact]
    public void TheOutputsFileKeepsOneRecordPerEnvironment()
    {
        using var project = new TempProject();
        var top = new DeployOutput { WorkerName = "my-server", WorkerUrl = "https://a", McpEndpoint = "https://a/mcp", DeployedAt = At };
        var staging = top with { Environment = "staging", WorkerName = "my-server-staging" };

        DeployOutputsFile.Record(project.Directory, staging);
        DeployOutputsFile.Record(project.Directory, top);
        DeployOutputsFile.Record(project.Directory, top with { VersionId = "v-2" });

        var all = DeployOutputsFile.Load(project.Directory);
        Assert.Equal([null, "staging"], all.Select(d => d.Environment));
        Assert.Equal("v-2", all[0].VersionId);
        Assert.True(DeployOutputsFile.Forget(project.Directory, "staging"));
        Assert.False(DeployOutputsFile.Forget(project.Directory, "staging"));
        Assert.Equal([null], DeployOutputsFile.Load(project.Directory).Select(d => d.Environment));
    }

    [Fact]
    public void AnEnvironmentDeploysUnderItsOwnNameOrWranglersDefault()
    {
        using var project = new TempProject();
        project.WranglerToml = "name = \"my-server\"\n[env.staging]\nname = \"my-server-stage\"\n[env.qa]\nvars = { A = \"1\" }\n";

        Assert.Equal(new DeployTarget(null, "my-server"), DeployTarget.Resolve(project.Deploy.WranglerToml, null));
        Assert.Equal(new DeployTarget("staging", "my-server-stage"), DeployTarget.Resolve(project.Deploy.WranglerToml, "staging"));
        Assert.Equal(new DeployTarget("qa", "my-server-qa"), DeployTarget.Resolve(project.Deploy.WranglerToml, "qa"));
        Assert.Equal(["--env", "qa"], DeployTarget.Resolve(project.Deploy.WranglerToml, "qa").EnvArguments);
        Assert.Equal(["--env="], DeployTarget.Resolve(project.Deploy.WranglerToml, null).EnvArguments);
    }

    [Fact]
    public void AnUnknownEnvironmentNamesTheOnesThereAre()
    {
        using var project = new TempProject();
        project.WranglerToml = "name = \"my-server\"\n[env.staging]\n[env.production]\n";

        var message = Assert.Throws<CliException>(() => DeployTarget.Resolve(project.Deploy.WranglerToml, "prod")).Message;

        Assert.Contains("--env prod", message, StringComparison.Ordinal);
        Assert.Contains("production, staging", message, StringComparison.Ordinal);
        Assert.Contains("[env.prod]", message, StringComparison.Ordinal);
    }

    private static DeployOutput Read(string json)
    {
        using var document = JsonDocument.Parse(json);
        return WranglerResults.Output(document.RootElement, new DeployTarget(null, "fallback"), At);
    }
}
