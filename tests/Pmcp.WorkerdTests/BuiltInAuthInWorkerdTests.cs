using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using Pmcp.Testing;

namespace Pmcp.WorkerdTests;

/// <summary>
/// The built-in authorization server inside workerd: <c>dotnet pmcp dev</c> serving a copy of tests/Workers/AuthWorker
/// with <c>PMCP_OAUTH_SERVER = "built-in"</c>, grants in its local D1, users signing in at a local OpenID Connect
/// provider (<see cref="FakeUpstream"/>), SHA-256 through WebCrypto. The same flow and refusals as natively
/// (Pmcp.Workers.Local.Tests' BuiltInAuthorizationServerTests).
/// </summary>
public sealed class BuiltInAuthInWorkerdTests(BuiltInAuthWorkerFixture fixture) : IClassFixture<BuiltInAuthWorkerFixture>
{
    private ScriptedUserAgent Agent => fixture.Agent;

    private string Resource => fixture.Resource;

    [Fact]
    public async Task TheOfficialClientSignsInRefreshesAndCallsATool()
    {
        var (exitCode, stdout, stderr) = await NodeTool.RunAsync("mcp-oauth-builtin-client.mjs", [Resource, "whoami"], TimeSpan.FromSeconds(120));

        Assert.True(exitCode == 0, $"mcp-oauth-builtin-client.mjs exited {exitCode}\n{stdout}\n{stderr}");
        var output = JsonNode.Parse(stdout.TrimEnd().Split('\n')[^1])!.AsObject();
        Assert.True(output["error"] is null, $"the flow failed: {output["error"]}\n{output.ToJsonString()}\n{fixture.Worker.Output}");
        Assert.Equal(["unauthorized", "authorized", "token", "connected", "refreshed", "called after refresh"], output["steps"]!.AsArray().Select(s => s!.GetValue<string>()));
        Assert.Equal([fixture.Upstream.Url + "/authorize", Agent.Issuer + "/callback", "http://127.0.0.1:9/callback"], output["hops"]!.AsArray().Select(h => h!.GetValue<string>()));
        Assert.Equal(Resource, output["authorization"]!["resource"]!.GetValue<string>());
        // whoami: subject | scopes | client_id
        var text = output["result"]!["content"]![0]!["text"]!.GetValue<string>();
        Assert.Equal($"oidc-ada|mcp|{output["clientId"]!.GetValue<string>()}", text);
        Assert.Equal(text, output["afterRefresh"]!["content"]![0]!["text"]!.GetValue<string>());

        var reused = await Agent.TokenAsync(("grant_type", "refresh_token"), ("refresh_token", output["firstRefreshToken"]!.GetValue<string>()), ("client_id", output["clientId"]!.GetValue<string>()));
        Assert.Equal(HttpStatusCode.BadRequest, reused.Status);
        Assert.Equal("invalid_grant", reused.Body["error"]!.GetValue<string>());
        Assert.DoesNotContain(output["accessToken"]!.GetValue<string>(), fixture.Worker.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ClientsSignInWithTheirMetadataDocumentsAndBadDocumentsAreRefused()
    {
        await using var documents = await ClientDocumentServer.StartAsync();

        // The same scenario as natively (BuiltInAuthorizationServerTests): the documents are fetched with fetch().
        await ClientMetadataDocumentScenario.RunAsync(Agent, Resource, documents);
        Assert.DoesNotContain("Cannot perform I/O on behalf of a different request", fixture.Worker.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheConformanceSuitesAuthorizationServerScenariosPass()
    {
        // The suite pinned in tests/e2e (0.1.x) has no authorization command; 0.2.0-alpha.12 does.
        if (!ConformanceAuthorization.HasAuthorizationCommand)
        {
            Assert.Fail("conformance authorization needs @modelcontextprotocol/conformance 0.2.0-alpha.12 or later in tests/e2e");
        }

        var (exitCode, output) = await ConformanceAuthorization.RunAsync(Agent, Resource);

        Assert.True(exitCode == 0, $"conformance authorization exited {exitCode}:\n{output}\n{fixture.Worker.Output}");
        Assert.Contains("✓ authorization-server-metadata-endpoint:", output, StringComparison.Ordinal);
        Assert.Contains("✓ authorization-code-grant: 1 passed, 0 failed", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EightConcurrentTokenExchangesAndSixteenCalls()
    {
        var client = await Agent.RegisterAsync("http://127.0.0.1:9/cb");
        var pairs = Enumerable.Range(0, 8).Select(_ => ScriptedUserAgent.Pkce()).ToArray();
        var codes = await Task.WhenAll(pairs.Select(p => Agent.CodeAsync(client, "http://127.0.0.1:9/cb", p.Challenge)));
        var answers = await Task.WhenAll(codes.Select((code, i) => Agent.TokenAsync(("grant_type", "authorization_code"), ("code", code), ("client_id", client), ("code_verifier", pairs[i].Verifier))));
        Assert.All(answers, a => Assert.True(a.Status == HttpStatusCode.OK, a.Body.ToJsonString()));
        var tokens = answers.Select(a => a.Body["access_token"]!.GetValue<string>()).ToArray();

        var calls = await Task.WhenAll(Enumerable.Range(0, 16).Select(i => Agent.CallToolAsync(Resource, tokens[i % 8])));
        Assert.All(calls, c => Assert.True(c.Status == HttpStatusCode.OK, $"{c.Status} {c.Challenge} {c.Body}"));
        Assert.All(calls, c => Assert.Contains("oidc-ada|mcp|" + client, c.Body, StringComparison.Ordinal));

        var (verifier, challenge) = ScriptedUserAgent.Pkce();
        var contested = await Agent.CodeAsync(client, "http://127.0.0.1:9/cb", challenge);
        var race = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Agent.TokenAsync(("grant_type", "authorization_code"), ("code", contested), ("client_id", client), ("code_verifier", verifier))));
        Assert.Equal(1, race.Count(r => r.Status == HttpStatusCode.OK));
        Assert.DoesNotContain("Cannot perform I/O on behalf of a different request", fixture.Worker.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReplayedCodesWrongVerifiersBadRedirectsReusedRevokedAndQueryTokensAreRefused()
    {
        var (verifier, challenge) = ScriptedUserAgent.Pkce();
        var client = await Agent.RegisterAsync("http://127.0.0.1:9/cb");

        var code = await Agent.CodeAsync(client, "http://127.0.0.1:9/cb", challenge);
        var wrong = await Agent.TokenAsync(("grant_type", "authorization_code"), ("code", code), ("client_id", client), ("code_verifier", ScriptedUserAgent.Pkce().Verifier));
        Assert.Equal("invalid_grant", wrong.Body["error"]!.GetValue<string>());

        code = await Agent.CodeAsync(client, "http://127.0.0.1:9/cb", challenge);
        var ok = await Agent.TokenAsync(("grant_type", "authorization_code"), ("code", code), ("client_id", client), ("code_verifier", verifier));
        Assert.Equal(HttpStatusCode.OK, ok.Status);
        var replay = await Agent.TokenAsync(("grant_type", "authorization_code"), ("code", code), ("client_id", client), ("code_verifier", verifier));
        Assert.Equal(HttpStatusCode.BadRequest, replay.Status);
        Assert.Equal("invalid_grant", replay.Body["error"]!.GetValue<string>());

        foreach (var redirect in new[] { "https://evil.example.com/cb", "http://127.0.0.1:9/cb/../x", "http://localhost:9/cb" })
        {
            using var answer = await Agent.Http.GetAsync(Agent.AuthorizeUrl(client, redirect, challenge));
            Assert.Equal(HttpStatusCode.BadRequest, answer.StatusCode);
            Assert.Null(answer.Headers.Location);
        }

        var access = ok.Body["access_token"]!.GetValue<string>();
        var (inQuery, _, queryChallenge) = await Agent.CallToolAsync(Resource + "?access_token=" + access, access);
        Assert.Equal(HttpStatusCode.BadRequest, inQuery);
        Assert.Contains("error=\"invalid_request\"", queryChallenge, StringComparison.Ordinal);

        var refresh = ok.Body["refresh_token"]!.GetValue<string>();
        var rotated = await Agent.TokenAsync(("grant_type", "refresh_token"), ("refresh_token", refresh), ("client_id", client));
        Assert.Equal(HttpStatusCode.OK, rotated.Status);
        Assert.Equal("invalid_grant", (await Agent.TokenAsync(("grant_type", "refresh_token"), ("refresh_token", refresh), ("client_id", client))).Body["error"]!.GetValue<string>());

        Assert.Equal(HttpStatusCode.OK, (await Agent.PostFormAsync("/revoke", ("token", rotated.Body["access_token"]!.GetValue<string>()))).Status);
        var (revoked, _, revokedChallenge) = await Agent.CallToolAsync(Resource, rotated.Body["access_token"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.Unauthorized, revoked);
        Assert.Contains("error=\"invalid_token\"", revokedChallenge, StringComparison.Ordinal);
        Assert.Equal("invalid_grant", (await Agent.TokenAsync(("grant_type", "refresh_token"), ("refresh_token", rotated.Body["refresh_token"]!.GetValue<string>()), ("client_id", client))).Body["error"]!.GetValue<string>());
    }
}

/// <summary>The local sign-in provider, and a copy of tests/Workers/AuthWorker as its own authorization server, on a port chosen first (the resource URL names it).</summary>
public sealed class BuiltInAuthWorkerFixture : IAsyncLifetime
{
    private readonly string _copy = Path.Combine(RepoPaths.Root, "tests", "Workers", ".auth-builtin-workerd");

    public FakeUpstream Upstream { get; private set; } = null!;

    public RunningWorker Worker { get; private set; } = null!;

    public ScriptedUserAgent Agent { get; private set; } = null!;

    public string Resource { get; private set; } = "";

    public async Task InitializeAsync()
    {
        Upstream = await FakeUpstream.StartAsync();
        var port = WorkerdFixture.FreePort();
        Resource = string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{port}/mcp");
        await ProjectCopy.CreateAsync(Path.Combine(RepoPaths.Root, "tests", "Workers", "AuthWorker"), _copy,
            $"PMCP_AUTH_MODE=oauth\nPMCP_OAUTH_SERVER=built-in\nPMCP_OAUTH_RESOURCE={Resource}\nPMCP_OAUTH_SCOPES=mcp\nPMCP_OAUTH_EXTRA_SCOPES=notes:write\n"
            + $"PMCP_OAUTH_UPSTREAM=oidc\nPMCP_OAUTH_UPSTREAM_URL={Upstream.Url}\nPMCP_OAUTH_UPSTREAM_CLIENT_ID={Upstream.ClientId}\nPMCP_OAUTH_UPSTREAM_CLIENT_SECRET={Upstream.ClientSecret}\n");
        Worker = await RunningWorker.StartOnPortAsync(WorkerdFixture.Environment, _copy, port);
        Agent = new ScriptedUserAgent(new Uri(Resource).GetLeftPart(UriPartial.Authority));
    }

    public async Task DisposeAsync()
    {
        Agent?.Dispose();
        await ProjectCopy.StopAsync(_copy, Worker);
        await Upstream.DisposeAsync();
    }
}
