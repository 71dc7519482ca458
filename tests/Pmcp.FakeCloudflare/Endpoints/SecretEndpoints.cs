using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Pmcp.FakeCloudflare.Endpoints;

/// <summary>
/// Secrets of a Worker. As on Cloudflare, changing a secret makes a new version (the deployed one plus the change)
/// and deploys it; listing returns names and types, never values.
/// </summary>
internal static class SecretEndpoints
{
    public static void Map(IEndpointRouteBuilder accounts, FakeAccount account)
    {
        accounts.MapGet("/workers/scripts/{name}/secrets", (string name) => ScriptEndpoints.WithScript(account, name, script =>
            Envelope.Ok(new JsonArray([.. script.SecretMap.Keys.Order(StringComparer.Ordinal).Select(Secret)]))));

        accounts.MapGet("/workers/scripts/{name}/secrets/{secret}", (string name, string secret) => ScriptEndpoints.WithScript(account, name, script =>
            script.SecretMap.ContainsKey(secret) ? Envelope.Ok(Secret(secret)) : SecretNotFound()));

        accounts.MapPut("/workers/scripts/{name}/secrets", async (string name, HttpRequest request, CancellationToken cancellationToken) =>
        {
            var body = await JsonBody.ReadAsync(request, cancellationToken);
            if (body.String("name") is not { Length: > 0 } secret || body.String("text") is not { } text)
            {
                return Envelope.Error(StatusCodes.Status400BadRequest, new CloudflareError(10021, "A secret needs a name and a text"));
            }

            return ScriptEndpoints.WithScript(account, name, script =>
            {
                script.SecretMap[secret] = text;
                Redeploy(script, metadata => Replace(metadata, secret, new JsonObject { ["type"] = "secret_text", ["name"] = secret }));
                return Envelope.Ok(Secret(secret));
            });
        });

        // wrangler URL-encodes the name and says so with ?url_encoded=true; routing has already decoded it.
        accounts.MapDelete("/workers/scripts/{name}/secrets/{secret}", (string name, string secret) => ScriptEndpoints.WithScript(account, name, script =>
        {
            if (!script.SecretMap.Remove(secret))
            {
                return SecretNotFound();
            }

            Redeploy(script, metadata => Replace(metadata, secret, null));
            return Envelope.Ok(null);
        }));
    }

    private static JsonNode Secret(string name) => new JsonObject { ["name"] = name, ["type"] = "secret_text" };

    private static IResult SecretNotFound() => Envelope.Error(StatusCodes.Status404NotFound, new CloudflareError(10056, "Secret not found"));

    /// <summary>A new version from the deployed one, with its bindings changed, deployed at once.</summary>
    private static void Redeploy(WorkerScript script, Action<JsonObject> change)
    {
        if (script.DeployedVersion is not { } deployed)
        {
            return;
        }

        var metadata = deployed.Metadata.Json;
        change(metadata);
        var version = ScriptEndpoints.AddVersion(script, deployed.Modules, new WorkerMetadata(metadata), "secret");
        script.DeploymentList.Add(new WorkerDeployment(FakeAccount.NewId(), version.CreatedOn, "secret", null, [new VersionTraffic(version.Id, 100)]));
    }

    private static void Replace(JsonObject metadata, string name, JsonObject? binding)
    {
        var bindings = metadata["bindings"] as JsonArray ?? [];
        metadata["bindings"] = new JsonArray([
            .. bindings.Where(existing => existing.String("name") != name).Select(existing => existing!.DeepClone()),
            .. binding is null ? Array.Empty<JsonNode>() : [binding],
        ]);
    }
}
