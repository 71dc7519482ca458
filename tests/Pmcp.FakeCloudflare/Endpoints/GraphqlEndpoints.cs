using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Pmcp.FakeCloudflare.Endpoints;

/// <summary>
/// The GraphQL Analytics API (<c>POST /graphql</c>) for Workers: <c>viewer.accounts(filter: {accountTag}).
/// workersInvocationsAdaptive(filter: {scriptName, datetime_geq, datetime_leq})</c> with <c>sum</c> (requests, errors,
/// subrequests), <c>quantiles</c> (cpuTimeP50/P99, wallTimeP50/P99, in microseconds) and <c>dimensions { status }</c>,
/// each selection under its alias, answered in GraphQL's shape (<c>data</c> and <c>errors</c>, HTTP 200 either way). Not
/// a GraphQL engine: it reads the selections this fake is asked for, and says so for anything else.
/// </summary>
internal static partial class GraphqlEndpoints
{
    public static void Map(IEndpointRouteBuilder api, FakeAccount account)
    {
        api.MapPost("/graphql", async (HttpRequest request, CancellationToken cancellationToken) =>
        {
            var body = await JsonBody.ReadAsync(request, cancellationToken) as JsonObject;
            var query = body?["query"]?.GetValue<string>() ?? "";
            var variables = body?["variables"] as JsonObject ?? [];
            if (!account.AnalyticsReadable)
            {
                // What Cloudflare answers a token without Account Analytics: Read.
                return Answer(null, Error("not authorized for that account", "authz", "viewer", "accounts", "0"));
            }

            var matches = Selection().Matches(query).ToList();
            var selections = matches.Select((m, i) => (
                Alias: m.Groups[1].Length > 0 ? m.Groups[1].Value : "workersInvocationsAdaptive",
                Text: query[m.Index..(i + 1 < matches.Count ? matches[i + 1].Index : query.Length)])).ToList();
            if (selections.Count == 0)
            {
                return Answer(null, Error("the fake Cloudflare API answers only workersInvocationsAdaptive", "unsupported"));
            }

            var accountTag = Variable(variables, "accountTag");
            if (accountTag != account.AccountId)
            {
                return Answer(new JsonObject { ["viewer"] = new JsonObject { ["accounts"] = new JsonArray() } });
            }

            var script = Variable(variables, "scriptName");
            var since = DateTimeOffset.Parse(Variable(variables, "since") ?? "0001-01-01T00:00:00Z", CultureInfo.InvariantCulture);
            var until = DateTimeOffset.Parse(Variable(variables, "until") ?? "9999-12-31T00:00:00Z", CultureInfo.InvariantCulture);
            List<WorkerInvocation> rows;
            lock (account.Gate)
            {
                rows = [.. account.Invocations.Where(i => i.ScriptName == script && i.At >= since && i.At <= until)];
            }

            var result = new JsonObject();
            foreach (var (alias, text) in selections)
            {
                var groups = text.Contains("dimensions", StringComparison.Ordinal) && text.Contains("status", StringComparison.Ordinal)
                    ? rows.GroupBy(r => r.Status).OrderByDescending(g => g.Count()).Select(g => (Status: (string?)g.Key, Rows: g.ToList()))
                    : rows.Count == 0 ? [] : [(Status: (string?)null, Rows: rows)];
                result[alias] = new JsonArray([.. groups.Select(g => (JsonNode)Row(g.Rows, g.Status, text))]);
            }

            return Answer(new JsonObject { ["viewer"] = new JsonObject { ["accounts"] = new JsonArray(result) } });
        });
    }

    private static JsonObject Row(List<WorkerInvocation> rows, string? status, string selection)
    {
        var row = new JsonObject
        {
            ["sum"] = new JsonObject
            {
                ["requests"] = rows.Count,
                ["errors"] = rows.Count(r => r.IsError),
                ["subrequests"] = rows.Sum(r => r.Subrequests),
            },
        };
        if (selection.Contains("quantiles", StringComparison.Ordinal))
        {
            row["quantiles"] = new JsonObject
            {
                ["cpuTimeP50"] = Quantile(rows.Select(r => r.CpuTimeUs), 0.50),
                ["cpuTimeP99"] = Quantile(rows.Select(r => r.CpuTimeUs), 0.99),
                ["wallTimeP50"] = Quantile(rows.Select(r => r.WallTimeUs), 0.50),
                ["wallTimeP99"] = Quantile(rows.Select(r => r.WallTimeUs), 0.99),
            };
        }

        if (status is not null)
        {
            row["dimensions"] = new JsonObject { ["status"] = status };
        }

        return row;
    }

    /// <summary>Nearest rank, as an estimate of the quantile (Cloudflare's are estimates too).</summary>
    private static double Quantile(IEnumerable<double> values, double q)
    {
        var sorted = values.Order().ToList();
        return sorted.Count == 0 ? 0 : sorted[Math.Clamp((int)Math.Ceiling(q * sorted.Count) - 1, 0, sorted.Count - 1)];
    }

    /// <summary>A variable's value (this fake reads filters from the variables object only, as the CLI sends them).</summary>
    private static string? Variable(JsonObject variables, string name) => variables[name]?.GetValue<string>();

    private static IResult Answer(JsonObject? data, JsonObject? error = null) =>
        Results.Json(new JsonObject { ["data"] = data, ["errors"] = error is null ? null : new JsonArray(error) });

    private static JsonObject Error(string message, string code, params string[] path) => new()
    {
        ["message"] = message,
        ["path"] = new JsonArray([.. path.Select(p => (JsonNode)p)]),
        ["extensions"] = new JsonObject { ["code"] = code, ["timestamp"] = DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture) },
    };

    [GeneratedRegex("(?:(\\w+)\\s*:\\s*)?workersInvocationsAdaptive\\s*\\(")]
    private static partial Regex Selection();
}
