using Tomlyn;
using Tomlyn.Model;

namespace Pmcp.Cli.Deploy;

/// <summary>
/// The Worker a command acts on: the top-level one, or an <c>[env.NAME]</c>'s (<c>--env NAME</c>). Read from the
/// generated wrangler.toml, since that is what wrangler itself will deploy, delete or tail.
/// </summary>
internal sealed record DeployTarget(string? Environment, string WorkerName)
{
    /// <summary>"the top-level Worker my-server" or "the staging Worker my-server-staging", for messages.</summary>
    /// <summary>The top-level <c>account_id</c> of wrangler.toml (from deploy.toml), or null when it names none.</summary>
    public string? AccountId { get; init; }

    public string Describe() => Environment is null ? $"the Worker {WorkerName}" : $"the {Environment} Worker {WorkerName}";

    /// <summary>
    /// wrangler's <c>--env NAME</c>; for the top-level Worker an explicit empty <c>--env=</c>, which is how wrangler is
    /// told "no environment" when the file declares some (else it warns that none was chosen).
    /// </summary>
    public IReadOnlyList<string> EnvArguments => Environment is null ? ["--env="] : ["--env", Environment];

    public static DeployTarget Resolve(string wranglerToml, string? environment)
    {
        var root = Read(wranglerToml);
        var display = DeployProject.Display(wranglerToml);
        var name = root.TryGetValue("name", out var n) && n is string text && text.Length > 0
            ? text
            : throw new CliException($"{display} names no Worker (its 'name' key). Set [workers] name in .pmcp/deploy.toml, or name in {display}.");
        var accountId = root.TryGetValue("account_id", out var account) && account is string { Length: > 0 } id ? id : null;
        if (environment is null)
        {
            return new DeployTarget(null, name) { AccountId = accountId };
        }

        var env = EnvironmentSection(root, environment, display);

        // wrangler's own rule: an environment without a name deploys as <name>-<env>.
        return new DeployTarget(environment, env.TryGetValue("name", out var own) && own is string ownName && ownName.Length > 0 ? ownName : $"{name}-{environment}") { AccountId = accountId };
    }

    /// <summary>
    /// The table of a wrangler.toml that holds the Worker's keys and bindings: the top level, or an <c>[env.NAME]</c>
    /// (wrangler passes neither vars nor bindings on to environments); an undeclared environment has none.
    /// </summary>
    public static TomlTable Section(string wranglerToml, string? environment)
    {
        var root = Read(wranglerToml);
        return environment is null ? root
            : Environments(root).TryGetValue(environment, out var section) && section is TomlTable env ? env : new TomlTable();
    }

    private static TomlTable Read(string wranglerToml)
    {
        var display = DeployProject.Display(wranglerToml);
        if (!File.Exists(wranglerToml))
        {
            throw new CliException($"{display} does not exist. Run dotnet pmcp deploy init first.");
        }

        try
        {
            return TomlSerializer.Deserialize<TomlTable>(File.ReadAllText(wranglerToml)) ?? new TomlTable();
        }
        catch (TomlException e)
        {
            throw new CliException($"'{display}' is not valid TOML: {e.Message.Trim()}; fix it, or run dotnet pmcp deploy init --force to replace it.");
        }
    }

    private static TomlTable EnvironmentSection(TomlTable root, string environment, string display)
    {
        var environments = Environments(root);
        if (environments.TryGetValue(environment, out var section) && section is TomlTable env)
        {
            return env;
        }

        var known = environments.Keys.Order(StringComparer.Ordinal).ToList();
        throw new CliException(known.Count == 0
            ? $"--env {environment}: {display} has no environments. Declare [env.{environment}] in .pmcp/deploy.toml (deploy init writes staging and production)."
            : $"--env {environment}: no such environment in {display}; it has {string.Join(", ", known)}. Add [env.{environment}] to .pmcp/deploy.toml to create it.");
    }

    private static TomlTable Environments(TomlTable root) => root.TryGetValue("env", out var all) && all is TomlTable table ? table : new TomlTable();
}
