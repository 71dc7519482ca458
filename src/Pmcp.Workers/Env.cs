namespace Pmcp.Workers;

/// <summary>
/// The Worker's environment: vars and secrets now, bindings (KV, D1, R2, Hyperdrive) as they arrive.
/// Inside workerd it reads the <c>env</c> object of the request; natively, a local source.
/// </summary>
public sealed class Env(IEnvSource source)
{
    /// <summary>A plain-text var from <c>[vars]</c> in wrangler.toml (or <c>[workers.vars]</c> in .pmcp/deploy.toml).</summary>
    public string Var(string name) =>
        source.GetString(name) ?? throw new WorkerException(
            $"No var '{name}'. Declare it in wrangler.toml under [vars] (or in .pmcp/deploy.toml under [workers.vars]), e.g. {name} = \"value\".");

    /// <summary>A secret (set with <c>wrangler secret put</c>; locally from <c>.dev.vars</c>). Its value is never logged.</summary>
    public string Secret(string name) =>
        source.GetString(name) ?? throw new WorkerException(
            $"No secret '{name}'. Set it with: dotnet pmcp deploy secrets set {name} (locally: add {name}=... to .dev.vars next to wrangler.toml).");

    /// <summary>The var or secret, or null when the Worker has none by that name.</summary>
    public string? GetOrDefault(string name) => source.GetString(name);
}

/// <summary>Where an <see cref="Env"/> reads its values from.</summary>
public interface IEnvSource
{
    string? GetString(string name);
}

/// <summary>An environment backed by a dictionary: native hosts and tests.</summary>
public sealed class DictionaryEnvSource(IReadOnlyDictionary<string, string> values) : IEnvSource
{
    public string? GetString(string name) => values.GetValueOrDefault(name);
}
