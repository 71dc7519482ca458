using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Pmcp.FakeCloudflare.Endpoints;

/// <summary>
/// Worker scripts: the services lookup deploy starts with, the uploads (a first deploy PUTs the script; later deploys
/// POST a version and then a deployment), settings, the dependency checks of <c>wrangler delete</c>, and deletion.
/// </summary>
internal static class ScriptEndpoints
{
    public static void Map(IEndpointRouteBuilder accounts, FakeAccount account)
    {
        accounts.MapGet("/workers/services/{name}", (string name) =>
        {
            lock (account.Gate)
            {
                if (account.Live(name) is not { } script)
                {
                    return Envelope.Error(StatusCodes.Status404NotFound, CloudflareError.ServiceNotFound);
                }

                return Envelope.Ok(new JsonObject
                {
                    ["id"] = script.Name,
                    ["default_environment"] = new JsonObject
                    {
                        ["environment"] = "production",
                        ["created_on"] = FakeAccount.Timestamp(script.CreatedOn),
                        ["modified_on"] = FakeAccount.Timestamp(script.VersionList.LastOrDefault()?.CreatedOn ?? script.CreatedOn),
                        ["script"] = WorkerJson.Script(script, script.DeployedVersion),
                    },
                    ["created_on"] = FakeAccount.Timestamp(script.CreatedOn),
                    ["modified_on"] = FakeAccount.Timestamp(script.VersionList.LastOrDefault()?.CreatedOn ?? script.CreatedOn),
                    ["usage_model"] = "standard",
                    ["environments"] = new JsonArray(new JsonObject { ["environment"] = "production" }),
                });
            }
        });

        accounts.MapDelete("/workers/services/{name}", (string name) => Delete(account, name, CloudflareError.ServiceNotFound));
        accounts.MapDelete("/workers/scripts/{name}", (string name) => Delete(account, name, CloudflareError.ScriptNotFound));

        // A first deploy (and the draft Worker `wrangler secret put` creates) uploads the whole script: a new version, deployed at once.
        accounts.MapPut("/workers/scripts/{name}", async (string name, HttpRequest request, CancellationToken cancellationToken) =>
        {
            if (await WorkerUpload.ReadAsync(request, cancellationToken) is not { } upload)
            {
                return Envelope.Error(StatusCodes.Status400BadRequest, new CloudflareError(10021, "Uploaded script has no metadata part"));
            }

            lock (account.Gate)
            {
                var script = account.GetOrCreate(name);
                var version = AddVersion(script, upload.Modules, upload.Metadata, "upload");
                script.DeploymentList.Add(new WorkerDeployment(FakeAccount.NewId(), version.CreatedOn, "upload", version.Message, [new VersionTraffic(version.Id, 100)]));
                var result = WorkerJson.Script(script, version);
                result["startup_time_ms"] = account.StartupTimeMs;
                return Envelope.Ok(result);
            }
        });

        // Later deploys of a module Worker: upload a version, then deploy it.
        accounts.MapPost("/workers/scripts/{name}/versions", async (string name, HttpRequest request, CancellationToken cancellationToken) =>
        {
            if (await WorkerUpload.ReadAsync(request, cancellationToken) is not { } upload)
            {
                return Envelope.Error(StatusCodes.Status400BadRequest, new CloudflareError(10021, "Uploaded script has no metadata part"));
            }

            lock (account.Gate)
            {
                if (account.Live(name) is not { } script)
                {
                    return Envelope.ScriptNotFound();
                }

                var version = AddVersion(script, upload.Modules, upload.Metadata, "version_upload");
                var result = WorkerJson.Version(script, version, account.Email);
                result["startup_time_ms"] = account.StartupTimeMs;
                return Envelope.Ok(result);
            }
        });

        accounts.MapGet("/workers/scripts/{name}/versions", (string name) => WithScript(account, name, script =>
        {
            var items = script.VersionList.AsEnumerable().Reverse().Select(version => (JsonNode)WorkerJson.Version(script, version, account.Email));
            return Envelope.Ok(new JsonObject { ["items"] = new JsonArray([.. items]) });
        }));

        accounts.MapGet("/workers/scripts/{name}/versions/{versionId}", (string name, string versionId) => WithScript(account, name, script =>
            script.VersionList.FirstOrDefault(version => SameId(version.Id, versionId)) is { } version
                ? Envelope.Ok(WorkerJson.Version(script, version, account.Email))
                : Envelope.Error(StatusCodes.Status404NotFound, new CloudflareError(10212, "Version not found"))));

        accounts.MapPost("/workers/scripts/{name}/deployments", async (string name, HttpRequest request, CancellationToken cancellationToken) =>
        {
            var body = await JsonBody.ReadAsync(request, cancellationToken);
            return WithScript(account, name, script =>
            {
                var traffic = (body?["versions"] as JsonArray ?? [])
                    .Select(entry => new VersionTraffic(entry.String("version_id") ?? "", entry?["percentage"]?.GetValue<double>() ?? 0))
                    .ToList();
                if (traffic.Count == 0 || traffic.Any(entry => !script.VersionList.Any(version => SameId(version.Id, entry.VersionId))))
                {
                    return Envelope.Error(StatusCodes.Status400BadRequest, new CloudflareError(10212, "Version not found"));
                }

                var deployment = new WorkerDeployment(FakeAccount.NewId(), DateTimeOffset.UtcNow, "deployment", body?["annotations"].String("workers/message"), traffic);
                script.DeploymentList.Add(deployment);
                return Envelope.Ok(WorkerJson.Deployment(deployment, account.Email));
            });
        });

        accounts.MapGet("/workers/scripts/{name}/deployments", (string name) => WithScript(account, name, script =>
            Envelope.Ok(new JsonObject
            {
                ["deployments"] = new JsonArray([.. script.DeploymentList.AsEnumerable().Reverse().Select(deployment => (JsonNode)WorkerJson.Deployment(deployment, account.Email))]),
            })));

        // Settings that are not part of a version (logpush, observability, tags, tail consumers).
        accounts.MapMethods("/workers/scripts/{name}/script-settings", ["PATCH"], async (string name, HttpRequest request, CancellationToken cancellationToken) =>
        {
            var body = await JsonBody.ReadAsync(request, cancellationToken) as JsonObject ?? [];
            return WithScript(account, name, script =>
            {
                foreach (var (key, value) in body)
                {
                    script.SettingsObject[key] = value?.DeepClone();
                }

                return Envelope.Ok(script.SettingsObject.DeepClone());
            });
        });

        accounts.MapGet("/workers/scripts/{name}/script-settings", (string name) => WithScript(account, name, script => Envelope.Ok(script.SettingsObject.DeepClone())));

        // The settings of the deployed version.
        accounts.MapGet("/workers/scripts/{name}/settings", (string name) => WithScript(account, name, script =>
        {
            var metadata = script.DeployedVersion?.Metadata;
            return Envelope.Ok(new JsonObject
            {
                ["bindings"] = new JsonArray([.. (metadata?.Bindings ?? []).Select(binding => (JsonNode)binding.Json)]),
                ["compatibility_date"] = metadata?.CompatibilityDate,
                ["compatibility_flags"] = new JsonArray([.. (metadata?.CompatibilityFlags ?? []).Select(flag => (JsonNode)flag)]),
                ["logpush"] = false,
                ["usage_model"] = "standard",
                ["tail_consumers"] = null,
                ["placement"] = new JsonObject(),
            });
        }));

        // wrangler delete checks that no other Worker depends on this one before deleting it (unless --force).
        accounts.MapGet("/workers/scripts/{name}/references", (string name) => WithScript(account, name, _ => Envelope.Ok(new JsonObject
        {
            ["services"] = new JsonObject { ["incoming"] = new JsonArray(), ["outgoing"] = new JsonArray(), ["pages_function"] = false },
            ["durable_objects"] = new JsonArray(),
            ["dispatch_outbounds"] = new JsonArray(),
        })));

        accounts.MapGet("/workers/tails/by-consumer/{name}", (string name) => Envelope.Ok(new JsonArray()));

        // wrangler delete looks for Durable Object namespaces of the Worker that own Container applications; the fake's Workers have none.
        accounts.MapGet("/workers/durable_objects/namespaces", () => Envelope.List([]));

        accounts.MapPut("/workers/scripts/{name}/schedules", async (string name, HttpRequest request, CancellationToken cancellationToken) =>
        {
            var body = await JsonBody.ReadAsync(request, cancellationToken) as JsonArray ?? [];
            return WithScript(account, name, script =>
            {
                script.ScheduleList = [.. body.Select(entry => entry.String("cron")).OfType<string>()];
                return Envelope.Ok(Schedules(script));
            });
        });

        accounts.MapGet("/workers/scripts/{name}/schedules", (string name) => WithScript(account, name, script => Envelope.Ok(Schedules(script))));
    }

