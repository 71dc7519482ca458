using System.Text.Json.Nodes;
using Pmcp.FakeCloudflare;

namespace Pmcp.Cli.Commands.Tests;

/// <summary>
/// <c>dotnet pmcp deploy metrics</c> against the fake Cloudflare API's GraphQL Analytics endpoint: the Worker's own
/// requests in the window, counted and their CPU and wall time percentiles read, as a table and as JSON.
/// </summary>
public sealed class DeployMetricsCommandTests
{
    private const string DeployToml = """
        [workers]
        name = "my-server"
        compatibility_date = "2024-01-01"

        [env.staging]
        name = "my-server-staging"
        """;

    [Fact]
    public async Task CountsTheWorkersRequestsInTheWindowWithTheirPercentiles()
    {
        await using var cloudflare = await FakeCloudflareApi.StartAsync();
        var now = DateTimeOffset.UtcNow;
        cloudflare.RecordInvocations([
            .. Enumerable.Range(1, 8).Select(i => new WorkerInvocation("my-server", now.AddMinutes(-i), "success", i * 1000, i * 10_000, Subrequests: 1)),
            new WorkerInvocation("my-server", now.AddMinutes(-30), "scriptThrewException", 9000, 90_000),
            new WorkerInvocation("my-server", now.AddMinutes(-40), "clientDisconnected", 500, 5_000),
            new WorkerInvocation("my-server", now.AddHours(-30), "success", 99_000, 99_000), // before --since 24h
            new WorkerInvocation("my-server-staging", now.AddMinutes(-5), "success", 77_000, 77_000), // another Worker
        ]);
        using var folder = Project();

        var (exitCode, stdout, stderr) = await Cli.RunAsync(folder.Path, Environment(cloudflare), "deploy", "metrics", ".", "--since", "24h", "--format", "json");

        Assert.True(exitCode == 0, stderr);
        var json = JsonNode.Parse(stdout)!;
        Assert.Equal("my-server", json["worker"]!.GetValue<string>());
        Assert.Equal(10, json["requests"]!.GetValue<long>());
        Assert.Equal(1, json["errors"]!.GetValue<long>()); // a client that went away is not the Worker's error
        Assert.Equal(8, json["subrequests"]!.GetValue<long>());
        Assert.Equal(4, json["cpuTimeMs"]!["p50"]!.GetValue<double>()); // 0.5, 1 … 8, 9 ms: the 5th of 10
        Assert.Equal(9, json["cpuTimeMs"]!["p99"]!.GetValue<double>());
        Assert.Equal(90, json["wallTimeMs"]!["p99"]!.GetValue<double>());
        Assert.Equal(8, json["requestsByStatus"]!["success"]!.GetValue<long>());
        Assert.Equal(1, json["requestsByStatus"]!["scriptThrewException"]!.GetValue<long>());
        Assert.DoesNotContain(cloudflare.ApiToken, stdout + stderr, StringComparison.Ordinal);

        var table = await Cli.RunAsync(folder.Path, Environment(cloudflare), "deploy", "metrics", ".", "--env", "staging");
        Assert.True(table.ExitCode == 0, table.StdErr);
        Assert.Contains("the staging Worker my-server-staging", table.StdOut, StringComparison.Ordinal);
        Assert.Matches(@"Requests\s*│\s*1\s", table.StdOut);
        Assert.Contains("77 ms", table.StdOut, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FindsTheAccountWhenTheCredentialsReachOnlyOne()
    {
        await using var cloudflare = await FakeCloudflareApi.StartAsync();
        cloudflare.RecordInvocations([new WorkerInvocation("my-server", DateTimeOffset.UtcNow.AddMinutes(-1), "success", 1000, 2000)]);
        using var folder = Project();
        var environment = Environment(cloudflare);
        environment["CLOUDFLARE_ACCOUNT_ID"] = "";

        var (exitCode, stdout, stderr) = await Cli.RunAsync(folder.Path, environment, "deploy", "metrics", ".", "--format", "json");

        Assert.True(exitCode == 0, stderr);
        Assert.Equal(1, JsonNode.Parse(stdout)!["requests"]!.GetValue<long>());
    }

    [Fact]
    public async Task ATokenWithoutAnalyticsIsToldWhichPermissionItNeeds()
    {
        await using var cloudflare = await FakeCloudflareApi.StartAsync(new FakeCloudflareOptions { AnalyticsReadable = false });
        using var folder = Project();

        var (exitCode, stdout, stderr) = await Cli.RunAsync(folder.Path, Environment(cloudflare), "deploy", "metrics", ".");

        Assert.Equal(1, exitCode);
        Assert.Contains("needs the 'Account Analytics: Read' permission", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain(cloudflare.ApiToken, stdout + stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("yesterday", "is not a span")]
    [InlineData("40d", "at most 31 days")]
    public async Task ASinceThatIsNoSpanSaysHowToWriteOne(string since, string message)
    {
        using var folder = Project();
        var (exitCode, _, stderr) = await Cli.RunAsync(folder.Path, "deploy", "metrics", ".", "--since", since);
        Assert.Equal(1, exitCode);
        Assert.Contains(message, stderr, StringComparison.Ordinal);
    }

    private static TempFolder Project()
    {
        var folder = new TempFolder();
        File.WriteAllText(folder["MyServer.csproj"], "<Project Sdk=\"Microsoft.NET.Sdk\"></Project>\n");
        Directory.CreateDirectory(folder[".pmcp"]);
        File.WriteAllText(folder[".pmcp/deploy.toml"], DeployToml);
        return folder;
    }

    private static Dictionary<string, string> Environment(FakeCloudflareApi cloudflare) => new()
    {
        ["CLOUDFLARE_API_BASE_URL"] = cloudflare.BaseUrl,
        ["CLOUDFLARE_API_TOKEN"] = cloudflare.ApiToken,
        ["CLOUDFLARE_ACCOUNT_ID"] = cloudflare.AccountId,
    };
}
