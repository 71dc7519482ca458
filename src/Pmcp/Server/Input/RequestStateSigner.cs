using System.Buffers;
using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Pmcp.Protocol;

namespace Pmcp.Server.Input;

/// <summary>
/// Signs and checks the <c>requestState</c> of input-required results (MRTR, 2026-07-28): HMAC-SHA256 over a small JSON
/// payload that binds the state to the method, the tool's or prompt's name (a resource's URI) and a digest of the
/// arguments it was issued for, sets when it expires, and carries the answers the handler has already read. The state
/// travels through the client, so nothing is kept on the server. Two secrets are accepted, the current one and the
/// previous one, so a secret can rotate without failing the round trips under way; only the current one signs.
/// </summary>
internal sealed class RequestStateSigner
{
    /// <summary>The shortest secret accepted: 32 bytes, the size of the HMAC-SHA256 key it becomes.</summary>
    public const int MinimumSecretBytes = 32;

    private readonly byte[] _current;
    private readonly byte[]? _previous;
    private readonly Func<DateTimeOffset> _now;

    public RequestStateSigner(byte[] current, byte[]? previous, TimeSpan lifetime, Func<DateTimeOffset>? now = null)
    {
        if (current.Length < MinimumSecretBytes || previous is { Length: < MinimumSecretBytes })
        {
            throw new ArgumentException(
                $"A request-state secret must be at least {MinimumSecretBytes} bytes (for example 32 random bytes, base64-encoded: openssl rand -base64 32).");
        }

        if (lifetime <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(lifetime), "The request state's lifetime must be positive.");
        }

        _current = current;
        _previous = previous;
        Lifetime = lifetime;
        _now = now ?? (() => DateTimeOffset.UtcNow);
    }

    /// <summary>How long a client has to answer an input-required result before its state expires.</summary>
    public TimeSpan Lifetime { get; }

    /// <summary>A signer with a random secret of this process: round trips verify only where they began (one host, one isolate).</summary>
    public static RequestStateSigner WithEphemeralSecret(TimeSpan lifetime)
    {
        var secret = new byte[MinimumSecretBytes];
        RandomNumberGenerator.Fill(secret);
        return new RequestStateSigner(secret, null, lifetime);
    }

    /// <summary>A secret given as text: its UTF-8 bytes (a base64 string from <c>openssl rand -base64 32</c> is 44 bytes).</summary>
    public static byte[] SecretBytes(string secret) => Encoding.UTF8.GetBytes(secret);

    /// <summary>Signs the state of one round: what it is bound to, when it expires, and the answers it carries.</summary>
    public string Sign(RequestBinding binding, IReadOnlyDictionary<string, JsonElement> answers)
    {
        var payload = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(payload))
        {
            writer.WriteStartObject();
            writer.WriteNumber("v", 1);
            writer.WriteString("m", binding.Method);
            writer.WriteString("n", binding.Name);
            writer.WriteString("a", binding.ArgumentsDigest);
            writer.WriteNumber("exp", (_now() + Lifetime).ToUnixTimeSeconds());
            writer.WriteStartObject("ans");
            foreach (var (key, answer) in answers)
            {
                writer.WritePropertyName(key);
                answer.WriteTo(writer);
            }

            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        var mac = Sha256.Hmac(_current, payload.WrittenSpan);
        return Base64Url.EncodeToString(payload.WrittenSpan) + "." + Base64Url.EncodeToString(mac);
    }

    /// <summary>
    /// Checks a state the client sent back and returns the answers it carries. Throws -32602 (invalid params) with a
    /// message that says what to do when it was altered, signed with a secret no longer accepted, expired, or issued for
    /// another request.
    /// </summary>
    public Dictionary<string, JsonElement> Verify(string state, RequestBinding binding)
    {
        var dot = state.LastIndexOf('.');
        byte[] payload, mac;
        try
        {
            if (dot <= 0)
            {
                throw Tampered();
            }

            payload = Base64Url.DecodeFromChars(state.AsSpan(0, dot));
            mac = Base64Url.DecodeFromChars(state.AsSpan(dot + 1));
        }
        catch (FormatException)
        {
            throw Tampered();
        }

        if (!MacMatches(_current, payload, mac) && (_previous is null || !MacMatches(_previous, payload, mac)))
        {
            throw Tampered();
        }

        // Signed by this server, so well formed: read it without second-guessing.
        using var document = JsonDocument.Parse(payload);
        var root = document.RootElement;
        if (DateTimeOffset.FromUnixTimeSeconds(root.GetProperty("exp").GetInt64()) <= _now())
        {
            throw McpException.InvalidParams(
                "Invalid params: requestState has expired. Call again without requestState and inputResponses to start over.");
        }

        if (root.GetProperty("m").GetString() != binding.Method
            || root.GetProperty("n").GetString() != binding.Name
            || root.GetProperty("a").GetString() != binding.ArgumentsDigest)
        {
            throw McpException.InvalidParams(
                $"Invalid params: requestState was issued for another request; send it back only with the {binding.Method} of '{binding.Name}' and the arguments it came from.");
        }

        var answers = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var answer in root.GetProperty("ans").EnumerateObject())
        {
            answers[answer.Name] = answer.Value.Clone();
        }

        return answers;
    }

    private static McpException Tampered() => McpException.InvalidParams(
        "Invalid params: requestState failed its integrity check (it was altered, or signed with a secret this server no longer accepts). Call again without requestState and inputResponses to start over.");

    /// <summary>Compares in time independent of where the bytes differ, so the MAC cannot be guessed byte by byte.</summary>
    private static bool MacMatches(byte[] key, ReadOnlySpan<byte> payload, ReadOnlySpan<byte> mac)
    {
        var expected = Sha256.Hmac(key, payload);
        if (mac.Length != expected.Length)
        {
            return false;
        }

        var difference = 0;
        for (var i = 0; i < expected.Length; i++)
        {
            difference |= expected[i] ^ mac[i];
        }

        return difference == 0;
    }
}
