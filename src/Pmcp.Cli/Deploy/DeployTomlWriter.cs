using System.Globalization;
using System.Text;

namespace Pmcp.Cli.Deploy;

/// <summary>
/// Writes <c>.pmcp/deploy.toml</c> in the chapter's layout and order, with comments that say what each part is for
/// and commented-out examples where a section is empty.
/// </summary>
internal static class DeployTomlWriter
{
    public static string Write(DeployConfig config)
    {
        var text = new StringBuilder();
        text.Append("""
            # Deployment configuration for dotnet pmcp (https://developers.cloudflare.com/workers/wrangler/configuration/).
            # The source of truth for .pmcp/workers/wrangler.toml: dotnet pmcp deploy build and dotnet pmcp dev regenerate
            # its name, compatibility_date, vars, bindings, routes, workers_dev and environments from this file.
            [target]
            target_type = "cloudflare-workers"

            [server]

            """);
        text.Append(TomlText.Line("name", config.ServerName));
        text.Append("\n[cloudflare]\n");
        text.Append(CultureInfo.InvariantCulture, $"account_id = {TomlText.String(config.AccountId)} # From Cloudflare dashboard; empty: wrangler's login (or CLOUDFLARE_ACCOUNT_ID)\n");
        text.Append(CultureInfo.InvariantCulture, $"zone_id = {TomlText.String(config.ZoneId)} # Optional: for custom domains (the zone of routes that name none)\n");
        text.Append("\n[workers]\n");
        text.Append(TomlText.Line("name", config.WorkerName));
        text.Append(TomlText.Line("compatibility_date", config.CompatibilityDate));
        text.Append(TomlText.Line("main", config.Main));
        if (config.WorkersDev is { } workersDev)
        {
            text.Append(CultureInfo.InvariantCulture, $"workers_dev = {(workersDev ? "true" : "false")} # Serve on <name>.<your-subdomain>.workers.dev\n");
        }

        text.Append("\n# Environment variables (non-secret; secrets: wrangler secret put NAME)\n[workers.vars]\n");
        AppendVars(text, config.Vars);
        text.Append("\n# Bindings to Cloudflare services: NAME = \"…\", the name your code passes to env\n");
        AppendBindings(text, "workers", config.Bindings, withExamples: true);
        text.Append('\n');
        if (config.Routes.Count == 0)
        {
            text.Append("""
                # Routes: a pattern on a zone of your account (zone_id defaults to [cloudflare] zone_id), or a custom domain
                # [[workers.routes]]
                # pattern = "mcp.example.com/*"
                #
                # [[workers.routes]]
                # pattern = "mcp.example.com"
                # custom_domain = true

                """);
        }
        else
        {
            AppendRoutes(text, "workers", config.Routes);
        }

        if (config.CpuMs is not null || config.Subrequests is not null)
        {
            text.Append(CultureInfo.InvariantCulture, $"\n# cpu_ms: CPU time a request may use, 1 to {DeployConfig.MaxCpuMs} ms (Paid plan; Cloudflare's default is 30 s)\n# subrequests: fetches a request may make (default 50 on Free, 10,000 on Paid)\n[workers.limits]\n");
            if (config.CpuMs is { } cpuMs)
            {
                text.Append(TomlText.Line("cpu_ms", (long)cpuMs));
            }

            if (config.Subrequests is { } subrequests)
            {
                text.Append(TomlText.Line("subrequests", (long)subrequests));
            }
        }

        if (config.Observability is { } observability)
        {
            text.Append("\n# Workers Logs: keep the deployed Worker's logs (enabled), for this share of requests (head_sampling_rate, 0 to 1)\n[workers.observability]\n");
            text.Append(observability.Lines());
        }

        if (config.Logging is { } logging)
        {
            text.Append("\n# The server's request lines, one JSON line per MCP message (docs/observability.md): requests = \"off\", \"errors\" or \"all\"\n[logging]\n");
            text.Append(logging.Lines());
        }

        if (config.Mcp is { } mcp)
        {
            text.Append("\n# The MCP endpoint: sessions = true gives clients of 2025-11-25 and before sessions (docs/sessions.md)\n[mcp]\n");
            text.Append(mcp.Lines());
        }

        if (config.Snapshot != "auto")
        {
            // Written only when set: the default file stays as it was (docs/workers-snapshot.md documents [build]).
            text.Append("\n# Start-up image: true, false or \"auto\" (the default: on when the bundle with it fits Cloudflare's 64 MiB)\n[build]\n");
            text.Append(CultureInfo.InvariantCulture, $"snapshot = {config.Snapshot switch { "on" => "true", _ => "false" }}\n");
        }

        text.Append("""

            # Environments (dotnet pmcp deploy --env staging). Each gets [workers]' vars and bindings, its own replacing
            # those of the same name, and only its own routes; name defaults to "<workers name>-<environment>".

            """);
        foreach (var environment in config.Environments)
        {
            var section = $"env.{environment.Key}";
            text.Append(CultureInfo.InvariantCulture, $"[{section}]\n");
            if (environment.Name is not null)
            {
                text.Append(TomlText.Line("name", environment.Name));
            }

            if (environment.WorkersDev is { } dev)
            {
                text.Append(TomlText.Line("workers_dev", dev));
            }

            if (environment.Routes.Count > 0)
            {
                text.Append('\n');
                AppendRoutes(text, section, environment.Routes);
            }
            else if (environment.Key == "production")
            {
                text.Append("# [[env.production.routes]]\n# pattern = \"mcp.example.com/*\"\n");
            }

            if (environment.Vars.Count > 0)
            {
                text.Append(CultureInfo.InvariantCulture, $"\n[{section}.vars]\n");
                AppendVars(text, environment.Vars);
            }

            if (environment.Bindings.Count > 0)
            {
                text.Append('\n');
                AppendBindings(text, section, environment.Bindings, withExamples: false);
            }

            if (environment.Logging is { } environmentLogging)
            {
                text.Append(CultureInfo.InvariantCulture, $"\n[{section}.logging]\n").Append(environmentLogging.Lines());
            }

            text.Append('\n');
        }

        return text.ToString().TrimEnd('\n') + "\n";
    }

