using System.Globalization;
using System.Text.RegularExpressions;
using Pmcp.Cli.Tools;
using Tomlyn;
using Tomlyn.Model;

namespace Pmcp.Cli.Deploy;

/// <summary>
/// Reads and checks <c>.pmcp/deploy.toml</c>. Every mistake is a <see cref="CliException"/> naming the file, the key
/// and the fix; unknown keys are mistakes too (a misspelt binding section would otherwise vanish silently).
/// </summary>
internal static partial class DeployConfigReader
{
    private static readonly string[] RootKeys = ["target", "server", "cloudflare", "workers", "build", "auth", "logging", "mcp", "env"];
    private static readonly string[] WorkersKeys = ["name", "compatibility_date", "main", "workers_dev", "routes", "vars", "limits", "observability", .. BindingKind.All.Select(k => k.Section)];
    private static readonly string[] EnvKeys = ["name", "workers_dev", "routes", "vars", "auth", "logging", .. BindingKind.All.Select(k => k.Section)];

    public static DeployConfig Load(string path, string displayPath) => Parse(File.ReadAllText(path), displayPath);

    public static DeployConfig Parse(string toml, string file)
    {
        TomlTable root;
        try
        {
            root = TomlSerializer.Deserialize<TomlTable>(toml) ?? new TomlTable();
        }
        catch (TomlException e)
        {
            throw new CliException($"'{file}' is not valid TOML: {e.Message.Trim()}");
        }

        var reader = new Reader(file);
        reader.OnlyKnown(root, null, RootKeys);

        var target = reader.Table(root, "target", null);
        if (target is not null)
        {
            reader.OnlyKnown(target, "target", ["target_type", "type"]);
            var targetType = reader.String(target, "target_type", "target");
            var type = reader.String(target, "type", "target");
            if (targetType is not null && type is not null && targetType != type)
            {
                throw reader.Error($"[target] has target_type = \"{targetType}\" and type = \"{type}\"; keep one of them: target_type = \"{DeployConfig.CloudflareWorkers}\".");
            }

            if ((targetType ?? type) is { } value && value != DeployConfig.CloudflareWorkers)
            {
                throw reader.Error($"[target] target_type \"{value}\" is not supported; the one target is target_type = \"{DeployConfig.CloudflareWorkers}\".");
            }
        }

        var workers = reader.Table(root, "workers", null) ?? throw reader.Error($"[workers] is missing; add it with name = \"my-mcp-server\" (or run dotnet pmcp deploy init --force to write the default file).");
        reader.OnlyKnown(workers, "workers", WorkersKeys);
        var workerName = reader.String(workers, "name", "workers") ?? throw reader.Error("[workers] name is missing; add name = \"my-mcp-server\" (the Worker's name on Cloudflare).");
        reader.CheckWorkerName(workerName, "[workers] name");

        var server = reader.Table(root, "server", null);
        if (server is not null)
        {
            reader.OnlyKnown(server, "server", ["name"]);
        }

        var cloudflare = reader.Table(root, "cloudflare", null);
        if (cloudflare is not null)
        {
            reader.OnlyKnown(cloudflare, "cloudflare", ["account_id", "zone_id"]);
        }

        var snapshot = "auto";
        string? plan = null;
        if (reader.Table(root, "build", null) is { } build)
        {
            reader.OnlyKnown(build, "build", ["snapshot", "plan"]);
            snapshot = build.TryGetValue("snapshot", out var value) ? value switch
            {
                bool on => on ? "on" : "off",
                "auto" => "auto",
                _ => throw reader.Error("[build] snapshot must be true, false or \"auto\" (the default: on when the bundle with its start-up image fits Cloudflare's 64 MiB size limit)."),
            } : "auto";
            plan = reader.String(build, "plan", "build");
            if (plan is not (null or "free" or "paid"))
            {
                throw reader.Error($"[build] plan \"{plan}\" is not a plan, and plan no longer changes anything (every plan allows 64 MiB since September 2026): delete the line.");
            }
        }

        int? cpuMs = null;
        int? subrequests = null;
        if (reader.Table(workers, "limits", "workers") is { } limits)
        {
            reader.OnlyKnown(limits, "workers.limits", ["cpu_ms", "subrequests"]);
            subrequests = limits.TryGetValue("subrequests", out var count) ? count switch
            {
                long n and >= 1 and <= int.MaxValue => (int)n,
                _ => throw reader.Error("[workers.limits] subrequests must be a whole number of at least 1, e.g. subrequests = 1000 (the default is 50 per request on the Free plan and 10,000 on Paid)."),
            } : null;
            cpuMs = limits.TryGetValue("cpu_ms", out var cpu) ? cpu switch
            {
                long ms and >= 1 and <= DeployConfig.MaxCpuMs => (int)ms,
                _ => throw reader.Error($"[workers.limits] cpu_ms must be a whole number of milliseconds from 1 to {DeployConfig.MaxCpuMs} (5 minutes), e.g. cpu_ms = 30000 (Cloudflare's default on the Paid plan; the Free plan's 10 ms cannot be changed)."),
            } : null;
        }

        DeployObservability? observability = null;
        if (reader.Table(workers, "observability", "workers") is { } logs)
        {
            reader.OnlyKnown(logs, "workers.observability", DeployObservability.Keys);
            var rate = logs.TryGetValue("head_sampling_rate", out var r)
                ? DeployObservability.Rate(r) ?? throw reader.Error("[workers.observability] head_sampling_rate is the share of requests whose logs are kept, from 0 to 1, e.g. head_sampling_rate = 0.1 for one in ten.")
                : (double?)null;
            observability = new DeployObservability(reader.Boolean(logs, "enabled", "workers.observability") ?? true, rate);
        }

        var compatibilityDate = reader.String(workers, "compatibility_date", "workers") ?? PinnedTools.DefaultCompatibilityDate;
        reader.CheckCompatibilityDate(compatibilityDate);
        var main = reader.String(workers, "main", "workers") ?? DeployConfig.DefaultMain;
        if (main.Length == 0)
        {
            throw reader.Error($"[workers] main is empty; set main = \"{DeployConfig.DefaultMain}\" (the entry dotnet pmcp deploy build writes).");
        }

        var auth = reader.Auth(root, null);
        var logging = reader.Logging(root, null);
        var mcp = reader.Mcp(root);
        var workersVars = reader.Vars(workers, "workers");
        reader.CheckLogging(logging, workersVars, "workers.vars");
        reader.CheckAuth(auth, "auth", workersVars, "workers.vars");

        var environments = new List<DeployEnvironment>();
        if (reader.Table(root, "env", null) is { } envs)
        {
            foreach (var (key, value) in envs)
            {
                if (value is not TomlTable env)
                {
                    throw reader.Error($"[env] {key} must be a table: write [env.{key}] with name = \"…\".");
                }

                if (!EnvironmentName().IsMatch(key))
                {
                    throw reader.Error($"[env.{key}]: an environment's name is lower-case letters, digits, '-' and '_' (it becomes --env {key}); rename it, e.g. [env.staging].");
                }

                var section = $"env.{key}";
                reader.OnlyKnown(env, section, EnvKeys);
                var name = reader.String(env, "name", section);
                if (name is not null)
                {
                    reader.CheckWorkerName(name, $"[{section}] name");
                }

                var envAuth = reader.Auth(env, section);
                var envLogging = reader.Logging(env, section);
                var envVars = reader.Vars(env, section);
                reader.CheckLogging(envLogging ?? logging, envVars, $"{section}.vars");
                if (envAuth is not null)
                {
                    reader.CheckAuth(envAuth.Over(auth), $"{section}.auth", envVars, $"{section}.vars");
                }
                else if (auth is not null)
                {
                    reader.CheckAuth(auth, "auth", envVars, $"{section}.vars");
                }

                environments.Add(new DeployEnvironment(key)
                {
                    Name = name,
                    WorkersDev = reader.Boolean(env, "workers_dev", section),
                    Vars = envVars,
                    Auth = envAuth,
                    Logging = envLogging,
                    Bindings = reader.Bindings(env, section),
                    Routes = reader.Routes(env, section),
                });
            }
        }

        return new DeployConfig
        {
            ServerName = (server is null ? null : reader.String(server, "name", "server")) ?? workerName,
            AccountId = (cloudflare is null ? null : reader.String(cloudflare, "account_id", "cloudflare")) ?? "",
            ZoneId = (cloudflare is null ? null : reader.String(cloudflare, "zone_id", "cloudflare")) ?? "",
            WorkerName = workerName,
            CompatibilityDate = compatibilityDate,
            Main = main,
            WorkersDev = reader.Boolean(workers, "workers_dev", "workers"),
            Vars = workersVars,
            Auth = auth,
            Logging = logging,
            Mcp = mcp,
            Bindings = reader.Bindings(workers, "workers"),
            Routes = reader.Routes(workers, "workers"),
            Environments = environments,
            Snapshot = snapshot,
            Plan = plan,
            CpuMs = cpuMs,
            Subrequests = subrequests,
            Observability = observability,
        };
    }

