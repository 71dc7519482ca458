namespace Pmcp.FakeCloudflare.Tests;

/// <summary>
/// A tiny JavaScript Worker in a temporary folder, with a wrangler.toml using every binding kind Pmcp deploys
/// (vars, KV, D1, R2, Hyperdrive), routes on a zone, a custom domain, workers.dev, and a staging environment with
/// its own name, vars and routes. Removed afterwards.
/// </summary>
internal sealed class WorkerProject : IDisposable
{
    public const string Name = "pmcp-fake";
    public const string StagingName = "pmcp-fake-staging";
    public const string CompatibilityDate = "2025-01-01";
    public const string KvNamespaceId = "0123456789abcdef0123456789abcdef";
    public const string D1DatabaseId = "11111111-2222-3333-4444-555555555555";
    public const string R2Bucket = "pmcp-files";
    public const string HyperdriveId = "abcdefabcdefabcdefabcdefabcdefab";

    public WorkerProject(string accountId)
    {
        Directory.CreateDirectory(System.IO.Path.Combine(Path, "src"));
        File.WriteAllText(System.IO.Path.Combine(Path, "src", "index.js"), "export default { fetch() { return new Response(\"ok\") } }\n");
        File.WriteAllText(System.IO.Path.Combine(Path, "wrangler.toml"), $$"""
            name = "{{Name}}"
            main = "src/index.js"
            account_id = "{{accountId}}"
            compatibility_date = "{{CompatibilityDate}}"
            compatibility_flags = ["nodejs_compat"]
            workers_dev = true
            routes = [
              { pattern = "api.example.com/*", zone_name = "example.com" },
              { pattern = "mcp.example.com", custom_domain = true },
            ]

            [vars]
            GREETING = "hello"

            [[kv_namespaces]]
            binding = "CACHE"
            id = "{{KvNamespaceId}}"

            [[d1_databases]]
            binding = "DB"
            database_name = "notes"
            database_id = "{{D1DatabaseId}}"

            [[r2_buckets]]
            binding = "FILES"
            bucket_name = "{{R2Bucket}}"

            [[hyperdrive]]
            binding = "PG"
            id = "{{HyperdriveId}}"

            [env.staging]
            name = "{{StagingName}}"
            workers_dev = false
            routes = [{ pattern = "staging.example.com/*", zone_name = "example.com" }]

            [env.staging.vars]
            GREETING = "hello staging"
            """);
    }

    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "pmcp-fake-cloudflare-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