    /// <summary>Runs <paramref name="handle"/> on the live script under the account lock, or answers Cloudflare's "no such Worker".</summary>
    public static IResult WithScript(FakeAccount account, string name, Func<WorkerScript, IResult> handle)
    {
        lock (account.Gate)
        {
            return account.Live(name) is { } script ? handle(script) : Envelope.ScriptNotFound();
        }
    }

    /// <summary>Stores a new version. Secrets in the upload (<c>--secrets-file</c>) become the Worker's secrets.</summary>
    public static WorkerVersion AddVersion(WorkerScript script, IReadOnlyList<UploadedModule> modules, WorkerMetadata metadata, string triggeredBy)
    {
        var annotations = metadata.Json["annotations"];
        var version = new WorkerVersion(
            Guid.NewGuid().ToString(),
            script.VersionList.Count + 1,
            DateTimeOffset.UtcNow,
            triggeredBy,
            annotations.String("workers/message"),
            annotations.String("workers/tag"),
            modules,
            metadata);
        script.VersionList.Add(version);
        foreach (var secret in metadata.Bindings.Where(binding => binding.Type == "secret_text"))
        {
            if (secret.Property("text") is { } text)
            {
                script.SecretMap[secret.Name] = text;
            }
        }

        return version;
    }

    /// <summary>wrangler sends version ids with and without hyphens.</summary>
    public static bool SameId(string a, string b) =>
        string.Equals(a.Replace("-", "", StringComparison.Ordinal), b.Replace("-", "", StringComparison.Ordinal), StringComparison.OrdinalIgnoreCase);

    private static IResult Delete(FakeAccount account, string name, CloudflareError notFound)
    {
        lock (account.Gate)
        {
            if (account.Live(name) is not { } script)
            {
                return Envelope.Error(StatusCodes.Status404NotFound, notFound);
            }

            account.Delete(script);
            return Envelope.Ok(null);
        }
    }

    private static JsonObject Schedules(WorkerScript script) => new()
    {
        ["schedules"] = new JsonArray([.. script.ScheduleList.Select(cron => (JsonNode)new JsonObject
        {
            ["cron"] = cron,
            ["created_on"] = FakeAccount.Timestamp(script.CreatedOn),
            ["modified_on"] = FakeAccount.Timestamp(script.CreatedOn),
        })]),
    };
}
