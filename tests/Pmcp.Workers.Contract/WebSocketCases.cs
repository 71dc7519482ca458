using System.Net.WebSockets;
using System.Text;
using Pmcp.Workers.WebSockets;

namespace Pmcp.Workers.Contract;

/// <summary>
/// Outbound WebSockets from a Worker (<see cref="WorkersWebSocket"/>), by name, against the test API's WebSocket
/// endpoints (Pmcp.Testing's HttpTestServer: <c>/ws/echo</c>, <c>/ws/close/{code}</c>, <c>/ws/abort</c>) at the base
/// URL each case is given: natively in process (Pmcp.Workers.Contract.Tests) and inside workerd through BindingsWorker's
/// <c>POST /websocket/{name}</c> (Pmcp.WorkerdTests).
/// </summary>
public static class WebSocketCases
{
    public static IReadOnlyDictionary<string, Func<string, Task>> All { get; } = new Dictionary<string, Func<string, Task>>(StringComparer.Ordinal)
    {
        ["websocket.echo_text_and_binary"] = EchoTextAndBinary,
        ["websocket.large_message_in_parts"] = LargeMessageInParts,
        ["websocket.fragmented_send"] = FragmentedSend,
        ["websocket.many_messages"] = ManyMessages,
        ["websocket.subprotocol"] = SubProtocol,
        ["websocket.server_closes_with_code"] = ServerClosesWithCode,
        ["websocket.peer_aborts_throws"] = PeerAbortsThrows,
        ["websocket.send_after_close_throws"] = SendAfterCloseThrows,
        ["websocket.not_a_websocket_throws"] = NotAWebSocketThrows,
        ["websocket.refused_throws"] = RefusedThrows,
        ["websocket.bad_uri_throws"] = BadUriThrows,
    };

    /// <summary>Runs one case against the test API at <paramref name="server"/> (its http:// base URL).</summary>
    public static Task RunAsync(string name, string server) =>
        All.TryGetValue(name, out var run) ? run(server) : throw new ContractFailure($"No WebSocket case '{name}'. Known: {string.Join(", ", All.Keys)}.");

    private static Uri Ws(string server, string path) => new("ws" + server["http".Length..] + path);

