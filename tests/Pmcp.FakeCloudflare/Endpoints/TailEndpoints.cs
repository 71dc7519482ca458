using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Pmcp.FakeCloudflare.Endpoints;

/// <summary>
/// <c>wrangler tail</c>: it creates a tail on the API, opens a WebSocket to the URL it gets back (subprotocol
/// <c>trace-v1</c>), sends <c>{"debug":…}</c>, prints every event, and deletes the tail when it stops.
/// </summary>
internal static class TailEndpoints
{
    public const string Subprotocol = "trace-v1";

    public static void MapAccount(IEndpointRouteBuilder accounts, FakeAccount account)
    {
        accounts.MapPost("/workers/scripts/{name}/tails", async (string name, HttpRequest request, CancellationToken cancellationToken) =>
        {
            var filters = await JsonBody.ReadAsync(request, cancellationToken);
            return ScriptEndpoints.WithScript(account, name, script =>
            {
                var id = FakeAccount.NewId();
                var tail = new TailSession(id, script.Name, filters, $"{account.WebSocketOrigin}/tail/{id}", DateTimeOffset.UtcNow.AddHours(6));
                account.AddTail(tail);
                return Envelope.Ok(new JsonObject
                {
                    ["id"] = tail.Id,
                    ["url"] = tail.Url,
                    ["expires_at"] = FakeAccount.Timestamp(tail.ExpiresAt),
                });
            });
        });

        accounts.MapDelete("/workers/scripts/{name}/tails/{id}", (string name, string id) => ScriptEndpoints.WithScript(account, name, _ =>
        {
            if (account.Tail(id) is not { } tail || tail.ScriptName != name)
            {
                return Envelope.Error(StatusCodes.Status404NotFound, new CloudflareError(10045, "Tail not found"));
            }

            tail.MarkDeleted();
            return Envelope.Ok(null);
        }));
    }

    /// <summary>The WebSocket side, outside the API base like Cloudflare's tail host; it needs no token.</summary>
    public static void MapSocket(IEndpointRouteBuilder app, FakeAccount account)
    {
        app.Map("/tail/{id}", async (string id, HttpContext context) =>
        {
            TailSession? tail;
            lock (account.Gate)
            {
                tail = account.Tail(id);
            }

            if (tail is null || tail.Deleted)
            {
                return Results.NotFound();
            }

            // Not ASP.NET Core's WebSocket: see TailSocket.
            await using var socket = await TailSocket.AcceptAsync(context, Subprotocol);
            if (socket is null)
            {
                return Results.BadRequest($"A tail is a WebSocket with the {Subprotocol} subprotocol.");
            }

            await tail.RunAsync(socket, context.RequestAborted);
            return Results.Empty;
        });
    }
}
