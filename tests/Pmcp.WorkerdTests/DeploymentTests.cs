using System.Globalization;
using System.Text.RegularExpressions;
using Pmcp.Testing;

namespace Pmcp.WorkerdTests;

/// <summary>What Cloudflare would do with the bundles: validate them, run them with nodejs_compat, give each isolate its own seeds.</summary>
[Collection("workerd")]
public sealed partial class DeploymentTests(WorkerdFixture workers)
{
    [Theory]
    [InlineData("samples/HelloWorld")]
    [InlineData("samples/Conformance")]
    [InlineData("tests/Workers/RoutesWorker")]
    public async Task WranglerDryRunAcceptsTheGeneratedBundle(string project)
    {
        _ = workers; // the fixture built the bundles and installed wrangler
        var outdir = Directory.CreateTempSubdirectory("pmcp-dry-run-");
        try
        {
            var (exitCode, output) = await Wrangler.RunAsync(
                Path.Combine(RepoPaths.Root, project, ".pmcp", "workers"), TimeSpan.FromMinutes(2), "deploy", "--dry-run", "--outdir", outdir.FullName);

            Assert.True(exitCode == 0, output);
            var upload = TotalUpload().Match(output);
            Assert.True(upload.Success, output);
            var gzipKiB = double.Parse(upload.Groups["gzip"].Value, CultureInfo.InvariantCulture);
            Assert.InRange(gzipKiB, 500, 10 * 1024); // a real .NET bundle, within the Paid plan's limit
            Assert.True(File.Exists(Path.Combine(outdir.FullName, "shim.js")) || Directory.GetFiles(outdir.FullName, "*.js").Length > 0, "no bundled entry in " + outdir.FullName);
        }
        finally
        {
            outdir.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task TheWorkerRunsWithNodejsCompatAndEachIsolateHasItsOwnHashSeed()
    {
        var workersDirectory = Path.Combine(RepoPaths.Root, "tests", "Workers", "RoutesWorker", ".pmcp", "workers");
        var config = Path.Combine(workersDirectory, "wrangler.nodejs-compat.toml");
        var original = await File.ReadAllTextAsync(Path.Combine(workersDirectory, "wrangler.toml"));
        await File.WriteAllTextAsync(config, original.Replace("main = ", "compatibility_flags = [\"nodejs_compat\"]\nmain = ", StringComparison.Ordinal));
        var port = WorkerdFixture.FreePort();
        using var wrangler = Wrangler.Start(workersDirectory, "dev", "-c", config, "--local", "--ip", "127.0.0.1", "--port", port.ToString(CultureInfo.InvariantCulture), "--show-interactive-dev-session=false");
        var output = new System.Text.StringBuilder();
        wrangler.OutputDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        wrangler.ErrorDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        wrangler.BeginOutputReadLine();
        wrangler.BeginErrorReadLine();
        try
        {
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
            var baseAddress = $"http://127.0.0.1:{port}";
            await WaitForAsync(http, baseAddress + "/health", wrangler, output);

            using var delayed = await http.GetAsync(baseAddress + "/delay/15");
            var compatHash = await http.GetStringAsync(baseAddress + "/hash/seed-check");
            var fixtureHash = await http.GetStringAsync(workers.Routes.BaseAddress + "/hash/seed-check");

            Assert.Equal("waited 15 ms", await delayed.Content.ReadAsStringAsync());
            Assert.Equal(compatHash, await http.GetStringAsync(baseAddress + "/hash/seed-check"));
            lock (output)
            {
                if (workers.Routes.Restored)
                {
                    // Both restored from one start-up image: they share the string-hash seed (docs/security.md).
                    Assert.Contains("started from the start-up image", output.ToString(), StringComparison.Ordinal);
                    Assert.Equal(fixtureHash, compatHash);
                }
                else
                {
                    Assert.Contains("startup drew 2 random values from Math.random (12 bytes)", output.ToString(), StringComparison.Ordinal);
                    Assert.NotEqual(fixtureHash, compatHash);
                }
            }
        }
        finally
        {
            wrangler.Kill(entireProcessTree: true);
            await wrangler.WaitForExitAsync();
            File.Delete(config);
        }
    }

    [Fact]
    public void StartupDrawsOnlyTheTwoHashSeeds()
    {
        // Math.random serves crypto.getRandomValues while .NET boots (workerd forbids real random values in global
        // scope). Only System.Text.Json's option cache draws there: HashCode's seed (4 bytes) and the string-hash
        // seed (8 bytes). Anything more would be a security-relevant value made from a non-cryptographic source.
        // Restored from a start-up image, start-up draws nothing: the build refused an image holding more than the two
        // seeds (StartupImageTests), and the restored runtime has them already.
        foreach (var worker in new[] { workers.HelloWorld, workers.Conformance })
        {
            if (worker.Restored)
            {
                Assert.DoesNotContain("startup drew", worker.Output, StringComparison.Ordinal);
            }
            else
            {
                Assert.Contains("startup drew 2 random values from Math.random (12 bytes)", worker.Output, StringComparison.Ordinal);
            }
        }
    }

    private static async Task WaitForAsync(HttpClient http, string url, System.Diagnostics.Process process, System.Text.StringBuilder output)
    {
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while (DateTime.UtcNow < deadline)
        {
            Assert.False(process.HasExited, "wrangler dev exited:\n" + output);
            try
            {
                using var response = await http.GetAsync(url);
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }

            await Task.Delay(250);
        }

        Assert.Fail("wrangler dev did not answer within 2 minutes:\n" + output);
    }

    [GeneratedRegex(@"Total Upload: (?<raw>[\d.]+) KiB / gzip: (?<gzip>[\d.]+) KiB")]
    private static partial Regex TotalUpload();
}
