namespace Pmcp.Cli.Deploy;

/// <summary>
/// One kind of Cloudflare binding as deploy.toml and wrangler.toml spell it: <c>[workers.kv_namespaces] CACHE = "id"</c>
/// becomes <c>[[kv_namespaces]] binding = "CACHE" id = "id"</c>. <see cref="MainKey"/> is what the short form sets; the
/// long form (<c>CACHE = { id = "…", preview_id = "…" }</c>) may also set <see cref="OptionalKeys"/>.
/// </summary>
internal sealed record BindingKind(string Section, string MainKey, string Meaning, string[] OptionalKeys)
{
    /// <summary>Keys of deploy.toml only, for <c>dotnet pmcp dev</c>: never written to wrangler.toml.</summary>
    public string[] DevKeys { get; init; } = [];

    public static readonly BindingKind Kv = new("kv_namespaces", "id", "the namespace id", ["preview_id"]);

    public static readonly BindingKind D1 = new("d1_databases", "database_id", "the database id", ["database_name", "migrations_dir", "migrations_table", "preview_database_id"]);

    public static readonly BindingKind R2 = new("r2_buckets", "bucket_name", "the bucket name", ["preview_bucket_name", "jurisdiction"]);

    public static readonly BindingKind Hyperdrive = new("hyperdrive", "id", "the Hyperdrive configuration id", ["localConnectionString"]);

    /// <summary>
    /// A service binding to another Worker: <c>[workers.services] AUTH = { service = "auth-worker", project = "../AuthWorker",
    /// url = "http://127.0.0.1:8788" }</c>. <c>project</c> (the other Worker's folder, relative to this project's) is what
    /// <c>dev</c> serves beside this one; <c>url</c> is where <c>dev --native</c> sends the binding's requests.
    /// </summary>
    public static readonly BindingKind Service = new("services", "service", "the other Worker's name", ["entrypoint", ProjectKey, UrlKey]) { DevKeys = [ProjectKey, UrlKey] };

    /// <summary>
    /// A Durable Object namespace: <c>[workers.durable_objects] COUNTER = "Counter"</c> (the class, a C# class marked
    /// <c>[DurableObject]</c>), written to wrangler.toml as <c>[[durable_objects.bindings]] name = "COUNTER"
    /// class_name = "Counter"</c>; <c>script_name</c> binds another Worker's class. The classes also get
    /// <c>[[migrations]]</c> (<see cref="DurableObjectMigrations"/>).
    /// </summary>
    public static readonly BindingKind DurableObject = new("durable_objects", "class_name", "the Durable Object class name", ["script_name"])
    {
        WranglerSection = "durable_objects.bindings",
        WranglerNameKey = "name",
    };

    /// <summary>The wrangler.toml array the entries go in (<see cref="Section"/> but for Durable Objects).</summary>
    public string WranglerSection { get => field ?? Section; init; }

    /// <summary>The key of a wrangler.toml entry that holds the binding's name.</summary>
    public string WranglerNameKey { get; init; } = "binding";

    /// <summary>A service binding's folder of the other Worker, for <c>dev</c>.</summary>
    public const string ProjectKey = "project";

    /// <summary>A service binding's URL for <c>dev --native</c>.</summary>
    public const string UrlKey = "url";

    /// <summary>In the order wrangler.toml lists them.</summary>
    public static readonly BindingKind[] All = [Kv, D1, R2, Hyperdrive, Service, DurableObject];

    /// <summary>The keys of a wrangler.toml entry that deploy.toml decides (the rest are the user's and are kept).</summary>
    public IEnumerable<string> WranglerKeys => [WranglerNameKey, MainKey, .. OptionalKeys.Except(DevKeys)];
}

/// <summary>A binding: its name in code (<c>env.Kv("CACHE")</c>), its main value and any optional settings.</summary>
internal sealed record DeployBinding(BindingKind Kind, string Name, string Value, IReadOnlyList<KeyValuePair<string, string>> Options)
{
    /// <summary>The wrangler.toml entry's keys after <c>binding</c>. D1 gets a database_name (wrangler's d1 commands and
    /// local migrations find the database by it): the binding name unless deploy.toml names it.</summary>
    public IEnumerable<KeyValuePair<string, string>> WranglerFields()
    {
        if (Kind == BindingKind.D1)
        {
            yield return new("database_name", Options.FirstOrDefault(o => o.Key == "database_name").Value ?? Name);
        }

        yield return new(Kind.MainKey, Value);
        foreach (var option in Options.Where(o => (Kind != BindingKind.D1 || o.Key != "database_name") && !Kind.DevKeys.Contains(o.Key)))
        {
            yield return option;
        }
    }

    /// <summary>A setting of deploy.toml's long form (<c>project</c>, <c>url</c>, …), or null.</summary>
    public string? Option(string key) => Options.FirstOrDefault(o => o.Key == key).Value;
}
