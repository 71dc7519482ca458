using System.Security.Cryptography;
using System.Text.Json.Nodes;

namespace Pmcp.FakeCloudflare;

/// <summary>The JSON shapes the Workers API returns for scripts, versions, deployments, routes and domains.</summary>
internal static class WorkerJson
{
    public static JsonObject Script(WorkerScript script, WorkerVersion? version)
    {
        var metadata = version?.Metadata;
        return new JsonObject
        {
            ["id"] = script.Name,
            ["tag"] = script.Tag,
            ["tags"] = new JsonArray(),
            ["etag"] = version is null ? null : Etag(version),
            ["handlers"] = new JsonArray("fetch"),
            ["created_on"] = FakeAccount.Timestamp(script.CreatedOn),
            ["modified_on"] = FakeAccount.Timestamp(version?.CreatedOn ?? script.CreatedOn),
            ["usage_model"] = "standard",
            ["compatibility_date"] = metadata?.CompatibilityDate,
            ["compatibility_flags"] = new JsonArray([.. (metadata?.CompatibilityFlags ?? []).Select(flag => (JsonNode)flag)]),
            ["last_deployed_from"] = "wrangler",
            ["deployment_id"] = version?.Id,
            ["has_assets"] = false,
            ["has_modules"] = true,
            ["logpush"] = false,
        };
    }

    public static JsonObject Version(WorkerScript script, WorkerVersion version, string email) => new()
    {
        ["id"] = version.Id,
        ["number"] = version.Number,
        ["metadata"] = new JsonObject
        {
            ["author_id"] = FakeAccount.StableId("author:" + email),
            ["author_email"] = email,
            ["source"] = "wrangler",
            ["created_on"] = FakeAccount.Timestamp(version.CreatedOn),
            ["modified_on"] = FakeAccount.Timestamp(version.CreatedOn),
            ["hasPreview"] = false,
        },
        ["annotations"] = Annotations(version.TriggeredBy, version.Message, version.Tag),
        ["resources"] = new JsonObject
        {
            ["script"] = new JsonObject
            {
                ["etag"] = Etag(version),
                ["handlers"] = new JsonArray("fetch"),
                ["last_deployed_from"] = "wrangler",
            },
            ["script_runtime"] = new JsonObject
            {
                ["compatibility_date"] = version.Metadata.CompatibilityDate,
                ["compatibility_flags"] = new JsonArray([.. version.Metadata.CompatibilityFlags.Select(flag => (JsonNode)flag)]),
                ["usage_model"] = "standard",
            },
            // The API never returns secret values.
            ["bindings"] = new JsonArray([.. version.Metadata.Bindings.Select(binding =>
            {
                var json = binding.Json;
                if (binding.Type == "secret_text")
                {
                    json.Remove("text");
                }

                return (JsonNode)json;
            })]),
        },
        ["startup_time_ms"] = 1,
        ["script_name"] = script.Name,
    };

    public static JsonObject Deployment(WorkerDeployment deployment, string email) => new()
    {
        ["id"] = deployment.Id,
        ["source"] = "wrangler",
        ["strategy"] = "percentage",
        ["author_email"] = email,
        ["created_on"] = FakeAccount.Timestamp(deployment.CreatedOn),
        ["annotations"] = Annotations(deployment.TriggeredBy, deployment.Message, null),
        ["versions"] = new JsonArray([.. deployment.Versions.Select(traffic => (JsonNode)new JsonObject
        {
            ["version_id"] = traffic.VersionId,
            ["percentage"] = traffic.Percentage,
        })]),
    };

    public static JsonObject Route(WorkerRoute route) => new()
    {
        ["id"] = route.Id,
        ["pattern"] = route.Pattern,
        ["script"] = route.Script,
        ["zone_id"] = route.ZoneId,
        ["zone_name"] = route.ZoneName,
    };

    public static JsonObject Domain(CustomDomain domain) => new()
    {
        ["id"] = domain.Id,
        ["zone_id"] = domain.ZoneId,
        ["zone_name"] = domain.ZoneName,
        ["hostname"] = domain.Hostname,
        ["service"] = domain.Service,
        ["environment"] = domain.Environment,
        ["enabled"] = true,
        ["previews_enabled"] = false,
    };

    private static JsonObject Annotations(string triggeredBy, string? message, string? tag)
    {
        var annotations = new JsonObject { ["workers/triggered_by"] = triggeredBy };
        if (message is not null)
        {
            annotations["workers/message"] = message;
        }

        if (tag is not null)
        {
            annotations["workers/tag"] = tag;
        }

        return annotations;
    }

    private static string Etag(WorkerVersion version)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var module in version.Modules)
        {
            hash.AppendData(module.Content);
        }

        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }
}