    private static readonly Dictionary<string, string> Examples = new()
    {
        ["kv_namespaces"] = "# CACHE = \"your-kv-namespace-id\"\n",
        ["d1_databases"] = "# DB = \"your-d1-database-id\"\n# DB = { database_id = \"your-d1-database-id\", database_name = \"my-database\", migrations_dir = \"migrations\" }\n",
        ["r2_buckets"] = "# STORAGE = \"your-r2-bucket-name\"\n",
        ["hyperdrive"] = "# EXTERNAL_DB = \"your-hyperdrive-id\"\n",
        ["services"] = "# Another Worker: its name; the folder dev serves it from; the URL dev --native sends to.\n# AUTH = { service = \"auth-worker\", project = \"../AuthWorker\", url = \"http://127.0.0.1:8788\" }\n",
        ["durable_objects"] = "# A Durable Object class: a C# class marked [DurableObject] (wrangler.toml gets its binding and migration).\n# COUNTER = \"Counter\"\n",
    };

    private static void AppendVars(StringBuilder text, IReadOnlyList<KeyValuePair<string, object>> vars)
    {
        foreach (var (name, value) in vars)
        {
            text.Append(TomlText.Line(name, value));
        }
    }

    private static void AppendBindings(StringBuilder text, string section, IReadOnlyList<DeployBinding> bindings, bool withExamples)
    {
        var first = true;
        foreach (var kind in BindingKind.All)
        {
            var ofKind = bindings.Where(b => b.Kind == kind).ToList();
            if (ofKind.Count == 0 && !withExamples)
            {
                continue;
            }

            text.Append(first ? "" : "\n").Append(CultureInfo.InvariantCulture, $"[{section}.{kind.Section}]\n");
            first = false;
            if (ofKind.Count == 0)
            {
                text.Append(Examples[kind.Section]);
            }

            foreach (var binding in ofKind)
            {
                text.Append(TomlText.Key(binding.Name)).Append(" = ").Append(binding.Options.Count == 0
                    ? TomlText.String(binding.Value)
                    : TomlText.InlineTable([new(kind.MainKey, binding.Value), .. binding.Options])).Append('\n');
            }
        }
    }

    private static void AppendRoutes(StringBuilder text, string section, IReadOnlyList<DeployRoute> routes)
    {
        for (var i = 0; i < routes.Count; i++)
        {
            var route = routes[i];
            text.Append(i == 0 ? "" : "\n").Append(CultureInfo.InvariantCulture, $"[[{section}.routes]]\n").Append(TomlText.Line("pattern", route.Pattern));
            if (route.ZoneId is not null)
            {
                text.Append(TomlText.Line("zone_id", route.ZoneId));
            }

            if (route.ZoneName is not null)
            {
                text.Append(TomlText.Line("zone_name", route.ZoneName));
            }

            if (route.CustomDomain)
            {
                text.Append(TomlText.Line("custom_domain", true));
            }
        }
    }
}
