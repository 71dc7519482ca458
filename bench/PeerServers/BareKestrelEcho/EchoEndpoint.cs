using System.Buffers;
using System.IO.Pipelines;
using System.Text.Json;

namespace BareKestrelEcho;

/// <summary>
/// What a careful hand-written endpoint does for one JSON-RPC <c>tools/call echo</c>, and no more: read the whole body
/// (bounded), parse it with <see cref="Utf8JsonReader"/> (<c>jsonrpc</c>, <c>id</c>, <c>method</c>, <c>params.name</c>,
/// <c>params.arguments.message</c>, the message unescaped to a string), check it, and write the answer Pmcp's native
/// host writes for echo with a <see cref="Utf8JsonWriter"/>: <c>application/json</c> with a <c>Content-Length</c>,
/// <c>{"jsonrpc":"2.0","id":1,"result":{"content":[{"type":"text","text":"…"}]}}</c>. No MCP session, no
/// <c>initialize</c>, no header checks beyond <c>Content-Type</c>: the floor an MCP stack on Kestrel is measured against.
/// </summary>
internal static class EchoEndpoint
{
    private const int MaxBody = 4 * 1024 * 1024;

    public static async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        if (request.ContentType is not { } type || !type.StartsWith("application/json", StringComparison.OrdinalIgnoreCase))
        {
            context.Response.StatusCode = StatusCodes.Status415UnsupportedMediaType;
            return;
        }

        var reader = request.BodyReader;
        ReadResult read;
        while (true)
        {
            read = await reader.ReadAsync(context.RequestAborted);
            if (read.Buffer.Length > MaxBody)
            {
                reader.AdvanceTo(read.Buffer.End);
                context.Response.StatusCode = StatusCodes.Status413PayloadTooLarge;
                return;
            }

            if (read.IsCompleted)
            {
                break;
            }

            reader.AdvanceTo(read.Buffer.Start, read.Buffer.End);
        }

        var parsed = Parse(read.Buffer, out var call);
        reader.AdvanceTo(read.Buffer.End);

        var output = new ArrayBufferWriter<byte>(128);
        using (var writer = new Utf8JsonWriter(output))
        {
            writer.WriteStartObject();
            writer.WriteString("jsonrpc"u8, "2.0"u8);
            WriteId(writer, call);
            if (parsed)
            {
                writer.WriteStartObject("result"u8);
                writer.WriteStartArray("content"u8);
                writer.WriteStartObject();
                writer.WriteString("type"u8, "text"u8);
                writer.WriteString("text"u8, call.Message);
                writer.WriteEndObject();
                writer.WriteEndArray();
                writer.WriteEndObject();
            }
            else
            {
                writer.WriteStartObject("error"u8);
                writer.WriteNumber("code"u8, call.ErrorCode);
                writer.WriteString("message"u8, call.Error);
                writer.WriteEndObject();
            }

            writer.WriteEndObject();
        }

        var response = context.Response;
        response.StatusCode = parsed || call.HasId ? StatusCodes.Status200OK : StatusCodes.Status400BadRequest;
        response.ContentType = "application/json";
        response.ContentLength = output.WrittenCount;
        await response.BodyWriter.WriteAsync(output.WrittenMemory, context.RequestAborted);
    }

    private static void WriteId(Utf8JsonWriter writer, in Call call)
    {
        if (call.IdString is not null)
        {
            writer.WriteString("id"u8, call.IdString);
        }
        else if (call.HasId)
        {
            writer.WriteNumber("id"u8, call.IdNumber);
        }
        else
        {
            writer.WriteNull("id"u8);
        }
    }

    /// <summary>Reads the request; false with <see cref="Call.Error"/> set when it is not a valid <c>tools/call echo</c>.</summary>
    private static bool Parse(ReadOnlySequence<byte> body, out Call call)
    {
        call = default;
        try
        {
            var reader = new Utf8JsonReader(body);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return call.Fail(-32600, "Invalid Request");
            }

            var version = false;
            var isToolsCall = false;
            var isEcho = false;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("jsonrpc"u8))
                {
                    reader.Read();
                    version = reader.TokenType == JsonTokenType.String && reader.ValueTextEquals("2.0"u8);
                }
                else if (reader.ValueTextEquals("id"u8))
                {
                    reader.Read();
                    if (reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out var number))
                    {
                        call.IdNumber = number;
                        call.HasId = true;
                    }
                    else if (reader.TokenType == JsonTokenType.String)
                    {
                        call.IdString = reader.GetString();
                        call.HasId = true;
                    }
                    else
                    {
                        return call.Fail(-32600, "Invalid Request");
                    }
                }
                else if (reader.ValueTextEquals("method"u8))
                {
                    reader.Read();
                    isToolsCall = reader.TokenType == JsonTokenType.String && reader.ValueTextEquals("tools/call"u8);
                }
                else if (reader.ValueTextEquals("params"u8))
                {
                    reader.Read();
                    if (reader.TokenType != JsonTokenType.StartObject)
                    {
                        return call.Fail(-32602, "Invalid params");
                    }

                    while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                    {
                        if (reader.ValueTextEquals("name"u8))
                        {
                            reader.Read();
                            isEcho = reader.TokenType == JsonTokenType.String && reader.ValueTextEquals("echo"u8);
                        }
                        else if (reader.ValueTextEquals("arguments"u8))
                        {
                            reader.Read();
                            if (reader.TokenType != JsonTokenType.StartObject)
                            {
                                return call.Fail(-32602, "Invalid params");
                            }

                            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                            {
                                if (reader.ValueTextEquals("message"u8))
                                {
                                    reader.Read();
                                    call.Message = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
                                }
                                else
                                {
                                    reader.Read();
                                    reader.Skip();
                                }
                            }
                        }
                        else
                        {
                            reader.Read();
                            reader.Skip();
                        }
                    }
                }
                else
                {
                    reader.Read();
                    reader.Skip();
                }
            }

            if (!version || !call.HasId)
            {
                return call.Fail(-32600, "Invalid Request");
            }

            if (!isToolsCall)
            {
                return call.Fail(-32601, "Method not found");
            }

            return isEcho && call.Message is not null || call.Fail(-32602, "Invalid params");
        }
        catch (JsonException)
        {
            return call.Fail(-32700, "Parse error");
        }
    }

    private struct Call
    {
        public bool HasId;
        public long IdNumber;
        public string? IdString;
        public string? Message;
        public int ErrorCode;
        public string? Error;

        public bool Fail(int code, string message)
        {
            ErrorCode = code;
            Error = message;
            return false;
        }
    }
}
