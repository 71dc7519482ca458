using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Pmcp.Testing;

namespace Pmcp.WorkerdTests;

/// <summary>
/// wrangler.toml's <c>[build]</c> section (issue 14): wrangler run on its own from <c>.pmcp/workers</c>, as the chapter
/// runs it, builds the Worker through <c>dotnet pmcp deploy build</c>; <c>dotnet pmcp deploy</c>, which builds and then
/// runs wrangler, builds once. The build uses the default settings, so it also shows the start-up image on by default.
/// </summary>
[Collection("workerd")]
public sealed partial class WranglerBuildSectionTests(FreshProject fresh)
{
    [Fact]
    public async Task WranglerOnItsOwnBuildsTheWorkerAndDotnetPmcpDeployBuildsItOnce()
    {
        var root = Directory.CreateTempSubdirectory("pmcp-build-section-");
        try
        {
            Folders.Copy(fresh.Folder, root.FullName);
            var workers = Path.Combine(root.FullName, "src", "MyServer", ".pmcp", "workers");
            var bundle = Path.Combine(workers, "build", "worker");
            Directory.Delete(bundle, recursive: true);

            var (exitCode, alone) = await Wrangler.RunAsync(workers, TimeSpan.FromMinutes(10), build: true, "deploy", "--dry-run");

            Assert.True(exitCode == 0, alone);
            Assert.Contains("[custom build] Running: dotnet pmcp deploy build ../.. --target cloudflare-workers", alone, StringComparison.Ordinal);
            Assert.True(File.Exists(Path.Combine(bundle, "snapshot", "image.bin")), alone);
            // Default settings: the image is on (the bundle fits 64 MiB), and the start-up CPU is a restore's, measured.
            var status = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(workers, "build", "snapshot.json")))!;
            Assert.True(status["On"]!.GetValue<bool>(), alone);
            Assert.Equal("auto: the bundle with it fits Cloudflare's 64 MiB", status["Reason"]!.GetValue<string>());
            Assert.InRange(status["StartupCpuMs"]!.GetValue<double>(), 1, 1000);
            Assert.StartsWith("measured restoring .NET from the image in Node", status["StartupMeasure"]!.GetValue<string>(), StringComparison.Ordinal);
            Assert.Contains("Start-up CPU: ", alone, StringComparison.Ordinal);
            Assert.Matches(TotalUpload(), alone);

            var deploy = await FreshProject.RunAsync(root.FullName, "deploy", "src/MyServer", "--dry-run");

            Assert.Single(Regex.Matches(deploy, "Start-up image:")); // one size report: one build
            Assert.Contains("[custom build] The Worker bundle was just built by the dotnet pmcp command that runs wrangler: not building it again.", deploy, StringComparison.Ordinal);
            Assert.Contains("Dry run passed", deploy, StringComparison.Ordinal);
        }
        finally
        {
            root.Delete(recursive: true);
        }
    }

    [GeneratedRegex(@"Total Upload: [\d.]+ KiB / gzip: [\d.]+ KiB")]
    private static partial Regex TotalUpload();
}
