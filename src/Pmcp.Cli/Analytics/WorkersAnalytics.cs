using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Pmcp.Cli.Analytics;

/// <summary>
/// A Worker's request counts and CPU and wall time percentiles from Cloudflare's GraphQL Analytics API: one query, two
/// selections of <c>workersInvocationsAdaptive</c> (the totals with their quantiles, and the requests by status).
/// </summary>
internal sealed class WorkersAnalytics(HttpClient http, CloudflareCredentials credentials)
{
    /// <summary>The permission a token needs for this, as Cloudflare's token page names it.</summary>
    public const string Permission = "Account Analytics: Read";

    private const string Query = """
        query WorkerMetrics($accountTag: string!, $scriptName: string!, $since: Time!, $until: Time!) {
          viewer {
            accounts(filter: { accountTag: $accountTag }) {
              total: workersInvocationsAdaptive(limit: 1, filter: { scriptName: $scriptName, datetime_geq: $since, datetime_leq: $until }) {
                sum { requests errors subrequests }
                quantiles { cpuTimeP50 cpuTimeP99 wallTimeP50 wallTimeP99 }
              }
              byStatus: workersInvocationsAdaptive(limit: 100, filter: { scriptName: $scriptName, datetime_geq: $since, datetime_leq: $until }, orderBy: [sum_requests_DESC]) {
                sum { requests }
                dimensions { status }
              }
            }
          }
        }
        """;

    /// <summary>The account to ask about: the one given, else the only one the credentials reach.</summary>
    public async Task<string> AccountAsync(string? configured, CancellationToken cancellationToken)
    {
        if (configured is { Length: > 0 })
        {
            return configured;
        }

        using var request = new HttpRequestMessage(HttpMethod.Get, $"{CloudflareCredentials.ApiBase}/accounts");
        credentials.Apply(request);
        using var response = await http.SendAsync(request, cancellationToken);
        var body = await ReadJsonAsync(response, cancellationToken);
        var accounts = body?["result"] as JsonArray ?? [];
        return accounts.Count switch
        {
            1 => accounts[0]?["id"]?.GetValue<string>() ?? throw Unexpected("its account list"),
            0 => throw new CliException(response.IsSuccessStatusCode
                ? "These credentials reach no Cloudflare account; log in with another one (dotnet pmcp login), or set CLOUDFLARE_API_TOKEN."
                : $"Cloudflare refused the credentials (HTTP {(int)response.StatusCode}): log in again (dotnet pmcp login), or set CLOUDFLARE_API_TOKEN."),
            _ => throw new CliException("These credentials reach several accounts (" + string.Join(", ", accounts.Select(a => $"{a?["name"]} {a?["id"]}"))
                + "): set account_id under [cloudflare] in .pmcp/deploy.toml, or CLOUDFLARE_ACCOUNT_ID."),
        };
    }

    public async Task<WorkerMetrics> QueryAsync(string accountId, string workerName, DateTimeOffset since, DateTimeOffset until, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"{CloudflareCredentials.ApiBase}/graphql")
        {
            Content = JsonContent.Create(new JsonObject
            {
                ["query"] = Query,
                ["variables"] = new JsonObject
                {
                    ["accountTag"] = accountId,
                    ["scriptName"] = workerName,
                    ["since"] = since.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
                    ["until"] = until.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
                },
            }),
        };
        credentials.Apply(request);
        using var response = await http.SendAsync(request, cancellationToken);
        var body = await ReadJsonAsync(response, cancellationToken);
        if (body?["errors"] is JsonArray { Count: > 0 } errors)
        {
            throw Refused(errors, response);
        }

        if (!response.IsSuccessStatusCode)
        {
            throw new CliException($"Cloudflare's analytics answered HTTP {(int)response.StatusCode}; check the credentials (dotnet pmcp whoami) and try again.");
        }

        var account = body?["data"]?["viewer"]?["accounts"]?[0] ?? throw new CliException($"Cloudflare's analytics know no account {accountId}: check account_id under [cloudflare] in .pmcp/deploy.toml, or CLOUDFLARE_ACCOUNT_ID.");
        var total = (account["total"] as JsonArray)?.FirstOrDefault();
        var byStatus = (account["byStatus"] as JsonArray ?? [])
            .Select(row => new KeyValuePair<string, long>(row?["dimensions"]?["status"]?.GetValue<string>() ?? "unknown", Long(row?["sum"]?["requests"])))
            .ToList();
        return new WorkerMetrics(
            workerName, since, until,
            Long(total?["sum"]?["requests"]), Long(total?["sum"]?["errors"]), Long(total?["sum"]?["subrequests"]),
            Double(total?["quantiles"]?["cpuTimeP50"]), Double(total?["quantiles"]?["cpuTimeP99"]),
            Double(total?["quantiles"]?["wallTimeP50"]), Double(total?["quantiles"]?["wallTimeP99"]),
            byStatus);
    }

    /// <summary>A GraphQL error, said in words a user can act on; an authorization error names the permission to add.</summary>
    private static CliException Refused(JsonArray errors, HttpResponseMessage response)
    {
        var first = errors[0];
        var message = first?["message"]?.GetValue<string>() ?? "unknown error";
        var code = first?["extensions"]?["code"]?.GetValue<string>();
        return code == "authz" || message.Contains("not authorized", StringComparison.OrdinalIgnoreCase) || response.StatusCode == System.Net.HttpStatusCode.Forbidden
            ? new CliException($"Cloudflare refused to show this account's analytics ({message}): the token needs the '{Permission}' permission. Create an API token with it and set CLOUDFLARE_API_TOKEN, or log in with an account member who has it (dotnet pmcp login).")
            : new CliException($"Cloudflare's analytics refused the query: {message}.");
    }

    private static async Task<JsonNode?> ReadJsonAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            return JsonNode.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
        }
        catch (System.Text.Json.JsonException)
        {
            throw new CliException($"Cloudflare's API answered HTTP {(int)response.StatusCode} with something other than JSON; check CLOUDFLARE_API_BASE_URL if you set it, and try again.");
        }
    }

    private static CliException Unexpected(string what) => new($"Cloudflare's API answered with an unexpected shape for {what}; try again, or report it.");

    private static long Long(JsonNode? node) => node is JsonValue value && value.TryGetValue<double>(out var number) ? (long)number : 0;

    private static double? Double(JsonNode? node) => node is JsonValue value && value.TryGetValue<double>(out var number) ? number : null;
}
