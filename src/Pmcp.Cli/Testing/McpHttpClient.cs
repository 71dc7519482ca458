using System.Text;
using System.Text.Json;

namespace Pmcp.Cli.Testing;

/// <summary>
/// The smallest Streamable HTTP client that <c>test check</c> needs: one POST per message, the answer read from a
/// JSON body or from an SSE stream. Every header can be overridden per request, since the HTTP checks send the wrong
/// ones on purpose.
/// </summary>
internal sealed class McpHttpClient(Uri endpoint, string? bearerToken, TimeSpan timeout) : IDisposable
{
    /// <summary>What the transport says a client must accept.</summary>
    public const string StandardAccept = "application/json, text/event-stream";

    private readonly HttpClient _http = new(new SocketsHttpHandler { AllowAutoRedirect = false }) { Timeout = timeout };

    /// <summary>The MCP endpoint this client talks to.</summary>
    public Uri Endpoint { get; } = endpoint;

    /// <summary>Whether every request carries <c>Authorization: Bearer</c> (an API key or an access token).</summary>
    public bool SendsCredential => bearerToken is not null;

    /// <summary>
    /// POSTs <paramref name="body"/> as it is (it need not be JSON). Headers: <paramref name="headers"/> win over the
    /// standard ones (a null value leaves the header out).
    /// </summary>
    public async Task<McpReply> PostAsync(string body, IReadOnlyDictionary<string, string?> headers, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, Endpoint);
        var all = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase)
        {
            ["Accept"] = StandardAccept,
            ["Content-Type"] = "application/json",
        };
        if (bearerToken is not null)
        {
            all["Authorization"] = "Bearer " + bearerToken;
        }

        foreach (var (name, value) in headers)
        {
            all[name] = value;
        }

        request.Content = new ByteArrayContent(Encoding.UTF8.GetBytes(body));
        request.Content.Headers.ContentType = null;
        foreach (var (name, value) in all)
        {
            if (value is null)
            {
                continue;
            }

            if (name.Equals("Content-Type", StringComparison.OrdinalIgnoreCase))
            {
                request.Content.Headers.TryAddWithoutValidation(name, value);
            }
            else
            {
                request.Headers.TryAddWithoutValidation(name, value);
            }
        }

        using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        var contentType = response.Content.Headers.ContentType?.MediaType;
        var eventStream = string.Equals(contentType, "text/event-stream", StringComparison.OrdinalIgnoreCase);
        var asked = new List<string>();
        var text = eventStream
            ? await ReadEventStreamAsync(response, all, asked, cancellationToken)
            : await response.Content.ReadAsStringAsync(cancellationToken);
        var sessionId = response.Headers.TryGetValues("Mcp-Session-Id", out var ids) ? ids.FirstOrDefault() : null;
        var message = eventStream ? FromEventStream(text) : Parse(text);
        var challenge = response.Headers.WwwAuthenticate.Count > 0 ? response.Headers.WwwAuthenticate.ToString() : null;
        return new McpReply(response.StatusCode, contentType, sessionId, message, text) { AskedOfClient = asked, Challenge = challenge };
    }

    public void Dispose() => _http.Dispose();

    /// <summary>
    /// The whole event stream, read event by event: a request the server sends the client on it (sampling,
    /// elicitation, roots) is answered at once with "method not found", as a client without those capabilities
    /// answers, so a tool that asks finishes (with its own error) instead of waiting for the check's timeout.
    /// </summary>
    private async Task<string> ReadEventStreamAsync(HttpResponseMessage response, Dictionary<string, string?> sent, List<string> asked, CancellationToken cancellationToken)
    {
        var text = new StringBuilder();
        var data = new StringBuilder();
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cancellationToken), Encoding.UTF8);
        while (await reader.ReadLineAsync(cancellationToken) is { } line)
        {
            text.Append(line).Append('\n');
            if (line.StartsWith("data:", StringComparison.Ordinal))
            {
                data.Append(data.Length > 0 ? "\n" : "").Append(line[5..].TrimStart());
            }
            else if (line.Length == 0 && data.Length > 0)
            {
                if (Parse(data.ToString()) is { ValueKind: JsonValueKind.Object } message
                    && message.TryGetProperty("method", out var method) && message.TryGetProperty("id", out var id))
                {
                    asked.Add(method.GetString() ?? "?");
                    await RefuseAsync(id, method.GetString(), sent, cancellationToken);
                }

                data.Clear();
            }
        }

        return text.ToString();
    }

    private async Task RefuseAsync(JsonElement id, string? method, Dictionary<string, string?> sent, CancellationToken cancellationToken)
    {
        using var answer = new HttpRequestMessage(HttpMethod.Post, Endpoint);
        var error = new System.Text.Json.Nodes.JsonObject
        {
            ["code"] = -32601,
            ["message"] = $"dotnet pmcp test declares no client capabilities, so it does not answer {method ?? "?"}",
        };
        var body = $"{{\"jsonrpc\":\"2.0\",\"id\":{id.GetRawText()},\"error\":{error.ToJsonString()}}}";
        answer.Content = new StringContent(body, Encoding.UTF8, "application/json");
        answer.Headers.TryAddWithoutValidation("Accept", StandardAccept);
        foreach (var name in (string[])["Authorization", "Mcp-Session-Id", "MCP-Protocol-Version"])
        {
            if (sent.TryGetValue(name, out var value) && value is not null)
            {
                answer.Headers.TryAddWithoutValidation(name, value);
            }
        }

        try
        {
            using var reply = await _http.SendAsync(answer, cancellationToken);
        }
        catch (HttpRequestException)
        {
            // The tool's own answer, on the stream, says what came of it.
        }
    }

    /// <summary>The stream's last event whose data is a JSON-RPC response (earlier ones may be notifications).</summary>
    private static JsonElement? FromEventStream(string stream)
    {
        JsonElement? found = null;
        foreach (var evt in stream.ReplaceLineEndings("\n").Split("\n\n"))
        {
            var data = string.Join('\n', evt.Split('\n')
                .Where(line => line.StartsWith("data:", StringComparison.Ordinal))
                .Select(line => line[5..].TrimStart()));
            if (Parse(data) is { ValueKind: JsonValueKind.Object } message && (message.TryGetProperty("result", out _) || message.TryGetProperty("error", out _)))
            {
                found = message;
            }
        }

        return found;
    }

    private static JsonElement? Parse(string text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(text);
            return document.RootElement.Clone();
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
