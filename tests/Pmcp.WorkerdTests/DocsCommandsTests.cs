using System.Globalization;
using System.Net;
using Pmcp.FakeCloudflare;
using Pmcp.Testing;
using static Pmcp.Testing.McpClientDriver;

namespace Pmcp.WorkerdTests;

/// <summary>
/// Every shell command of the README's and docs/'s ```bash blocks, run as written and in order, one docs file per
/// test, read from the markdown itself (DocsScript): in the fresh <c>my-server</c> project outside the checkout, with
/// this checkout's CLI as <c>dotnet pmcp</c>, Cloudflare's API faked on 127.0.0.1 (the login at its OAuth endpoints,
/// with the test as the browser). <c>dev</c> is started, answers the official MCP client or the docs' curl, and stops on
/// Ctrl+C. What a fixture already ran (<c>new</c>, <c>deploy init</c>, <c>deploy build</c>) is reused and checked; what
/// cannot run here is listed with the reason. A docs command no test runs fails.
/// </summary>
[Collection("workerd")]
public sealed class DocsCommandsTests(FreshProject project, WorkerdFixture workerd)
{
    /// <summary>The files walked below; any other docs file with a shell command fails <see cref="EveryDocsFileWithCommandsIsWalked"/>.</summary>
    private static readonly string[] Walked = ["README.md", "docs/deploying.md", "docs/getting-started.md"];

    private const string InstalledFromTheFeed =
        "installs from nuget.org into this machine's tools; Pmcp.PackageTests installs this build's packages from a folder feed and runs the installed tool and template";

    private static readonly TimeSpan Build = TimeSpan.FromMinutes(10);

    private string Folder => project.Folder;

    private string DeployOutputs => Path.Combine(project.ProjectDirectory, ".pmcp", "deploy-outputs.json");

    [Fact]
    public void EveryDocsFileWithCommandsIsWalked() =>
        Assert.Equal(Walked.Order(StringComparer.Ordinal), DocsScript.FilesWithCommands());

    [Fact]
    public async Task TheReadmesCommandsRun()
    {
        var script = DocsScript.Of("README.md", project.Root);
        script.NotRunHere("dotnet tool install -g Pmcp.Cli", InstalledFromTheFeed);
        script.Reused("dotnet pmcp new my-server");
        AssertNewMadeMyServer();
        script.Cd("cd my-server");
        Assert.Equal(Folder, script.WorkingDirectory);
        AssertTestsPassed(await DotnetTestAsync(script));
        await ServeAsync(script, "dotnet pmcp dev src/MyServer", workerd: true);

        var deployToml = await File.ReadAllTextAsync(Path.Combine(project.ProjectDirectory, ".pmcp", "deploy.toml"));
        var init = await script.RunAsync("dotnet pmcp deploy init src/MyServer --target cloudflare-workers");
        Assert.Contains("deploy.toml", init, StringComparison.Ordinal);
        Assert.Equal(deployToml, await File.ReadAllTextAsync(Path.Combine(project.ProjectDirectory, ".pmcp", "deploy.toml"))); // again: no change

        await using var cloudflare = await FakeCloudflareApi.StartAsync();
        var wranglerConfig = Directory.CreateTempSubdirectory("pmcp-docs-login-");
        try
        {
            var loggedIn = LoginEnvironment(cloudflare, wranglerConfig.FullName);
            await LoginAsync(script, "dotnet pmcp login", cloudflare, loggedIn);
            Assert.NotEmpty(Directory.GetFiles(wranglerConfig.FullName, "*.toml", SearchOption.AllDirectories)); // the login wrangler keeps

            var deploy = await script.RunAsync("dotnet pmcp deploy src/MyServer", loggedIn);
            var url = cloudflare.WorkersDevUrl("my-server");
            Assert.Contains($"WorkerUrl: {url}", deploy, StringComparison.Ordinal);
            Assert.Contains(cloudflare.Script("my-server")!.Modules, module => module.Name.EndsWith(".wasm", StringComparison.Ordinal));
            var outputs = await script.RunAsync("dotnet pmcp deploy outputs src/MyServer", loggedIn);
            Assert.Contains($"WorkerUrl: {url}", outputs, StringComparison.Ordinal);
            Assert.Contains($"McpEndpoint: {url}/mcp", outputs, StringComparison.Ordinal);
            var vscode = await script.RunAsync("dotnet pmcp connect src/MyServer --deployed --client vscode", loggedIn);
            Assert.Contains($"\"url\": \"{url}/mcp\"", vscode, StringComparison.Ordinal);
            Assert.Empty(cloudflare.UnhandledRequests);
        }
        finally
        {
            File.Delete(DeployOutputs); // the other tests of this project expect no deployment
            wranglerConfig.Delete(recursive: true);
        }

        // Working on Pmcp itself: the checkout's own commands. The workerd fixture serves samples/HelloWorld with the
        // checkout's built CLI (dotnet run's build of it aside, the same dev); running it again here would rebuild the
        // sample under the fixture's running wrangler.
        script.Reused("dotnet run --project src/Pmcp.Cli -- dev samples/HelloWorld");
        var run = await RunAsync(workerd.HelloWorld.McpUrl, [Op("callTool", new { name = "echo", arguments = new { message = "contributor" } })]);
        Assert.Equal("contributor", run.Result(0)["content"]![0]!["text"]!.GetValue<string>());
        script.NotRunHere("./eng/test.sh", "the whole suite, this test among it: CI runs it (.ci/run)");
        script.AssertAllWalked();
    }

