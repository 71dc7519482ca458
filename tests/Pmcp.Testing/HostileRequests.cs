using System.Globalization;
using System.Text;

namespace Pmcp.Testing;

/// <summary>
/// Generated malformed and oversized MCP requests for fuzz tests: bodies (random bytes, truncated and mistyped JSON,
/// deep nesting, lone surrogates, invalid UTF-8, huge numbers and strings, batches of any size), headers (content
/// types, accepts, protocol versions, MCP headers, origins, keys) — each deterministic from its seed, so a failure
/// names the case that can be replayed.
/// </summary>
public static class HostileRequests
{
    private static readonly string[] Methods =
    [
        "initialize", "ping", "tools/list", "tools/call", "resources/list", "resources/read", "resources/templates/list",
        "prompts/list", "prompts/get", "completion/complete", "logging/setLevel", "notifications/initialized",
        "notifications/cancelled", "server/discover", "", "TOOLS/LIST", "no/such", "rpc.discover", "\u0000", "tools/call\n",
    ];

    private static readonly string[] Versions = ["2024-11-05", "2025-03-26", "2025-06-18", "2025-11-25", "2026-07-28", "", "latest", "2025-13-45", "1.0", "２０２５-１１-２５"];

    private static readonly string[] ContentTypes =
    [
        "application/json", "application/json; charset=utf-8", "text/plain", "application/jsonx", "multipart/form-data; boundary=x",
        "application/json; charset=latin1", "", "*/*", "application/x-www-form-urlencoded",
    ];

    private static readonly string[] Accepts =
    [
        "application/json, text/event-stream", "application/json", "text/event-stream", "text/html", "*/*", "",
        "application/json;q=0, text/event-stream;q=0", "application/json, text/event-stream, " + new string('a', 2000),
    ];

    /// <summary>One generated request: what it is (for failure messages), its headers and its body.</summary>
    public sealed record HostileRequest(int Seed, string Kind, IReadOnlyList<(string Name, string Value)> Headers, byte[] Body, string ContentType);

    /// <summary>The request of seed <paramref name="seed"/>; <paramref name="apiKey"/> goes in most of them, so most reach the engine.</summary>
    public static HostileRequest Make(int seed, string apiKey)
    {
        var random = new Random(seed);
        var (kind, body) = Body(random);
        var headers = new List<(string, string)>();
        var contentType = random.Next(8) == 0 ? Pick(random, ContentTypes) : "application/json";
        headers.Add(("Accept", random.Next(6) == 0 ? Pick(random, Accepts) : "application/json, text/event-stream"));
        if (random.Next(3) != 0)
        {
            // Header values stay ASCII: HttpClient sends nothing else (the body gets the full-width one).
            headers.Add(("MCP-Protocol-Version", random.Next(5) == 0 ? Pick(random, Versions[..^1]) : "2025-11-25"));
        }

        if (random.Next(10) == 0)
        {
            // No CR, LF or NUL in header values: sent raw, they would cut the request itself (a transport error, not input).
            headers.Add(("Mcp-Method", Pick(random, Methods).Replace("\n", "", StringComparison.Ordinal).Replace("\u0000", "x", StringComparison.Ordinal)));
            headers.Add(("Mcp-Name", random.Next(2) == 0 ? "=?base64?" + RandomAscii(random, 12) + "?=" : RandomAscii(random, 8)));
        }

        if (random.Next(12) == 0)
        {
            headers.Add(("Origin", Pick(random, ["https://evil.example", "null", "http://localhost", "http://127.0.0.1:1", "https://" + RandomAscii(random, 20).Replace('"', 'q')])));
        }

        var key = random.Next(15) switch
        {
            0 => null,
            1 => apiKey + "x",
            2 => apiKey[..^1],
            3 => apiKey.ToUpperInvariant(),
            _ => apiKey,
        };
        if (key is not null)
        {
            headers.Add(("Authorization", (random.Next(10) == 0 ? "Basic " : "Bearer ") + key));
        }

        return new HostileRequest(seed, kind, headers, body, contentType);
    }

