using System.Buffers;
using System.Runtime.InteropServices;
using System.Runtime.Versioning;
using System.Text;
using System.Text.Json;

namespace Pmcp.Workers.Interop;

/// <summary>
/// One binding of the request's <c>env</c>, reached through <see cref="JsHost.BindingCall"/> (a host operation, run in
/// its request's context): arguments go out as JSON
/// (written by hand with <see cref="Utf8JsonWriter"/>, so nothing is reflected over and no serializer context is
/// pulled in), or as plain text for operations that take one string; results come back with the completion, as JSON
/// or, for a KV read, as the value's own bytes.
/// </summary>
[SupportedOSPlatform("browser")]
internal sealed class JsBinding(int requestId, string name, string kind)
{
    public string Name { get; } = name;

    /// <summary>The request whose <c>env</c> holds the binding, for operations that run in its context (r2streams.mjs).</summary>
    public int RequestId { get; } = requestId;

    /// <summary>Runs <paramref name="operation"/>; the result is a detached JSON value (Null when the operation returns nothing).</summary>
    public Task<JsonElement> CallAsync(string operation, Action<Utf8JsonWriter> writeArguments, CancellationToken cancellationToken) =>
        CallAsync(operation, Arguments(writeArguments), default, cancellationToken);

    /// <summary>Runs <paramref name="operation"/> with binary input (a value, a body, or the blobs of D1 parameters).</summary>
    public async Task<JsonElement> CallAsync(string operation, string arguments, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        var outcome = await CallForBytesAsync(operation, arguments, payload, cancellationToken).ConfigureAwait(false);

        // A standalone element over the delivered bytes, so rows and metadata can be kept as JsonElements.
        return JsonElement.Parse(outcome.Bytes);
    }

    /// <summary>Runs <paramref name="operation"/> and returns what the host delivered: a value and bytes, as the operation defines them.</summary>
    public async Task<HostOutcome> CallForBytesAsync(string operation, string arguments, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        var segment = Segment(payload);
        try
        {
            // A host operation, like every request-owned I/O: it runs in the binding's request's context whatever
            // request's continuation .NET is running when it calls (HostOperations).
            return await HostOperations.RunForBytesAsync(op => JsHost.BindingCall(RequestId, op, Name, operation, arguments, segment), cancellationToken).ConfigureAwait(false);
        }
        catch (HostOperationException e)
        {
            // D1's own messages ("D1_ERROR: no such table: notes") already say what failed, so they are kept whole, as
            // the local backend's SQLite messages are.
            throw new WorkerException(e.Message.StartsWith("D1_", StringComparison.Ordinal) ? e.Message : $"{kind} '{Name}' {operation}: {e.Message}", e);
        }
    }

    /// <summary>An arguments object, written by <paramref name="write"/>.</summary>
    public static string Arguments(Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            write(writer);
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static ArraySegment<byte> Segment(ReadOnlyMemory<byte> bytes) =>
        bytes.IsEmpty ? ArraySegment<byte>.Empty : MemoryMarshal.TryGetArray(bytes, out var segment) ? segment : new ArraySegment<byte>(bytes.ToArray());

    public static string? String(JsonElement parent, string property) =>
        parent.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    public static long Int64(JsonElement parent, string property) =>
        parent.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.Number
            ? value.TryGetInt64(out var whole) ? whole : (long)value.GetDouble()
            : 0;

    public static bool IsPresent(JsonElement parent, string property, out JsonElement value) =>
        parent.TryGetProperty(property, out value) && value.ValueKind is not (JsonValueKind.Null or JsonValueKind.Undefined);
}
