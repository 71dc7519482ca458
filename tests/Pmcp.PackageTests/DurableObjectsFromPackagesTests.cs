using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Pmcp.Testing;
using Xunit.Abstractions;
using static Pmcp.Testing.McpClientDriver;

namespace Pmcp.PackageTests;

/// <summary>
/// Durable Objects and the request log as a user who installed the packages gets them: a server made by the installed
/// tool, given the Pmcp.Workers package, a <c>[DurableObject]</c> counter class and a tool that increments a named
/// counter through its stub, the class declared in deploy.toml as the docs show. <c>dev</c> (workerd's real Durable
/// Objects) and <c>dev --native</c> (one SQLite file per object) each take many increments of the same counters at once
/// and lose none, and each prints one summary line per call.
/// </summary>
[Collection(SharedPackageFeed.Name)]
public sealed class DurableObjectsFromPackagesTests(PackageFeed packages, ITestOutputHelper output)
{
    private static readonly TimeSpan Build = TimeSpan.FromMinutes(8);

    /// <summary>Concurrent increments of each counter: every value from 1 to this must come back exactly once.</summary>
    private const int IncrementsPerCounter = 12;

    private static readonly string[] Counters = ["alpha", "beta"];

    /// <summary>The code the test gives the generated server, written as docs/durable-objects.md shows a user.</summary>
    private const string CounterCode = """
        using System.ComponentModel;
        using System.Globalization;
        using System.Text.Json.Serialization;
        using Pmcp.Server;
        using Pmcp.Workers;
        using Pmcp.Workers.DurableObjects;
        using Pmcp.Workers.Http;

        namespace CounterCheck;

        /// <summary>The JSON the counter stores.</summary>
        [JsonSerializable(typeof(long))]
        internal sealed partial class CounterJson : JsonSerializerContext;

        /// <summary>A count kept in the object's storage.</summary>
        [DurableObject]
        public sealed class Counter : DurableObject
        {
            public override async Task<Response> FetchAsync(Request request)
            {
                var count = await State.Storage.GetAsync("count", CounterJson.Default.Int64) + 1;
                await State.Storage.PutAsync("count", count, CounterJson.Default.Int64);
                return Response.Ok(count.ToString(CultureInfo.InvariantCulture));
            }
        }

        /// <summary>Tools over the counters.</summary>
        [McpToolSet]
        public sealed partial class CounterCheckTools : IMcpServerFactory
        {
            public static McpServer CreateServer() =>
                McpServer.CreateBuilder("CounterCheck", "1.0.0").WithTools<CounterCheckTools>().Build();

            [McpTool("increment"), Description("Add one to a named counter and return its new value")]
            public static async Task<string> Increment([Description("The counter's name")] string name, Env env, CancellationToken cancellationToken)
            {
                var stub = env.DurableObject("COUNTER").GetByName(name);
                using var response = await stub.FetchAsync(new HttpRequestMessage(HttpMethod.Post, "/increment"), cancellationToken);
                return await response.Content.ReadAsStringAsync(cancellationToken);
            }
        }
        """;

    [Fact]
    public async Task ADurableObjectCounterLosesNoIncrementFromThePackagesInWorkerdAndNatively()
    {
        await packages.RunToolAsync(packages.Work, "new", "counter-check");
        var solution = Path.Combine(packages.Work, "counter-check");
        var project = Path.Combine(solution, "src", "CounterCheck");

        await PackageFeed.RunAsync(solution, Build, packages.Environment, "dotnet", "add", "src/CounterCheck", "package", "Pmcp.Workers");
        await File.WriteAllTextAsync(Path.Combine(project, "CounterCheckTools.cs"), CounterCode);
        await packages.RunToolAsync(solution, "deploy", "init", "src/CounterCheck", "--target", "cloudflare-workers");
        var deployToml = Path.Combine(project, ".pmcp", "deploy.toml");
        var declared = (await File.ReadAllTextAsync(deployToml)).Replace("# COUNTER = \"Counter\"", "COUNTER = \"Counter\"", StringComparison.Ordinal);
        Assert.Contains("\nCOUNTER = \"Counter\"", declared, StringComparison.Ordinal);
        await File.WriteAllTextAsync(deployToml, declared);

        var workerd = await ServeAndIncrementAsync(project);
        var native = await ServeAndIncrementAsync(project, "--native");

        Assert.Equal(workerd, native);
    }

