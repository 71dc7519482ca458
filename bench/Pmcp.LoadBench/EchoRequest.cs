using System.Net;
using System.Net.Http.Headers;
using System.Text;

namespace Pmcp.LoadBench;

/// <summary>
/// The one request of the benchmark: <c>tools/call echo</c> with the headers a Streamable HTTP client sends.
/// No initialize: both servers are stateless. Each message is unique, so a correct answer proves the tool ran.
/// </summary>
internal static class EchoRequest
{
    private static readonly MediaTypeHeaderValue Json = new("application/json");

    public static HttpRequestMessage Create(Uri endpoint, string message)
    {
        var body = Encoding.UTF8.GetBytes(Body(message));
        var request = new HttpRequestMessage(HttpMethod.Post, endpoint)
        {
            Content = new ByteArrayContent(body) { Headers = { ContentType = Json } },
            Version = HttpVersion.Version11,
        };
        request.Headers.TryAddWithoutValidation("Accept", "application/json, text/event-stream");
        request.Headers.TryAddWithoutValidation("MCP-Protocol-Version", "2025-06-18");
        return request;
    }

    /// <summary>The JSON-RPC body; the message is ASCII letters, digits and dashes, so it needs no JSON escaping.</summary>
    public static string Body(string message) =>
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"echo\",\"arguments\":{\"message\":\"" + message + "\"}}}";

    /// <summary>A 200 whose body (JSON, or the SSE event that carries it) holds the echoed text.</summary>
    public static bool IsCorrect(HttpResponseMessage response, byte[] body, string message) =>
        response.StatusCode == HttpStatusCode.OK
        && body.AsSpan().IndexOf(Encoding.UTF8.GetBytes($"\"text\":\"{message}\"")) >= 0;
}
