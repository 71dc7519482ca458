using System.Text;
using System.Text.Json;
using Pmcp.Http;
using Pmcp.Protocol;
using Pmcp.Server;
using Pmcp.Testing;
using Pmcp.Workers;
using Pmcp.Workers.Auth;
using Pmcp.Workers.Http;

namespace Pmcp.Tests.Auth;

/// <summary>
/// The HTTP gate with an authenticator: the caller reaches handlers, tools' required scopes answer 403 with a step-up
/// challenge (MCP 2025-11-25, "Scope Challenge Handling") before the tool runs, and the whole-Worker endpoint serves
/// the protected resource metadata and reads its OAuth settings from the env.
/// </summary>
public sealed class ToolScopeTests : IDisposable
{
    private const string Resource = "https://mcp.test/mcp";
    private const string MetadataUrl = "https://mcp.test/.well-known/oauth-protected-resource/mcp";

    private static readonly JwtSigningKey Key = JwtSigningKey.Ec("es-1");

    private readonly TestIssuer _issuer = new(Key);
    private int _writes;

    public void Dispose() => _issuer.Dispose();

    private McpServer Server() => McpServer.CreateBuilder("scoped", "1.0.0")
        .WithJsonContext(TestJsonContext.Default)
        .Tool<EmptyInput, string>("whoami", "Who is calling", async (_, context) =>
        {
            await Task.Delay(10);
            var scopes = context.Caller is { } caller ? string.Join(' ', caller.Scopes.Order(StringComparer.Ordinal)) : "";
            return $"{context.Caller?.Subject} {scopes}";
        })
        .Tool<EchoInput, string>("write_note", "Writes a note", input =>
        {
            Interlocked.Increment(ref _writes);
            return "wrote " + input.Message;
        }, new ToolOptions { RequiredScopes = ["notes:write"] })
        .Tool(new Tool { Name = "purge", InputSchema = JsonDocument.Parse("""{"type":"object"}""").RootElement },
            (_, _) => ValueTask.FromResult(CallToolResult.Error("purged")), ["notes:write", "admin"])
        .Build();

    private StreamableHttpHandler Handler(McpServer? server = null) => new(server ?? Server(), new StreamableHttpOptions
    {
        Authenticator = new OAuthResourceServer(new OAuthOptions { Issuer = TestIssuer.Issuer, Resource = Resource }, _issuer.Client, TimeProvider.System),
    });

    private static string Token(string subject, string scope) =>
        JwtMinter.Mint(Key, JwtMinter.Claims(TestIssuer.Issuer, Resource, subject, scope));

