using System.Globalization;
using System.Text.Json;
using Tomlyn;
using Tomlyn.Model;

namespace Pmcp.Workers.Local.Bindings;

/// <summary>
/// What the native host reads from a project's <c>wrangler.toml</c>: the top-level <c>[vars]</c> and bindings, or
/// with an environment (<c>dotnet pmcp dev --native --env NAME</c>) those of <c>[env.NAME]</c>, as
/// <c>wrangler dev --env NAME</c> does (wrangler passes neither vars nor bindings on to environments).
/// </summary>
public sealed record WranglerConfig
{
    /// <summary>
    /// No vars and no bindings, with <see cref="Directory"/> empty: what a missing wrangler.toml gives.
    /// </summary>
    public static readonly WranglerConfig Empty = new();

    /// <summary>The folder relative paths in the file are resolved against (the file's own).</summary>
    public string Directory { get; init; } = "";

    /// <summary>
    /// The <c>[vars]</c>, as text: a string var as is, any other (number, bool, table, array) as its JSON, as Workers
    /// hands it to code.
    /// </summary>
    public IReadOnlyDictionary<string, string> Vars { get; init; } = new Dictionary<string, string>();

    /// <summary>The <c>[[kv_namespaces]]</c> entries, in file order.</summary>
    public IReadOnlyList<KvNamespaceConfig> KvNamespaces { get; init; } = [];

    /// <summary>The <c>[[d1_databases]]</c> entries, in file order.</summary>
    public IReadOnlyList<D1DatabaseConfig> D1Databases { get; init; } = [];

    /// <summary>The <c>[[r2_buckets]]</c> entries, in file order.</summary>
    public IReadOnlyList<R2BucketConfig> R2Buckets { get; init; } = [];

    /// <summary>The <c>[[hyperdrive]]</c> entries, in file order.</summary>
    public IReadOnlyList<HyperdriveConfig> Hyperdrives { get; init; } = [];

    /// <summary>The <c>[[services]]</c> entries (service bindings to other Workers), in file order.</summary>
    public IReadOnlyList<ServiceConfig> Services { get; init; } = [];

    /// <summary>The <c>[[durable_objects.bindings]]</c> entries, in file order.</summary>
    public IReadOnlyList<DurableObjectConfig> DurableObjects { get; init; } = [];