    private sealed class Reader(string file)
    {
        public CliException Error(string message) => new($"'{file}': {message}");

        public void OnlyKnown(TomlTable table, string? section, string[] known)
        {
            foreach (var key in table.Keys)
            {
                if (!known.Contains(key))
                {
                    var where = section is null ? $"[{key}]" : $"[{section}] {key}";
                    var keys = section is null ? "[" + string.Join("], [", known) + "]" : string.Join(", ", known);
                    throw Error($"unknown key {where}; {(section is null ? "the file's tables are" : $"the keys of [{section}] are")} {keys}. Check its spelling.");
                }
            }
        }

        public TomlTable? Table(TomlTable parent, string key, string? section)
        {
            if (!parent.TryGetValue(key, out var value))
            {
                return null;
            }

            var name = section is null ? key : $"{section}.{key}";
            return value as TomlTable ?? throw Error($"{name} must be a table: write [{name}] on a line of its own, followed by its keys.");
        }

        public string? String(TomlTable table, string key, string section) => !table.TryGetValue(key, out var value) ? null
            : value as string ?? throw Error($"[{section}] {key} must be a string: {key} = \"…\".");

        public bool? Boolean(TomlTable table, string key, string section) => !table.TryGetValue(key, out var value) ? null
            : value as bool? ?? throw Error($"[{section}] {key} must be true or false (without quotes).");

        public void CheckWorkerName(string name, string where)
        {
            if (!WorkerName().IsMatch(name))
            {
                throw Error($"{where} \"{name}\" is not a valid Worker name: use 1 to 63 lower-case letters, digits and dashes, not starting or ending with a dash, e.g. \"{Workers.WranglerConfig.WorkerName(name)}\".");
            }
        }

        public void CheckCompatibilityDate(string date)
        {
            if (!DateOnly.TryParseExact(date, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _))
            {
                throw Error($"[workers] compatibility_date \"{date}\" is not a date; write it as \"YYYY-MM-DD\", e.g. compatibility_date = \"{PinnedTools.DefaultCompatibilityDate}\".");
            }

            if (string.CompareOrdinal(date, PinnedTools.DefaultCompatibilityDate) > 0)
            {
                throw Error($"[workers] compatibility_date \"{date}\" is newer than the pinned workerd ({PinnedTools.Workerd}) supports; set it to \"{PinnedTools.DefaultCompatibilityDate}\" or earlier.");
            }
        }

        /// <summary>The <c>[auth]</c> table under <paramref name="parent"/> as written (an environment's may leave keys to <c>[auth]</c>); null when absent.</summary>
        public DeployAuth? Auth(TomlTable parent, string? section)
        {
            var name = section is null ? "auth" : section + ".auth";
            if (Table(parent, "auth", section) is not { } table)
            {
                return null;
            }

            OnlyKnown(table, name, DeployAuth.Keys);
            IReadOnlyList<string>? ScopeList(string key) => !table.TryGetValue(key, out var value) ? null : value switch
            {
                string text => text.Split([' ', ','], StringSplitOptions.RemoveEmptyEntries),
                TomlArray array when array.All(s => s is string) => [.. array.Cast<string>()],
                _ => throw Error($"[{name}] {key} must be a list of strings, e.g. {key} = [\"mcp\", \"notes:read\"]."),
            };
            return new DeployAuth
            {
                Mode = String(table, "mode", name),
                Server = String(table, "server", name),
                Issuer = String(table, "issuer", name),
                Resource = String(table, "resource", name),
                Scopes = ScopeList("scopes"),
                JwksUrl = String(table, "jwks_url", name),
                ExtraScopes = ScopeList("extra_scopes"),
                Database = String(table, "database", name),
                Upstream = String(table, "upstream", name),
                UpstreamUrl = String(table, "upstream_url", name),
                UpstreamApiUrl = String(table, "upstream_api_url", name),
                UpstreamClientId = String(table, "upstream_client_id", name),
                TeamDomain = String(table, "team_domain", name),
                Aud = String(table, "aud", name),
            };
        }

        /// <summary>The <c>[mcp]</c> table; null when absent.</summary>
        public DeployMcp? Mcp(TomlTable root)
        {
            if (Table(root, "mcp", null) is not { } table)
            {
                return null;
            }

            OnlyKnown(table, "mcp", DeployMcp.Keys);
            return DeployMcp.From(table, Error);
        }

        /// <summary>The <c>[logging]</c> table under <paramref name="parent"/>; null when absent.</summary>
        public DeployLogging? Logging(TomlTable parent, string? section)
        {
            var name = section is null ? "logging" : section + ".logging";
            if (Table(parent, "logging", section) is not { } table)
            {
                return null;
            }

            OnlyKnown(table, name, DeployLogging.Keys);
            return DeployLogging.From(table, name, Error);
        }

        /// <summary>Refuses a request-log var set in the vars too, when <c>[logging]</c> sets it.</summary>
        public void CheckLogging(DeployLogging? logging, IReadOnlyList<KeyValuePair<string, object>> vars, string varsSection)
        {
            if (logging is not null && vars.FirstOrDefault(v => v.Key.StartsWith(DeployLogging.LevelVar, StringComparison.Ordinal)) is { Key: { } clash })
            {
                throw Error($"[{varsSection}] {clash} is set by [logging]; delete it from the vars and keep it in [logging].");
            }
        }

        /// <summary>Refuses effective auth settings that cannot serve, and vars that would set the same thing twice.</summary>
        public void CheckAuth(DeployAuth? auth, string section, IReadOnlyList<KeyValuePair<string, object>> vars, string varsSection)
        {
            if (auth is null)
            {
                return;
            }

            if (auth.Problem(section) is { } problem)
            {
                throw Error(problem);
            }

            if (vars.FirstOrDefault(v => v.Key.StartsWith("PMCP_AUTH_", StringComparison.Ordinal) || v.Key.StartsWith("PMCP_OAUTH_", StringComparison.Ordinal)) is { Key: { } clash })
            {
                throw Error($"[{varsSection}] {clash} is set by [auth]; delete it from the vars and keep it in [auth].");
            }
        }

        public List<KeyValuePair<string, object>> Vars(TomlTable parent, string section)
        {
            var vars = new List<KeyValuePair<string, object>>();
            if (Table(parent, "vars", section) is { } table)
            {
                foreach (var (name, value) in table)
                {
                    vars.Add(new(name, value is string or bool or long or double
                        ? value
                        : throw Error($"[{section}.vars] {name} must be a string, a number or true/false, e.g. {name} = \"value\"; secrets do not belong here: use wrangler secret put {name}.")));
                }
            }

            return vars;
        }

        public List<DeployBinding> Bindings(TomlTable parent, string section)
        {
            var bindings = new List<DeployBinding>();
            foreach (var kind in BindingKind.All)
            {
                if (Table(parent, kind.Section, section) is not { } table)
                {
                    continue;
                }

                var where = $"[{section}.{kind.Section}]";
                foreach (var (name, value) in table)
                {
                    if (!BindingName().IsMatch(name))
                    {
                        throw Error($"{where} {name} is not a valid binding name: use letters, digits and '_', not starting with a digit (your code calls it by this name).");
                    }

                    switch (value)
                    {
                        case string main when main.Length > 0:
                            bindings.Add(new DeployBinding(kind, name, main, []));
                            break;
                        case TomlTable settings:
                            var options = new List<KeyValuePair<string, string>>();
                            string? mainValue = null;
                            foreach (var (key, setting) in settings)
                            {
                                if (key != kind.MainKey && !kind.OptionalKeys.Contains(key))
                                {
                                    throw Error($"{where} {name} has an unknown key {key}; its keys are {kind.MainKey}, {string.Join(", ", kind.OptionalKeys)}.");
                                }

                                var text = setting as string ?? throw Error($"{where} {name}.{key} must be a string: {key} = \"…\".");
                                if (key == kind.MainKey)
                                {
                                    mainValue = text;
                                }
                                else
                                {
                                    options.Add(new(key, text));
                                }
                            }

                            bindings.Add(new DeployBinding(kind, name, mainValue is { Length: > 0 } ? mainValue : throw Error($"{where} {name} has no {kind.MainKey}; add {kind.MainKey} = \"…\" ({kind.Meaning})."), options));
                            if (options.FirstOrDefault(o => o.Key == BindingKind.UrlKey).Value is { } url
                                && (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)))
                            {
                                throw Error($"{where} {name}.url \"{url}\" is not an absolute http:// or https:// URL; it is where dev --native sends the binding's requests, e.g. url = \"http://127.0.0.1:8788\".");
                            }

                            break;
                        default:
                            throw Error($"{where} {name} must be a string ({kind.Meaning}), e.g. {name} = \"…\", or a table such as {name} = {{ {kind.MainKey} = \"…\" }}.");
                    }
                }
            }

            return bindings;
        }

