using System.Net.WebSockets;
using Pmcp.Workers.Contract;
using Pmcp.Workers.Http;
using Pmcp.Workers.WebSockets;

namespace BindingsWorker;

/// <summary>
/// Outbound WebSockets inside workerd, for Pmcp.WorkerdTests: <c>POST /websocket/{name}</c> runs one of
/// <see cref="WebSocketCases"/> against the test API named by the request's <c>X-Fetch-Server</c> header; the rest is a
/// misuse that must fail clearly: a WebSocket kept past the request that opened it.
/// </summary>
internal static class WebSocketProbes
{
    // Deliberately wrong: a WebSocket kept across requests, to show that using it later fails clearly.
    private static WebSocket? _kept;

    public static async Task<Response> RunAsync(Request request, string name)
    {
        if (!WebSocketCases.All.ContainsKey(name))
        {
            return Response.Text($"No WebSocket case '{name}'.", 404);
        }

        if (request.Headers[FetchProbes.ServerHeader] is not { Length: > 0 } server)
        {
            return Response.Text($"Name the test API's base URL in the {FetchProbes.ServerHeader} header.", 400);
        }

        try
        {
            await WebSocketCases.RunAsync(name, server);
            return Response.Ok("pass");
        }
        catch (ContractFailure failure)
        {
            return Response.Text("fail: " + failure.Message, 500);
        }
        catch (Exception e)
        {
            return Response.Text($"error: {e.GetType().FullName}: {e.Message}", 500);
        }
    }

    public static async Task<Response> KeepAsync(Request request)
    {
        var server = request.Headers[FetchProbes.ServerHeader] ?? "";
        _kept = await WorkersWebSocket.ConnectAsync(new Uri("ws" + server["http".Length..] + "/ws/echo"));
        return Response.Ok("kept");
    }

    public static async Task<Response> UseKeptAsync()
    {
        try
        {
            var socket = _kept ?? throw new InvalidOperationException("nothing kept");
            await socket.SendAsync("after its request"u8.ToArray(), WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None);
            return Response.Ok("sent");
        }
        catch (Exception e)
        {
            return Response.Ok($"{e.GetType().Name}: {e.Message}");
        }
    }
}
