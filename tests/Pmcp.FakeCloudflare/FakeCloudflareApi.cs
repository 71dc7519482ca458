using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Pmcp.FakeCloudflare.Endpoints;

namespace Pmcp.FakeCloudflare;

/// <summary>
/// A fake of the Cloudflare API (v4) on a free 127.0.0.1 port, serving exactly what wrangler 4.164.0 calls for
/// deploy (also per environment), routes and custom domains, secrets, tail, deployments/versions, delete, whoami and login,
/// with Cloudflare's envelopes and error codes. It records what wrangler did for tests to assert on; anything it
/// does not model gets a 404 envelope and shows up in <see cref="UnhandledRequests"/>.
/// </summary>
/// <example>
/// <code>
/// await using var cloudflare = await FakeCloudflareApi.StartAsync();
/// // run wrangler with cloudflare.WranglerEnvironment (and account_id = cloudflare.AccountId in wrangler.toml)
/// Assert.Equal("2025-01-01", cloudflare.Script("my-worker")!.Metadata!.CompatibilityDate);
/// Assert.Empty(cloudflare.UnhandledRequests);
/// </code>
/// </example>
public sealed class FakeCloudflareApi : IAsyncDisposable
{
    /// <summary>The path of the API below the origin, as on api.cloudflare.com.</summary>
    public const string ApiPath = "/client/v4";

    private const string UnhandledMarker = "pmcp-fake-cloudflare-unhandled";

    private readonly WebApplication _app;
    private readonly FakeAccount _account;

    private FakeCloudflareApi(WebApplication app, FakeAccount account, string origin)
    {
        _app = app;
        _account = account;
        Origin = origin;
        WranglerEnvironment = new Dictionary<string, string>
        {
            ["CLOUDFLARE_API_BASE_URL"] = BaseUrl,
            ["CLOUDFLARE_API_TOKEN"] = ApiToken,
            // Without it wrangler asks /memberships which account to use (and fails when not interactive).
            ["CLOUDFLARE_ACCOUNT_ID"] = AccountId,
            ["WRANGLER_SEND_METRICS"] = "false",
            ["WRANGLER_SEND_ERROR_REPORTS"] = "false",
            // The banner's update check asks the npm registry for the latest wrangler.
            ["WRANGLER_HIDE_BANNER"] = "true",
            // wrangler tail's WebSocket goes through any of these proxies (it ignores NO_PROXY), away from 127.0.0.1.
            ["HTTPS_PROXY"] = "",
            ["https_proxy"] = "",
            ["HTTP_PROXY"] = "",
            ["http_proxy"] = "",
        };
    }

    /// <summary>The value for <c>CLOUDFLARE_API_BASE_URL</c>: <c>http://127.0.0.1:PORT/client/v4</c>.</summary>
    public string BaseUrl => Origin + ApiPath;

    /// <summary><c>http://127.0.0.1:PORT</c>.</summary>
    public string Origin { get; }

    public string AccountId => _account.AccountId;

    public string AccountName => _account.AccountName;

    public string Email => _account.Email;

    /// <summary>Records requests a Worker served, for the GraphQL Analytics API (<c>deploy metrics</c>) to count.</summary>
    public void RecordInvocations(IEnumerable<WorkerInvocation> invocations)
    {
        lock (_account.Gate)
        {
            _account.Invocations.AddRange(invocations);
        }
    }

    /// <summary>The token every API request must carry as <c>Authorization: Bearer …</c>.</summary>
    public string ApiToken => _account.ApiToken;

    /// <summary>The account's workers.dev subdomain (<c>pmcp-test</c> by default), or null while none is registered.</summary>
    public string? WorkersDevSubdomain
    {
        get
        {
            lock (_account.Gate)
            {
                return _account.WorkersDevSubdomain;
            }
        }
    }

    public IReadOnlyList<FakeZone> Zones => _account.Zones;

    /// <summary>The account's R2 buckets: the configured ones and those wrangler created.</summary>
    public IReadOnlyList<string> R2Buckets
    {
        get
        {
            lock (_account.Gate)
            {
                return _account.R2BucketList.ToArray();
            }
        }
    }

    /// <summary>
    /// What a wrangler child process needs to talk to this fake, authenticated, non-interactively and without
    /// reaching the internet: the API base URL, token and account id; metrics, error reports and the banner's npm
    /// update check off; proxies off. Run wrangler with stdin redirected (not a TTY) so it never prompts.
    /// </summary>
    public IReadOnlyDictionary<string, string> WranglerEnvironment { get; }

    /// <summary>
    /// What <c>wrangler login</c> needs to sign in at this fake instead of dash.cloudflare.com: its authorize and token
    /// URLs (wrangler's <c>WRANGLER_AUTH_URL</c> and <c>WRANGLER_TOKEN_URL</c>). The access token it gets is
    /// <see cref="ApiToken"/>. Use it without <c>CLOUDFLARE_API_TOKEN</c>: with a token set, wrangler refuses to log in.
    /// </summary>
    public IReadOnlyDictionary<string, string> OAuthEnvironment => new Dictionary<string, string>
    {
        ["WRANGLER_AUTH_DOMAIN"] = new Uri(Origin).Authority,
        ["WRANGLER_AUTH_URL"] = Origin + "/oauth2/auth",
        ["WRANGLER_TOKEN_URL"] = Origin + "/oauth2/token",
    };

    /// <summary>Every Worker ever created, deleted ones included, oldest first.</summary>
    public IReadOnlyList<WorkerScript> Scripts => _account.AllScripts;

    /// <summary>Every request, in arrival order.</summary>
    public IReadOnlyList<RecordedRequest> Requests => _account.Requests;

