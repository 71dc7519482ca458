using System.Text.Json.Nodes;

namespace Pmcp.FakeCloudflare;

/// <summary>
/// The filters wrangler posts when it creates a tail (<c>{"filters":[{"outcome":[…]},{"method":[…]},{"query":"…"},…]}</c>),
/// applied to an event as Cloudflare applies them before sending it: every filter given must admit it. <c>outcome</c>:
/// the invocation's outcome is listed (wrangler's <c>--status error</c> lists <c>exception</c>, <c>exceededCpu</c>,
/// …); <c>method</c>: the request's method is listed; <c>query</c> (<c>--search</c>): a console line of the invocation
/// contains the text; <c>sampling_rate</c>, <c>header</c> and <c>client_ip</c> admit every event here.
/// </summary>
public static class TailFilters
{
    /// <summary>Whether <paramref name="filters"/> (as posted; null for none) let <paramref name="tailEvent"/> through.</summary>
    public static bool Admit(JsonNode? filters, JsonNode tailEvent)
    {
        if (filters?["filters"] is not JsonArray list)
        {
            return true;
        }

        foreach (var filter in list.OfType<JsonObject>())
        {
            if (filter["outcome"] is JsonArray outcomes && !outcomes.Any(o => o?.GetValue<string>() == tailEvent["outcome"]?.GetValue<string>()))
            {
                return false;
            }

            if (filter["method"] is JsonArray methods && !methods.Any(m => string.Equals(m?.GetValue<string>(), tailEvent["event"]?["request"]?["method"]?.GetValue<string>(), StringComparison.OrdinalIgnoreCase)))
            {
                return false;
            }

            if (filter["query"]?.GetValue<string>() is { Length: > 0 } query && !LogsContain(tailEvent, query))
            {
                return false;
            }
        }

        return true;
    }

    private static bool LogsContain(JsonNode tailEvent, string query) =>
        tailEvent["logs"] is JsonArray logs && logs.OfType<JsonObject>().Any(log => log["message"] is JsonArray parts
            && parts.Any(part => (part is JsonValue value && value.TryGetValue<string>(out var text) ? text : part?.ToJsonString() ?? "").Contains(query, StringComparison.Ordinal)));
}
