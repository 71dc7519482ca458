using System.Text.RegularExpressions;
using Pmcp.Testing;

namespace Pmcp.WorkerdTests;

/// <summary>
/// wrangler itself accepts what <c>dotnet pmcp deploy init</c> generates from a deploy.toml with every binding kind,
/// routes, a custom domain and both environments: <c>wrangler deploy --dry-run</c> for each environment.
/// </summary>
[Collection("workerd")]
public sealed partial class DeployConfigDryRunTests(WorkerdFixture workers)
{
    [Theory]
    [InlineData(null)]
    [InlineData("staging")]
    [InlineData("production")]
    public async Task WranglerAcceptsTheGeneratedConfiguration(string? environment)
    {
        _ = workers; // the fixture built HelloWorld's bundle and installed wrangler
        var project = Directory.CreateTempSubdirectory("pmcp-deploy-init-");
        var outdir = Directory.CreateTempSubdirectory("pmcp-dry-run-");
        try
        {
            await File.WriteAllTextAsync(Path.Combine(project.FullName, "HelloWorld.csproj"), "<Project Sdk=\"Microsoft.NET.Sdk\"></Project>\n");
            var (initExit, initOutput) = await CliProcess.RunAsync(TimeSpan.FromMinutes(2), "deploy", "init", project.FullName, "--target", "cloudflare-workers");
            Assert.True(initExit == 0, initOutput);

            var deployToml = Path.Combine(project.FullName, ".pmcp", "deploy.toml");
            var text = (await File.ReadAllTextAsync(deployToml))
                .Replace("# CACHE = \"your-kv-namespace-id\"", "CACHE = \"0123456789abcdef0123456789abcdef\"", StringComparison.Ordinal)
                .Replace("# DB = \"your-d1-database-id\"\n", "DB = { database_id = \"00000000-0000-0000-0000-000000000001\", database_name = \"my-database\" }\n", StringComparison.Ordinal)
                .Replace("# STORAGE = \"your-r2-bucket-name\"", "STORAGE = \"my-bucket\"", StringComparison.Ordinal)
                .Replace("# EXTERNAL_DB = \"your-hyperdrive-id\"", "EXTERNAL_DB = \"0123456789abcdef0123456789abcdef\"", StringComparison.Ordinal)
                .Replace("[env.production.vars]", "[[env.production.routes]]\npattern = \"mcp.example.com/*\"\nzone_name = \"example.com\"\n\n[[env.production.routes]]\npattern = \"tools.example.com\"\ncustom_domain = true\n\n[env.production.vars]", StringComparison.Ordinal);
            await File.WriteAllTextAsync(deployToml, text);
            var (syncExit, syncOutput) = await CliProcess.RunAsync(TimeSpan.FromMinutes(2), "deploy", "init", project.FullName);
            Assert.True(syncExit == 0, syncOutput);
            Assert.Contains("regenerated", syncOutput, StringComparison.Ordinal);

            var workersDirectory = Path.Combine(project.FullName, ".pmcp", "workers");
            var bundle = Path.Combine(RepoPaths.Root, "samples", "HelloWorld", ".pmcp", "workers", "build");
            Assert.True(Directory.Exists(bundle), $"no bundle at {bundle}; the workerd fixture builds it");
            Folders.Copy(bundle, Path.Combine(workersDirectory, "build"));
            string[] arguments = environment is null
                ? ["deploy", "--dry-run", "--outdir", outdir.FullName]
                : ["deploy", "--dry-run", "--outdir", outdir.FullName, "--env", environment];
            var (exitCode, output) = await Wrangler.RunAsync(workersDirectory, TimeSpan.FromMinutes(2), arguments);

            Assert.True(exitCode == 0, output);
            Assert.Matches(TotalUpload(), output);
            Assert.Contains("env.CACHE", output, StringComparison.Ordinal);
            Assert.Contains("env.DB", output, StringComparison.Ordinal);
            Assert.Contains("env.STORAGE", output, StringComparison.Ordinal);
            Assert.Contains("env.EXTERNAL_DB", output, StringComparison.Ordinal);
            Assert.Contains(environment ?? "development", output, StringComparison.Ordinal); // the ENVIRONMENT var
            Assert.DoesNotContain("is not inherited by environments", output, StringComparison.Ordinal);
        }
        finally
        {
            project.Delete(recursive: true);
            outdir.Delete(recursive: true);
        }
    }

    [GeneratedRegex(@"Total Upload: [\d.]+ KiB / gzip: [\d.]+ KiB")]
    private static partial Regex TotalUpload();
}
