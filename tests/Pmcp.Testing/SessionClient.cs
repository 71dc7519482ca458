using System.Net;
using System.Text;
using System.Text.Json.Nodes;

namespace Pmcp.Testing;

/// <summary>
/// One MCP session over raw HTTP (revision 2025-11-25), for the session tests of both hosts: <c>initialize</c>, POSTs
/// carrying <c>Mcp-Session-Id</c>, the standing <c>GET</c> stream read event by event, and <c>DELETE</c>.
/// </summary>
public sealed class SessionClient(HttpClient http, string mcpUrl)
{
    public const string Version = "2025-11-25";

    /// <summary>The session's id once <see cref="InitializeAsync"/> has run.</summary>
    public string? SessionId { get; private set; }

    /// <summary>Initializes (and sends notifications/initialized); returns the initialize result.</summary>
    public async Task<JsonNode> InitializeAsync()
    {
        using var response = await SendAsync(HttpMethod.Post, """
            {"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"session-test","version":"1"}}}
            """, withSession: false);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        SessionId = response.Headers.TryGetValues("Mcp-Session-Id", out var ids) ? ids.Single() : throw new InvalidOperationException("initialize's answer carried no Mcp-Session-Id");
        var result = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["result"]!;
        using var initialized = await SendAsync(HttpMethod.Post, """{"jsonrpc":"2.0","method":"notifications/initialized"}""");
        Assert.Equal(HttpStatusCode.Accepted, initialized.StatusCode);
        return result;
    }

    /// <summary>A JSON-RPC request in the session; the answer's JSON (JSON answers only: Accept is application/json).</summary>
    public async Task<JsonNode> CallAsync(int id, string method, string paramsJson)
    {
        using var response = await SendAsync(HttpMethod.Post, $$"""{"jsonrpc":"2.0","id":{{id}},"method":"{{method}}","params":{{paramsJson}}}""");
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{method}: {(int)response.StatusCode} {body}");
        return JsonNode.Parse(body)!;
    }

    /// <summary>Any request, with the session's id unless told otherwise.</summary>
    public Task<HttpResponseMessage> SendAsync(HttpMethod method, string? json, bool withSession = true, string? sessionId = null, string? lastEventId = null, HttpCompletionOption completion = HttpCompletionOption.ResponseContentRead, CancellationToken cancellationToken = default)
    {
        var request = new HttpRequestMessage(method, mcpUrl);
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }

        request.Headers.TryAddWithoutValidation("Accept", method == HttpMethod.Get ? "text/event-stream" : "application/json");
        request.Headers.TryAddWithoutValidation("MCP-Protocol-Version", Version);
        if ((sessionId ?? (withSession ? SessionId : null)) is { } id)
        {
            request.Headers.TryAddWithoutValidation("Mcp-Session-Id", id);
        }

        if (lastEventId is not null)
        {
            request.Headers.TryAddWithoutValidation("Last-Event-ID", lastEventId);
        }

        return http.SendAsync(request, completion, cancellationToken);
    }

    /// <summary>Opens the standing GET stream.</summary>
    public async Task<SessionEvents> OpenStreamAsync(string? lastEventId = null)
    {
        var cancel = new CancellationTokenSource();
        var response = await SendAsync(HttpMethod.Get, null, lastEventId: lastEventId, completion: HttpCompletionOption.ResponseHeadersRead, cancellationToken: cancel.Token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        return new SessionEvents(response, await response.Content.ReadAsStreamAsync(cancel.Token), cancel);
    }
}

/// <summary>A standing GET stream, read one SSE event at a time.</summary>
public sealed class SessionEvents(HttpResponseMessage response, Stream body, CancellationTokenSource cancel) : IAsyncDisposable
{
    private readonly StreamReader _reader = new(body, Encoding.UTF8);

    /// <summary>The next event with data (comments skipped): its id and JSON; null when the stream ended.</summary>
    public async Task<(string? Id, JsonNode Message)?> NextAsync(TimeSpan timeout)
    {
        using var timer = CancellationTokenSource.CreateLinkedTokenSource(cancel.Token);
        timer.CancelAfter(timeout);
        string? id = null;
        var data = new StringBuilder();
        while (await _reader.ReadLineAsync(timer.Token) is { } line)
        {
            if (line.Length == 0)
            {
                if (data.Length > 0)
                {
                    return (id, JsonNode.Parse(data.ToString())!);
                }

                id = null;
                continue;
            }

            if (line.StartsWith("id: ", StringComparison.Ordinal))
            {
                id = line[4..];
            }
            else if (line.StartsWith("data: ", StringComparison.Ordinal))
            {
                data.Append(line[6..]);
            }
        }

        return null;
    }

    public async ValueTask DisposeAsync()
    {
        await cancel.CancelAsync();
        _reader.Dispose();
        response.Dispose();
        cancel.Dispose();
    }
}
