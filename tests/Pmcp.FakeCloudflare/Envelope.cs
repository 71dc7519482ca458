using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace Pmcp.FakeCloudflare;

/// <summary>Cloudflare's response envelope: <c>{ "success", "errors", "messages", "result" }</c>, and <c>result_info</c> on lists.</summary>
internal static class Envelope
{
    public static IResult Ok(JsonNode? result, JsonArray? messages = null) =>
        Write(StatusCodes.Status200OK, new JsonObject
        {
            ["success"] = true,
            ["errors"] = new JsonArray(),
            ["messages"] = messages ?? [],
            ["result"] = result,
        });

    /// <summary>A list result, all on one page. No <c>cursor</c> in <c>result_info</c>: wrangler would page on it.</summary>
    public static IResult List(IEnumerable<JsonNode> items)
    {
        var array = new JsonArray([.. items]);
        return Write(StatusCodes.Status200OK, new JsonObject
        {
            ["success"] = true,
            ["errors"] = new JsonArray(),
            ["messages"] = new JsonArray(),
            ["result"] = array,
            ["result_info"] = new JsonObject
            {
                ["page"] = 1,
                ["per_page"] = Math.Max(array.Count, 20),
                ["count"] = array.Count,
                ["total_count"] = array.Count,
                ["total_pages"] = 1,
            },
        });
    }

    public static IResult Error(int statusCode, CloudflareError error) =>
        Write(statusCode, new JsonObject
        {
            ["success"] = false,
            ["errors"] = new JsonArray(new JsonObject { ["code"] = error.Code, ["message"] = error.Message }),
            ["messages"] = new JsonArray(),
            ["result"] = null,
        });

    public static IResult ScriptNotFound() => Error(StatusCodes.Status404NotFound, CloudflareError.ScriptNotFound);

    private static IResult Write(int statusCode, JsonObject body) =>
        Results.Text(body.ToJsonString(), "application/json", statusCode: statusCode);
}