    private static async Task EchoTextAndBinary(string server)
    {
        using var socket = await WorkersWebSocket.ConnectAsync(Ws(server, "/ws/echo"));
        Check.Equal(WebSocketState.Open, socket.State, "the state after connecting");

        await SendTextAsync(socket, "héllo, wörld ✓");
        var (type, bytes) = await ReceiveMessageAsync(socket);
        Check.Equal(WebSocketMessageType.Text, type, "the echoed text message's type");
        Check.Equal("héllo, wörld ✓", Encoding.UTF8.GetString(bytes), "the echoed text");

        var binary = new byte[1000];
        new Random(11).NextBytes(binary);
        await socket.SendAsync(binary, WebSocketMessageType.Binary, endOfMessage: true, CancellationToken.None);
        (type, bytes) = await ReceiveMessageAsync(socket);
        Check.Equal(WebSocketMessageType.Binary, type, "the echoed binary message's type");
        Check.Bytes(binary, bytes, "the echoed binary message");

        await socket.SendAsync(Array.Empty<byte>(), WebSocketMessageType.Binary, endOfMessage: true, CancellationToken.None);
        (type, bytes) = await ReceiveMessageAsync(socket);
        Check.Equal(WebSocketMessageType.Binary, type, "the echoed empty message's type");
        Check.Equal(0, bytes.Length, "the echoed empty message's length");

        await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "bye", CancellationToken.None);
        Check.Equal(WebSocketState.Closed, socket.State, "the state after CloseAsync");
        Check.Equal(WebSocketCloseStatus.NormalClosure, socket.CloseStatus, "the close status the server answered with");
        Check.Equal("bye", socket.CloseStatusDescription, "the close description the server answered with");
    }

    private static async Task LargeMessageInParts(string server)
    {
        using var socket = await WorkersWebSocket.ConnectAsync(Ws(server, "/ws/echo"));
        var large = new byte[200_000];
        new Random(12).NextBytes(large);
        await socket.SendAsync(large, WebSocketMessageType.Binary, endOfMessage: true, CancellationToken.None);

        // A 4 KiB buffer: the message comes in parts, EndOfMessage only on its last.
        var received = new MemoryStream();
        var buffer = new byte[4096];
        var parts = 0;
        WebSocketReceiveResult result;
        do
        {
            result = await socket.ReceiveAsync(buffer, CancellationToken.None);
            Check.Equal(WebSocketMessageType.Binary, result.MessageType, "each part's type");
            received.Write(buffer, 0, result.Count);
            parts++;
        }
        while (!result.EndOfMessage);

        Check.Bytes(large, received.ToArray(), "the 200 KB message, read in 4 KiB parts");
        Check.True(parts >= 200_000 / 4096, $"the message arrived in at least {200_000 / 4096} parts (got {parts})");
        await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
    }

    private static async Task FragmentedSend(string server)
    {
        using var socket = await WorkersWebSocket.ConnectAsync(Ws(server, "/ws/echo"));
        await socket.SendAsync(Encoding.UTF8.GetBytes("one "), WebSocketMessageType.Text, endOfMessage: false, CancellationToken.None);
        await socket.SendAsync(Encoding.UTF8.GetBytes("two "), WebSocketMessageType.Text, endOfMessage: false, CancellationToken.None);
        await socket.SendAsync(Encoding.UTF8.GetBytes("three"), WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None);
        var (type, bytes) = await ReceiveMessageAsync(socket);
        Check.Equal(WebSocketMessageType.Text, type, "the echoed message's type");
        Check.Equal("one two three", Encoding.UTF8.GetString(bytes), "a message sent in three parts, echoed as one");
        await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
    }

    private static async Task ManyMessages(string server)
    {
        using var socket = await WorkersWebSocket.ConnectAsync(Ws(server, "/ws/echo"));
        // Sent all at once, then read back: order is kept.
        for (var i = 0; i < 100; i++)
        {
            await SendTextAsync(socket, "message " + i);
        }

        for (var i = 0; i < 100; i++)
        {
            var (_, bytes) = await ReceiveMessageAsync(socket);
            Check.Equal("message " + i, Encoding.UTF8.GetString(bytes), $"echoed message {i}");
        }

        await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
    }

    private static async Task SubProtocol(string server)
    {
        using var socket = await WorkersWebSocket.ConnectAsync(Ws(server, "/ws/echo"), ["pmcp.test", "other"]);
        Check.Equal("pmcp.test", socket.SubProtocol, "the subprotocol the server chose");
        await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
    }

    private static async Task ServerClosesWithCode(string server)
    {
        using var socket = await WorkersWebSocket.ConnectAsync(Ws(server, "/ws/close/4001"));
        var (_, bytes) = await ReceiveMessageAsync(socket);
        Check.Equal("closing", Encoding.UTF8.GetString(bytes), "what the server sent before closing");

        var result = await socket.ReceiveAsync(new byte[16], CancellationToken.None);
        Check.Equal(WebSocketMessageType.Close, result.MessageType, "the server's close");
        Check.Equal((WebSocketCloseStatus)4001, result.CloseStatus, "the server's close code");
        Check.Equal("server says bye", result.CloseStatusDescription, "the server's close description");
        Check.Equal(WebSocketState.CloseReceived, socket.State, "the state after the server's close");

        await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
        Check.Equal(WebSocketState.Closed, socket.State, "the state after answering the close");
    }

    private static async Task PeerAbortsThrows(string server)
    {
        using var socket = await WorkersWebSocket.ConnectAsync(Ws(server, "/ws/abort"));
        await SendTextAsync(socket, "drop me");

        await ThrowsAsync<WebSocketException>(() => socket.ReceiveAsync(new byte[16], CancellationToken.None), "a receive after the server dropped the connection");
        Check.Equal(WebSocketState.Aborted, socket.State, "the state after the connection dropped");
    }

    private static async Task SendAfterCloseThrows(string server)
    {
        var socket = await WorkersWebSocket.ConnectAsync(Ws(server, "/ws/echo"));
        await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);

        var e = await ThrowsAsync<WebSocketException>(() => SendTextAsync(socket, "too late"), "a message sent after CloseAsync");
        Check.Equal(WebSocketError.InvalidState, e.WebSocketErrorCode, "the error of a message sent after CloseAsync");
        Check.Contains("Closed", e.Message, "the error names the state");
        await ThrowsAsync<WebSocketException>(() => socket.ReceiveAsync(new byte[16], CancellationToken.None), "a receive after CloseAsync");

        socket.Dispose();
        await ThrowsAsync<ObjectDisposedException>(() => SendTextAsync(socket, "disposed"), "a message sent after Dispose");
    }

    private static async Task NotAWebSocketThrows(string server)
    {
        var e = await ThrowsAsync<WebSocketException>(() => WorkersWebSocket.ConnectAsync(Ws(server, "/status/404")), "a WebSocket to a path that answers 404");
        Check.Contains("Cannot open a WebSocket to ", e.Message, "the error names what failed");
        Check.Contains("404", e.Message, "the error has the server's status");
    }

    private static async Task RefusedThrows(string server)
    {
        // Port 9 (discard): nothing listens there on the test machines, as the fetch and Hyperdrive cases assume too.
        var e = await ThrowsAsync<WebSocketException>(() => WorkersWebSocket.ConnectAsync(new Uri("ws://127.0.0.1:9/")), "a WebSocket to a port nothing listens on");
        Check.Contains("Cannot open a WebSocket to ws://127.0.0.1:9/", e.Message, "the error names the address");

        // Opening another afterwards works.
        using var socket = await WorkersWebSocket.ConnectAsync(Ws(server, "/ws/echo"));
        await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
    }

    private static async Task BadUriThrows(string server)
    {
        var e = await ThrowsAsync<ArgumentException>(() => WorkersWebSocket.ConnectAsync(new Uri(server + "/ws/echo")), "an http:// URI");
        Check.Contains("ws://", e.Message, "the error says which schemes work");
    }

    private static Task SendTextAsync(WebSocket socket, string text) =>
        socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None);

    /// <summary>One whole message (a data message: a close fails the case).</summary>
    private static async Task<(WebSocketMessageType Type, byte[] Bytes)> ReceiveMessageAsync(WebSocket socket)
    {
        var message = new MemoryStream();
        var buffer = new byte[64 * 1024];
        WebSocketReceiveResult result;
        do
        {
            result = await socket.ReceiveAsync(buffer, CancellationToken.None);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                throw new ContractFailure($"expected a message, got a close ({result.CloseStatus} {result.CloseStatusDescription})");
            }

            message.Write(buffer, 0, result.Count);
        }
        while (!result.EndOfMessage);

        return (result.MessageType, message.ToArray());
    }

    private static async Task<T> ThrowsAsync<T>(Func<Task> action, string what)
        where T : Exception
    {
        try
        {
            await action();
        }
        catch (T e)
        {
            return e;
        }
        catch (Exception e)
        {
            throw new ContractFailure($"{what}: expected {typeof(T).Name}, got {e.GetType().Name}: {e.Message}", e);
        }

        throw new ContractFailure($"{what}: expected {typeof(T).Name}, but the call succeeded.");
    }
}
