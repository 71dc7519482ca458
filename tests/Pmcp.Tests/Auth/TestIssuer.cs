using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Pmcp.Testing;

namespace Pmcp.Tests.Auth;

/// <summary>
/// An authorization server in memory, behind the <see cref="HttpClient"/> the resource server fetches with: its RFC 8414
/// metadata and its key set, which a test can rotate or break. Counts the key set's fetches.
/// </summary>
internal sealed class TestIssuer : HttpMessageHandler
{
    public const string Issuer = "https://issuer.test";

    private int _jwksFetches;

    public TestIssuer(params JwtSigningKey[] keys) => Published = [.. keys];

    /// <summary>The keys the key set lists now.</summary>
    public List<JwtSigningKey> Published { get; set; }

    /// <summary>How long the key set takes to answer, so that concurrent requests overlap its fetch.</summary>
    public TimeSpan Delay { get; set; }

    /// <summary>When set, the key set answers this status instead.</summary>
    public HttpStatusCode? Failure { get; set; }

    /// <summary>The issuer the metadata names.</summary>
    public string MetadataIssuer { get; set; } = Issuer;

    public int JwksFetches => Volatile.Read(ref _jwksFetches);

    public HttpClient Client() => new(this, disposeHandler: false);

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        switch (request.RequestUri!.AbsoluteUri)
        {
            case Issuer + "/.well-known/oauth-authorization-server":
                return Json(new JsonObject { ["issuer"] = MetadataIssuer, ["jwks_uri"] = Issuer + "/jwks" });
            case Issuer + "/jwks":
                Interlocked.Increment(ref _jwksFetches);
                await Task.Delay(Delay, cancellationToken);
                if (Failure is { } status)
                {
                    return new HttpResponseMessage(status);
                }

                return Json(new JsonObject { ["keys"] = new JsonArray([.. Published.Select(k => (JsonNode)k.PublicJwk())]) });
            default:
                return new HttpResponseMessage(HttpStatusCode.NotFound);
        }
    }

    private static HttpResponseMessage Json(JsonObject json) =>
        new(HttpStatusCode.OK) { Content = new StringContent(json.ToJsonString(), Encoding.UTF8, "application/json") };
}

/// <summary>A clock the test moves.</summary>
internal sealed class TestClock(DateTimeOffset start) : TimeProvider
{
    private long _ticks = start.UtcTicks;

    public override DateTimeOffset GetUtcNow() => new(Interlocked.Read(ref _ticks), TimeSpan.Zero);

    public override long GetTimestamp() => Interlocked.Read(ref _ticks);

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public void Advance(TimeSpan by) => Interlocked.Add(ref _ticks, by.Ticks);
}
