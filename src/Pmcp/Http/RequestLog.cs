using System.Buffers;
using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Pmcp.Server;

namespace Pmcp.Http;

/// <summary>
/// The structured request lines of one HTTP request (<see cref="RequestLogOptions"/>): made only when logging is on,
/// so a request with logging off pays one null check. Each JSON-RPC message writes one line when its answer is known
/// (<see cref="ExchangeReplies.HandleAsync"/>), or a single message answered without running it when its answer is
/// known (<see cref="Answered"/>); a request refused before any message was read writes one line with its HTTP status
/// when it ends (<see cref="End"/>, called once). The line names the method, never what the arguments or results hold.
/// </summary>
internal sealed class RequestLog(RequestLogOptions options, McpHttpRequest request)
{
    /// <summary>Longest name, URI or string id written; longer ones are cut (they come from the client).</summary>
    private const int MaxTextLength = 128;

    /// <summary>Most argument names written for one call.</summary>
    private const int MaxArgumentNames = 32;

    /// <summary>When the HTTP request reached the handler (a single message's duration starts here).</summary>
    public long Start { get; } = Stopwatch.GetTimestamp();

    /// <summary>The id every line of this request carries (and the user's own log lines beside them); made at the first line.</summary>
    public string Id => field ??= request.LogRequestId ?? NewId();

    /// <summary>The protocol revision the request named, for the line of a refusal.</summary>
    public string? Version { get; set; }

    /// <summary>Who writes this request's lines; it only moves forward: <see cref="LineOwner.Request"/> → <see cref="LineOwner.Messages"/> → <see cref="LineOwner.Ended"/>.</summary>
    private LineOwner _owner;

    private enum LineOwner
    {
        /// <summary>No message has a line: <see cref="End"/> writes the request's own (a refusal before its JSON was read).</summary>
        Request,

        /// <summary>Its messages write their lines (one each); the request writes none.</summary>
        Messages,

        /// <summary><see cref="End"/> was called: the request's lines are decided.</summary>
        Ended,
    }

    /// <summary>A fresh request id: 16 hex digits.</summary>
    public static string NewId() => Random.Shared.NextInt64().ToString("x16", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The line of a message the server handled: its reply says how it ended.</summary>
    public void Served(JsonRpcMessage message, string version, McpReply? reply, long start)
    {
        var (outcome, code) = reply switch
        {
            null when message.IsRequest => ("cancelled", (int?)null),
            null => ("ok", null),
            { ErrorCode: { } error } => ("error", error),
            { ToolError: true } => ("tool_error", null),
            _ => ("ok", null),
        };
        Write(message, message.Id, version, outcome, code, status: null, start);
    }

    /// <summary>
    /// A message is being run (<see cref="ExchangeReplies.HandleAsync"/>): its line is written by <see cref="Served"/>,
    /// and the request writes none of its own.
    /// </summary>
    public void Running() => Claim();

    /// <summary>The line of a batch item answered without running it (not JSON-RPC, or <c>initialize</c> in a batch).</summary>
    public void Refused(JsonRpcMessage? message, JsonElement id, int code)
    {
        Claim();
        Write(message, id, Version, "error", code, status: null, Stopwatch.GetTimestamp());
    }

    /// <summary>A client's response or a notification inside a batch: accepted.</summary>
    public void Accepted(JsonRpcMessage message)
    {
        Claim();
        Write(message, message.Id, Version, "ok", null, status: null, Stopwatch.GetTimestamp());
    }

    /// <summary>
    /// The line of the single message of a request when it was answered without being run: a notification or a
    /// client's response accepted with 202, or a refusal (a header that does not match it, a missing version). Called
    /// while the message's JSON is alive; a message that ran has its line from <see cref="Served"/>, so this writes none.
    /// </summary>
    public void Answered(JsonRpcMessage message, McpHttpResponse response)
    {
        if (_owner != LineOwner.Request)
        {
            return;
        }

        Claim();
        var ok = response.StatusCode is >= 200 and < 300;
        Write(message, message.Id, Version, ok ? "ok" : "refused", ok ? null : response.ErrorCode, ok ? null : response.StatusCode, Start);
    }

    /// <summary>
    /// The end of the HTTP request, called once (by <see cref="StreamableHttpHandler"/>, when its answer is known): when
    /// no message has a line, one line with the request's status, naming no message (it was refused before its JSON was
    /// read, or its JSON was no JSON-RPC message), so it reads nothing of the body.
    /// </summary>
    /// <exception cref="InvalidOperationException">It was called before for this request.</exception>
    public void End(McpHttpResponse response)
    {
        var owner = _owner;
        if (owner == LineOwner.Ended)
        {
            throw new InvalidOperationException("A request's log ends once: End was called twice for the same request.");
        }

        _owner = LineOwner.Ended;
        if (owner == LineOwner.Request)
        {
            var ok = response.StatusCode is >= 200 and < 300;
            Write(null, default, Version, ok ? "ok" : "refused", ok ? null : response.ErrorCode, ok ? null : response.StatusCode, Start);
        }
    }

    /// <summary>A message takes over the lines (batch items may do so concurrently: they all write the same value).</summary>
    private void Claim()
    {
        if (_owner == LineOwner.Ended)
        {
            throw new InvalidOperationException("A message of a request whose log has ended cannot write a line.");
        }

        _owner = LineOwner.Messages;
    }

    private void Write(JsonRpcMessage? message, JsonElement id, string? version, string outcome, int? code, int? status, long start)
    {
        var isError = outcome is not ("ok" or "cancelled");
        if (!isError && (options.Level != RequestLogLevel.All || (options.OkSampleRate < 1 && Random.Shared.NextDouble() >= options.OkSampleRate)))
        {
            return;
        }

        var elapsed = Stopwatch.GetElapsedTime(start);
        var line = Format(message, id, version, outcome, code, status, elapsed.TotalMilliseconds);
        if (options.Writer is { } writer)
        {
            writer(line, isError);
        }
        else
        {
            Console.Out.WriteLine(line);
        }
    }

    [ThreadStatic]
    private static ArrayBufferWriter<byte>? t_buffer;

    [ThreadStatic]
    private static Utf8JsonWriter? t_writer;

    private string Format(JsonRpcMessage? message, JsonElement id, string? version, string outcome, int? code, int? status, double milliseconds)
    {
        var buffer = t_buffer ??= new ArrayBufferWriter<byte>(512);
        buffer.ResetWrittenCount();
        var w = t_writer ??= new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping, SkipValidation = true });
        w.Reset(buffer);
        var method = message?.Method;
        var @params = message?.Params ?? default;