    private static (string Kind, byte[] Body) Body(Random random)
    {
        switch (random.Next(16))
        {
            case 0:
                var bytes = new byte[random.Next(0, 2000)];
                random.NextBytes(bytes);
                return ("random bytes", bytes);
            case 1:
                var valid = Message(random, depth: 0);
                return ("truncated JSON", Encoding.UTF8.GetBytes(valid[..random.Next(valid.Length)]));
            case 2:
                return ("deep nesting", Encoding.UTF8.GetBytes(
                    "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"echo\",\"arguments\":{\"message\":"
                    + new string('[', random.Next(60, 5000)) + "]}}}"));
            case 3:
                return ("lone surrogate", Encoding.UTF8.GetBytes(
                    "{\"jsonrpc\":\"2.0\",\"id\":\"\\ud800" + random.Next(100) + "\",\"method\":\"" + Pick(random, ["ping", "tools/list", "\\udc00"]) + "\"}"));
            case 4:
                var message = Encoding.UTF8.GetBytes(Message(random, depth: 0));
                message[random.Next(message.Length)] = (byte)(0x80 + random.Next(0x40)); // a stray continuation byte: invalid UTF-8
                return ("invalid UTF-8", message);
            case 5:
                return ("huge number", Encoding.UTF8.GetBytes(
                    "{\"jsonrpc\":\"2.0\",\"id\":" + Pick(random, ["1e999", "-0", "1e-400", "123456789012345678901234567890", "0x10", "NaN", "01"]) + ",\"method\":\"ping\"}"));
            case 6:
                return ("long string", Encoding.UTF8.GetBytes(
                    "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"" + Pick(random, ["tools/call", "resources/read", "prompts/get"])
                    + "\",\"params\":{\"name\":\"" + new string('n', random.Next(1, 200_000)) + "\",\"uri\":\"file:///" + new string('.', random.Next(1, 100_000)) + "\"}}"));
            case 7:
                var count = Pick(random, [0, 1, 2, 99, 100, 101, 150, 1000]);
                return ($"batch of {count}", Encoding.UTF8.GetBytes("[" + string.Join(',', Enumerable.Range(0, count).Select(_ => Message(random, depth: 1))) + "]"));
            case 8:
                return ("wrong JSON type", Encoding.UTF8.GetBytes(Pick(random, ["null", "42", "\"ping\"", "true", "[]", "{}", "[[]]", "[null]", "{\"jsonrpc\":\"2.0\"}"])));
            case 9:
                return ("duplicate keys", Encoding.UTF8.GetBytes("{\"jsonrpc\":\"2.0\",\"id\":1,\"id\":2,\"method\":\"ping\",\"method\":\"tools/list\"}"));
            case 10:
                return ("control characters", Encoding.UTF8.GetBytes("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\u0001\",\"params\":{\"\u0000\":\"\\u0000\"}}"));
            case 11:
                return ("empty", []);
            default:
                return ("mistyped message", Encoding.UTF8.GetBytes(Message(random, depth: 0)));
        }
    }

    /// <summary>A JSON-RPC-shaped message whose every part may be the wrong type or value.</summary>
    private static string Message(Random random, int depth)
    {
        var parts = new List<string>();
        if (random.Next(6) != 0)
        {
            parts.Add("\"jsonrpc\":" + Pick(random, ["\"2.0\"", "\"2.0\"", "\"2.0\"", "\"1.0\"", "2.0", "null"]));
        }

        if (random.Next(4) != 0)
        {
            parts.Add("\"id\":" + Value(random, depth + 1));
        }

        if (random.Next(8) != 0)
        {
            parts.Add("\"method\":" + (random.Next(6) == 0 ? Value(random, depth + 1) : Json(Pick(random, Methods))));
        }

        if (random.Next(2) == 0)
        {
            parts.Add("\"params\":" + Params(random, depth + 1));
        }

        return "{" + string.Join(',', parts) + "}";
    }

    private static string Params(Random random, int depth) => random.Next(5) switch
    {
        0 => Value(random, depth),
        1 => "{\"name\":" + Json(Pick(random, ["echo", "add", "slow", "fail", "nope", ""])) + ",\"arguments\":" + Value(random, depth) + "}",
        2 => "{\"protocolVersion\":" + Json(Pick(random, Versions)) + ",\"capabilities\":" + Value(random, depth) + ",\"clientInfo\":" + Value(random, depth) + "}",
        3 => "{\"cursor\":" + Value(random, depth) + ",\"uri\":" + Value(random, depth) + ",\"level\":" + Value(random, depth) + "}",
        _ => "{\"_meta\":{\"progressToken\":" + Value(random, depth) + ",\"io.modelcontextprotocol/protocolVersion\":" + Value(random, depth) + "}}",
    };

    private static string Value(Random random, int depth) => random.Next(depth > 3 ? 6 : 9) switch
    {
        0 => "null",
        1 => random.Next(2) == 0 ? "true" : "false",
        2 => random.Next(int.MinValue, int.MaxValue).ToString(CultureInfo.InvariantCulture),
        3 => (random.NextDouble() * Math.Pow(10, random.Next(-300, 300))).ToString("R", CultureInfo.InvariantCulture),
        4 => Json(RandomText(random, random.Next(0, 40))),
        5 => "\"\"",
        6 => "[" + string.Join(',', Enumerable.Range(0, random.Next(0, 4)).Select(_ => Value(random, depth + 1))) + "]",
        _ => "{" + string.Join(',', Enumerable.Range(0, random.Next(0, 4)).Select(i => Json(RandomText(random, 6)) + ":" + Value(random, depth + 1))) + "}",
    };

    private static string Json(string text)
    {
        var builder = new StringBuilder("\"");
        foreach (var c in text)
        {
            builder.Append(c switch
            {
                '"' => "\\\"",
                '\\' => "\\\\",
                < ' ' => "\\u" + ((int)c).ToString("x4", CultureInfo.InvariantCulture),
                _ => c.ToString(),
            });
        }

        return builder.Append('"').ToString();
    }

    /// <summary>Text from every plane: ASCII, accents, CJK, emoji, and now and then an escaped lone surrogate's character.</summary>
    private static string RandomText(Random random, int length)
    {
        var builder = new StringBuilder();
        for (var i = 0; i < length; i++)
        {
            builder.Append(random.Next(10) switch
            {
                0 => "é",
                1 => "漢",
                2 => "🙂",
                3 => "\n",
                _ => ((char)random.Next(' ', '~')).ToString(),
            });
        }

        return builder.ToString();
    }

    private static string RandomAscii(Random random, int length) =>
        string.Create(length, random, (span, r) =>
        {
            for (var i = 0; i < span.Length; i++)
            {
                span[i] = (char)r.Next('!', '~');
            }
        });

    private static T Pick<T>(Random random, T[] items) => items[random.Next(items.Length)];
}