    /// <summary>Requests no endpoint of the fake matched: wrangler needed something the fake does not model.</summary>
    public IReadOnlyList<RecordedRequest> UnhandledRequests => [.. Requests.Where(request => !request.Handled)];

    public IReadOnlyList<TailSession> Tails => _account.Tails;

    public static async Task<FakeCloudflareApi> StartAsync(FakeCloudflareOptions? options = null, CancellationToken cancellationToken = default)
    {
        var account = new FakeAccount(options ?? new FakeCloudflareOptions());
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });

        // Nothing from the environment or an appsettings.json may add endpoints or change the fake.
        builder.Configuration.Sources.Clear();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(kestrel =>
        {
            kestrel.Listen(IPAddress.Loopback, 0);

            // Worker bundles with WebAssembly run to tens of megabytes.
            kestrel.Limits.MaxRequestBodySize = 256 * 1024 * 1024;
        });
        var app = builder.Build();
        app.Use((context, next) => RecordAndAuthenticateAsync(context, next, account));
        MapEndpoints(app, account);
        await app.StartAsync(cancellationToken);

        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        var origin = new Uri(address).GetLeftPart(UriPartial.Authority);
        account.WebSocketOrigin = "ws" + origin["http".Length..];
        return new FakeCloudflareApi(app, account, origin);
    }

    /// <summary>https://NAME.SUBDOMAIN.workers.dev, the URL wrangler prints for a Worker on workers.dev.</summary>
    public string WorkersDevUrl(string scriptName) => $"https://{scriptName}.{WorkersDevSubdomain}.workers.dev";

    /// <summary>The Worker of that name, the newest if it was deleted and deployed again; null if there never was one.</summary>
    public WorkerScript? Script(string name) => _account.LatestScript(name);

    /// <summary>Waits until wrangler tails <paramref name="scriptName"/> and its WebSocket is connected.</summary>
    public async Task<TailSession> WaitForTailAsync(string scriptName, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            if (Tails.FirstOrDefault(tail => tail.ScriptName == scriptName && tail.Connected && !tail.Deleted) is { } tail)
            {
                return tail;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"wrangler did not connect a tail of {scriptName} within {timeout}. Requests:\n{string.Join('\n', Requests)}");
            }

            await Task.Delay(50);
        }
    }

    public void ClearRequests() => _account.ClearRequests();

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private static void MapEndpoints(WebApplication app, FakeAccount account)
    {
        var api = app.MapGroup(ApiPath);
        var accounts = api.MapGroup("/accounts/{accountId}");

        // A token only reaches its own account.
        accounts.AddEndpointFilter((context, next) =>
            context.HttpContext.GetRouteValue("accountId") as string == account.AccountId
                ? next(context)
                : ValueTask.FromResult<object?>(Envelope.Error(StatusCodes.Status403Forbidden, CloudflareError.AuthenticationError)));

        ScriptEndpoints.Map(accounts, account);
        SecretEndpoints.Map(accounts, account);
        SubdomainEndpoints.Map(accounts, account);
        RouteEndpoints.MapAccount(accounts, account);
        RouteEndpoints.MapZones(api, account);
        TailEndpoints.MapAccount(accounts, account);
        TailEndpoints.MapSocket(app, account);
        StorageEndpoints.Map(accounts, account);
        UserEndpoints.Map(api, account);
        GraphqlEndpoints.Map(api, account);
        OAuthEndpoints.Map(app, account);

        app.MapFallback("{*path}", (HttpContext context) =>
        {
            context.Items[UnhandledMarker] = true;
            return Envelope.Error(StatusCodes.Status404NotFound, CloudflareError.NoRoute);
        });
    }

    /// <summary>Records every request (before its response starts, so a test never misses one) and checks the token on the API.</summary>
    private static async Task RecordAndAuthenticateAsync(HttpContext context, RequestDelegate next, FakeAccount account)
    {
        var request = context.Request;
        var path = request.Path.Value ?? "/";
        var inApi = path.StartsWith(ApiPath + "/", StringComparison.Ordinal);
        var recorded = 0;
        void Record()
        {
            if (Interlocked.Exchange(ref recorded, 1) == 0)
            {
                account.Record(new RecordedRequest(
                    request.Method,
                    inApi ? path[ApiPath.Length..] : path,
                    request.QueryString.Value ?? "",
                    context.Response.StatusCode,
                    !context.Items.ContainsKey(UnhandledMarker)));
            }
        }

        context.Response.OnStarting(() =>
        {
            Record();
            return Task.CompletedTask;
        });
        try
        {
            if (inApi && Reject(request, path[ApiPath.Length..], account.ApiToken) is { } rejection)
            {
                await rejection.ExecuteAsync(context);
                return;
            }

            await next(context);
        }
        finally
        {
            Record();
        }
    }

    private static IResult? Reject(HttpRequest request, string apiPath, string token)
    {
        var authorization = request.Headers.Authorization.ToString();
        if (authorization.Length == 0)
        {
            return Envelope.Error(StatusCodes.Status400BadRequest, CloudflareError.MissingAuthHeaders);
        }

        if (authorization == "Bearer " + token)
        {
            return null;
        }

        return apiPath switch
        {
            "/user/tokens/verify" => Envelope.Error(StatusCodes.Status401Unauthorized, CloudflareError.InvalidApiToken),
            "/user" or "/accounts" or "/memberships" => Envelope.Error(StatusCodes.Status400BadRequest, CloudflareError.InvalidAccessToken),
            _ => Envelope.Error(StatusCodes.Status403Forbidden, CloudflareError.AuthenticationError),
        };
    }
}