    /// <summary>Reads the file; a missing file is an empty configuration.</summary>
    /// <param name="path">The wrangler.toml to read.</param>
    /// <param name="environment">An <c>[env.NAME]</c> to read instead of the top level; null for the top level.</param>
    /// <exception cref="WorkerException">
    /// The file is not valid TOML, a section is malformed, or <paramref name="environment"/> is given but not declared
    /// (or the file is missing).
    /// </exception>
    public static WranglerConfig Load(string path, string? environment = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (File.Exists(path))
        {
            return Parse(File.ReadAllText(path), path, environment);
        }

        return environment is null
            ? Empty with { Directory = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path))! }
            : throw new WorkerException($"{path} does not exist, so it has no [env.{environment}]. Run dotnet pmcp deploy init to create it.");
    }

    /// <summary>Reads wrangler.toml's text.</summary>
    /// <param name="toml">The file's text.</param>
    /// <param name="path">
    /// The file's path: relative paths in it are resolved against its folder, and errors name it.
    /// </param>
    /// <param name="environment">An <c>[env.NAME]</c> to read instead of the top level; null for the top level.</param>
    /// <exception cref="WorkerException">
    /// The text is not valid TOML, <c>[vars]</c> is not a table, a binding section is not an array of tables or an
    /// entry has no <c>binding</c>, or <paramref name="environment"/> is not declared.
    /// </exception>
    public static WranglerConfig Parse(string toml, string path, string? environment = null)
    {
        ArgumentNullException.ThrowIfNull(toml);
        ArgumentNullException.ThrowIfNull(path);
        TomlTable root;
        try
        {
            root = TomlSerializer.Deserialize<TomlTable>(toml) ?? new TomlTable();
        }
        catch (TomlException e)
        {
            throw new WorkerException($"{path} is not valid TOML: {e.Message}");
        }

        var directory = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path))!;
        if (environment is not null)
        {
            root = root.TryGetValue("env", out var envs) && envs is TomlTable all && all.TryGetValue(environment, out var section) && section is TomlTable table
                ? table
                : throw new WorkerException($"{path} has no [env.{environment}]; declare it in .pmcp/deploy.toml (or wrangler.toml), or leave out --env.");
        }

        var vars = new Dictionary<string, string>(StringComparer.Ordinal);
        if (root.TryGetValue("vars", out var varsValue))
        {
            if (varsValue is not TomlTable table)
            {
                throw new WorkerException($"{path}: vars must be a table: [vars] followed by NAME = \"value\" lines.");
            }

            foreach (var (name, value) in table)
            {
                vars[name] = VarText(value);
            }
        }

        return new WranglerConfig
        {
            Directory = directory,
            Vars = vars,
            KvNamespaces = [.. Entries(root, "kv_namespaces", path).Select(e => new KvNamespaceConfig(Binding(e, "kv_namespaces", path), Text(e, "id")))],
            D1Databases = [.. Entries(root, "d1_databases", path).Select(e =>
            {
                var binding = Binding(e, "d1_databases", path);
                var migrations = Text(e, "migrations_dir");
                return new D1DatabaseConfig(
                    binding,
                    Text(e, "database_name") ?? binding,
                    System.IO.Path.GetFullPath(migrations ?? "migrations", directory),
                    migrations is not null);
            })],
            R2Buckets = [.. Entries(root, "r2_buckets", path).Select(e =>
            {
                var binding = Binding(e, "r2_buckets", path);
                return new R2BucketConfig(binding, Text(e, "bucket_name") ?? binding);
            })],
            Hyperdrives = [.. Entries(root, "hyperdrive", path).Select(e => new HyperdriveConfig(Binding(e, "hyperdrive", path), Text(e, "localConnectionString")))],
            Services = [.. Entries(root, "services", path).Select(e => new ServiceConfig(Binding(e, "services", path), Text(e, "service")))],
            DurableObjects = [.. DurableObjectEntries(root, path)],
        };
    }

    /// <summary><c>[[durable_objects.bindings]]</c> (also written <c>durable_objects = { bindings = [...] }</c>): name and class_name.</summary>
    private static IEnumerable<DurableObjectConfig> DurableObjectEntries(TomlTable root, string path)
    {
        if (!root.TryGetValue("durable_objects", out var value))
        {
            yield break;
        }

        if (value is not TomlTable table || !table.TryGetValue("bindings", out var bindings) || bindings is not System.Collections.IEnumerable entries)
        {
            throw new WorkerException($"{path}: durable_objects must hold bindings, written [[durable_objects.bindings]] with name = \"BINDING\" and class_name = \"Class\".");
        }

        foreach (var entry in entries)
        {
            if (entry is not TomlTable binding || Text(binding, "name") is not { Length: > 0 } name || Text(binding, "class_name") is not { Length: > 0 } className)
            {
                throw new WorkerException($"{path}: each [[durable_objects.bindings]] needs name = \"BINDING\" and class_name = \"Class\".");
            }

            yield return new DurableObjectConfig(name, className, Text(binding, "script_name"));
        }
    }

    private static IEnumerable<TomlTable> Entries(TomlTable root, string section, string path) =>
        !root.TryGetValue(section, out var value) ? []
        : value as TomlTableArray as IEnumerable<TomlTable>
            ?? throw new WorkerException($"{path}: {section} must be an array of tables, written [[{section}]] (double brackets), one per binding.");

    private static string Binding(TomlTable entry, string section, string path) =>
        Text(entry, "binding") is { Length: > 0 } binding
            ? binding
            : throw new WorkerException($"{path}: a [[{section}]] entry has no binding; add binding = \"NAME\" (the name your code passes to env).");

    private static string? Text(TomlTable entry, string key) =>
        entry.TryGetValue(key, out var value) ? Convert.ToString(value, CultureInfo.InvariantCulture) : null;

    /// <summary>Vars are text; as in Workers, a non-string var (number, bool, table) reaches the code as its JSON.</summary>
    private static string VarText(object value) => value switch
    {
        string s => s,
        bool b => b ? "true" : "false",
        long or double => Convert.ToString(value, CultureInfo.InvariantCulture)!,
        _ => ToJson(value).GetRawText(),
    };

    private static JsonElement ToJson(object value)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            Write(writer, value);
        }

        using var document = JsonDocument.Parse(stream.ToArray());
        return document.RootElement.Clone();

        static void Write(Utf8JsonWriter writer, object? value)
        {
            switch (value)
            {
                case string s: writer.WriteStringValue(s); break;
                case bool b: writer.WriteBooleanValue(b); break;
                case long l: writer.WriteNumberValue(l); break;
                case double d: writer.WriteNumberValue(d); break;
                case TomlTable table:
                    writer.WriteStartObject();
                    foreach (var (k, v) in table)
                    {
                        writer.WritePropertyName(k);
                        Write(writer, v);
                    }

                    writer.WriteEndObject();
                    break;
                case System.Collections.IEnumerable items:
                    writer.WriteStartArray();
                    foreach (var item in items)
                    {
                        Write(writer, item);
                    }

                    writer.WriteEndArray();
                    break;
                default: writer.WriteStringValue(Convert.ToString(value, CultureInfo.InvariantCulture)); break;
            }
        }
    }
}

