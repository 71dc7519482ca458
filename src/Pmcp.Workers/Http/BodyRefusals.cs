using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Pmcp.Http;

namespace Pmcp.Workers.Http;

/// <summary>
/// The body refusals both hosts make, worded and answered alike: over the Worker's limit (413, a JSON-RPC error, as the
/// JS host answers a <c>Content-Length</c> over it in host/worker-host.mjs: tooLarge) and busy (503, host: busy).
/// </summary>
internal static class BodyRefusals
{
    public static BodyRefusedException TooLarge(int limit) => new(
        413,
        "Payload Too Large: the limit is " + limit.ToString(CultureInfo.InvariantCulture) + " bytes (the Worker's var " + McpEndpointOptions.MaxBodyBytesVar + ")");

    public static BodyRefusedException Busy() =>
        new(503, "Service Unavailable: the Worker is reading other large request bodies; retry shortly.");

    /// <summary>What the host answers when a Worker left a refusal unhandled.</summary>
    public static Response ToResponse(BodyRefusedException refusal)
    {
        if (refusal.StatusCode != 413)
        {
            return Response.Text(refusal.Message, refusal.StatusCode).WithHeader("Retry-After", "1");
        }

        // Written as JavaScript's JSON.stringify writes it, so that both hosts send the same bytes.
        var message = JsonEncodedText.Encode(refusal.Message, JavaScriptEncoder.UnsafeRelaxedJsonEscaping).ToString();
        var json = """{"jsonrpc":"2.0","id":null,"error":{"code":-32600,"message":""" + "\"" + message + "\"}}";
        return Response.Bytes(Encoding.UTF8.GetBytes(json), "application/json", 413);
    }
}
