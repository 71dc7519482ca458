using Pmcp.Cli.Deploy;

namespace Pmcp.Cli.Tests;

/// <summary>What dev serves beside a project for its service bindings, and where dev --native sends them.</summary>
public sealed class BoundWorkersTests
{
    private const string Toml = """
        [workers]
        name = "caller"

        [workers.services]
        AUTH = { service = "auth-worker", project = "../Auth", url = "http://127.0.0.1:8788" }
        JS = { service = "js-worker", project = "../Js" }
        DEPLOYED = "deployed-worker"

        [env.staging]
        name = "caller-staging"

        [env.staging.services]
        AUTH = { service = "auth-worker-staging", url = "http://127.0.0.1:9999" }
        """;

    [Fact]
    public void TheBindingsCarryTheirFolderAndUrl()
    {
        using var project = new TempProject();
        Directory.CreateDirectory(Path.GetDirectoryName(project.Deploy.DeployToml)!);
        project.DeployToml = Toml;

        var bound = BoundWorkers.Of(project.Directory, null);

        Assert.Equal(["AUTH", "JS", "DEPLOYED"], bound.Select(b => b.Binding));
        var auth = bound[0];
        Assert.Equal(Path.GetFullPath(Path.Combine(project.Directory, "..", "Auth")), auth.Folder);
        Assert.Equal("http://127.0.0.1:8788", auth.Url);
        Assert.Null(bound[2].Folder);

        // An environment's own binding replaces the top-level one of the same name.
        var staging = BoundWorkers.Of(project.Directory, "staging");
        Assert.Equal("http://127.0.0.1:9999", Assert.Single(staging, b => b.Binding == "AUTH").Url);
        Assert.Equal(3, staging.Count);
    }

    [Fact]
    public void APmcpProjectIsBuiltAndAPlainWorkerServedAsItIs()
    {
        using var project = new TempProject();
        using var auth = new TempProject("Auth");
        var js = Directory.CreateTempSubdirectory("pmcp-js-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(js, "wrangler.toml"), "name = \"js-worker\"\nmain = \"index.mjs\"\n");
            var served = BoundWorkers.ToServe(
            [
                new("AUTH", "auth-worker", auth.Directory, null),
                new("AUTH_AGAIN", "auth-worker", auth.Directory, null),
                new("JS", "js-worker", js, null),
                new("DEPLOYED", "deployed-worker", null, null),
            ]);

            Assert.Equal(2, served.Count); // the same folder is served once; a binding without a project is not served
            Assert.Equal(Path.Combine(auth.Directory, ".pmcp", "workers", "wrangler.toml"), served[0].WranglerToml);
            Assert.NotNull(served[0].Project);
            Assert.Equal(Path.Combine(js, "wrangler.toml"), served[1].WranglerToml);
            Assert.Null(served[1].Project);
        }
        finally
        {
            Directory.Delete(js, recursive: true);
        }
    }

    [Fact]
    public void AFolderWithNeitherAProjectNorAWranglerTomlSaysWhatItNeeds()
    {
        var empty = Directory.CreateTempSubdirectory("pmcp-empty-").FullName;
        try
        {
            var error = Assert.Throws<CliException>(() => BoundWorkers.ToServe([new("AUTH", "auth-worker", empty, null)]));
            Assert.Contains("[workers.services] AUTH project", error.Message, StringComparison.Ordinal);
            Assert.Contains("no .csproj and no wrangler.toml", error.Message, StringComparison.Ordinal);

            var missing = Assert.Throws<CliException>(() => BoundWorkers.ToServe([new("AUTH", "auth-worker", Path.Combine(empty, "nope"), null)]));
            Assert.Contains("no such folder", missing.Message, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(empty, recursive: true);
        }
    }

    [Fact]
    public void AServiceNameThatIsNotTheServedWorkersNameIsAWarning()
    {
        var js = Directory.CreateTempSubdirectory("pmcp-js-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(js, "wrangler.toml"), "name = \"echo-worker\"\nmain = \"index.mjs\"\n");

            var wrong = Assert.Single(BoundWorkers.ToServe([new("ECHO", "echoworker", js, null)]));
            var right = Assert.Single(BoundWorkers.ToServe([new("ECHO", "echo-worker", js, null)]));

            Assert.Contains("set service = \"echo-worker\" in [workers.services]", BoundWorkers.NameMismatch(wrong), StringComparison.Ordinal);
            Assert.Null(BoundWorkers.NameMismatch(right));
        }
        finally
        {
            Directory.Delete(js, recursive: true);
        }
    }
}
