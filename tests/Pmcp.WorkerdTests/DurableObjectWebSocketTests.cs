using System.Net;
using System.Net.WebSockets;
using System.Text;

namespace Pmcp.WorkerdTests;

/// <summary>
/// Durable Objects' hibernatable WebSockets in both hosts: tests/Workers/DurableWorker's chat room (ChatRoom.cs), which
/// the Worker reaches by forwarding the client's upgrade (<c>DurableObjectStub.ForwardAsync</c>), under
/// <c>dotnet pmcp dev</c> (workerd's hibernation API: the JS host holds the sockets) and <c>dev --native</c> (the native
/// host holds them). Real ClientWebSockets, eight at once in one room; the same assertions in both hosts.
/// </summary>
[Collection("workerd durable objects")]
public sealed class DurableObjectWebSocketTests(DurableWorkerFixture fixture) : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(120) };

    public void Dispose() => _http.Dispose();

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task EightClientsInOneRoomHearEachOtherByTagAndLeaving(bool native)
    {
        var worker = native ? fixture.Native : fixture.Worker;
        var room = "room-" + Guid.NewGuid().ToString("N");
        const int Count = 8;
        static string User(int i) => "u" + i;
        static string Team(int i) => i % 2 == 0 ? "red" : "blue";

        // Eight join at once; each is welcomed by name (sent by the object before it returned the 101).
        var clients = await Task.WhenAll(Enumerable.Range(0, Count).Select(i => ConnectAsync(worker, room, User(i), Team(i))));
        try
        {
            var welcomes = await Task.WhenAll(clients.Select(c => ReceiveTextAsync(c)));
            Assert.Equal(Enumerable.Range(0, Count).Select(i => "welcome " + User(i)), welcomes);
            Assert.Equal("8", await GetAsync(worker, $"/room/{room}/count"));
            Assert.Equal("4", await GetAsync(worker, $"/room/{room}/count?team=red"));

            // Everyone speaks at once: each hears the seven others, never itself.
            var heard = Enumerable.Range(0, Count).Select(i => ReceiveTextsAsync(clients[i], Count - 1)).ToArray();
            await Task.WhenAll(clients.Select((c, i) => SendTextAsync(c, "hello from " + User(i))));
            for (var i = 0; i < Count; i++)
            {
                var expected = Enumerable.Range(0, Count).Where(j => j != i).Select(j => $"{User(j)}: hello from {User(j)}").Order();
                Assert.Equal(expected, (await heard[i]).Order());
            }

            // A message to the red team reaches the other red members only.
            var reds = Enumerable.Range(0, Count).Where(i => Team(i) == "red" && i != 0).ToArray();
            var redHeard = reds.Select(i => ReceiveTextAsync(clients[i])).ToArray();
            await SendTextAsync(clients[0], "team:red:regroup");
            Assert.All(await Task.WhenAll(redHeard), text => Assert.Equal("[red] u0: regroup", text));

            // The attachment, read back and updated by every message: the blue members heard nothing of the red
            // message (the answer to whoami is the next thing each receives), and count their own messages.
            foreach (var i in Enumerable.Range(0, Count).Where(i => Team(i) == "blue"))
            {
                await SendTextAsync(clients[i], "whoami");
                Assert.Equal($"you are {User(i)} of blue, message 2, tags [blue]", await ReceiveTextAsync(clients[i]));
            }

            // The object calls itself through its own stub from a WebSocket event, and does not deadlock.
            await SendTextAsync(clients[3], "self");
            Assert.Equal("self 8", await ReceiveTextAsync(clients[3]));

            // The auto-response answers without an event; a handler that throws leaves the socket open; binary echoes.
            await SendTextAsync(clients[1], "ping");
            Assert.Equal("pong", await ReceiveTextAsync(clients[1]));
            await SendTextAsync(clients[1], "fail");
            await SendTextAsync(clients[1], "whoami");
            Assert.Equal("you are u1 of blue, message 4, tags [blue]", await ReceiveTextAsync(clients[1]));
            var binary = new byte[3000];
            new Random(7).NextBytes(binary);
            await clients[1].SendAsync(binary, WebSocketMessageType.Binary, endOfMessage: true, CancellationToken.None);
            var (type, echoed) = await ReceiveAsync(clients[1]);
            Assert.Equal(WebSocketMessageType.Binary, type);
            Assert.Equal(binary, echoed);

            // A client that leaves: the others hear it from the close handler, which still reads its attachment.
            var left = Enumerable.Range(0, Count - 1).Select(i => ReceiveTextAsync(clients[i])).ToArray();
            try
            {
                await clients[7].CloseAsync(WebSocketCloseStatus.NormalClosure, "done", CancellationToken.None);
            }
            catch (WebSocketException e)
            {
                Assert.Fail($"the close handshake failed: {e.Message}\n{worker.Output}");
            }

            Assert.Equal(WebSocketCloseStatus.NormalClosure, clients[7].CloseStatus);
            Assert.All(await Task.WhenAll(left), text => Assert.Equal("left u7 1000 done", text));
            Assert.Equal("7", await GetAsync(worker, $"/room/{room}/count"));

            // The room closes a socket itself (4000, with a reason): the client sees that code.
            await SendTextAsync(clients[6], "bye");
            var closed = await clients[6].ReceiveAsync(new byte[256], new CancellationTokenSource(Patience).Token);
            Assert.Equal(WebSocketMessageType.Close, closed.MessageType);
            Assert.Equal((WebSocketCloseStatus)4000, clients[6].CloseStatus);
            Assert.Equal("bye u6", clients[6].CloseStatusDescription);
            await clients[6].CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "", CancellationToken.None);
            await WaitForAsync(async () => await GetAsync(worker, $"/room/{room}/count") == "6", worker);
        }
        finally
        {
            foreach (var client in clients)
            {
                client.Abort();
                client.Dispose();
            }
        }

        Assert.DoesNotContain("Cannot perform I/O on behalf of a different request", worker.Output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task AnOversizedMessageClosesThatSocketWith1009AndTheRoomServesOn(bool native)
    {
        var worker = native ? fixture.Native : fixture.Worker;
        var room = "big-" + Guid.NewGuid().ToString("N");
        using var big = await ConnectAsync(worker, room, "big", null);
        using var other = await ConnectAsync(worker, room, "other", null);
        Assert.Equal("welcome big", await ReceiveTextAsync(big));
        Assert.Equal("welcome other", await ReceiveTextAsync(other));

        try
        {
            await big.SendAsync(new byte[2 * 1024 * 1024], WebSocketMessageType.Binary, endOfMessage: true, CancellationToken.None);
        }
        catch (WebSocketException)
        {
            // The server may close before the whole message is written.
        }

        var status = await ClosedWithAsync(big);
        Assert.True(status == WebSocketCloseStatus.MessageTooBig, $"closed with {status?.ToString() ?? "no close frame"}\n{worker.Output}");

        // The room and its other member are unharmed.
        await SendTextAsync(other, "whoami");
        Assert.Equal("you are other of -, message 1, tags []", await ReceiveTextAsync(other));
        await WaitForAsync(async () => await GetAsync(worker, $"/room/{room}/count") == "1", worker);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task APlainGetToTheRoomIsAnsweredByTheObjectWith426(bool native)
    {
        var worker = native ? fixture.Native : fixture.Worker;
        using var response = await _http.GetAsync($"{worker.BaseAddress}/room/plain-{Guid.NewGuid():N}");

        Assert.Equal(HttpStatusCode.UpgradeRequired, response.StatusCode);
        Assert.Contains("join the room with a WebSocket", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task IdleSocketsOutliveTheObjectInWorkerdAndKeepTheirAttachments(bool native)
    {
        // workerd evicts an object 10 s after its last event when only hibernatable sockets hold it (workerd's
        // server.c++: ActorContainer::inactive), keeping the sockets; the next message constructs it again, in a new
        // JS instance and so a new C# instance. Natively nothing is evicted: the same instance answers.
        var worker = native ? fixture.Native : fixture.Worker;
        var room = "idle-" + Guid.NewGuid().ToString("N");
        using var ann = await ConnectAsync(worker, room, "ann", "red");
        using var bob = await ConnectAsync(worker, room, "bob", "blue");
        Assert.Equal("welcome ann", await ReceiveTextAsync(ann));
        Assert.Equal("welcome bob", await ReceiveTextAsync(bob));
        await SendTextAsync(ann, "whoami");
        Assert.Equal("you are ann of red, message 1, tags [red]", await ReceiveTextAsync(ann));
        var before = await GetAsync(worker, $"/room/{room}/instance");

        await Task.Delay(TimeSpan.FromSeconds(20));

        // A message wakes the object: the attachment and the tags are still there, and the broadcast finds both sockets.
        await SendTextAsync(ann, "whoami");
        Assert.Equal("you are ann of red, message 2, tags [red]", await ReceiveTextAsync(ann));
        await SendTextAsync(bob, "still here?");
        Assert.Equal("bob: still here?", await ReceiveTextAsync(ann));
        Assert.Equal("2", await GetAsync(worker, $"/room/{room}/count"));
        var after = await GetAsync(worker, $"/room/{room}/instance");
        if (native)
        {
            Assert.Equal(before, after);
        }
        else
        {
            Assert.True(before != after, $"the object was not evicted while idle (instance {before} before and after)\n{worker.Output}");
        }

        await ann.CloseAsync(WebSocketCloseStatus.NormalClosure, "", CancellationToken.None);
        await bob.CloseAsync(WebSocketCloseStatus.NormalClosure, "", CancellationToken.None);
    }

    private static async Task<ClientWebSocket> ConnectAsync(RunningWorker worker, string room, string user, string? team)
    {
        var socket = new ClientWebSocket();
        var query = "?user=" + user + (team is null ? "" : "&team=" + team);
        using var timeout = new CancellationTokenSource(Patience);
        await socket.ConnectAsync(new Uri("ws" + worker.BaseAddress["http".Length..] + $"/room/{room}{query}"), timeout.Token);
        return socket;
    }

    private static Task SendTextAsync(ClientWebSocket socket, string text) =>
        socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None);

    private static async Task<string> ReceiveTextAsync(ClientWebSocket socket)
    {
        var (type, bytes) = await ReceiveAsync(socket);
        Assert.Equal(WebSocketMessageType.Text, type);
        return Encoding.UTF8.GetString(bytes);
    }

    private static async Task<string[]> ReceiveTextsAsync(ClientWebSocket socket, int count)
    {
        var texts = new string[count];
        for (var i = 0; i < count; i++)
        {
            texts[i] = await ReceiveTextAsync(socket);
        }

        return texts;
    }

    private static async Task<(WebSocketMessageType Type, byte[] Bytes)> ReceiveAsync(ClientWebSocket socket)
    {
        using var timeout = new CancellationTokenSource(Patience);
        var buffer = new byte[64 * 1024];
        using var message = new MemoryStream();
        while (true)
        {
            var result = await socket.ReceiveAsync(buffer, timeout.Token);
            message.Write(buffer, 0, result.Count);
            if (result.EndOfMessage || result.MessageType == WebSocketMessageType.Close)
            {
                return (result.MessageType, message.ToArray());
            }
        }
    }

    /// <summary>The close status the server sent, or null when the connection ended without a close frame.</summary>
    private static async Task<WebSocketCloseStatus?> ClosedWithAsync(ClientWebSocket socket)
    {
        try
        {
            while (true)
            {
                var (type, _) = await ReceiveAsync(socket);
                if (type == WebSocketMessageType.Close)
                {
                    return socket.CloseStatus;
                }
            }
        }
        catch (WebSocketException)
        {
            return socket.CloseStatus;
        }
    }

    private async Task<string> GetAsync(RunningWorker worker, string path)
    {
        using var response = await _http.GetAsync(worker.BaseAddress + path);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"GET {path}: {(int)response.StatusCode} {body}\n{worker.Output}");
        return body;
    }

    private static async Task WaitForAsync(Func<Task<bool>> condition, RunningWorker worker)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "timed out waiting\n" + worker.Output);
            await Task.Delay(100);
        }
    }
}
