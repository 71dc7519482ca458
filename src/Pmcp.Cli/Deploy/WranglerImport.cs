using Tomlyn;
using Tomlyn.Model;

namespace Pmcp.Cli.Deploy;

/// <summary>
/// When <c>deploy init</c> finds a wrangler.toml written before deploy.toml existed, the new deploy.toml starts from it
/// (name, compatibility_date, main, account_id, workers_dev, vars, bindings, routes, limits.cpu_ms and limits.subrequests), so nothing the project already
/// declares is lost when wrangler.toml is regenerated. Environments are not imported.
/// </summary>
internal static class WranglerImport
{
    public static DeployConfig Apply(DeployConfig defaults, string wranglerToml, string file)
    {
        TomlTable root;
        try
        {
            root = TomlSerializer.Deserialize<TomlTable>(wranglerToml) ?? new TomlTable();
        }
        catch (TomlException e)
        {
            throw new CliException($"'{file}' is not valid TOML: {e.Message.Trim()}; fix it, or run dotnet pmcp deploy init --force to replace it.");
        }

        var name = Text(root, "name") ?? defaults.WorkerName;
        return defaults with
        {
            ServerName = name,
            WorkerName = name,
            CompatibilityDate = Text(root, "compatibility_date") ?? defaults.CompatibilityDate,
            Main = Text(root, "main") ?? defaults.Main,
            AccountId = Text(root, "account_id") ?? defaults.AccountId,
            WorkersDev = root.TryGetValue("workers_dev", out var dev) && dev is bool b ? b : defaults.WorkersDev,
            Vars = root.TryGetValue("vars", out var vars) && vars is TomlTable table
                ? [.. table.Where(v => v.Value is string or bool or long or double).Select(v => new KeyValuePair<string, object>(v.Key, v.Value))]
                : defaults.Vars,
            Bindings = [.. BindingKind.All.SelectMany(kind => Entries(root, kind.WranglerSection).Select(entry => Binding(kind, entry)).OfType<DeployBinding>())],
            Routes = [.. Entries(root, "routes").Select(r => new DeployRoute(Text(r, "pattern") ?? "", Text(r, "zone_id"), Text(r, "zone_name"), r.TryGetValue("custom_domain", out var c) && c is true)).Where(r => r.Pattern.Length > 0)],
            CpuMs = root.TryGetValue("limits", out var limits) && limits is TomlTable l && l.TryGetValue("cpu_ms", out var cpu) && cpu is long ms and >= 1 and <= DeployConfig.MaxCpuMs
                ? (int)ms
                : defaults.CpuMs,
            Subrequests = root.TryGetValue("limits", out var imported) && imported is TomlTable il && il.TryGetValue("subrequests", out var sub) && sub is long n and >= 1 and <= int.MaxValue
                ? (int)n
                : defaults.Subrequests,
            Observability = root.TryGetValue("observability", out var logs) && logs is TomlTable o ? DeployObservability.FromWrangler(o) ?? defaults.Observability : defaults.Observability,
            Environments = [.. defaults.Environments.Select(e => e with { Name = $"{name}-{(e.Key == "production" ? "prod" : e.Key)}" })],
        };
    }

    private static DeployBinding? Binding(BindingKind kind, TomlTable entry)
    {
        var name = Text(entry, kind.WranglerNameKey);
        var value = Text(entry, kind.MainKey);
        if (name is null || value is not { Length: > 0 })
        {
            return null;
        }

        var options = kind.OptionalKeys.Select(key => (key, value: Text(entry, key))).Where(o => o.value is not null).Select(o => new KeyValuePair<string, string>(o.key, o.value!));
        if (kind == BindingKind.D1)
        {
            options = options.Where(o => o.Key != "database_name" || o.Value != name); // the default
        }

        return new DeployBinding(kind, name, value, [.. options]);
    }

    /// <summary>The entries of an array of tables; <paramref name="key"/> may be dotted (<c>durable_objects.bindings</c>).</summary>
    private static IEnumerable<TomlTable> Entries(TomlTable root, string key) =>
        key.Split('.', 2) is [var outer, var inner] ? root.TryGetValue(outer, out var table) && table is TomlTable nested ? Entries(nested, inner) : []
        : root.TryGetValue(key, out var value) ? value as IEnumerable<TomlTable> ?? (value as TomlArray)?.OfType<TomlTable>() ?? [] : [];

    private static string? Text(TomlTable table, string key) => table.TryGetValue(key, out var value) ? value as string : null;
}
