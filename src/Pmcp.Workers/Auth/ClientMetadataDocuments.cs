using System.Net;
using System.Net.Sockets;
using System.Text.Json;

namespace Pmcp.Workers.Auth;

/// <summary>
/// Client ID Metadata Documents (the MCP 2025-11-25 authorization specification): a client whose <c>client_id</c> is an
/// https URL is not registered beforehand; its metadata is fetched from that URL (with <see cref="HttpClient"/>, which
/// is <c>fetch()</c> in workerd) and must name the same <c>client_id</c>, its redirect URIs, and no client secret. A
/// document is kept per isolate for its <c>Cache-Control: max-age</c> (1 minute to 1 day; 5 minutes without one), at
/// most <see cref="MaxBytes"/>. Addresses a client could use to reach the Worker's own network (loopback, private,
/// link-local, unique-local) and plain http are refused, unless the server itself runs locally (its resource on a
/// loopback address, as under <c>dotnet pmcp dev</c>).
/// </summary>
internal sealed class ClientMetadataDocuments(HttpClient http, TimeProvider time, bool local)
{
    /// <summary>The most a document may weigh: 5 KiB, as the specification suggests.</summary>
    public const int MaxBytes = 5 * 1024;

    private const int MaxCached = 256;
    private static readonly TimeSpan DefaultLifetime = TimeSpan.FromMinutes(5);

    private readonly Dictionary<string, (RegisteredClient Client, DateTimeOffset Until)> _cache = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    /// <summary>How many documents were fetched (for tests).</summary>
    public int Fetches => Volatile.Read(ref _fetches);

    private int _fetches;

    /// <summary>Whether <paramref name="clientId"/> has the shape of a metadata document's URL (an http(s) URL), so it is looked up here, not in the store.</summary>
    public static bool IsDocumentClientId(string clientId) =>
        clientId.StartsWith("https://", StringComparison.Ordinal) || clientId.StartsWith("http://", StringComparison.Ordinal);

