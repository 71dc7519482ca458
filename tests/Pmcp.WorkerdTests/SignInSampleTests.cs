using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using Pmcp.Testing;

namespace Pmcp.WorkerdTests;

/// <summary>
/// samples/SignIn as its README says to try it: <c>dotnet pmcp dev</c> alone starts the local sign-in provider beside
/// the server (<c>.pmcp/dev.toml</c>) and gives the server its client secret, with no <c>.dev.vars</c> and no second
/// terminal; the official TypeScript client then signs in through it and calls a tool, in workerd and natively. The
/// sample runs from a git-ignored copy whose ports are chosen by the test (its resource URL names the server's port).
/// </summary>
public sealed class SignInSampleTests
{
    [Theory]
    [InlineData("workerd")]
    [InlineData("native")]
    public async Task DevStartsTheLocalProviderAndTheOfficialClientSignsInAndCallsTools(string host)
    {
        var source = Path.Combine(RepoPaths.Root, "samples", "SignIn");
        var copy = Path.Combine(RepoPaths.Root, "samples", $".signin-test-{host}");
        var port = WorkerdFixture.FreePort();
        var providerPort = WorkerdFixture.FreePort();
        var provider = $"http://127.0.0.1:{providerPort.ToString(CultureInfo.InvariantCulture)}";
        var resource = $"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}/mcp";
        await ProjectCopy.CreateAsync(source, copy, "");
        File.Delete(Path.Combine(copy, ".pmcp", "workers", ".dev.vars"));
        var wrangler = Path.Combine(copy, ".pmcp", "workers", "wrangler.toml");
        await File.WriteAllTextAsync(wrangler, (await File.ReadAllTextAsync(wrangler))
            .Replace("http://127.0.0.1:8787/mcp", resource, StringComparison.Ordinal)
            .Replace("http://127.0.0.1:9100", provider, StringComparison.Ordinal));
        await File.WriteAllTextAsync(Path.Combine(copy, ".pmcp", "dev.toml"), (await File.ReadAllTextAsync(Path.Combine(source, ".pmcp", "dev.toml")))
            .Replace("9100", providerPort.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal));

        RunningWorker? worker = null;
        try
        {
            worker = await RunningWorker.StartOnPortAsync(WorkerdFixture.Environment, copy, port, host == "native" ? ["--native"] : []);
            Assert.Equal(resource, worker.McpUrl);
            Assert.Contains($"[provider] local sign-in provider at {provider}", worker.Output, StringComparison.Ordinal);

            var (exitCode, stdout, stderr) = await NodeTool.RunAsync("mcp-oauth-builtin-client.mjs", [resource, "whoami"], TimeSpan.FromSeconds(120));
            Assert.True(exitCode == 0, $"mcp-oauth-builtin-client.mjs exited {exitCode}\n{stdout}\n{stderr}");
            var flow = JsonNode.Parse(stdout.TrimEnd().Split('\n')[^1])!.AsObject();
            Assert.True(flow["error"] is null, $"the flow failed: {flow["error"]}\n{flow.ToJsonString()}\n{worker.Output}");
            Assert.Equal(["unauthorized", "authorized", "token", "connected", "refreshed", "called after refresh"], flow["steps"]!.AsArray().Select(s => s!.GetValue<string>()));
            Assert.Equal([provider + "/authorize", worker.BaseAddress + "/callback", "http://127.0.0.1:9/callback"], flow["hops"]!.AsArray().Select(h => h!.GetValue<string>()));
            var clientId = flow["clientId"]!.GetValue<string>();
            var expected = $"Ada (ada@example.com), signed in through {clientId} with scopes: mcp";
            Assert.Equal(expected, flow["result"]!["content"]![0]!["text"]!.GetValue<string>());
            Assert.Equal(expected, flow["afterRefresh"]!["content"]![0]!["text"]!.GetValue<string>());

            // Eight callers at once with the token the client holds; write_note asks for a scope it was not given.
            using var agent = new ScriptedUserAgent(worker.BaseAddress);
            var token = flow["accessToken"]!.GetValue<string>();
            var calls = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => agent.CallToolAsync(resource, token)));
            Assert.All(calls, c => Assert.True(c.Status == HttpStatusCode.OK && c.Body.Contains(expected, StringComparison.Ordinal), $"{c.Status} {c.Challenge} {c.Body}"));
            var (noteStatus, _, noteChallenge) = await agent.CallToolAsync(resource, token, "write_note");
            Assert.Equal(HttpStatusCode.Forbidden, noteStatus);
            Assert.Contains("error=\"insufficient_scope\"", noteChallenge, StringComparison.Ordinal);
            Assert.Contains("notes:write", noteChallenge, StringComparison.Ordinal);
            Assert.DoesNotContain(token, worker.Output, StringComparison.Ordinal);

            // With the signed-in user's token, `test check` passes the sample too (issue 18's judge of the samples).
            var check = await CliProcess.RunAsync(
                new Dictionary<string, string>(WorkerdFixture.Environment) { ["SIGNIN_TOKEN"] = token },
                TimeSpan.FromMinutes(5),
                ["test", "check", resource, "--token-env", "SIGNIN_TOKEN", "--format", "json"]);
            Assert.True(check.ExitCode == 0, $"test check with the token exited {check.ExitCode}:\n{check.Output}");
            Assert.Contains("whoami", check.Output, StringComparison.Ordinal);
            // write_note's 403 insufficient_scope is the step-up OAuth asks for, not a defect: skipped, naming the scope.
            Assert.True(check.Output.Contains("403 insufficient_scope, asking for mcp notes:write", StringComparison.Ordinal), check.Output);
            Assert.DoesNotContain(token, check.Output, StringComparison.Ordinal);
        }
        finally
        {
            // Stops dev with SIGTERM and checks that everything it started (the provider too) stopped with it.
            await ProjectCopy.StopAsync(copy, worker);
        }

        Assert.Contains("Stopped provider.", worker!.Output, StringComparison.Ordinal);
        using var probe = new TcpClient();
        await Assert.ThrowsAnyAsync<SocketException>(() => probe.ConnectAsync(IPAddress.Loopback, providerPort));
    }
}