/// <summary>A <c>[[kv_namespaces]]</c> entry.</summary>
/// <param name="Binding">The name code passes to <c>env.Kv</c>.</param>
/// <param name="Id">The namespace's id on Cloudflare; null when not set (local runs do not need it).</param>
public sealed record KvNamespaceConfig(string Binding, string? Id);

/// <summary>A <c>[[d1_databases]]</c> entry; <see cref="MigrationsDirectory"/> is absolute.</summary>
/// <param name="Binding">The name code passes to <c>env.D1</c>.</param>
/// <param name="DatabaseName">The <c>database_name</c>, or the binding when not set; it names the local file.</param>
/// <param name="MigrationsDirectory">
/// The <c>migrations_dir</c>, or <c>migrations</c> next to wrangler.toml by default.
/// </param>
/// <param name="MigrationsDirectoryDeclared">
/// Whether <c>migrations_dir</c> was set (then the folder must exist).
/// </param>
public sealed record D1DatabaseConfig(string Binding, string DatabaseName, string MigrationsDirectory, bool MigrationsDirectoryDeclared);

/// <summary>An <c>[[r2_buckets]]</c> entry.</summary>
/// <param name="Binding">The name code passes to <c>env.Bucket</c>.</param>
/// <param name="BucketName">The <c>bucket_name</c>, or the binding when not set; it names the local folder.</param>
public sealed record R2BucketConfig(string Binding, string BucketName);

/// <summary>A <c>[[hyperdrive]]</c> entry; locally it connects to <see cref="LocalConnectionString"/>.</summary>
/// <param name="Binding">The name code passes to <c>env.Hyperdrive</c>.</param>
/// <param name="LocalConnectionString">
/// The <c>localConnectionString</c>, a <c>postgres://</c> URL of a local database; null when not set.
/// </param>
public sealed record HyperdriveConfig(string Binding, string? LocalConnectionString);

/// <summary>A <c>[[services]]</c> entry: a service binding to another Worker.</summary>
/// <param name="Binding">The name code passes to <c>env.Service</c>.</param>
/// <param name="Service">The other Worker's name (<c>service</c>); null when not set.</param>
public sealed record ServiceConfig(string Binding, string? Service);

/// <summary>A <c>[[durable_objects.bindings]]</c> entry.</summary>
/// <param name="Binding">The name code passes to <c>env.DurableObject</c>.</param>
/// <param name="ClassName">The Durable Object class (a C# class marked <c>[DurableObject]</c>).</param>
/// <param name="ScriptName">Another Worker that exports the class; null: this Worker (the only kind served natively).</param>
public sealed record DurableObjectConfig(string Binding, string ClassName, string? ScriptName);
