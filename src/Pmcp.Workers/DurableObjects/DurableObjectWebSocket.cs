using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Pmcp.Workers.DurableObjects;

/// <summary>
/// A WebSocket a Durable Object accepted with <see cref="DurableObjectState.AcceptWebSocketAsync"/> (hibernatable: the
/// runtime keeps it open while the object is not in memory). It is a handle, not the connection: any event of the object
/// may send on it, <see cref="DurableObjectState.GetWebSockets"/> finds it again after the object was evicted, and what
/// the object must remember about it goes in its attachment (<see cref="SerializeAttachment{T}"/>), which survives
/// hibernation where fields of the object do not.
/// </summary>
public sealed class DurableObjectWebSocket : IEquatable<DurableObjectWebSocket>
{
    /// <summary>The most UTF-8 bytes of an attachment's JSON (workerd's limit for an attachment).</summary>
    public const int MaxAttachmentBytes = 2048;

    private readonly IDurableObjectWebSocketBackend _backend;

    internal DurableObjectWebSocket(int handle, IDurableObjectWebSocketBackend backend)
    {
        Handle = handle;
        _backend = backend;
    }

    /// <summary>The socket's number among its object's sockets, valid while the socket is open (inside workerd, within one isolate).</summary>
    public int Handle { get; }

    /// <summary>The tags the socket was accepted with.</summary>
    public IReadOnlyList<string> Tags => _backend.GetTags(Handle);

    /// <summary>Sends a text message.</summary>
    /// <param name="text">The message.</param>
    /// <exception cref="WorkerException">The socket is closed.</exception>
    public Task SendAsync(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return _backend.SendAsync(Handle, true, Encoding.UTF8.GetBytes(text));
    }

    /// <summary>Sends a binary message.</summary>
    /// <param name="bytes">The message; copied before the call returns.</param>
    /// <exception cref="WorkerException">The socket is closed.</exception>
    public Task SendAsync(ReadOnlyMemory<byte> bytes) => _backend.SendAsync(Handle, false, bytes.ToArray());

    /// <summary>Closes the socket; the client's answer arrives as <see cref="DurableObject.WebSocketCloseAsync"/>.</summary>
    /// <param name="code">1000, or an application's code from 3000 to 4999.</param>
    /// <param name="reason">At most 123 bytes of UTF-8.</param>
    /// <exception cref="ArgumentOutOfRangeException">The code or reason is not one a close frame may carry.</exception>
    public Task CloseAsync(int code = 1000, string reason = "")
    {
        ArgumentNullException.ThrowIfNull(reason);
        if (code != 1000 && code is < 3000 or > 4999)
        {
            throw new ArgumentOutOfRangeException(nameof(code), code, "A close code sent by the server is 1000 or an application's code from 3000 to 4999.");
        }

        if (Encoding.UTF8.GetByteCount(reason) > 123)
        {
            throw new ArgumentOutOfRangeException(nameof(reason), "A close reason is at most 123 bytes of UTF-8.");
        }

        return _backend.CloseAsync(Handle, code, reason);
    }

    /// <summary>
    /// Keeps <paramref name="value"/> with the socket (as JSON, at most <see cref="MaxAttachmentBytes"/> bytes) so that it
    /// survives hibernation: who the client is, what it subscribed to. Replaces the previous attachment.
    /// </summary>
    /// <typeparam name="T">The value's type.</typeparam>
    /// <param name="value">The value; null removes the attachment.</param>
    /// <param name="typeInfo">Its JSON contract (System.Text.Json source generation).</param>
    /// <exception cref="ArgumentException">The JSON is longer than <see cref="MaxAttachmentBytes"/>.</exception>
    public void SerializeAttachment<T>(T? value, JsonTypeInfo<T> typeInfo)
    {
        ArgumentNullException.ThrowIfNull(typeInfo);
        if (value is null)
        {
            _backend.SetAttachment(Handle, null);
            return;
        }

        var json = JsonSerializer.Serialize(value, typeInfo);
        if (Encoding.UTF8.GetByteCount(json) > MaxAttachmentBytes)
        {
            throw new ArgumentException($"A WebSocket's attachment is at most {MaxAttachmentBytes} bytes of JSON; keep larger state in State.Storage under a key the attachment names.", nameof(value));
        }

        _backend.SetAttachment(Handle, json);
    }

    /// <summary>The attachment last kept with <see cref="SerializeAttachment{T}"/>, or default when there is none.</summary>
    /// <typeparam name="T">The value's type.</typeparam>
    /// <param name="typeInfo">Its JSON contract.</param>
    public T? DeserializeAttachment<T>(JsonTypeInfo<T> typeInfo)
    {
        ArgumentNullException.ThrowIfNull(typeInfo);
        return _backend.GetAttachment(Handle) is { } json ? JsonSerializer.Deserialize(json, typeInfo) : default;
    }

    /// <inheritdoc />
    public bool Equals(DurableObjectWebSocket? other) => other is not null && other.Handle == Handle && ReferenceEquals(other._backend, _backend);

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as DurableObjectWebSocket);

    /// <inheritdoc />
    public override int GetHashCode() => Handle;

    /// <inheritdoc />
    public override string ToString() => $"WebSocket {Handle}";
}
