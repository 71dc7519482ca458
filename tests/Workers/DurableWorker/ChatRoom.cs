using System.Text.Json.Serialization;
using Pmcp.Workers;
using Pmcp.Workers.DurableObjects;
using Pmcp.Workers.Http;

namespace DurableWorker;

/// <summary>
/// A chat room as a Durable Object with hibernatable WebSockets (Pmcp.WorkerdTests: DurableObjectWebSocketTests, in
/// workerd and under dev --native). <c>GET /room/{name}?user=U&amp;team=T</c> (an upgrade) joins the room tagged T; each
/// text message goes to every other member, except: <c>team:T:text</c> goes to team T only, <c>whoami</c> answers with
/// the sender's attachment, <c>count</c> with how many are connected, <c>self</c> with that count asked through the room's own stub, <c>bye</c> has the room close the socket (4000).
/// <c>GET /room/{name}/instance</c> names the C# instance, which changes when workerd has evicted the object.
/// A binary message comes back as it was. Who a member is lives in the socket's attachment, never in a field.
/// </summary>
[DurableObject("ChatRoom")]
public sealed class ChatRoom : DurableObject
{
    /// <summary>This C# instance's name: a new one after workerd evicted the object and an event constructed it again.</summary>
    private readonly string _instance = Guid.NewGuid().ToString("N");

    public override async Task<Response> FetchAsync(Request request)
    {
        if (request.Path.EndsWith("/instance", StringComparison.Ordinal))
        {
            return Response.Ok(_instance);
        }

        if (request.Path.EndsWith("/count", StringComparison.Ordinal))
        {
            return Response.Ok(State.GetWebSockets(request.Query("team")).Count.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        if (!string.Equals(request.Headers["upgrade"], "websocket", StringComparison.OrdinalIgnoreCase))
        {
            return Response.Text("Upgrade Required: join the room with a WebSocket.", 426);
        }

        var user = request.Query("user") ?? "anonymous";
        var team = request.Query("team");
        var (socket, response) = await State.AcceptWebSocketAsync(request, team is null ? [] : [team]);
        socket.SerializeAttachment(new Member(user, team, 0), ChatJson.Default.Member);
        State.SetWebSocketAutoResponse("ping", "pong");
        await socket.SendAsync("welcome " + user);
        return response;
    }

    public override async Task WebSocketMessageAsync(DurableObjectWebSocket socket, WebSocketMessage message)
    {
        if (!message.IsText)
        {
            await socket.SendAsync(message.Bytes);
            return;
        }

        var member = socket.DeserializeAttachment(ChatJson.Default.Member) ?? throw new InvalidOperationException("a socket without its member");
        member = member with { Sent = member.Sent + 1 };
        socket.SerializeAttachment(member, ChatJson.Default.Member);
        var text = message.Text;
        switch (text)
        {
            case "whoami":
                await socket.SendAsync($"you are {member.User} of {member.Team ?? "-"}, message {member.Sent}, tags [{string.Join(',', socket.Tags)}]");
                return;
            case "count":
                await socket.SendAsync("count " + State.GetWebSockets().Count);
                return;
            case "bye":
                await socket.CloseAsync(4000, "bye " + member.User);
                return;
            case "self":
                // The object calls itself through its own stub from a WebSocket event: natively that must not wait
                // for the event that is calling.
                using (var own = await Env.DurableObject("ROOM").Get(State.Id).FetchAsync("/room/self/count"))
                {
                    await socket.SendAsync("self " + await own.Content.ReadAsStringAsync());
                }

                return;
            case "fail":
                throw new InvalidOperationException("the room failed on purpose");
        }

        if (text.StartsWith("team:", StringComparison.Ordinal) && text.IndexOf(':', 5) is var colon and > 5)
        {
            var team = text[5..colon];
            await BroadcastAsync(State.GetWebSockets(team), socket, $"[{team}] {member.User}: {text[(colon + 1)..]}");
            return;
        }

        await BroadcastAsync(State.GetWebSockets(), socket, $"{member.User}: {text}");
    }

    public override Task WebSocketCloseAsync(DurableObjectWebSocket socket, int code, string reason, bool wasClean)
    {
        var member = socket.DeserializeAttachment(ChatJson.Default.Member);
        return BroadcastAsync(State.GetWebSockets(), socket, $"left {member?.User} {code} {reason}");
    }

    public override Task WebSocketErrorAsync(DurableObjectWebSocket socket, string message)
    {
        Log.Warn($"chat room: socket {socket.Handle} failed: {message}");
        return Task.CompletedTask;
    }

    private static Task BroadcastAsync(IEnumerable<DurableObjectWebSocket> sockets, DurableObjectWebSocket sender, string text) =>
        Task.WhenAll(sockets.Where(s => !s.Equals(sender)).Select(s => s.SendAsync(text)));
}

/// <summary>What a room keeps with each socket: it survives the object's hibernation.</summary>
public sealed record Member(string User, string? Team, int Sent);

[JsonSerializable(typeof(Member))]
internal sealed partial class ChatJson : JsonSerializerContext;
