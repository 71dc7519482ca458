using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using Pmcp.Server;
using Pmcp.Testing;
using Pmcp.Workers.Local.Hosting;

namespace Pmcp.Workers.Local.Tests;

/// <summary>
/// The judge of the sign-in: the official TypeScript SDK client's OAuth flow (tests/e2e/mcp-oauth-client.mjs) against
/// the native host as resource server, with <see cref="FakeIssuer"/> as the authorization server — 401, protected
/// resource metadata, authorization server metadata, dynamic client registration, PKCE S256 with the resource
/// indicator, the token — and then a tool call that runs as the signed-in user.
/// </summary>
public sealed class NativeOAuthClientFlowTests
{
    [Fact]
    public async Task TheOfficialClientSignsInAndCallsATool()
    {
        await using var issuer = await FakeIssuer.StartAsync();
        var port = FreePort();
        var resource = string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{port}/mcp");
        var options = new NativeHostOptions { Port = port };
        options.Vars["PMCP_AUTH_MODE"] = "oauth";
        options.Vars["PMCP_OAUTH_ISSUER"] = issuer.Issuer;
        options.Vars["PMCP_OAUTH_RESOURCE"] = resource;
        options.Vars["PMCP_OAUTH_SCOPES"] = "mcp";
        var server = McpServer.CreateBuilder("oauth-flow", "1.0.0")
            .Tool("whoami", "Who is calling", context => ValueTask.FromResult($"{context.Caller!.Subject} {string.Join(' ', context.Caller.Scopes)}"))
            .Build();
        await using var app = NativeMcpHost.Build(server, options);
        await app.StartAsync();

        var (exitCode, stdout, stderr) = await NodeTool.RunAsync("mcp-oauth-client.mjs", [resource, "whoami"], TimeSpan.FromSeconds(90));

        Assert.True(exitCode == 0, $"mcp-oauth-client.mjs exited {exitCode}\n{stdout}\n{stderr}");
        var output = JsonNode.Parse(stdout.TrimEnd().Split('\n')[^1])!.AsObject();
        Assert.True(output["error"] is null, $"the flow failed: {output["error"]}\n{output.ToJsonString()}\n{issuer}");
        Assert.Equal(["unauthorized", "authorized", "token", "connected"], output["steps"]!.AsArray().Select(s => s!.GetValue<string>()));

        var authorization = output["authorization"]!.AsObject();
        Assert.Equal(issuer.Issuer + "/authorize", authorization["endpoint"]!.GetValue<string>());
        Assert.Equal("S256", authorization["codeChallengeMethod"]!.GetValue<string>());
        Assert.True(authorization["hasCodeChallenge"]!.GetValue<bool>());
        Assert.Equal(resource, authorization["resource"]!.GetValue<string>());
        Assert.Equal("mcp", authorization["scope"]!.GetValue<string>()); // from the 401's challenge
        Assert.Equal(output["registeredClientId"]!.GetValue<string>(), authorization["clientId"]!.GetValue<string>());

        Assert.Equal("flow-user mcp", output["result"]!["content"]![0]!["text"]!.GetValue<string>());
        Assert.Equal(1, issuer.TokensIssued);
        Assert.Equal(1, issuer.JwksFetches);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
