using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Pmcp.Testing;
using static Pmcp.Testing.McpClientDriver;

namespace Pmcp.WorkerdTests;

/// <summary>
/// The start-up image (issue 6: <c>[build] snapshot</c> in deploy.toml, <c>PMCP_SNAPSHOT</c> for tests): a project built
/// with it starts from the image in workerd and answers like a booted one (requests arriving at startup, 2,000 at 32
/// concurrent); it deploys with the image as a Data module; an image that does not match its bundle is not used
/// (normal boot, a warning), never a crash; isolates restored from one image draw their own random values; start-up
/// that draws more than .NET's two hash seeds gets no image. The official client, conformance suite and bindings
/// contract run against restored Workers in eng/test.sh's second pass over this project (PMCP_SNAPSHOT=on).
/// </summary>
[Collection("workerd")]
public sealed class StartupImageTests
{
    private static readonly Dictionary<string, string> ImageOn = new(WorkerdFixture.Environment) { ["PMCP_SNAPSHOT"] = "on" };

    [Fact]
    public async Task AWorkerRestoredFromItsImageAnswersLikeABootedOneAndAStaleImageFallsBackToBooting()
    {
        var root = Directory.CreateTempSubdirectory("pmcp-image-");
        try
        {
            await FreshProject.RunAsync(root.FullName, "new", "image-server");
            var folder = Path.Combine(root.FullName, "image-server");
            var build = await Run(folder, "deploy", "build", "src/ImageServer");
            Assert.Contains("Start-up image: on", build, StringComparison.Ordinal);
            var workers = Path.Combine(folder, "src", "ImageServer", ".pmcp", "workers");
            Assert.True(File.Exists(Path.Combine(workers, "build", "worker", "snapshot", "image.bin")));

            // Restored: the log says so, requests sent the moment it listens are all answered, then the official client and load.
            var port = WorkerdFixture.FreePort();
            using (var restored = StartWrangler(workers, port, out var output))
            {
                var endpoint = $"http://127.0.0.1:{port}/mcp";
                await AnswersAtOnceAsync(endpoint, restored.Process, output, 16);
                Assert.Contains("started from the start-up image", Text(output), StringComparison.Ordinal);
                Assert.DoesNotContain("not using the start-up image", Text(output), StringComparison.Ordinal);

                var run = await RunAsync(endpoint, [Op("listTools"), Op("callTool", new { name = "echo", arguments = new { message = "restored" } })]);
                Assert.Contains(run.Result(0)["tools"]!.AsArray(), tool => tool!["name"]!.GetValue<string>() == "echo");
                Assert.Equal("restored", run.Result(1)["content"]![0]!["text"]!.GetValue<string>());
                await LoadAsync(endpoint, total: 2000, concurrency: 32);
                await StopAsync(restored);
            }

            // Deployed: wrangler uploads the image as a Data module, byte for byte (against the fake Cloudflare API).
            await using (var cloudflare = await Pmcp.FakeCloudflare.FakeCloudflareApi.StartAsync())
            using (var deployed = DeployProject.CopyOf(Path.Combine(folder, "src", "ImageServer"), cloudflare.AccountId))
            {
                await deployed.RunAsync(cloudflare, "deploy", ".", "--no-build");
                var script = Assert.IsType<Pmcp.FakeCloudflare.WorkerScript>(cloudflare.Script("my-server"));
                var uploaded = Assert.Single(script.Modules, m => m.Name.EndsWith("image.bin", StringComparison.Ordinal));
                Assert.Equal("application/octet-stream", uploaded.ContentType);
                Assert.Equal(await File.ReadAllBytesAsync(Path.Combine(workers, "build", "worker", "snapshot", "image.bin")), uploaded.Content);
            }

            // Stale: an image taken with another JS host (its hash, written by the build, is part of the fingerprint)
            // no longer matches its bundle; it is refused, and the Worker boots and answers.
            var hostModule = Path.Combine(workers, "build", "worker", "host.gen.mjs");
            var text = await File.ReadAllTextAsync(hostModule);
            Assert.Matches("hostHash = \"[0-9a-f]{64}\"", text);
            await File.WriteAllTextAsync(hostModule, System.Text.RegularExpressions.Regex.Replace(text, "hostHash = \"[0-9a-f]{64}\"", "hostHash = \"" + new string('0', 64) + "\""));
            port = WorkerdFixture.FreePort();
            using (var stale = StartWrangler(workers, port, out var output))
            {
                await AnswersAtOnceAsync($"http://127.0.0.1:{port}/mcp", stale.Process, output, 4);
                Assert.Contains("not using the start-up image", Text(output), StringComparison.Ordinal);
                Assert.DoesNotContain("started from the start-up image", Text(output), StringComparison.Ordinal);
                await StopAsync(stale);
            }

            // Start-up that draws a random value (here a Guid in the server's name) would give every restored isolate
            // the same one: the image is refused, and "auto" builds without it.
            var tools = Path.Combine(folder, "src", "ImageServer", "ImageServerTools.cs");
            var code = await File.ReadAllTextAsync(tools);
            const string name = "McpServer.CreateBuilder(\"ImageServer\", \"1.0.0\")";
            Assert.Contains(name, code, StringComparison.Ordinal);
            await File.WriteAllTextAsync(tools, code.Replace(name, "McpServer.CreateBuilder(\"ImageServer-\" + Guid.NewGuid().ToString(\"N\"), \"1.0.0\")", StringComparison.Ordinal));
            var (exitCode, stdout, stderr) = await TestProcess.RunAsync("dotnet", [CliProcess.CliAssembly, "deploy", "build", "src/ImageServer"], folder, TimeSpan.FromMinutes(6), ImageOn);
            Assert.True(exitCode != 0, "the image was recorded although start-up drew a Guid:\n" + stdout + stderr);
            Assert.Contains("would share random values", stdout + stderr, StringComparison.Ordinal);
            Assert.Contains("snapshot = false", stdout + stderr, StringComparison.Ordinal);

            // "auto" with a deploy.toml: no image, and the build still passes. [build] plan is accepted, and noted as doing
            // nothing since Cloudflare's 64 MiB limit replaced the plans' gzip limits.
            await Run(folder, "deploy", "init", "src/ImageServer", "--target", "cloudflare-workers");
            var deployToml = Path.Combine(folder, "src", "ImageServer", ".pmcp", "deploy.toml");
            Assert.DoesNotContain("[build]", await File.ReadAllTextAsync(deployToml), StringComparison.Ordinal);
            await File.AppendAllTextAsync(deployToml, "\n[build]\nplan = \"paid\"\n");
            await Run(new Dictionary<string, string>(WorkerdFixture.Environment) { ["PMCP_SNAPSHOT"] = "auto" }, folder, "deploy", "build", "src/ImageServer");
            Assert.False(File.Exists(Path.Combine(workers, "build", "worker", "snapshot", "image.bin")));
            var status = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(workers, "build", "snapshot.json")))!;
            Assert.False(status["On"]!.GetValue<bool>());
            Assert.Contains("would share random values", status["Reason"]!.GetValue<string>(), StringComparison.Ordinal);
            Assert.Contains("[build] plan = \"paid\" in src/ImageServer/.pmcp/deploy.toml no longer changes anything", status["Note"]!.GetValue<string>(), StringComparison.Ordinal);
            Assert.StartsWith("measured booting .NET in Node", status["StartupMeasure"]!.GetValue<string>(), StringComparison.Ordinal);
        }
        finally
        {
            root.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task IsolatesRestoredFromOneImageDrawTheirOwnRandomValuesAndTheirOwnHashFloodingSeeds()
    {
        // docs/security.md: the image holds .NET's two hash seeds, and nothing else random; what a request draws is its
        // isolate's own, including the seed of the randomized comparer a flooded Dictionary<string, …> switches to.
        var copy = Path.Combine(RepoPaths.Root, "tests", "Workers", ".routes-image");
        if (Directory.Exists(copy))
        {
            Directory.Delete(copy, recursive: true);
        }

        Directory.CreateDirectory(copy);
        foreach (var file in Directory.GetFiles(Path.Combine(RepoPaths.Root, "tests", "Workers", "RoutesWorker")))
        {
            File.Copy(file, Path.Combine(copy, Path.GetFileName(file)));
        }

        try
        {
            await Run(copy, "deploy", "build", ".");
            // Two wrangler dev processes, each in its own copy of the built Worker: in one folder they would share
            // .wrangler/tmp and reload each other.
            var workers = Path.Combine(copy, ".pmcp", "workers");
            var second = Path.Combine(copy, ".pmcp", "workers-b");
            Folders.Copy(workers, second);
            var (portA, portB) = (WorkerdFixture.FreePort(), WorkerdFixture.FreePort());
            using var a = StartWrangler(workers, portA, out var outputA);
            using var b = StartWrangler(second, portB, out var outputB);
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(60) };
            var (urlA, urlB) = ($"http://127.0.0.1:{portA}", $"http://127.0.0.1:{portB}");
            await HealthyAsync(http, urlA, a.Process, outputA);
            await HealthyAsync(http, urlB, b.Process, outputB);
            Assert.Contains("started from the start-up image", Text(outputA), StringComparison.Ordinal);
            Assert.Contains("started from the start-up image", Text(outputB), StringComparison.Ordinal);

            // A Guid, new Random(), Random.Shared and RandomNumberGenerator: each isolate's own.
            var drawsA = (await http.GetStringAsync(urlA + "/random")).Split(' ');
            var drawsB = (await http.GetStringAsync(urlB + "/random")).Split(' ');
            Assert.Equal(4, drawsA.Length);
            for (var i = 0; i < drawsA.Length; i++)
            {
                Assert.NotEqual(drawsA[i], drawsB[i]);
            }

            // 200 keys with one non-randomized hash: the dictionary switches to a randomized comparer, seeded in this
            // isolate, in this request; two isolates hash differently from then on.
            var flood = new JsonObject();
            foreach (var key in StringHashCollisions.Generate(200))
            {
                flood[key] = 1;
            }

            var plain = new JsonObject();
            for (var i = 0; i < 200; i++)
            {
                plain["key" + i] = 1;
            }

            var floodedA = await PostAsync(http, urlA + "/flood", flood);
            var floodedB = await PostAsync(http, urlB + "/flood", flood);
            Assert.Equal("200", floodedA[0]);
            Assert.Equal("System.Collections.Generic.RandomizedStringEqualityComparer+OrdinalComparer", floodedA[1]);
            Assert.Equal(floodedA[1], floodedB[1]);
            Assert.NotEqual(floodedA[2], floodedB[2]);
            var plainA = await PostAsync(http, urlA + "/flood", plain);
            Assert.Equal("System.Collections.Generic.NonRandomizedStringEqualityComparer+OrdinalComparer", plainA[1]);
            Assert.Equal(plainA, await PostAsync(http, urlB + "/flood", plain));

            // What the isolates do share, and the docs say so: string.GetHashCode()'s seed (and HashCode's).
            Assert.Equal(await http.GetStringAsync(urlA + "/hash/probe"), await http.GetStringAsync(urlB + "/hash/probe"));
            await StopAsync(a);
            await StopAsync(b);
        }
        finally
        {
            Directory.Delete(copy, recursive: true);
        }
    }

    /// <summary>Waits until the Worker answers /health (wrangler dev may accept connections before it is ready).</summary>
    private static async Task HealthyAsync(HttpClient http, string url, System.Diagnostics.Process process, StringBuilder output)
    {
        await ListensAsync(url, process, output);
        var deadline = DateTime.UtcNow.AddMinutes(1);
        while (true)
        {
            try
            {
                if (await http.GetStringAsync(url + "/health") == "OK")
                {
                    return;
                }
            }
            catch (HttpRequestException) when (DateTime.UtcNow < deadline)
            {
            }

            Assert.False(process.HasExited, "wrangler dev exited:\n" + Text(output));
            Assert.True(DateTime.UtcNow < deadline, "the Worker did not answer /health within a minute:\n" + Text(output));
            await Task.Delay(100);
        }
    }

    private static async Task<string[]> PostAsync(HttpClient http, string url, JsonObject body)
    {
        using var content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
        using var response = await http.PostAsync(url, content);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{url}: {(int)response.StatusCode} {text}");
        return text.Split(' ');
    }

    private static Task<string> Run(string folder, params string[] arguments) => Run(ImageOn, folder, arguments);

    private static async Task<string> Run(IReadOnlyDictionary<string, string> environment, string folder, params string[] arguments)
    {
        var (exitCode, stdout, stderr) = await TestProcess.RunAsync("dotnet", [CliProcess.CliAssembly, .. arguments], folder, TimeSpan.FromMinutes(6), environment);
        Assert.True(exitCode == 0, $"dotnet pmcp {string.Join(' ', arguments)} failed ({exitCode}):\n{stdout}\n{stderr}");
        return stdout + stderr;
    }

    /// <summary>wrangler dev, stopped (with its workerd) when disposed, also when a test fails half-way.</summary>
    private sealed class WranglerDev(System.Diagnostics.Process process) : IDisposable
    {
        public System.Diagnostics.Process Process { get; } = process;

        public void Dispose()
        {
            try
            {
                Process.Kill(entireProcessTree: true);
                Process.WaitForExit(10_000);
            }
            catch (InvalidOperationException)
            {
                // it had exited already
            }

            Process.Dispose();
        }
    }

    /// <summary>wrangler dev on the built bundle as it is (dotnet pmcp dev would build it again).</summary>
    private static WranglerDev StartWrangler(string workers, int port, out StringBuilder output)
    {
        // Its own inspector port, so that two can run at once.
        var process = Wrangler.Start(workers, "dev", "--local", "--ip", "127.0.0.1", "--port", port.ToString(CultureInfo.InvariantCulture), "--inspector-port", WorkerdFixture.FreePort().ToString(CultureInfo.InvariantCulture), "--show-interactive-dev-session=false", "--var", "PMCP_ALLOWED_HOSTS:localhost,127.0.0.1");
        var lines = new StringBuilder();
        process.OutputDataReceived += (_, e) => { lock (lines) { lines.AppendLine(e.Data); } };
        process.ErrorDataReceived += (_, e) => { lock (lines) { lines.AppendLine(e.Data); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        output = lines;
        return new WranglerDev(process);
    }

    private static string Text(StringBuilder output)
    {
        lock (output)
        {
            return output.ToString();
        }
    }

    /// <summary>Waits for the port, then sends <paramref name="count"/> tools/call requests at once: every one must be answered.</summary>
    private static async Task AnswersAtOnceAsync(string endpoint, System.Diagnostics.Process process, StringBuilder output, int count)
    {
        await ListensAsync(endpoint, process, output);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(60) };
        var answers = await Task.WhenAll(Enumerable.Range(0, count).Select(i => EchoAsync(http, endpoint, $"early {i}")));
        Assert.All(answers, a => Assert.True(a.Ok, a.Detail + "\n" + Text(output)));
    }

    private static async Task ListensAsync(string endpoint, System.Diagnostics.Process process, StringBuilder output)
    {
        var uri = new Uri(endpoint);
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while (true)
        {
            Assert.False(process.HasExited, "wrangler dev exited:\n" + Text(output));
            Assert.True(DateTime.UtcNow < deadline, "wrangler dev did not listen within 2 minutes:\n" + Text(output));
            try
            {
                using var probe = new System.Net.Sockets.TcpClient();
                await probe.ConnectAsync(uri.Host, uri.Port);
                break;
            }
            catch (System.Net.Sockets.SocketException)
            {
                await Task.Delay(20);
            }
        }
    }

    private static async Task LoadAsync(string endpoint, int total, int concurrency)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(60) };
        var next = -1;
        var failures = new System.Collections.Concurrent.ConcurrentBag<string>();
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async _ =>
        {
            for (var i = Interlocked.Increment(ref next); i < total; i = Interlocked.Increment(ref next))
            {
                var (ok, detail) = await EchoAsync(http, endpoint, $"load {i}");
                if (!ok)
                {
                    failures.Add(detail);
                }
            }
        }));
        Assert.True(failures.IsEmpty, $"{failures.Count} of {total} failed, e.g. {failures.FirstOrDefault()}");
    }

    private static async Task<(bool Ok, string Detail)> EchoAsync(HttpClient http, string endpoint, string message)
    {
        var body = new JsonObject
        {
            ["jsonrpc"] = "2.0",
            ["id"] = 1,
            ["method"] = "tools/call",
            ["params"] = new JsonObject { ["name"] = "echo", ["arguments"] = new JsonObject { ["message"] = message } },
        };
        using var request = new HttpRequestMessage(HttpMethod.Post, endpoint) { Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json") };
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        request.Headers.Add("MCP-Protocol-Version", "2025-06-18");
        try
        {
            using var response = await http.SendAsync(request);
            var text = await response.Content.ReadAsStringAsync();
            var ok = response.IsSuccessStatusCode && text.Contains($"\"text\":\"{message}\"", StringComparison.Ordinal);
            return (ok, $"{(int)response.StatusCode} {text}");
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return (false, e.Message);
        }
    }

    private static async Task StopAsync(WranglerDev wrangler)
    {
        wrangler.Process.Kill(entireProcessTree: true);
        await wrangler.Process.WaitForExitAsync();
    }
}
