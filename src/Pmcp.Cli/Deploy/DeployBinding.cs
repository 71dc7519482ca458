namespace Pmcp.Cli.Deploy;

/// <summary>
/// One kind of Cloudflare binding as deploy.toml and wrangler.toml spell it: <c>[workers.kv_namespaces] CACHE = "id"</c>
/// becomes <c>[[kv_namespaces]] binding = "CACHE" id = "id"</c>. <see cref="MainKey"/> is what the short form sets; the
/// long form (<c>CACHE = { id = "…", preview_id = "…" }</c>) may also set <see cref="OptionalKeys"/>.
/// </summary>
internal sealed record BindingKind(string Section, string MainKey, string Meaning, string[] OptionalKeys)
{
    public static readonly BindingKind Kv = new("kv_namespaces", "id", "the namespace id", ["preview_id"]);

    public static readonly BindingKind D1 = new("d1_databases", "database_id", "the database id", ["database_name", "migrations_dir", "migrations_table", "preview_database_id"]);

    public static readonly BindingKind R2 = new("r2_buckets", "bucket_name", "the bucket name", ["preview_bucket_name", "jurisdiction"]);

    public static readonly BindingKind Hyperdrive = new("hyperdrive", "id", "the Hyperdrive configuration id", ["localConnectionString"]);

    /// <summary>In the order wrangler.toml lists them.</summary>
    public static readonly BindingKind[] All = [Kv, D1, R2, Hyperdrive];

    /// <summary>The keys of a wrangler.toml entry that deploy.toml decides (the rest are the user's and are kept).</summary>
    public IEnumerable<string> WranglerKeys => ["binding", MainKey, .. OptionalKeys];
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
        foreach (var option in Options.Where(o => Kind != BindingKind.D1 || o.Key != "database_name"))
        {
            yield return option;
        }
    }
}
