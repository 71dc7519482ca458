using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Pmcp.Cli.Testing;
using Spectre.Console;

namespace Pmcp.Cli.Commands;

/// <summary><c>dotnet pmcp test load</c>: throughput, latency percentiles and errors by kind under concurrent requests.</summary>
internal static class TestLoadCommand
{
    public static Command Create()
    {
        var options = new TestOptions();
        var concurrency = new Option<int>("--concurrency", "-c") { Description = "Requests in flight at once (each worker has its own session).", DefaultValueFactory = _ => 8 };
        var duration = new Option<int>("--duration", "-d") { Description = "Seconds to run.", DefaultValueFactory = _ => 10 };
        var tool = new Option<string?>("--tool") { Description = "The tool to call. Default: the first tool annotated readOnlyHint: true, else tools/list is sent." };
        var arguments = new Option<string?>("--arguments") { Description = "The tool's arguments as a JSON object. Default: valid arguments made from its input schema." };
        var allowWrites = new Option<bool>("--allow-writes") { Description = "Against a server that is not on loopback, allow a --tool that is not annotated readOnlyHint: true." };
        var maxErrorRate = new Option<double>("--max-error-rate") { Description = "The share of failed requests (in %) above which the run fails.", DefaultValueFactory = _ => 0 };
        var command = new Command("load", """
            Load a server with concurrent requests for a while and report throughput (requests per second), latency
            percentiles (p50, p90, p99 of the successful requests) and errors by kind (HTTP status, JSON-RPC error
            code, a tool result with isError: true, timeout, connection failed). Progress is printed every second.
            Each request is a tools/call of --tool (default: the first read-only tool, with arguments made from its
            schema), or tools/list when the server has no read-only tool. Against a server that is not on loopback
            only read-only tools are called unless --allow-writes.

            Exit code 0 when the error rate is at most --max-error-rate (default 0 %), 1 when it is above, 2 when the
            server could not be loaded at all.

            Examples:
              dotnet pmcp test load samples/HelloWorld --native --concurrency 16 --duration 30
              dotnet pmcp test load http://127.0.0.1:8787/mcp --tool echo --arguments '{"message":"hi"}' --format json
            """)
        {
            concurrency, duration, tool, arguments, allowWrites, maxErrorRate,
        };
        options.AddTo(command);

        command.SetAction(async (parse, cancellationToken) =>
        {
            var workers = parse.GetValue(concurrency);
            var seconds = parse.GetValue(duration);
            if (workers is < 1 or > 1000 || seconds is < 1 or > 3600)
            {
                Console.Error.WriteLine("error: --concurrency must be 1 to 1000 and --duration 1 to 3600 seconds.");
                return 2;
            }

            JsonObject? givenArguments = null;
            if (parse.GetValue(arguments) is { } json)
            {
                try
                {
                    givenArguments = JsonNode.Parse(json) as JsonObject ?? throw new JsonException("not an object");
                }
                catch (JsonException e)
                {
                    Console.Error.WriteLine($"error: --arguments must be a JSON object, such as '{{\"message\":\"hi\"}}': {e.Message}");
                    return 2;
                }
            }

            return await TestOptions.GuardAsync("load", async () =>
            {
                var key = options.ReadBearer(parse);
                LoadReport report;
                Uri endpoint;
                await using (var target = await TestTarget.OpenAsync(parse.GetValue(options.Target)!, parse.GetValue(options.Native), parse.GetValue(options.ApiKeyEnv), TimeSpan.FromSeconds(parse.GetValue(options.StartTimeout)), cancellationToken))
                {
                    endpoint = target.Endpoint;
                    using var client = new McpHttpClient(endpoint, key, TimeSpan.FromSeconds(parse.GetValue(options.Timeout)));
                    var policy = target.StartedForTheTest ? new CheckPolicy(true, "a project started for the test") : CheckPolicy.For(endpoint, parse.GetValue(allowWrites));
                    var (label, method, parameters) = await ChooseRequestAsync(client, parse.GetValue(tool), givenArguments, policy, cancellationToken);
                    Console.Error.WriteLine($"Loading {endpoint} with {label}: {workers} at once for {seconds} s");
                    report = await new LoadGenerator(client).RunAsync(label, method, parameters, workers, TimeSpan.FromSeconds(seconds),
                        (elapsed, done, failed) => Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                            $"  {elapsed.TotalSeconds,5:0}s  {done,8} requests  {done / Math.Max(elapsed.TotalSeconds, 0.001),8:0.0}/s  {failed} errors")),
                        cancellationToken);
                }

                var limit = parse.GetValue(maxErrorRate) / 100;
                switch (parse.GetValue(options.Format))
                {
                    case "json":
                        Console.WriteLine(report.ToJson(endpoint.ToString(), limit));
                        break;
                    case "junit":
                        Console.WriteLine(report.ToJUnit(endpoint.ToString(), limit));
                        break;
                    default:
                        report.WriteText(AnsiConsole.Console, endpoint.ToString());
                        break;
                }

                return report.ExitCode(limit);
            }, cancellationToken);
        });
        return command;
    }

    /// <summary>The request to repeat: the tool asked for (if the policy allows it), else the first read-only tool, else tools/list.</summary>
    private static async Task<(string Label, string Method, JsonObject Parameters)> ChooseRequestAsync(
        McpHttpClient client, string? toolName, JsonObject? givenArguments, CheckPolicy policy, CancellationToken cancellationToken)
    {
        var session = await McpConnection.OpenAsync(client, cancellationToken);
        var (tools, failure) = await session.ListAsync("tools/list", "tools", cancellationToken);
        if (failure is not null && toolName is not null)
        {
            throw new CliException($"tools/list failed: {failure.Describe()}.");
        }

        static bool ReadOnly(JsonElement t) => t.TryGetProperty("annotations", out var a) && a.ValueKind == JsonValueKind.Object
            && a.TryGetProperty("readOnlyHint", out var h) && h.ValueKind == JsonValueKind.True;
        static string Name(JsonElement t) => t.TryGetProperty("name", out var n) && n.ValueKind == JsonValueKind.String ? n.GetString()! : "";

        JsonElement? chosen;
        if (toolName is not null)
        {
            chosen = tools.Where(t => Name(t) == toolName).Select(t => (JsonElement?)t).FirstOrDefault()
                ?? throw new CliException($"the server has no tool '{toolName}'; it has: {string.Join(", ", tools.Select(Name))}.");
            if (!policy.CallAllTools && !ReadOnly(chosen.Value))
            {
                throw new CliException($"'{toolName}' is not annotated readOnlyHint: true and the server is not on loopback: loading it may cause side effects. Pass --allow-writes if that is fine.");
            }
        }
        else
        {
            chosen = tools.Where(ReadOnly).Select(t => (JsonElement?)t).FirstOrDefault();
        }

        if (chosen is not { } found)
        {
            return ("tools/list", "tools/list", []);
        }

        var arguments = givenArguments ?? (found.TryGetProperty("inputSchema", out var schema) && schema.ValueKind == JsonValueKind.Object ? ArgumentGenerator.Valid(schema) : []);
        return ($"tools/call {Name(found)}", "tools/call", new JsonObject { ["name"] = Name(found), ["arguments"] = arguments });
    }
}
