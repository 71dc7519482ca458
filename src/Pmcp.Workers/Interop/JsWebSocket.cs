using System.Net.WebSockets;
using System.Runtime.InteropServices;
using System.Runtime.Versioning;
using System.Text;

namespace Pmcp.Workers.Interop;

/// <summary>
/// An accepted WebSocket inside workerd (host/websockets.mjs), as a <see cref="WebSocket"/>: one the Worker opened
/// (<see cref="WebSockets.WorkersWebSocket.ConnectAsync(Uri, CancellationToken)"/>) or one a client opened to it
/// (<see cref="Http.Response.WebSocket"/>). workerd sends and receives whole messages: a message sent in fragments is
/// gathered here and sent at its end, and a received message larger than the caller's buffer is handed over in
/// parts (<see cref="WebSocketReceiveResult.EndOfMessage"/> false until its last).
/// </summary>
[SupportedOSPlatform("browser")]
internal sealed class JsWebSocket : WebSocket
{
    private readonly int _requestId;
    private readonly int _id;
    private readonly string _peer;
    private readonly string? _subProtocol;
    private WebSocketState _state = WebSocketState.Open;
    private WebSocketCloseStatus? _closeStatus;
    private string? _closeDescription;
    private byte[] _message = [];
    private int _offset;
    private WebSocketMessageType _messageType;
    private MemoryStream? _fragments;
    private WebSocketMessageType _fragmentsType;
    private bool _released;
    private bool _disposed;

    /// <param name="requestId">The request whose I/O context owns the socket.</param>
    /// <param name="id">The socket's number among that request's sockets in the host.</param>
    /// <param name="peer">Words for messages: "to ws://…" or "from the client".</param>
    public JsWebSocket(int requestId, int id, string peer)
    {
        _requestId = requestId;
        _id = id;
        _peer = peer;
        _subProtocol = JsWebSockets.Protocol(requestId, id) is { Length: > 0 } protocol ? protocol : null;
    }

    public override WebSocketCloseStatus? CloseStatus => _closeStatus;

    public override string? CloseStatusDescription => _closeDescription;

    public override WebSocketState State => _state;

    public override string? SubProtocol => _subProtocol;

    public override async Task SendAsync(ArraySegment<byte> buffer, WebSocketMessageType messageType, bool endOfMessage, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (messageType is not (WebSocketMessageType.Text or WebSocketMessageType.Binary))
        {
            throw new ArgumentException("Send Text or Binary messages; to close, call CloseAsync or CloseOutputAsync.", nameof(messageType));
        }

        ThrowUnless("send a message", WebSocketState.Open, WebSocketState.CloseReceived);
        if (_fragments is not null && _fragmentsType != messageType)
        {
            throw new ArgumentException($"The message being sent in parts is {_fragmentsType}: its remaining parts must be {_fragmentsType} too.", nameof(messageType));
        }

        if (!endOfMessage || _fragments is not null)
        {
            _fragments ??= new MemoryStream();
            _fragmentsType = messageType;
            _fragments.Write(buffer);
            if (!endOfMessage)
            {
                return;
            }

            buffer = new ArraySegment<byte>(_fragments.GetBuffer(), 0, (int)_fragments.Length);
            _fragments = null;
        }

        var text = messageType == WebSocketMessageType.Text;
        await RunAsync(HostOperations.RunAsync, op => JsWebSockets.Send(_requestId, op, _id, text, buffer), cancellationToken).ConfigureAwait(false);
    }

    public override async Task<WebSocketReceiveResult> ReceiveAsync(ArraySegment<byte> buffer, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ThrowUnless("receive", WebSocketState.Open, WebSocketState.CloseSent);
        if (_offset < _message.Length)
        {
            return Take(buffer);
        }

        var (value, delivered) = await RunAsync(HostOperations.RunForBytesAsync, op => JsWebSockets.Receive(_requestId, op, _id), cancellationToken).ConfigureAwait(false);
        var bytes = delivered ?? [];
        if ((value & 3) == 3)
        {
            return Closed(bytes);
        }

        _message = bytes;
        _offset = 0;
        _messageType = (value & 3) == 1 ? WebSocketMessageType.Text : WebSocketMessageType.Binary;
        return Take(buffer);
    }

    public override async Task CloseAsync(WebSocketCloseStatus closeStatus, string? statusDescription, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_state == WebSocketState.Closed)
        {
            return;
        }

        if (_state is WebSocketState.Open or WebSocketState.CloseReceived)
        {
            await CloseOutputAsync(closeStatus, statusDescription, cancellationToken).ConfigureAwait(false);
        }