    /// <summary>The client the document at <paramref name="clientId"/> describes, or the reason it cannot be used (said to the user).</summary>
    public async Task<(RegisteredClient? Client, string? Refusal)> FindAsync(string clientId, CancellationToken cancellationToken)
    {
        if (Refuse(clientId) is { } refusal)
        {
            return (null, refusal);
        }

        var now = time.GetUtcNow();
        lock (_gate)
        {
            if (_cache.TryGetValue(clientId, out var cached) && cached.Until > now)
            {
                return (cached.Client, null);
            }
        }

        var uri = new Uri(clientId);
        if (!local && await ResolvesToInternalAsync(uri.IdnHost, cancellationToken).ConfigureAwait(false))
        {
            return (null, "The client_id URL's host is an internal address, which this server does not fetch.");
        }

        Interlocked.Increment(ref _fetches);
        byte[] body;
        TimeSpan lifetime;
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(5));
            using var request = new HttpRequestMessage(HttpMethod.Get, uri);
            request.Headers.Accept.ParseAdd("application/json");
            using var answer = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false);
            if (answer.StatusCode != HttpStatusCode.OK)
            {
                return (null, $"The client's metadata document could not be fetched (HTTP {(int)answer.StatusCode}).");
            }

            if (answer.Content.Headers.ContentLength > MaxBytes)
            {
                return (null, $"The client's metadata document is larger than {MaxBytes / 1024} KiB.");
            }

            body = await ReadLimitedAsync(answer.Content, timeout.Token).ConfigureAwait(false) ?? [];
            if (body.Length == 0)
            {
                return (null, $"The client's metadata document is empty or larger than {MaxBytes / 1024} KiB.");
            }

            lifetime = answer.Headers.CacheControl is { NoStore: false, MaxAge: { } maxAge }
                ? TimeSpan.FromSeconds(Math.Clamp(maxAge.TotalSeconds, 60, 86_400))
                : DefaultLifetime;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return (null, "The client's metadata document could not be fetched.");
        }

        var (client, problem) = Parse(clientId, body);
        if (client is null)
        {
            return (null, problem);
        }

        lock (_gate)
        {
            if (_cache.Count >= MaxCached)
            {
                // Bounded: expired entries go first, and when none has, the whole cache (documents are cheap to fetch again).
                foreach (var key in _cache.Where(e => e.Value.Until <= now).Select(e => e.Key).ToList())
                {
                    _cache.Remove(key);
                }

                if (_cache.Count >= MaxCached)
                {
                    _cache.Clear();
                }
            }

            _cache[clientId] = (client, now + lifetime);
        }

        return (client, null);
    }

    /// <summary>Why <paramref name="clientId"/> cannot be a document's URL, or null when it can.</summary>
    internal string? Refuse(string clientId)
    {
        if (clientId.Length > 2048 || !Uri.TryCreate(clientId, UriKind.Absolute, out var uri))
        {
            return "The client_id is not a valid URL.";
        }

        if (uri.Scheme != Uri.UriSchemeHttps && !(local && uri.Scheme == Uri.UriSchemeHttp))
        {
            return "A client_id URL must use https.";
        }

        if (uri.AbsolutePath is "" or "/" || uri.Fragment.Length > 0 || uri.UserInfo.Length > 0
            || uri.OriginalString.Contains("/./", StringComparison.Ordinal) || uri.OriginalString.Contains("/../", StringComparison.Ordinal)
            || uri.AbsoluteUri != clientId)
        {
            return "A client_id URL must have a path, and no fragment, credentials or dot segments.";
        }

        if (!local && (uri.IsLoopback || (IPAddress.TryParse(uri.Host.Trim('[', ']'), out var address) && IsInternal(address))))
        {
            return "The client_id URL's host is an internal address, which this server does not fetch.";
        }

        return null;
    }

    private static (RegisteredClient? Client, string? Problem) Parse(string clientId, byte[] body)
    {
        JsonElement root;
        try
        {
            using var document = JsonDocument.Parse(body);
            root = document.RootElement.Clone();
        }
        catch (JsonException)
        {
            return (null, "The client's metadata document is not JSON.");
        }

        if (root.ValueKind != JsonValueKind.Object)
        {
            return (null, "The client's metadata document is not a JSON object.");
        }

        if (!root.TryGetProperty("client_id", out var id) || id.ValueKind != JsonValueKind.String || id.GetString() != clientId)
        {
            return (null, "The client's metadata document names another client_id than its own URL.");
        }

        if (root.TryGetProperty("client_secret", out _) || root.TryGetProperty("client_secret_expires_at", out _)
            || (root.TryGetProperty("token_endpoint_auth_method", out var method) && !(method.ValueKind == JsonValueKind.String && method.GetString() == "none")))
        {
            return (null, "The client's metadata document describes a client with a secret; only public clients (token_endpoint_auth_method none) sign in here.");
        }

        if (!root.TryGetProperty("redirect_uris", out var redirects) || redirects.ValueKind != JsonValueKind.Array || redirects.GetArrayLength() is 0 or > 10)
        {
            return (null, "The client's metadata document must list 1 to 10 redirect_uris.");
        }

        var uris = new List<string>();
        foreach (var redirect in redirects.EnumerateArray())
        {
            if (redirect.ValueKind != JsonValueKind.String || !RedirectUris.IsAcceptable(redirect.GetString()!))
            {
                return (null, "The client's metadata document lists a redirect URI that is not acceptable (https, http on loopback, or an app's private-use scheme; no fragment).");
            }

            uris.Add(redirect.GetString()!);
        }

        var name = root.TryGetProperty("client_name", out var given) && given.ValueKind == JsonValueKind.String
            ? new string([.. given.GetString()!.Take(100).Where(c => !char.IsControl(c))])
            : null;
        return (new RegisteredClient(clientId, name, uris), null);
    }

    private static async Task<byte[]?> ReadLimitedAsync(HttpContent content, CancellationToken cancellationToken)
    {
        var stream = await content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            var buffer = new byte[MaxBytes + 1];
            var read = 0;
            while (read < buffer.Length)
            {
                var n = await stream.ReadAsync(buffer.AsMemory(read), cancellationToken).ConfigureAwait(false);
                if (n == 0)
                {
                    break;
                }

                read += n;
            }

            return read > MaxBytes ? null : buffer[..read];
        }
    }

    /// <summary>
    /// Natively, whether the host name resolves to an internal address (a public name can point at one). In workerd
    /// there is no resolver; Cloudflare's <c>fetch()</c> does not reach private networks from a deployed Worker.
    /// </summary>
    private static async Task<bool> ResolvesToInternalAsync(string host, CancellationToken cancellationToken)
    {
        if (IPAddress.TryParse(host.Trim('[', ']'), out var literal))
        {
            return IsInternal(literal);
        }

        if (OperatingSystem.IsBrowser() || OperatingSystem.IsWasi())
        {
            return false;
        }

        try
        {
            var addresses = await Dns.GetHostAddressesAsync(host, cancellationToken).ConfigureAwait(false);
            return addresses.Any(IsInternal);
        }
        catch (Exception e) when (e is SocketException or PlatformNotSupportedException)
        {
            return false; // the fetch fails the same way, and says so
        }
    }

    /// <summary>Loopback, private (RFC 1918), link-local, carrier-grade NAT, unique-local IPv6, unspecified and multicast.</summary>
    internal static bool IsInternal(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (IPAddress.IsLoopback(address) || address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any))
        {
            return true;
        }

        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            var b = address.GetAddressBytes();
            return b[0] is 10 or 0 || (b[0] == 172 && b[1] is >= 16 and <= 31) || (b[0] == 192 && b[1] == 168) || (b[0] == 169 && b[1] == 254)
                || (b[0] == 100 && b[1] is >= 64 and <= 127) || b[0] >= 224;
        }

        var v6 = address.GetAddressBytes();
        return address.IsIPv6LinkLocal || address.IsIPv6SiteLocal || address.IsIPv6Multicast || (v6[0] & 0xFE) == 0xFC;
    }
}
