using System.Text;
using Pmcp.Workers;
using Pmcp.Workers.Http;

namespace Pmcp.Tests;

/// <summary>
/// The endpoint's settings are one <see cref="McpEndpointOptions"/>, read from the Worker's env once per isolate, at
/// the first request that carries it: the start-up requests (warm-up, image recording) run without one and fix nothing.
/// </summary>
public sealed class McpEndpointSettingsTests
{
    [Fact]
    public async Task TheSettingsComeFromTheFirstRealEnvNotTheWarmUpsAndAreReadOnce()
    {
        var worker = McpEndpoint.Worker(TestServer.Builder().Build());
        var warmUp = new Env(new DictionaryEnvSource(new Dictionary<string, string>())) { IsProvisional = true };
        var keyed = Env(("MCP_API_KEY", "k1"), ("PMCP_ALLOWED_HOSTS", "localhost"));

        Assert.Equal(200, (await PingAsync(worker, warmUp, key: null)).Status);

        // Eight first requests at once: every one holds to the key.
        var first = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => PingAsync(worker, keyed, key: null)));
        Assert.All(first, r => Assert.Equal(401, r.Status));
        Assert.Equal(200, (await PingAsync(worker, keyed, key: "k1")).Status);
        Assert.Equal(403, (await PingAsync(worker, keyed, key: "k1", host: "evil.example")).Status);

        // Read once: an env seen later changes nothing.
        var other = Env(("MCP_API_KEY", "k2"));
        Assert.Equal(401, (await PingAsync(worker, other, key: "k2")).Status);
        Assert.Equal(200, (await PingAsync(worker, other, key: "k1")).Status);
    }

    [Fact]
    public async Task SettingsGivenInCodeApplyFromTheStartAndTheEnvIsNotRead()
    {
        var worker = McpEndpoint.Worker(TestServer.Builder().Build(), new McpEndpointOptions { ApiKey = "code-key", MaxRequestBodyBytes = 64 });
        var env = Env(("MCP_API_KEY", "env-key"));

        Assert.Equal(401, (await PingAsync(worker, new Env(new DictionaryEnvSource(new Dictionary<string, string>())) { IsProvisional = true }, key: null)).Status);
        Assert.Equal(401, (await PingAsync(worker, env, key: "env-key")).Status);
        Assert.Equal(200, (await PingAsync(worker, env, key: "code-key")).Status);
        Assert.Equal(413, (await PingAsync(worker, env, key: "code-key", pad: new string('x', 100))).Status);
    }

    [Fact]
    public void FromEnvReadsTheRequestLogVarsAndAValueThatIsNoLevelKeepsErrors()
    {
        Assert.Null(McpEndpointOptions.FromEnv(Env(("MCP_API_KEY", "k"))).RequestLog);

        var options = McpEndpointOptions.FromEnv(Env(("PMCP_REQUEST_LOG", "all"), ("PMCP_REQUEST_LOG_SAMPLE_RATE", "0.1"), ("PMCP_REQUEST_LOG_ARGUMENT_NAMES", "true")));
        Assert.Equal(Pmcp.Http.RequestLogLevel.All, options.RequestLog!.Level);
        Assert.Equal(0.1, options.RequestLog.OkSampleRate);
        Assert.True(options.RequestLog.ArgumentNames);
        Assert.Null(options.RequestLogWarning);

        var wrong = McpEndpointOptions.FromEnv(Env(("PMCP_REQUEST_LOG", "verbose")));
        Assert.Equal(Pmcp.Http.RequestLogLevel.Errors, wrong.RequestLog!.Level);
        Assert.Contains("PMCP_REQUEST_LOG must be off, errors or all", wrong.RequestLogWarning, StringComparison.Ordinal);
    }

    [Fact]
    public void FromEnvTurnsSessionsOnOnlyWhenAsked()
    {
        Assert.Null(McpEndpointOptions.FromEnv(Env(("MCP_API_KEY", "k"))).Sessions);
        Assert.Null(McpEndpointOptions.FromEnv(Env(("PMCP_SESSIONS", "false"))).Sessions);
        Assert.Equal(TimeSpan.FromMinutes(30), McpEndpointOptions.FromEnv(Env(("PMCP_SESSIONS", "true"))).Sessions!.IdleTimeout);
        var options = McpEndpointOptions.FromEnv(Env(("PMCP_SESSIONS", " TRUE "), ("PMCP_SESSION_TTL", "90")));
        Assert.Equal(TimeSpan.FromSeconds(90), options.Sessions!.IdleTimeout);
        Assert.Same(options.Sessions, options.ToHttpOptions(routed: false).Sessions);
        Assert.Equal(TimeSpan.FromMinutes(30), McpEndpointOptions.FromEnv(Env(("PMCP_SESSIONS", "true"), ("PMCP_SESSION_TTL", "soon"))).Sessions!.IdleTimeout);
    }

    [Fact]
    public void FromEnvReadsEveryVarAndPrintingNeverShowsTheKey()
    {
        var options = McpEndpointOptions.FromEnv(Env(
            ("MCP_API_KEY", "secret-value"), ("PMCP_ALLOWED_HOSTS", "a.example, b.example"), ("PMCP_ALLOWED_ORIGINS", "https://c.example"), ("PMCP_MAX_BODY_BYTES", "1024")));

        Assert.Equal("secret-value", options.ApiKey);
        Assert.Equal(["a.example", "b.example"], options.AllowedHosts);
        Assert.Equal(["https://c.example"], options.AllowedOrigins);
        Assert.Equal(1024, options.MaxRequestBodyBytes);
        Assert.DoesNotContain("secret-value", options.ToString(), StringComparison.Ordinal);
        Assert.Equal(McpEndpointOptions.DefaultMaxRequestBodyBytes, McpEndpointOptions.FromEnv(Env(("PMCP_MAX_BODY_BYTES", "-3"))).MaxRequestBodyBytes);
        Assert.True(McpEndpointOptions.FromEnv(Env(("MCP_API_KEY", " "))).HasEmptyApiKey);
    }

    [Fact]
    public async Task AHandlersExceptionMessageIsLoggedOnlyWhenTheVarAsksForIt()
    {
        foreach (var (value, logged) in new[] { ((string?)null, false), ("false", false), ("true", true), (" TRUE ", true) })
        {
            Assert.Equal(logged, McpEndpointOptions.FromEnv(Env(value is null ? [] : [(McpEndpointOptions.ExceptionMessagesVar, value)])).LogExceptionMessages);

            var seen = new System.Collections.Concurrent.ConcurrentQueue<Pmcp.Server.HandlerFailure>();
            var worker = McpEndpoint.Worker(TestServer.Builder().WithHandlerFailureLog(seen.Enqueue).Build());
            var env = Env(value is null ? [] : [(McpEndpointOptions.ExceptionMessagesVar, value)]);
            var headers = new Headers().Append("Content-Type", "application/json").Append("Accept", Http.JsonAndSse).Append("Host", "localhost");
            await Task.WhenAll(Enumerable.Range(1, 8).Select(id =>
                worker(new Request("POST", "http://localhost/mcp", headers, Encoding.UTF8.GetBytes(Http.CallTool(id, "fail", "{}"))), env, new Context())));

            Assert.Equal(8, seen.Count);
            Assert.All(seen, failure =>
            {
                Assert.Equal(logged, failure.MessagesLogged);
                var text = failure.ToString();
                Assert.Contains("System.InvalidOperationException", text, StringComparison.Ordinal);
                Assert.Equal(logged, text.Contains("the database is down", StringComparison.Ordinal));
                Assert.Equal(!logged, text.Contains("PMCP_LOG_EXCEPTION_MESSAGES=true", StringComparison.Ordinal));
            });
        }
    }

    private static Env Env(params (string Name, string Value)[] vars) =>
        new(new DictionaryEnvSource(vars.ToDictionary(v => v.Name, v => v.Value)));

    private static Task<Response> PingAsync(Func<Request, Env, Context, Task<Response>> worker, Env env, string? key, string host = "localhost", string pad = "")
    {
        var headers = new Headers().Append("Content-Type", "application/json").Append("Accept", Http.JsonAndSse).Append("Host", host);
        if (key is not null)
        {
            headers.Append("Authorization", "Bearer " + key);
        }

        var body = pad.Length == 0 ? Http.Request(1, "ping") : "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\",\"params\":{\"pad\":\"" + pad + "\"}}";
        return worker(new Request("POST", "http://localhost/mcp", headers, Encoding.UTF8.GetBytes(body)), env, new Context());
    }
}
