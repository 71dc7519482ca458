using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Pmcp.Cli.Analytics;
using Spectre.Console;

namespace Pmcp.Cli.Commands;

/// <summary><c>dotnet pmcp deploy metrics</c>: the deployed Worker's requests, errors, and CPU and wall time percentiles.</summary>
internal static class DeployMetricsCommand
{
    public static Command Create()
    {
        var project = CommonOptions.ProjectArgument();
        var env = CommonOptions.EnvOption();
        var since = new Option<string>("--since") { Description = "How far back: minutes, hours or days, such as 90m, 24h or 7d (at most 31d).", DefaultValueFactory = _ => "24h" };
        var format = new Option<string>("--format") { Description = "table or json.", DefaultValueFactory = _ => "table" };
        format.AcceptOnlyFromAmong("table", "json");
        var command = new Command("metrics", $"""
            Show the deployed Worker's numbers from Cloudflare's analytics: requests, errors and error rate,
            subrequests, CPU time and wall time (median and 99th percentile), and requests by outcome. The figures are
            Cloudflare's (sampled for busy Workers) and arrive a minute or so after the requests.
            Needs credentials that may read the account's analytics: the login of dotnet pmcp login, or an API token
            in CLOUDFLARE_API_TOKEN with the '{WorkersAnalytics.Permission}' permission.

            Examples:
              dotnet pmcp deploy metrics
              dotnet pmcp deploy metrics --env production --since 7d
              dotnet pmcp deploy metrics --since 90m --format json
            """)
        {
            project, env, since, format,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var span = TimeWindow.Parse(parse.GetValue(since)!);
            if (DeployContext.Open(parse.GetValue(project)!, parse.GetValue(env)) is not { } context)
            {
                return 1;
            }

            var credentials = await CloudflareCredentials.ResolveAsync(context.WranglerAsync, cancellationToken);
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(60) };
            var analytics = new WorkersAnalytics(http, credentials);
            var account = await analytics.AccountAsync(context.Target.AccountId ?? Environment.GetEnvironmentVariable("CLOUDFLARE_ACCOUNT_ID"), cancellationToken);
            var until = DateTimeOffset.UtcNow;
            var metrics = await analytics.QueryAsync(account, context.Target.WorkerName, until - span, until, cancellationToken);
            if (parse.GetValue(format) == "json")
            {
                Console.Out.WriteLine(Json(metrics).ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
            }
            else
            {
                WriteTable(metrics, context.Target.Describe());
            }

            return 0;
        });
        return command;
    }

    private static void WriteTable(WorkerMetrics metrics, string worker)
    {
        var console = AnsiConsole.Console;
        console.MarkupLine($"[bold]{Markup.Escape(worker)}[/], {Markup.Escape(Time(metrics.Since))} to {Markup.Escape(Time(metrics.Until))} (UTC)");
        var table = new Table().AddColumn("Figure").AddColumn(new TableColumn("Value").RightAligned());
        table.AddRow("Requests", Count(metrics.Requests));
        table.AddRow("Errors", $"{Count(metrics.Errors)} ({(metrics.ErrorRate * 100).ToString("0.##", CultureInfo.InvariantCulture)} %)");
        table.AddRow("Subrequests", Count(metrics.Subrequests));
        table.AddRow("CPU time, median", Milliseconds(metrics.CpuTimeP50Us));
        table.AddRow("CPU time, 99th percentile", Milliseconds(metrics.CpuTimeP99Us));
        table.AddRow("Wall time, median", Milliseconds(metrics.WallTimeP50Us));
        table.AddRow("Wall time, 99th percentile", Milliseconds(metrics.WallTimeP99Us));
        foreach (var (status, requests) in metrics.RequestsByStatus)
        {
            table.AddRow($"Requests that ended {Markup.Escape(status)}", Count(requests));
        }

        console.Write(table);
        if (metrics.Requests == 0)
        {
            console.WriteLine("No requests in this window (Cloudflare's analytics lag the requests by a minute or so).");
        }
    }

    private static JsonObject Json(WorkerMetrics metrics) => new()
    {
        ["worker"] = metrics.WorkerName,
        ["since"] = Time(metrics.Since),
        ["until"] = Time(metrics.Until),
        ["requests"] = metrics.Requests,
        ["errors"] = metrics.Errors,
        ["errorRate"] = metrics.ErrorRate,
        ["subrequests"] = metrics.Subrequests,
        ["cpuTimeMs"] = new JsonObject { ["p50"] = Ms(metrics.CpuTimeP50Us), ["p99"] = Ms(metrics.CpuTimeP99Us) },
        ["wallTimeMs"] = new JsonObject { ["p50"] = Ms(metrics.WallTimeP50Us), ["p99"] = Ms(metrics.WallTimeP99Us) },
        ["requestsByStatus"] = new JsonObject(metrics.RequestsByStatus.Select(s => new KeyValuePair<string, JsonNode?>(s.Key, s.Value))),
    };

    private static double? Ms(double? microseconds) => microseconds / 1000;

    private static string Milliseconds(double? microseconds) =>
        microseconds is { } us ? (us / 1000).ToString("0.###", CultureInfo.InvariantCulture) + " ms" : "–";

    private static string Count(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    private static string Time(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);
}
