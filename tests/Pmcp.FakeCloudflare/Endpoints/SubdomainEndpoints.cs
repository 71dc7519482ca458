using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Pmcp.FakeCloudflare.Endpoints;

/// <summary>workers.dev: the account's subdomain (and registering one), and each Worker's workers.dev and preview switches.</summary>
internal static class SubdomainEndpoints
{
    public static void Map(IEndpointRouteBuilder accounts, FakeAccount account)
    {
        accounts.MapGet("/workers/subdomain", () =>
        {
            lock (account.Gate)
            {
                // 10007 here means "no workers.dev subdomain yet": wrangler then offers to register one.
                return account.WorkersDevSubdomain is { } subdomain
                    ? Envelope.Ok(new JsonObject { ["subdomain"] = subdomain })
                    : Envelope.Error(StatusCodes.Status404NotFound, new CloudflareError(10007, "workers.api.error.not_found"));
            }
        });

        accounts.MapGet("/workers/subdomains/{name}", (string name) => Envelope.Ok(new JsonObject { ["available"] = true }));

        accounts.MapPut("/workers/subdomain", async (HttpRequest request, CancellationToken cancellationToken) =>
        {
            var body = await JsonBody.ReadAsync(request, cancellationToken);
            if (body.String("subdomain") is not { Length: > 0 } subdomain)
            {
                return Envelope.Error(StatusCodes.Status400BadRequest, new CloudflareError(10033, "A subdomain is required"));
            }

            lock (account.Gate)
            {
                account.WorkersDevSubdomain = subdomain;
            }

            return Envelope.Ok(new JsonObject { ["subdomain"] = subdomain });
        });

        // The Workers (beta) API's Worker object: deploy reads its subdomain switches before changing them.
        accounts.MapGet("/workers/workers/{name}", (string name) => ScriptEndpoints.WithScript(account, name, script => Envelope.Ok(new JsonObject
        {
            ["id"] = script.Tag,
            ["name"] = script.Name,
            ["created_on"] = FakeAccount.Timestamp(script.CreatedOn),
            ["updated_on"] = FakeAccount.Timestamp(script.VersionList.LastOrDefault()?.CreatedOn ?? script.CreatedOn),
            ["logpush"] = false,
            ["tags"] = new JsonArray(),
            ["tail_consumers"] = new JsonArray(),
            ["observability"] = new JsonObject { ["enabled"] = false },
            ["subdomain"] = Switches(script),
        })));

        accounts.MapGet("/workers/scripts/{name}/subdomain", (string name) => ScriptEndpoints.WithScript(account, name, script => Envelope.Ok(Switches(script))));

        accounts.MapPost("/workers/scripts/{name}/subdomain", async (string name, HttpRequest request, CancellationToken cancellationToken) =>
        {
            var body = await JsonBody.ReadAsync(request, cancellationToken);
            return ScriptEndpoints.WithScript(account, name, script =>
            {
                script.WorkersDev = body.Bool("enabled") ?? script.WorkersDev;

                // Left out, previews follow workers.dev, as the API does.
                script.Previews = body.Bool("previews_enabled") ?? script.WorkersDev;
                return Envelope.Ok(Switches(script));
            });
        });
    }

    private static JsonObject Switches(WorkerScript script) => new()
    {
        ["enabled"] = script.WorkersDev,
        ["previews_enabled"] = script.Previews,
    };
}