    [Fact]
    public async Task GettingStartedsCommandsRun()
    {
        var script = DocsScript.Of("docs/getting-started.md", project.Root);
        script.NotRunHere("dotnet tool install -g Pmcp.Cli", InstalledFromTheFeed);
        script.NotRunHere("dotnet new install Pmcp.Templates", InstalledFromTheFeed);
        script.Reused("dotnet pmcp new my-server");
        AssertNewMadeMyServer();
        script.Cd("cd my-server");
        AssertTestsPassed(await DotnetTestAsync(script));

        // Both servers at once, each on a port of its own (started one after the other: they build the same project);
        // the curl "with the server running" asks each.
        await using var inWorkerd = Start(script, "dotnet pmcp dev src/MyServer");
        var workerdEndpoint = await inWorkerd.EndpointAsync(Build);
        await using var native = Start(script, "dotnet pmcp dev src/MyServer --native");
        var nativeEndpoint = await native.EndpointAsync(Build);
        const string Curl = """curl -s http://127.0.0.1:8787/mcp -H 'Content-Type: application/json' -H 'Accept: application/json, text/event-stream' -d '{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"echo","arguments":{"message":"hello"}}}'""";
        var answer = await script.RunAsync(Curl, substitute: command => command.Replace("http://127.0.0.1:8787/mcp", workerdEndpoint, StringComparison.Ordinal));
        Assert.Contains("\"text\":\"hello\"", answer, StringComparison.Ordinal);
        var (exitCode, stdout, stderr) = await TestProcess.RunAsync(
            "bash", ["-c", Curl.Replace("http://127.0.0.1:8787/mcp", nativeEndpoint, StringComparison.Ordinal)], Folder, TimeSpan.FromMinutes(1));
        Assert.True(exitCode == 0, stdout + stderr);
        Assert.Contains("\"text\":\"hello\"", stdout, StringComparison.Ordinal);

        Assert.Equal(0, await inWorkerd.InterruptAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal(0, await native.InterruptAsync(TimeSpan.FromSeconds(30)));
        script.AssertAllWalked();
    }

    [Fact]
    public async Task DeployingsCommandsRun()
    {
        var script = DocsScript.Of("docs/deploying.md", project.Root);

        // The walkthrough: the fixture ran new, deploy init and deploy build.
        script.Reused("dotnet pmcp new my-server");
        AssertNewMadeMyServer();
        script.Cd("cd my-server");
        script.Reused("dotnet pmcp deploy init src/MyServer --target cloudflare-workers");
        Assert.Contains("deploy.toml", project.InitOutput, StringComparison.Ordinal);
        Assert.Contains("name = \"my-server\"", await File.ReadAllTextAsync(Path.Combine(project.ProjectDirectory, ".pmcp", "deploy.toml")), StringComparison.Ordinal);
        script.Reused("dotnet pmcp deploy build src/MyServer");
        Assert.Contains("Total", project.BuildOutput, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(project.ProjectDirectory, ".pmcp", "workers", "build", "worker", "shim.mjs")));
        var dryRun = await script.RunAsync("dotnet pmcp deploy src/MyServer --dry-run");
        Assert.Contains("--dry-run: exiting now.", dryRun, StringComparison.Ordinal);
        Assert.Contains("Dry run passed", dryRun, StringComparison.Ordinal);
        Assert.False(File.Exists(DeployOutputs), "a dry run records no deployment");
        await ServeAsync(script, "dotnet pmcp dev src/MyServer", workerd: true);

        // Then with an API token, as CI does, at the fake Cloudflare.
        await using var cloudflare = await FakeCloudflareApi.StartAsync();
        var key = "docs-" + Guid.NewGuid().ToString("N");
        var environment = new Dictionary<string, string>(cloudflare.WranglerEnvironment) { ["MCP_API_KEY"] = key };
        try
        {
            var set = await script.RunAsync("""printf %s "$MCP_API_KEY" | dotnet pmcp deploy secrets set MCP_API_KEY src/MyServer""", environment);
            Assert.DoesNotContain(key, set, StringComparison.Ordinal);
            var deploy = await script.RunAsync("dotnet pmcp deploy src/MyServer", environment);
            var url = cloudflare.WorkersDevUrl("my-server");
            Assert.Contains($"WorkerUrl: {url}", deploy, StringComparison.Ordinal);
            Assert.Equal(key, cloudflare.Script("my-server")!.Secrets["MCP_API_KEY"]);
            var outputs = await script.RunAsync("dotnet pmcp deploy outputs src/MyServer", environment);
            Assert.Contains($"WorkerUrl: {url}", outputs, StringComparison.Ordinal);
            Assert.Contains($"McpEndpoint: {url}/mcp", outputs, StringComparison.Ordinal);
            var connect = await script.RunAsync("dotnet pmcp connect src/MyServer --deployed --api-key-env MCP_API_KEY", environment);
            Assert.Contains($"{url}/mcp", connect, StringComparison.Ordinal);
            Assert.Contains("MCP_API_KEY", connect, StringComparison.Ordinal);
            Assert.DoesNotContain(key, connect, StringComparison.Ordinal);

            await using (var logs = CliProcess.StartAsTerminalJob(Folder, DocsScript.Environment(environment), script.PmcpArguments("dotnet pmcp deploy logs src/MyServer --tail --status error")))
            {
                var tail = await cloudflare.WaitForTailAsync("my-server", TimeSpan.FromMinutes(2));
                Assert.Contains("\"exception\"", tail.Filters!.ToJsonString(), StringComparison.Ordinal); // --status error
                await tail.SendAsync(TailEvents.Fetch("my-server", url + "/mcp", "POST", 500, "exception", "docs: tool failed"));
                await WaitForAsync(() => logs.Output.Contains("docs: tool failed", StringComparison.Ordinal), TimeSpan.FromMinutes(1), () => logs.Output);
                Assert.Equal(0, await logs.InterruptAsync(TimeSpan.FromSeconds(30))); // --tail: until Ctrl+C
            }

            cloudflare.RecordInvocations([
                new WorkerInvocation("my-server", DateTimeOffset.UtcNow.AddHours(-1), "success", 2500, 40_000),
                new WorkerInvocation("my-server", DateTimeOffset.UtcNow.AddDays(-2), "scriptThrewException", 7000, 90_000)]);
            var metrics = await script.RunAsync("dotnet pmcp deploy metrics src/MyServer --since 7d", environment);
            Assert.Matches(@"Requests\s*│\s*2\s", metrics);
            Assert.Contains("Requests that ended scriptThrewException", metrics, StringComparison.Ordinal);

            var staging = await script.RunAsync("dotnet pmcp deploy src/MyServer --env staging", environment);
            Assert.Contains($"WorkerUrl: {cloudflare.WorkersDevUrl("my-server-staging")}", staging, StringComparison.Ordinal);
            Assert.Equal("staging", cloudflare.Script("my-server-staging")!.Metadata!.Vars["ENVIRONMENT"]);
            var destroy = await script.RunInTerminalAsync("dotnet pmcp deploy destroy src/MyServer --env staging", "[y/n]", "y", environment); // it asks first
            Assert.True(destroy.Contains("Deleted the staging Worker my-server-staging", StringComparison.Ordinal), destroy);
            Assert.True(cloudflare.Script("my-server-staging")!.Deleted);
            Assert.False(cloudflare.Script("my-server")!.Deleted);
            Assert.Empty(cloudflare.UnhandledRequests);
        }
        finally
        {
            File.Delete(DeployOutputs);
        }

        script.AssertAllWalked();
    }

