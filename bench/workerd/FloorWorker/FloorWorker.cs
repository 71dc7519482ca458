using System.Text.Json;
using Pmcp.Workers;
using Pmcp.Workers.Http;

namespace FloorWorker;

/// <summary>
/// The floor of a .NET Worker's per-request cost: the same runtime and the same bridge as HelloWorld (request in,
/// <see cref="Response"/> out), but no MCP engine. <c>POST /mcp</c> is read with one <see cref="Utf8JsonReader"/> pass
/// (the top-level <c>id</c> and <c>method</c>, <c>params.arguments.message</c>), and the answer is written by copying
/// those raw JSON tokens into a constant-shaped body: <c>tools/call</c> echoes the message as Pmcp's engine shapes it,
/// <c>initialize</c> answers a constant <c>InitializeResult</c>, a notification gets 202. Nothing is validated beyond
/// what the reader does; it is a measuring stick, not a server.
/// </summary>
public sealed class FloorWorker : IWorker
{
    private static readonly byte[] Head = """{"jsonrpc":"2.0","id":"""u8.ToArray();
    private static readonly byte[] EchoMiddle = ",\"result\":{\"content\":[{\"type\":\"text\",\"text\":\""u8.ToArray();
    private static readonly byte[] EchoTail = "\"}]}}"u8.ToArray();
    private static readonly byte[] InitializeTail =
        ""","result":{"protocolVersion":"2025-06-18","capabilities":{"tools":{"listChanged":false}},"serverInfo":{"name":"floor","version":"1.0.0"}}}"""u8.ToArray();
    private static readonly byte[] UnknownTail = ""","error":{"code":-32601,"message":"Method not found"}}"""u8.ToArray();

    public static Task<Response> FetchAsync(Request request, Env env, Context context)
    {
        if (request.Method != "POST" || request.Path != "/mcp")
        {
            return Task.FromResult(Response.Empty(404));
        }

        ReadOnlySpan<byte> body = request.Body.Span;
        var reader = new Utf8JsonReader(body);
        Range id = default, method = default, message = default;
        var hasId = false;
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            return Task.FromResult(Response.Empty(400));
        }

        // Depth 1: the message object; 2: params; 3: params.arguments.
        var inParams = false;
        var inArguments = false;
        while (reader.Read())
        {
            if (reader.TokenType == JsonTokenType.EndObject)
            {
                if (inArguments) { inArguments = false; continue; }
                if (inParams) { inParams = false; continue; }
                break;
            }

            // A property name; its value follows.
            var isId = !inParams && reader.ValueTextEquals("id"u8);
            var isMethod = !inParams && reader.ValueTextEquals("method"u8);
            var isParams = !inParams && reader.ValueTextEquals("params"u8);
            var isArguments = inParams && !inArguments && reader.ValueTextEquals("arguments"u8);
            var isMessage = inArguments && reader.ValueTextEquals("message"u8);
            reader.Read();
            if (isId)
            {
                // The raw token, quotes included for a string id, so it is written back exactly as sent.
                var start = (int)reader.TokenStartIndex;
                id = start..(start + reader.ValueSpan.Length + (reader.TokenType == JsonTokenType.String ? 2 : 0));
                hasId = true;
            }
            else if (isMethod || isMessage)
            {
                // The string's bytes as sent (still escaped), between its quotes.
                var start = (int)reader.TokenStartIndex + 1;
                var range = start..(start + reader.ValueSpan.Length);
                if (isMethod) { method = range; } else { message = range; }
            }
            else if (isParams && reader.TokenType == JsonTokenType.StartObject)
            {
                inParams = true;
            }
            else if (isArguments && reader.TokenType == JsonTokenType.StartObject)
            {
                inArguments = true;
            }
            else
            {
                reader.Skip();
            }
        }

        if (!hasId)
        {
            return Task.FromResult(Response.Empty(202));
        }

        var name = body[method];
        byte[] answer;
        if (name.SequenceEqual("tools/call"u8))
        {
            answer = Concat(body[id], EchoMiddle, body[message], EchoTail);
        }
        else if (name.SequenceEqual("initialize"u8))
        {
            answer = Concat(body[id], InitializeTail, default, default);
        }
        else
        {
            answer = Concat(body[id], UnknownTail, default, default);
        }

        return Task.FromResult(Response.Bytes(answer, "application/json"));
    }

    private static byte[] Concat(ReadOnlySpan<byte> id, ReadOnlySpan<byte> a, ReadOnlySpan<byte> b, ReadOnlySpan<byte> c)
    {
        var answer = new byte[Head.Length + id.Length + a.Length + b.Length + c.Length];
        var span = answer.AsSpan();
        Head.CopyTo(span);
        span = span[Head.Length..];
        id.CopyTo(span);
        span = span[id.Length..];
        a.CopyTo(span);
        span = span[a.Length..];
        b.CopyTo(span);
        span = span[b.Length..];
        c.CopyTo(span);
        return answer;
    }
}