        public List<DeployRoute> Routes(TomlTable parent, string section)
        {
            if (!parent.TryGetValue("routes", out var value))
            {
                return [];
            }

            var where = $"[{section}] routes";
            IEnumerable<object?> items = value switch
            {
                TomlTableArray tables => tables,
                TomlArray array => array,
                _ => throw Error($"{where} must be a list of routes: [[{section}.routes]] with pattern = \"mcp.example.com/*\"."),
            };
            var routes = new List<DeployRoute>();
            foreach (var item in items)
            {
                switch (item)
                {
                    case string pattern:
                        routes.Add(new DeployRoute(pattern));
                        break;
                    case TomlTable route:
                        OnlyKnown(route, $"{section}.routes", ["pattern", "zone_id", "zone_name", "custom_domain"]);
                        var entry = new DeployRoute(
                            String(route, "pattern", $"{section}.routes") ?? throw Error($"a route in [[{section}.routes]] has no pattern; add pattern = \"mcp.example.com/*\"."),
                            String(route, "zone_id", $"{section}.routes"),
                            String(route, "zone_name", $"{section}.routes"),
                            Boolean(route, "custom_domain", $"{section}.routes") ?? false);
                        if (entry.CustomDomain && (entry.Pattern.Contains('*', StringComparison.Ordinal) || entry.Pattern.Contains('/', StringComparison.Ordinal)))
                        {
                            throw Error($"[[{section}.routes]] pattern \"{entry.Pattern}\" has custom_domain = true, so it must be a host name only (no '*' or path), e.g. \"mcp.example.com\".");
                        }

                        routes.Add(entry);
                        break;
                    default:
                        throw Error($"{where}: each route is a table with pattern = \"mcp.example.com/*\" (and zone_id, or custom_domain = true).");
                }
            }

            return routes;
        }
    }

    [GeneratedRegex("^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\\z")]
    private static partial Regex WorkerName();

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]*\\z")]
    private static partial Regex BindingName();

    [GeneratedRegex("^[a-z0-9_-]+\\z")]
    private static partial Regex EnvironmentName();
}