    private void AssertNewMadeMyServer()
    {
        Assert.Contains("cd my-server", project.NewOutput, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(Folder, "MyServer.slnx")));
        Assert.True(File.Exists(Path.Combine(project.ProjectDirectory, "MyServer.csproj")));
        Assert.True(Directory.Exists(Path.Combine(Folder, "tests", "MyServer.Tests")));
    }

    private static void AssertTestsPassed(string output)
    {
        Assert.Contains("Passed!", output, StringComparison.Ordinal);
        Assert.DoesNotContain("Failed!", output, StringComparison.Ordinal);
    }

    /// <summary><c>dotnet test</c> in the project, which the README and getting-started both show: run once.</summary>
    private Task<string> DotnetTestAsync(DocsScript script)
    {
        const string Command = "dotnet test";
        return project.OnceAsync(Command, () => script.RunAsync(Command), () => script.Reused(Command));
    }

    /// <summary>Starts a <c>dev</c> command of the docs on a free port (the docs' 8787 may be taken) as a terminal runs it.</summary>
    private static CliProcess Start(DocsScript script, string command)
    {
        var port = WorkerdFixture.FreePort().ToString(CultureInfo.InvariantCulture);
        return CliProcess.StartAsTerminalJob(script.WorkingDirectory, DocsScript.Environment(), [.. script.PmcpArguments(command), "--port", port]);
    }

    /// <summary>Runs a <c>dev</c> command: it serves the echo tool to the official client, and Ctrl+C stops it and what it started.</summary>
    private static async Task ServeAsync(DocsScript script, string command, bool workerd)
    {
        await using var dev = Start(script, command);
        var endpoint = await dev.EndpointAsync(Build);
        Assert.StartsWith("http://127.0.0.1:", endpoint, StringComparison.Ordinal);

        var run = await RunAsync(endpoint, [Op("listTools"), Op("callTool", new { name = "echo", arguments = new { message = "from the docs" } })]);
        Assert.Contains(run.Result(0)["tools"]!.AsArray(), tool => tool!["name"]!.GetValue<string>() == "echo");
        Assert.Equal("from the docs", run.Result(1)["content"]![0]!["text"]!.GetValue<string>());

        var started = ProcessTree.Descendants(dev.Id);
        Assert.True(!workerd || !OperatingSystem.IsLinux() || started.Any(child => child.Name == "workerd"), string.Join(", ", started));
        Assert.Equal(0, await dev.InterruptAsync(TimeSpan.FromSeconds(30)));
        Assert.Empty(await ProcessTree.StillRunningAfterAsync(started, TimeSpan.FromSeconds(5)));
    }

    /// <summary>
    /// The fake's API and sign-in URLs without an API token, wrangler's configuration (where the login goes) in a folder
    /// of the test's, and no browser to open: the test is the browser.
    /// </summary>
    private static Dictionary<string, string> LoginEnvironment(FakeCloudflareApi cloudflare, string wranglerConfig)
    {
        var environment = new Dictionary<string, string> { ["XDG_CONFIG_HOME"] = wranglerConfig, ["BROWSER"] = "true", ["DISPLAY"] = "", ["XDG_CURRENT_DESKTOP"] = "" };
        foreach (var (name, value) in cloudflare.WranglerEnvironment.Concat(cloudflare.OAuthEnvironment))
        {
            if (name is not ("CLOUDFLARE_API_TOKEN" or "CLOUDFLARE_ACCOUNT_ID"))
            {
                environment[name] = value;
            }
        }

        return environment;
    }

    /// <summary><c>login</c>: opens the link wrangler prints, consents, returns to wrangler's callback; it must exit with 0.</summary>
    private static async Task LoginAsync(DocsScript script, string command, FakeCloudflareApi cloudflare, IReadOnlyDictionary<string, string> environment)
    {
        await using var login = CliProcess.StartIn(script.WorkingDirectory, DocsScript.Environment(environment), script.PmcpArguments(command));
        const string Marker = "Opening a link in your default browser: ";
        await WaitForAsync(() => login.Output.Contains(Marker, StringComparison.Ordinal), TimeSpan.FromMinutes(3), () => login.Output);
        var line = login.Output.Split('\n').First(l => l.Contains(Marker, StringComparison.Ordinal));
        var link = line[(line.IndexOf(Marker, StringComparison.Ordinal) + Marker.Length)..].Trim();
        Assert.StartsWith(cloudflare.Origin + "/oauth2/auth?", link, StringComparison.Ordinal);

        using var browser = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false });
        using var consent = await browser.GetAsync(new Uri(link));
        Assert.Equal(HttpStatusCode.Redirect, consent.StatusCode);
        using var returned = await CallbackAsync(browser, consent.Headers.Location!); // wrangler's callback, localhost:8976
        Assert.Equal(HttpStatusCode.TemporaryRedirect, returned.StatusCode);
        Assert.Equal(0, await login.WaitForExitAsync(TimeSpan.FromMinutes(1)));
        Assert.Contains("Successfully logged in.", login.Output, StringComparison.Ordinal);
    }

    /// <summary>
    /// Follows the consent's redirect to wrangler's callback. wrangler may print the link a moment before its callback
    /// server listens (seen on a loaded machine), so a refused connection is tried again for up to 30 s.
    /// </summary>
    private static async Task<HttpResponseMessage> CallbackAsync(HttpClient browser, Uri callback)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            try
            {
                return await browser.GetAsync(callback);
            }
            catch (HttpRequestException e) when (e.InnerException is System.Net.Sockets.SocketException { SocketErrorCode: System.Net.Sockets.SocketError.ConnectionRefused } && DateTime.UtcNow < deadline)
            {
                await Task.Delay(250);
            }
        }
    }

    private static async Task WaitForAsync(Func<bool> condition, TimeSpan timeout, Func<string> output)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"not within {timeout}:\n{output()}");
            }

            await Task.Delay(100);
        }
    }
}
