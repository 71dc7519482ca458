using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using Pmcp.Workers.Crypto;

namespace Pmcp.Workers.Auth;

/// <summary>
/// The issuer's signing keys, cached for the life of the isolate: its JWKS URL (configured, or the <c>jwks_uri</c> of
/// its RFC 8414 or OpenID Connect metadata), fetched once with <see cref="HttpClient"/> (over the request's own
/// <c>fetch()</c> in workerd), each key imported once. A token naming a <c>kid</c> the set lacks refetches it, at most
/// once per <see cref="OAuthOptions.KeyRefreshInterval"/>; requests that need a fetch at the same moment share one.
/// </summary>
internal sealed class IssuerKeys(OAuthOptions options, Func<HttpClient> http, TimeProvider time)
{
    /// <summary>After a failed fetch with no keys at all, the next attempt waits this long (the requests meanwhile get 503).</summary>
    internal static readonly TimeSpan FailureBackoff = TimeSpan.FromSeconds(5);

    /// <summary>The most a metadata document or key set may weigh.</summary>
    private const int MaxDocumentBytes = 512 * 1024;

    private readonly Lock _gate = new();
    private KeySet? _current;
    private Task<KeySet?>? _fetching;
    private long? _lastAttempt;
    private string? _jwksUrl;

    /// <summary>How many times the key set was fetched (for tests and logs).</summary>
    public int Fetches => Volatile.Read(ref _fetches);

    private int _fetches;

    /// <summary>What a lookup found: a key, no key for the token (refused), or no key set at all (503).</summary>
    public enum Outcome
    {
        /// <summary>A key that fits the token.</summary>
        Found,

        /// <summary>The set has no key for the token, even after a refetch the interval allowed.</summary>
        NoKey,

        /// <summary>The issuer's keys could not be fetched.</summary>
        Unavailable,
    }

    /// <summary>The key that verifies a token with <paramref name="algorithm"/> and <paramref name="keyId"/>.</summary>
    public async Task<(Outcome Outcome, CryptoKey? Key)> FindAsync(string algorithm, string? keyId)
    {
        var set = Volatile.Read(ref _current) ?? await RefreshAsync().ConfigureAwait(false);
        if (set is null)
        {
            return (Outcome.Unavailable, null);
        }

        var (jwk, known) = set.Find(algorithm, keyId);
        if (jwk is null && !known)
        {
            // A kid the set lacks: the issuer may have rotated its keys since they were fetched.
            var newer = await RefreshAsync().ConfigureAwait(false);
            if (newer is not null && !ReferenceEquals(newer, set))
            {
                set = newer;
                (jwk, _) = set.Find(algorithm, keyId);
            }
        }

        if (jwk is null)
        {
            return (Outcome.NoKey, null);
        }

        try
        {
            return (Outcome.Found, await set.ImportAsync(jwk, algorithm).ConfigureAwait(false));
        }
        catch (CryptographicException e)
        {
            Log.Warn($"pmcp: a key of the OAuth issuer's key set could not be imported ({e.Message}); tokens it signed are refused.");
            return (Outcome.NoKey, null);
        }
    }

    /// <summary>A fetch of the key set, shared with any in flight; the current set when the interval forbids one now.</summary>
    private Task<KeySet?> RefreshAsync()
    {
        lock (_gate)
        {
            if (_fetching is { IsCompleted: false } running)
            {
                return running;
            }

            var now = time.GetTimestamp();
            var wait = _current is null ? FailureBackoff : options.KeyRefreshInterval;
            if (_lastAttempt is { } last && time.GetElapsedTime(last, now) < wait)
            {
                return Task.FromResult(_current);
            }

            _lastAttempt = now;
            return _fetching = FetchAsync();
        }
    }

