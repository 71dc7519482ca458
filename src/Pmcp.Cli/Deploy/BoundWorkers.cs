using Pmcp.Cli.Projects;

namespace Pmcp.Cli.Deploy;

/// <summary>
/// The other Workers a project's service bindings name in <c>.pmcp/deploy.toml</c> (<c>[workers.services]</c>, and an
/// environment's own): what <c>dev</c> serves beside the project (<c>project</c>: a Pmcp project folder, or a folder
/// with a plain Worker's wrangler.toml) and where <c>dev --native</c> sends each binding's requests (<c>url</c>).
/// </summary>
internal static class BoundWorkers
{
    /// <summary>A service binding with its dev settings; <see cref="Folder"/> is absolute.</summary>
    public sealed record Bound(string Binding, string Service, string? Folder, string? Url);

    /// <summary>A Worker to serve beside the project: its wrangler.toml, and its project when it is a Pmcp one (to build first).</summary>
    public sealed record Served(string Binding, string WranglerToml, ServerProject? Project)
    {
        /// <summary>The other Worker's name the binding asks for (its <c>service</c>).</summary>
        public string Service { get; init; } = "";
    }

    /// <summary>The service bindings of the top-level Worker or of <paramref name="environment"/>; none without a deploy.toml.</summary>
    public static IReadOnlyList<Bound> Of(string projectDirectory, string? environment)
    {
        var deployToml = Path.Combine(projectDirectory, ".pmcp", "deploy.toml");
        if (!File.Exists(deployToml))
        {
            return [];
        }

        var config = DeployConfigReader.Load(deployToml, DeployProject.Display(deployToml));
        var bindings = config.Bindings.Where(b => b.Kind == BindingKind.Service).ToList();
        if (environment is not null && config.Environments.FirstOrDefault(e => e.Key == environment) is { } env)
        {
            var own = env.Bindings.Where(b => b.Kind == BindingKind.Service).ToList();
            bindings = [.. bindings.Where(b => own.All(o => o.Name != b.Name)), .. own];
        }

        return [.. bindings.Select(b => new Bound(
            b.Name,
            b.Value,
            b.Option(BindingKind.ProjectKey) is { Length: > 0 } folder ? Path.GetFullPath(folder, projectDirectory) : null,
            b.Option(BindingKind.UrlKey)))];
    }

    /// <summary>
    /// What <c>dev</c> serves beside the project for each binding that names a <c>project</c>: a folder with one .csproj
    /// is a Pmcp project (its <c>.pmcp/workers/wrangler.toml</c>, after it is built), one with a wrangler.toml a plain
    /// Worker. The same folder named by two bindings is served once.
    /// </summary>
    /// <exception cref="CliException">A folder does not exist, or holds neither.</exception>
    public static IReadOnlyList<Served> ToServe(IReadOnlyList<Bound> bound)
    {
        var served = new List<Served>();
        foreach (var binding in bound.Where(b => b.Folder is not null).DistinctBy(b => b.Folder))
        {
            var folder = binding.Folder!;
            var where = $"[workers.services] {binding.Binding} project \"{DeployProject.Display(folder)}\"";
            if (!Directory.Exists(folder))
            {
                throw new CliException($"{where}: no such folder. Give the folder of the Worker named {binding.Service} (relative to this project's folder).");
            }

            var projects = Directory.GetFiles(folder, "*.csproj");
            if (projects.Length == 1)
            {
                var project = new ServerProject(new FileInfo(projects[0]));
                served.Add(new Served(binding.Binding, Path.Combine(folder, ".pmcp", "workers", "wrangler.toml"), project) { Service = binding.Service });
            }
            else if (File.Exists(Path.Combine(folder, "wrangler.toml")))
            {
                served.Add(new Served(binding.Binding, Path.Combine(folder, "wrangler.toml"), null) { Service = binding.Service });
            }
            else
            {
                throw new CliException($"{where}: the folder has {(projects.Length == 0 ? "no .csproj" : $"{projects.Length} .csproj files")} and no wrangler.toml; give a Pmcp project's folder or a Worker's folder with its wrangler.toml.");
            }
        }

        return served;
    }

    /// <summary>
    /// Why the binding would not reach the Worker served for it: wrangler connects a binding to the Worker of that
    /// name, so a <c>service</c> that is not the served Worker's <c>name</c> answers "Worker not found". Null when they match.
    /// </summary>
    public static string? NameMismatch(Served served)
    {
        string name;
        try
        {
            name = DeployTarget.Resolve(served.WranglerToml, environment: null).WorkerName;
        }
        catch (Exception e) when (e is IOException or CliException)
        {
            return null; // wrangler itself will say what is wrong with the file
        }

        return name == served.Service ? null
            : $"service binding {served.Binding} names the Worker \"{served.Service}\", but {DeployProject.Display(served.WranglerToml)} serves \"{name}\"; set service = \"{name}\" in [workers.services] (or rename that Worker), else its calls answer \"Worker not found\".";
    }
}
