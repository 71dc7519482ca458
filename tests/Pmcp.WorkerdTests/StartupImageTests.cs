using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Pmcp.Testing;
using static Pmcp.Testing.McpClientDriver;

namespace Pmcp.WorkerdTests;

/// <summary>
/// The start-up image (issue 6, opt-in: <c>[build] snapshot = true</c> or <c>PMCP_SNAPSHOT=on</c>): a fresh project
/// built with it starts from the image in workerd and answers like a booted one (the official client, requests
/// arriving at startup, 2,000 at 32 concurrent); an image that does not match its bundle is not used (normal boot,
/// a warning), never a crash.
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
                await AnswersAtOnceAsync(endpoint, restored, output, 16);
                Assert.Contains("started from the start-up image", Text(output), StringComparison.Ordinal);
                Assert.DoesNotContain("not using the start-up image", Text(output), StringComparison.Ordinal);

                var run = await RunAsync(endpoint, [Op("listTools"), Op("callTool", new { name = "echo", arguments = new { message = "restored" } })]);
                Assert.Contains(run.Result(0)["tools"]!.AsArray(), tool => tool!["name"]!.GetValue<string>() == "echo");
                Assert.Equal("restored", run.Result(1)["content"]![0]!["text"]!.GetValue<string>());
                await LoadAsync(endpoint, total: 2000, concurrency: 32);
                await StopAsync(restored);
            }

            // Stale: an image whose fingerprint no longer matches its bundle is refused; the Worker boots and answers.
            var meta = Path.Combine(workers, "build", "worker", "snapshot", "image.mjs");
            var text = await File.ReadAllTextAsync(meta);
            Assert.Contains("\"fingerprint\"", text, StringComparison.Ordinal);
            await File.WriteAllTextAsync(meta, System.Text.RegularExpressions.Regex.Replace(text, "\"fingerprint\":\\s*\"[^\"]*\"", "\"fingerprint\": \"stale\""));
            port = WorkerdFixture.FreePort();
            using (var stale = StartWrangler(workers, port, out var output))
            {
                await AnswersAtOnceAsync($"http://127.0.0.1:{port}/mcp", stale, output, 4);
                Assert.Contains("not using the start-up image", Text(output), StringComparison.Ordinal);
                Assert.DoesNotContain("started from the start-up image", Text(output), StringComparison.Ordinal);
                await StopAsync(stale);
            }
        }
        finally
        {
            root.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task TheOfficialConformanceSuitePassesAgainstARestoredWorker()
    {
        // A copy of samples/Conformance at the same depth (its project references are relative), built with its image.
        var copy = Path.Combine(RepoPaths.Root, "samples", ".conformance-image");
        if (Directory.Exists(copy))
        {
            Directory.Delete(copy, recursive: true);
        }

        Directory.CreateDirectory(copy);
        foreach (var file in Directory.GetFiles(Path.Combine(RepoPaths.Root, "samples", "Conformance")))
        {
            File.Copy(file, Path.Combine(copy, Path.GetFileName(file)));
        }

        var results = Directory.CreateTempSubdirectory("pmcp-conformance-image-");
        try
        {
            await using var worker = await RunningWorker.StartAsync(ImageOn, copy);
            Assert.True(await worker.OutputContainsAsync("started from the start-up image", TimeSpan.FromSeconds(30)), worker.Output);

            // The same baseline as the booted Worker's and the native host's: the same scenarios pass and the same fail.
            var (exitCode, output) = await ConformanceSuite.RunServerSuiteAsync(worker.McpUrl, results.FullName);
            Assert.True(exitCode == 0, $"conformance suite against the restored Worker exited {exitCode}:\n{output}");
            var passed = Directory.GetFiles(results.FullName, "checks.json", SearchOption.AllDirectories)
                .SelectMany(f => JsonNode.Parse(File.ReadAllText(f))!.AsArray())
                .Count(c => c!["status"]!.GetValue<string>() == "SUCCESS");
            Assert.True(passed >= 40, $"expected at least 40 passing checks, got {passed}:\n{output}");
        }
        finally
        {
            results.Delete(recursive: true);
            Directory.Delete(copy, recursive: true);
        }
    }

    private static async Task<string> Run(string folder, params string[] arguments)
    {
        var (exitCode, stdout, stderr) = await TestProcess.RunAsync("dotnet", [CliProcess.CliAssembly, .. arguments], folder, TimeSpan.FromMinutes(6), ImageOn);
        Assert.True(exitCode == 0, $"dotnet pmcp {string.Join(' ', arguments)} failed ({exitCode}):\n{stdout}\n{stderr}");
        return stdout + stderr;
    }

    /// <summary>wrangler dev on the built bundle as it is (dotnet pmcp dev would build it again).</summary>
    private static System.Diagnostics.Process StartWrangler(string workers, int port, out StringBuilder output)
    {
        var process = Wrangler.Start(workers, "dev", "--local", "--ip", "127.0.0.1", "--port", port.ToString(CultureInfo.InvariantCulture), "--show-interactive-dev-session=false", "--var", "PMCP_ALLOWED_HOSTS:localhost,127.0.0.1");
        var lines = new StringBuilder();
        process.OutputDataReceived += (_, e) => { lock (lines) { lines.AppendLine(e.Data); } };
        process.ErrorDataReceived += (_, e) => { lock (lines) { lines.AppendLine(e.Data); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        output = lines;
        return process;
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

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(60) };
        var answers = await Task.WhenAll(Enumerable.Range(0, count).Select(i => EchoAsync(http, endpoint, $"early {i}")));
        Assert.All(answers, a => Assert.True(a.Ok, a.Detail + "\n" + Text(output)));
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

    private static async Task StopAsync(System.Diagnostics.Process process)
    {
        process.Kill(entireProcessTree: true);
        await process.WaitForExitAsync();
    }
}