    private async Task<KeySet?> FetchAsync()
    {
        // Not the request's cancellation: other requests may be waiting for this fetch too.
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            using var client = http();
            client.MaxResponseContentBufferSize = MaxDocumentBytes;
            var jwksUrl = _jwksUrl ??= options.JwksUrl ?? await DiscoverJwksUrlAsync(client, timeout.Token).ConfigureAwait(false);
            Interlocked.Increment(ref _fetches);
            using var response = await client.GetAsync(new Uri(jwksUrl), timeout.Token).ConfigureAwait(false);
            if (response.StatusCode != HttpStatusCode.OK)
            {
                throw new HttpRequestException($"the key set at {jwksUrl} answered {(int)response.StatusCode}");
            }

            var keys = JsonWebKeySet.Parse(await response.Content.ReadAsStringAsync(timeout.Token).ConfigureAwait(false));
            var set = new KeySet(keys);
            Volatile.Write(ref _current, set);
            return set;
        }
        catch (Exception e) when (e is HttpRequestException or JsonException or OperationCanceledException or InvalidOperationException or UriFormatException or ArgumentException)
        {
            Log.Warn($"pmcp: the OAuth issuer's keys could not be fetched: {e.Message}{(_current is null ? "" : "; the keys fetched before stay in use")}");
            return _current;
        }
    }

    /// <summary>
    /// The <c>jwks_uri</c> of the issuer's metadata, tried where MCP 2025-11-25 has clients look: RFC 8414 (with the
    /// issuer's path inserted), then OpenID Connect discovery (inserted, then appended). The metadata must name the
    /// configured issuer exactly (RFC 8414 §3.3).
    /// </summary>
    private async Task<string> DiscoverJwksUrlAsync(HttpClient client, CancellationToken cancellationToken)
    {
        foreach (var url in MetadataUrls(options.Issuer))
        {
            using var response = await client.GetAsync(new Uri(url), cancellationToken).ConfigureAwait(false);
            if (response.StatusCode != HttpStatusCode.OK)
            {
                continue;
            }

            using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false));
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object
                || !root.TryGetProperty("issuer", out var issuer) || issuer.ValueKind != JsonValueKind.String || !issuer.ValueEquals(options.Issuer))
            {
                throw new InvalidOperationException($"the metadata at {url} names another issuer than {options.Issuer}");
            }

            if (!root.TryGetProperty("jwks_uri", out var jwks) || jwks.ValueKind != JsonValueKind.String)
            {
                throw new InvalidOperationException($"the metadata at {url} has no jwks_uri");
            }

            var jwksUrl = jwks.GetString()!;
            OAuthResourceServer.CheckUrl(jwksUrl, "the issuer's jwks_uri");
            return jwksUrl;
        }

        throw new HttpRequestException($"the issuer {options.Issuer} publishes no authorization server or OpenID Connect metadata");
    }

    /// <summary>The metadata URLs of an issuer, in the order MCP clients try them.</summary>
    internal static IEnumerable<string> MetadataUrls(string issuer)
    {
        var uri = new Uri(issuer);
        var origin = uri.GetLeftPart(UriPartial.Authority);
        var path = uri.AbsolutePath.TrimEnd('/');
        if (path.Length == 0)
        {
            return [origin + "/.well-known/oauth-authorization-server", origin + "/.well-known/openid-configuration"];
        }

        return [origin + "/.well-known/oauth-authorization-server" + path, origin + "/.well-known/openid-configuration" + path, origin + path + "/.well-known/openid-configuration"];
    }

    /// <summary>One fetched key set and the keys imported from it so far.</summary>
    private sealed class KeySet(JsonWebKeySet keys)
    {
        private readonly ConcurrentDictionary<(JsonWebKey, string), Task<CryptoKey>> _imported = new();

        /// <summary>
        /// The key for the token; <c>known</c> is true when the set has the token's <c>kid</c> (fitting or not), so that a
        /// key of the wrong type is refused, not refetched.
        /// </summary>
        public (JsonWebKey? Key, bool Known) Find(string algorithm, string? keyId)
        {
            if (keyId is not null)
            {
                var named = keys.Keys.Where(k => k.Kid == keyId).ToArray();
                var fitting = named.Where(k => JwtKeys.Fits(k, algorithm)).ToArray();
                return (fitting.Length == 1 ? fitting[0] : null, named.Length > 0);
            }

            // No kid: only a set with exactly one key for the algorithm can say which.
            var candidates = keys.Keys.Where(k => JwtKeys.Fits(k, algorithm)).Take(2).ToArray();
            return (candidates.Length == 1 ? candidates[0] : null, candidates.Length > 0);
        }

        public Task<CryptoKey> ImportAsync(JsonWebKey jwk, string algorithm)
        {
            var task = _imported.GetOrAdd((jwk, algorithm), static key => JwtKeys.ImportAsync(key.Item1, key.Item2));
            if (task.IsFaulted)
            {
                _imported.TryRemove(new KeyValuePair<(JsonWebKey, string), Task<CryptoKey>>((jwk, algorithm), task));
            }

            return task;
        }
    }
}