    /// <summary>
    /// Serves the project with the installed tool's <c>dev</c>, sends every increment of every counter at once, and
    /// returns each counter's answers in order (each must be 1 to <see cref="IncrementsPerCounter"/>, once each).
    /// </summary>
    private async Task<string> ServeAndIncrementAsync(string project, params string[] options)
    {
        var host = options.Length == 0 ? "workerd" : "native";

        // Each host starts from empty storage: wrangler keeps its objects under .wrangler/state, the native host under .pmcp/state.
        foreach (var state in new[] { Path.Combine(project, ".pmcp", "workers", ".wrangler"), Path.Combine(project, ".pmcp", "state") })
        {
            if (Directory.Exists(state))
            {
                Directory.Delete(state, recursive: true);
            }
        }

        var port = InstalledToolTests.FreePort().ToString(CultureInfo.InvariantCulture);
        await using var dev = CliProcess.StartInstalled(packages.Tool, project, packages.Environment, ["dev", "--port", port, .. options]);
        var endpoint = await dev.EndpointAsync(Build);

        var listed = await RunAsync(endpoint, [Op("listTools")]);
        Assert.Equal("increment", Assert.Single(listed.Result(0)["tools"]!.AsArray())!["name"]!.GetValue<string>());

        using var http = new HttpClient { Timeout = TimeSpan.FromMinutes(2) };
        var calls = Counters.SelectMany(counter => Enumerable.Range(0, IncrementsPerCounter).Select(_ => counter)).ToList();
        var answers = await Task.WhenAll(calls.Select((counter, id) => PlainToolCall.SendAsync(http, endpoint, id, "increment", new JsonObject { ["name"] = counter })));

        var summary = new StringBuilder();
        foreach (var counter in Counters)
        {
            var values = calls.Zip(answers).Where(pair => pair.First == counter).Select(pair => pair.Second).Order(StringComparer.Ordinal).ToList();
            var expected = Enumerable.Range(1, IncrementsPerCounter).Select(i => i.ToString(CultureInfo.InvariantCulture)).Order(StringComparer.Ordinal).ToList();
            Assert.True(expected.SequenceEqual(values), $"{host}: counter {counter} answered [{string.Join(", ", values)}], expected each of 1..{IncrementsPerCounter} once\n\ndev's output:\n{dev.Output}");
            summary.Append(counter).Append(": ").AppendJoin(',', values).Append('\n');
        }

        // dev prints one summary line per MCP message (the request log at level "all"), naming the tool.
        await WaitForAsync(() => CountOf(dev.Output, "tools/call increment") >= calls.Count, TimeSpan.FromSeconds(30));
        Assert.True(CountOf(dev.Output, "tools/call increment") >= calls.Count, $"{host}: dev printed fewer than {calls.Count} summary lines for tools/call increment:\n{dev.Output}");
        output.WriteLine($"{host}: {calls.Count} increments at once of {Counters.Length} counters, none lost");
        return summary.ToString();
    }

    private static int CountOf(string text, string part)
    {
        var count = 0;
        for (var at = text.IndexOf(part, StringComparison.Ordinal); at >= 0; at = text.IndexOf(part, at + part.Length, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }

    private static async Task WaitForAsync(Func<bool> condition, TimeSpan limit)
    {
        var until = DateTime.UtcNow + limit;
        while (!condition() && DateTime.UtcNow < until)
        {
            await Task.Delay(200);
        }
    }
}
