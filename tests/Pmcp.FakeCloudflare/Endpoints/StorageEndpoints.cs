using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Pmcp.FakeCloudflare.Endpoints;

/// <summary>
/// The storage lookups around a deploy and a delete: deploy checks R2 buckets exist (and creates missing ones when
/// not interactive); delete lists KV namespaces to remove a legacy Workers Sites namespace. KV and D1 bindings with
/// ids are taken as given, as wrangler does.
/// </summary>
internal static class StorageEndpoints
{
    private static readonly CloudflareError BucketNotFound = new(10006, "The specified bucket does not exist.");

    public static void Map(IEndpointRouteBuilder accounts, FakeAccount account)
    {
        accounts.MapGet("/r2/buckets", () =>
        {
            lock (account.Gate)
            {
                return Envelope.Ok(new JsonObject { ["buckets"] = new JsonArray([.. account.R2BucketList.Select(Bucket)]) });
            }
        });

        accounts.MapGet("/r2/buckets/{name}", (string name) =>
        {
            lock (account.Gate)
            {
                return account.R2BucketList.Contains(name)
                    ? Envelope.Ok(Bucket(name))
                    : Envelope.Error(StatusCodes.Status404NotFound, BucketNotFound);
            }
        });

        accounts.MapPost("/r2/buckets", async (HttpRequest request, CancellationToken cancellationToken) =>
        {
            var body = await JsonBody.ReadAsync(request, cancellationToken);
            if (body.String("name") is not { Length: > 0 } name)
            {
                return Envelope.Error(StatusCodes.Status400BadRequest, new CloudflareError(10005, "The bucket name is not valid."));
            }

            lock (account.Gate)
            {
                if (account.R2BucketList.Contains(name))
                {
                    return Envelope.Error(StatusCodes.Status409Conflict, new CloudflareError(10004, "The bucket you tried to create already exists, and you own it."));
                }

                account.R2BucketList.Add(name);
                return Envelope.Ok(Bucket(name));
            }
        });

        accounts.MapGet("/storage/kv/namespaces", () => Envelope.List([]));
    }

    private static JsonNode Bucket(string name) => new JsonObject
    {
        ["name"] = name,
        ["creation_date"] = "2024-01-01T00:00:00.000Z",
        ["location"] = "WEUR",
        ["storage_class"] = "Standard",
    };
}