        // The close handshake: what arrives before the peer's close is dropped, as ClientWebSocket does.
        var scratch = new byte[4096];
        while (_state == WebSocketState.CloseSent)
        {
            _offset = _message.Length;
            await ReceiveAsync(scratch, cancellationToken).ConfigureAwait(false);
        }
    }

    public override async Task CloseOutputAsync(WebSocketCloseStatus closeStatus, string? statusDescription, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ThrowUnless("close", WebSocketState.Open, WebSocketState.CloseReceived);
        var code = (int)closeStatus;
        if (closeStatus != WebSocketCloseStatus.Empty && (code is < 1000 or > 4999 || code is 1004 or 1005 or 1006 or 1015))
        {
            throw new ArgumentOutOfRangeException(nameof(closeStatus), $"{code} is not a close code an endpoint may send: use 1000 (NormalClosure) to 1003, 1007 to 1014, or 3000 to 4999.");
        }

        if (Encoding.UTF8.GetByteCount(statusDescription ?? "") > 123)
        {
            throw new ArgumentException("A close description is at most 123 bytes of UTF-8.", nameof(statusDescription));
        }

        var description = closeStatus == WebSocketCloseStatus.Empty ? null : statusDescription;
        await RunAsync(HostOperations.RunAsync, op => JsWebSockets.Close(_requestId, op, _id, closeStatus == WebSocketCloseStatus.Empty ? 0 : code, description), cancellationToken).ConfigureAwait(false);
        if (_state == WebSocketState.CloseReceived)
        {
            _state = WebSocketState.Closed;
            Release();
        }
        else
        {
            _state = WebSocketState.CloseSent;
        }
    }

    public override void Abort()
    {
        if (_state is not (WebSocketState.Closed or WebSocketState.Aborted))
        {
            _state = WebSocketState.Aborted;
        }

        Release();
    }

    public override void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        if (_state is not (WebSocketState.Closed or WebSocketState.Aborted))
        {
            _state = WebSocketState.Closed;
        }

        Release();
    }

    public override string ToString() => $"WebSocket {_peer}";

    private WebSocketReceiveResult Take(ArraySegment<byte> buffer)
    {
        var count = Math.Min(buffer.Count, _message.Length - _offset);
        _message.AsSpan(_offset, count).CopyTo(buffer.AsSpan());
        _offset += count;
        return new WebSocketReceiveResult(count, _messageType, endOfMessage: _offset == _message.Length);
    }

    private WebSocketReceiveResult Closed(byte[] bytes)
    {
        var code = bytes.Length >= 2 ? (bytes[0] << 8) | bytes[1] : 1005;
        if (code == 1006)
        {
            _state = WebSocketState.Aborted;
            Release();
            throw new WebSocketException(WebSocketError.ConnectionClosedPrematurely, $"The WebSocket {_peer} was closed without a close handshake: the peer went away.");
        }

        _closeStatus = (WebSocketCloseStatus)code;
        _closeDescription = Encoding.UTF8.GetString(bytes, 2, bytes.Length - 2);
        if (_state == WebSocketState.CloseSent)
        {
            _state = WebSocketState.Closed;
            Release();
        }
        else
        {
            _state = WebSocketState.CloseReceived;
        }

        return new WebSocketReceiveResult(0, WebSocketMessageType.Close, true, _closeStatus, _closeDescription);
    }

    private void ThrowUnless(string action, WebSocketState first, WebSocketState second)
    {
        if (_state != first && _state != second)
        {
            throw new WebSocketException(WebSocketError.InvalidState,
                $"Cannot {action}: the WebSocket {_peer} is in the state '{_state}'; valid states are '{first}, {second}'.");
        }
    }

    /// <summary>Runs an operation; a failure aborts the socket (as ClientWebSocket's do) and is a <see cref="WebSocketException"/>.</summary>
    private async Task<T> RunAsync<T>(Func<Func<int, string?>, CancellationToken, Task<T>> run, Func<int, string?> submit, CancellationToken cancellationToken)
    {
        try
        {
            return await run(submit, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            Abort();
            throw;
        }
        catch (HostOperationException e)
        {
            Abort();
            throw new WebSocketException(WebSocketError.Faulted, $"The WebSocket {_peer} failed: {e.Message}", e);
        }
    }

    private void Release()
    {
        if (!_released)
        {
            _released = true;
            JsWebSockets.Release(_requestId, _id);
        }
    }
}
