namespace Pmcp.Cli.Tests;

/// <summary><c>dotnet pmcp deploy init</c>: the chapter's files, idempotent, never overwriting edits without --force.</summary>
public sealed class DeployInitTests
{
    [Fact]
    public void WritesTheChaptersLayout()
    {
        using var project = new TempProject();

        var messages = project.Deploy.Init(force: false);

        Assert.Equal(2, messages.Count);
        Assert.StartsWith("created ", messages[0], StringComparison.Ordinal);
        Assert.StartsWith("created ", messages[1], StringComparison.Ordinal);
        Golden.Matches("init.deploy.toml", project.DeployToml);
        Golden.Matches("init.wrangler.toml", project.WranglerToml);
    }

    [Fact]
    public void TheChaptersKeysAreAllThere()
    {
        using var project = new TempProject();
        project.Deploy.Init(force: false);

        var text = project.DeployToml;
        foreach (var line in new[]
        {
            "[target]", "target_type = \"cloudflare-workers\"", "[server]", "[cloudflare]", "account_id = ", "zone_id = ",
            "[workers]", "name = \"my-server\"", "compatibility_date = ", "main = \"build/worker/shim.mjs\"", "[workers.vars]",
            "[workers.kv_namespaces]", "[workers.d1_databases]", "[workers.r2_buckets]", "[workers.hyperdrive]", "workers_dev = true",
            "[env.staging]", "[env.staging.vars]", "[env.production]", "[env.production.vars]",
        })
        {
            Assert.Contains(line, text, StringComparison.Ordinal);
        }

        Assert.Contains($"compatibility_date = \"{Tools.PinnedTools.DefaultCompatibilityDate}\"", project.WranglerToml, StringComparison.Ordinal);
    }

    [Fact]
    public void RunningItAgainChangesNothing()
    {
        using var project = new TempProject();
        project.Deploy.Init(force: false);
        var deploy = project.DeployToml;
        var wrangler = project.WranglerToml;

        var messages = project.Deploy.Init(force: false);

        Assert.Equal(deploy, project.DeployToml);
        Assert.Equal(wrangler, project.WranglerToml);
        Assert.StartsWith("kept ", messages[0], StringComparison.Ordinal);
        Assert.EndsWith("wrangler.toml: unchanged", messages[1], StringComparison.Ordinal);
    }

    [Fact]
    public void KeepsTheUsersDeployTomlAndRegeneratesWranglerFromIt()
    {
        using var project = new TempProject();
        project.Deploy.Init(force: false);
        project.DeployToml = project.DeployToml.Replace("# CACHE = \"your-kv-namespace-id\"", "CACHE = \"kv-1\"", StringComparison.Ordinal);
        var edited = project.DeployToml;

        var messages = project.Deploy.Init(force: false);

        Assert.Equal(edited, project.DeployToml);
        Assert.Contains("kept ", messages[0], StringComparison.Ordinal);
        Assert.StartsWith("regenerated ", messages[1], StringComparison.Ordinal);
        Assert.Contains("[[kv_namespaces]]\nbinding = \"CACHE\"\nid = \"kv-1\"\n", project.WranglerToml, StringComparison.Ordinal);
    }

    [Fact]
    public void ForceWritesBothFilesAfresh()
    {
        using var project = new TempProject();
        project.Deploy.Init(force: false);
        var deploy = project.DeployToml;
        var wrangler = project.WranglerToml;
        project.DeployToml = deploy.Replace("name = \"my-server\"", "name = \"renamed\"", StringComparison.Ordinal);
        project.WranglerToml = wrangler + "\n[observability]\nenabled = true\n";

        var messages = project.Deploy.Init(force: true);

        Assert.StartsWith("overwrote ", messages[0], StringComparison.Ordinal);
        Assert.Equal(deploy, project.DeployToml);
        Assert.Equal(wrangler, project.WranglerToml);
    }

    [Fact]
    public void AnExistingWranglerTomlGivesDeployTomlItsValues()
    {
        using var project = new TempProject("Notes");
        var original = File.ReadAllText(Path.Combine(Repo.Root, "samples", "Notes", ".pmcp", "workers", "wrangler.toml"));
        project.WranglerToml = original;

        var messages = project.Deploy.Init(force: false);

        Assert.Contains("from the values of", messages[0], StringComparison.Ordinal);
        Golden.Matches("import.deploy.toml", project.DeployToml);
        Golden.Matches("import.wrangler.toml", project.WranglerToml);
        var regenerated = project.WranglerToml;
        foreach (var line in new[] { "name = \"notes\"", "binding = \"CACHE\"", "id = \"notes-cache\"", "database_name = \"notes\"", "database_id = \"local-notes\"", "migrations_dir = \"../../migrations\"", "bucket_name = \"notes-attachments\"" })
        {
            Assert.Contains(line, regenerated, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void WithoutDeployTomlTheHandWrittenWranglerTomlIsLeftAlone()
    {
        foreach (var sample in new[] { "samples/Notes", "tests/Workers/BindingsWorker", "tests/Workers/KvD1R2Worker", "tests/Workers/RoutesWorker" })
        {
            using var project = new TempProject();
            var original = File.ReadAllText(Path.Combine(Repo.Root, sample, ".pmcp", "workers", "wrangler.toml"));
            project.WranglerToml = original;

            Assert.Null(project.Deploy.SyncWrangler());
            Assert.Equal(original, project.WranglerToml);
        }
    }

    [Fact]
    public void WithoutDeployTomlTheDefaultWranglerTomlIsWrittenOnce()
    {
        using var project = new TempProject();

        Assert.NotNull(project.Deploy.SyncWrangler());
        Assert.Equal(Workers.WranglerConfig.Default("my-server", ["MyServer.csproj"]), project.WranglerToml);
        Assert.Null(project.Deploy.SyncWrangler());
    }
}
