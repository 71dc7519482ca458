namespace Pmcp.WorkerdTests;

/// <summary>
/// A git-ignored copy of a project served by both hosts (PipelineHosts, WeatherApiHosts): its files, its
/// <c>.pmcp/workers/wrangler.toml</c> and a <c>.dev.vars</c> of the test's own, so the original stays untouched.
/// </summary>
internal static class ProjectCopy
{
    /// <summary>Copies <paramref name="source"/>'s top-level files and wrangler.toml into <paramref name="copy"/> (replaced if there) and writes its .dev.vars.</summary>
    public static async Task CreateAsync(string source, string copy, string devVars)
    {
        Delete(copy);
        Directory.CreateDirectory(Path.Combine(copy, ".pmcp", "workers"));
        foreach (var file in Directory.GetFiles(source))
        {
            File.Copy(file, Path.Combine(copy, Path.GetFileName(file)));
        }

        File.Copy(Path.Combine(source, ".pmcp", "workers", "wrangler.toml"), Path.Combine(copy, ".pmcp", "workers", "wrangler.toml"));
        await File.WriteAllTextAsync(Path.Combine(copy, ".pmcp", "workers", ".dev.vars"), devVars);
    }

    /// <summary>Stops the hosts that started (null: never started), then deletes the copy whatever happened.</summary>
    public static async Task StopAsync(string copy, params RunningWorker?[] hosts)
    {
        try
        {
            foreach (var host in hosts)
            {
                if (host is not null)
                {
                    await host.DisposeAsync();
                }
            }
        }
        finally
        {
            Delete(copy);
        }
    }

    private static void Delete(string copy)
    {
        if (Directory.Exists(copy))
        {
            Directory.Delete(copy, recursive: true);
        }
    }
}