    [Fact]
    public async Task AToolCallWithoutTheToolsScopeIs403WithAStepUpChallengeAndTheToolDoesNotRun()
    {
        var handler = Handler();

        var response = await handler.PostAsync(Http.CallTool(7, "write_note", """{"message":"hi"}"""), ("Authorization", "Bearer " + Token("ada", "mcp")));

        Assert.Equal(403, response.StatusCode);
        Assert.Equal(
            $"Bearer error=\"insufficient_scope\", error_description=\"The access token lacks a scope this request needs\", scope=\"mcp notes:write\", resource_metadata=\"{MetadataUrl}\"",
            response.Header("WWW-Authenticate"));
        Assert.Equal(7, response.Id().GetInt32());
        Assert.Equal(0, _writes);

        var raw = await handler.PostAsync(Http.CallTool(8, "purge", "{}"), ("Authorization", "Bearer " + Token("ada", "notes:write")));
        Assert.Equal(403, raw.StatusCode);
        Assert.Contains("scope=\"notes:write admin\"", raw.Header("WWW-Authenticate"), StringComparison.Ordinal);

        // A batch (2025-03-26) holding one such call is refused whole.
        var batch = $"[{Http.CallTool(1, "whoami", "{}")},{Http.CallTool(2, "write_note", """{"message":"x"}""")}]";
        var refused = await handler.PostAsync(batch, ("Authorization", "Bearer " + Token("ada", "mcp")), ("MCP-Protocol-Version", "2025-03-26"));
        Assert.Equal(403, refused.StatusCode);
        Assert.Equal(0, _writes);

        var allowed = await handler.PostAsync(Http.CallTool(9, "write_note", """{"message":"hi"}"""), ("Authorization", "Bearer " + Token("ada", "mcp notes:write")));
        Assert.Equal(200, allowed.StatusCode);
        Assert.Equal(1, _writes);

        // Tools without required scopes, and every other method, need only a valid token.
        Assert.Equal(200, (await handler.PostAsync(Http.CallTool(10, "whoami", "{}"), ("Authorization", "Bearer " + Token("ada", "")))).StatusCode);
        Assert.Equal(200, (await handler.PostAsync(Http.Request(11, "tools/list"), ("Authorization", "Bearer " + Token("ada", "")))).StatusCode);
    }

    [Fact]
    public async Task EachOfManyConcurrentCallsSeesItsOwnCaller()
    {
        var handler = Handler();

        var responses = await Task.WhenAll(Enumerable.Range(0, 16).Select(i =>
            handler.PostAsync(Http.CallTool(i, "whoami", "{}"), ("Authorization", "Bearer " + Token($"user-{i}", $"s{i} mcp")))));

        for (var i = 0; i < responses.Length; i++)
        {
            Assert.Equal(200, responses[i].StatusCode);
            var text = responses[i].Json().GetProperty("result").GetProperty("content")[0].GetProperty("text").GetString();
            Assert.Equal($"user-{i} mcp s{i}", text);
        }

        Assert.Equal(1, _issuer.JwksFetches);
    }

    [Fact]
    public async Task TheAuthenticatorRunsBeforeTheBodyIsRead()
    {
        var read = false;
        var request = new McpHttpRequest("POST", "/mcp", name => name switch
        {
            "Content-Type" => "application/json",
            "Accept" => Http.JsonAndSse,
            _ => null,
        }, _ =>
        {
            read = true;
            return ValueTask.FromResult<ReadOnlyMemory<byte>>(Encoding.UTF8.GetBytes(Http.Request(1, "ping")));
        });

        var response = await Handler().HandleAsync(request);

        Assert.Equal(401, response.StatusCode);
        Assert.Equal($"Bearer resource_metadata=\"{MetadataUrl}\"", response.Header("WWW-Authenticate"));
        Assert.False(read);
    }

    [Fact]
    public async Task WithoutAnAuthenticatorThereIsNoCallerAndScopesAreNotChecked()
    {
        var handler = new StreamableHttpHandler(Server());

        var response = await handler.PostAsync(Http.CallTool(1, "write_note", """{"message":"hi"}"""));
        var whoami = await handler.PostAsync(Http.CallTool(2, "whoami", "{}"));

        Assert.Equal(200, response.StatusCode);
        Assert.Equal(" ", whoami.Json().GetProperty("result").GetProperty("content")[0].GetProperty("text").GetString());
        Assert.Equal(["notes:write"], Server().Tools.Single(t => t.Tool.Name == "write_note").RequiredScopes);
    }

    [Fact]
    public async Task TheWholeWorkerServesTheProtectedResourceMetadataAtBothWellKnownPaths()
    {
        var worker = McpEndpoint.Worker(Server(), new McpEndpointOptions
        {
            OAuth = new OAuthOptions { Issuer = TestIssuer.Issuer, Resource = Resource, Scopes = ["mcp", "notes:read"], ResourceName = "Notes" },
        });
        var env = new Env(new DictionaryEnvSource(new Dictionary<string, string>()));

        foreach (var path in new[] { "/.well-known/oauth-protected-resource", "/.well-known/oauth-protected-resource/mcp" })
        {
            var response = await worker(new Request("GET", "https://mcp.test" + path, new Headers(), ReadOnlyMemory<byte>.Empty), env, new Context());
            Assert.Equal(200, response.Status);
            Assert.Equal("*", response.Headers["Access-Control-Allow-Origin"]);
            using var json = JsonDocument.Parse(response.Body);
            Assert.Equal(Resource, json.RootElement.GetProperty("resource").GetString());
            Assert.Equal([TestIssuer.Issuer], json.RootElement.GetProperty("authorization_servers").EnumerateArray().Select(e => e.GetString()));
            Assert.Equal(["mcp", "notes:read"], json.RootElement.GetProperty("scopes_supported").EnumerateArray().Select(e => e.GetString()));
            Assert.Equal(["header"], json.RootElement.GetProperty("bearer_methods_supported").EnumerateArray().Select(e => e.GetString()));
            Assert.Equal("Notes", json.RootElement.GetProperty("resource_name").GetString());
        }

        var other = await worker(new Request("GET", "https://mcp.test/.well-known/oauth-protected-resource/other", new Headers(), ReadOnlyMemory<byte>.Empty), env, new Context());
        Assert.Equal(404, other.Status);

        var mcp = await worker(Post(Http.Request(1, "ping")), env, new Context());
        Assert.Equal(401, mcp.Status);
        Assert.Equal($"Bearer scope=\"mcp notes:read\", resource_metadata=\"{MetadataUrl}\"", mcp.Headers["WWW-Authenticate"]);
    }

    [Fact]
    public async Task TheAuthModeComesFromTheEnvAndAnIncompleteOneRefusesEverything()
    {
        var oauth = McpEndpointOptions.FromEnv(Env(("PMCP_AUTH_MODE", "oauth"), ("PMCP_OAUTH_ISSUER", TestIssuer.Issuer), ("PMCP_OAUTH_RESOURCE", Resource),
            ("PMCP_OAUTH_SCOPES", "mcp, notes:read notes:read"), ("PMCP_OAUTH_JWKS_URL", TestIssuer.Issuer + "/jwks"), ("MCP_API_KEY", "ignored")));
        Assert.Equal(TestIssuer.Issuer, oauth.OAuth!.Issuer);
        Assert.Equal(Resource, oauth.OAuth.Resource);
        Assert.Equal(["mcp", "notes:read"], oauth.OAuth.Scopes);
        Assert.Equal(TestIssuer.Issuer + "/jwks", oauth.OAuth.JwksUrl);
        Assert.Null(oauth.ApiKey);

        Assert.Null(McpEndpointOptions.FromEnv(Env(("PMCP_AUTH_MODE", "none"), ("MCP_API_KEY", "k"))).ApiKey);
        Assert.Equal("k", McpEndpointOptions.FromEnv(Env(("MCP_API_KEY", "k"))).ApiKey);

        foreach (var vars in new[]
        {
            new[] { ("PMCP_AUTH_MODE", "oauth"), ("PMCP_OAUTH_ISSUER", TestIssuer.Issuer) },
            new[] { ("PMCP_AUTH_MODE", "oauth"), ("PMCP_OAUTH_RESOURCE", Resource) },
            new[] { ("PMCP_AUTH_MODE", "oauth"), ("PMCP_OAUTH_ISSUER", "http://issuer.example"), ("PMCP_OAUTH_RESOURCE", Resource) },
            new[] { ("PMCP_AUTH_MODE", "api-key") },
            new[] { ("PMCP_AUTH_MODE", "OAuth2"), ("MCP_API_KEY", "k") },
        })
        {
            var worker = McpEndpoint.Worker(Server());
            var headers = new Headers().Append("Content-Type", "application/json").Append("Accept", Http.JsonAndSse).Append("Authorization", "Bearer k");
            var response = await worker(new Request("POST", "https://mcp.test/mcp", headers, Encoding.UTF8.GetBytes(Http.Request(1, "ping"))), Env(vars), new Context());
            Assert.Equal(500, response.Status);
        }

        var open = McpEndpoint.Worker(Server());
        Assert.Equal(200, (await open(Post(Http.Request(1, "ping")), Env(("PMCP_AUTH_MODE", "none"), ("MCP_API_KEY", "k")), new Context())).Status);
    }

    private static Request Post(string body) => new("POST", "https://mcp.test/mcp",
        new Headers().Append("Content-Type", "application/json").Append("Accept", Http.JsonAndSse), Encoding.UTF8.GetBytes(body));

    private static Env Env(params (string Name, string Value)[] vars) =>
        new(new DictionaryEnvSource(vars.ToDictionary(v => v.Name, v => v.Value)));
}