        w.WriteStartObject();
        // "tool_call" beside "tools/call": wrangler tail --search tool_call, and Workers Logs' full-text search, find it.
        w.WriteString("mcp"u8, method switch
        {
            "tools/call" => "tool_call",
            "resources/read" => "resource_read",
            "prompts/get" => "prompt_get",
            null => "http_request",
            _ => "request",
        });
        if (method is not null)
        {
            w.WriteString("method"u8, Cut(method));
        }

        if (NameOf(method, @params) is { } name)
        {
            w.WriteString("name"u8, name);
        }

        switch (id.ValueKind)
        {
            case JsonValueKind.Number:
                w.WritePropertyName("id"u8);
                id.WriteTo(w);
                break;
            case JsonValueKind.String:
                w.WriteString("id"u8, Cut(id.GetString()!));
                break;
        }

        w.WriteString("outcome"u8, outcome);
        if (code is { } c)
        {
            w.WriteNumber("code"u8, c);
        }

        if (status is { } s)
        {
            w.WriteNumber("status"u8, s);
        }

        w.WriteNumber("durationMs"u8, Math.Round(milliseconds, 3));
        if (version is not null)
        {
            w.WriteString("protocol"u8, Cut(version));
        }

        w.WriteString("requestId"u8, Id);
        if (request.Header("cf-ray") is { Length: > 0 } ray)
        {
            w.WriteString("cfRay"u8, Cut(ray));
        }

        if (TraceId(@params) is { } trace)
        {
            w.WriteString("traceId"u8, trace);
        }

        if (options.ArgumentNames && method == "tools/call" && @params.ValueKind == JsonValueKind.Object
            && @params.TryGetProperty("arguments"u8, out var arguments) && arguments.ValueKind == JsonValueKind.Object)
        {
            w.WriteStartArray("argumentNames"u8);
            var count = 0;
            foreach (var argument in arguments.EnumerateObject())
            {
                if (++count > MaxArgumentNames)
                {
                    break;
                }

                w.WriteStringValue(Cut(argument.Name));
            }

            w.WriteEndArray();
        }

        w.WriteEndObject();
        w.Flush();
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>The tool's or prompt's name, or the resource's URI without its query or fragment (which may carry values).</summary>
    private static string? NameOf(string? method, JsonElement @params)
    {
        var property = method switch
        {
            "tools/call" or "prompts/get" => "name",
            "resources/read" => "uri",
            _ => null,
        };
        if (property is null || @params.ValueKind != JsonValueKind.Object || !@params.TryGetProperty(property, out var value) || value.ValueKind != JsonValueKind.String)
        {
            return null;
        }

        var text = value.GetString()!;
        if (property == "uri" && text.IndexOfAny(['?', '#']) is >= 0 and var end)
        {
            text = text[..end];
        }

        return Cut(text);
    }

    /// <summary>
    /// The trace id of the W3C <c>traceparent</c> the client sent in <c>_meta</c> (MCP 2026-07-28) or as a header: its
    /// 32 hex digits only, and only when it is well formed.
    /// </summary>
    private string? TraceId(JsonElement @params)
    {
        string? traceparent = null;
        if (@params.ValueKind == JsonValueKind.Object && @params.TryGetProperty("_meta"u8, out var meta) && meta.ValueKind == JsonValueKind.Object
            && meta.TryGetProperty("traceparent"u8, out var inMeta) && inMeta.ValueKind == JsonValueKind.String)
        {
            traceparent = inMeta.GetString();
        }

        traceparent ??= request.Header("traceparent");
        if (traceparent is not { Length: >= 55 } || traceparent[2] != '-' || traceparent[35] != '-')
        {
            return null;
        }

        var trace = traceparent.AsSpan(3, 32);
        foreach (var ch in trace)
        {
            if (!char.IsAsciiHexDigitLower(ch))
            {
                return null;
            }
        }

        return trace.ContainsAnyExcept('0') ? trace.ToString() : null;
    }

    private static string Cut(string text) => text.Length <= MaxTextLength ? text : text[..MaxTextLength];
}
