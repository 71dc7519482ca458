using System.Text.Json;
using Pmcp.Protocol;
using Pmcp.Server;

namespace Pmcp.Http;

/// <summary>
/// The session revisions (2024-11-05 to 2025-11-25), answered without keeping a session: a client starts with
/// <c>initialize</c>, and later requests name their revision in the <c>MCP-Protocol-Version</c> header (none means
/// 2025-03-26, the revision that introduced Streamable HTTP). Also 2025-03-26's JSON-RPC batches, which no other
/// revision has.
/// </summary>
internal readonly struct SessionExchange(ExchangeReplies replies)
{
    private McpServer Server => replies.Server;

    /// <summary>
    /// Answers one message: a client's response completes the server's request it answers, a notification is
    /// accepted, a request is run. A header naming a version this family does not speak is refused.
    /// </summary>
    public async ValueTask<McpHttpResponse> AnswerAsync(JsonRpcMessage message, string? headerVersion)
    {
        if (headerVersion is not null && (!ProtocolVersions.IsSupported(headerVersion) || ProtocolVersions.IsStateless(headerVersion)))
        {
            return UnsupportedHeaderVersion(message, headerVersion);
        }

        if (message.IsResponse)
        {
            // An answer to a request this server sent (sampling, elicitation); unknown ids are ignored.
            Server.ClientRequests.Complete(message);
            return replies.Accepted();
        }

        if (message.IsNotification)
        {
            return replies.Accepted();
        }

        var version = message.Method == "initialize" ? ProtocolVersions.LatestWithInitialize : headerVersion ?? ProtocolVersions.DefaultForHttp;
        return await replies.ServeAsync(message, version, Server.MinimumLogLevel, statusFor: _ => 200).ConfigureAwait(false);
    }

    /// <summary>
    /// Answers a 2025-03-26 batch: each item in turn, their replies as one JSON array (always plain JSON, no event
    /// stream, so the items' notifications are not sent), or 202 when no item wanted a reply.
    /// </summary>
    public async ValueTask<McpHttpResponse> AnswerBatchAsync(JsonElement root, string? headerVersion, int maxBatchItems)
    {
        if (headerVersion is not null && headerVersion != ProtocolVersions.V20250326)
        {
            return replies.Refuse(400, McpErrorCodes.InvalidRequest, "Invalid request: JSON-RPC batches exist only in protocol version 2025-03-26");
        }

        var count = root.GetArrayLength();
        if (count == 0)
        {
            return replies.Refuse(400, McpErrorCodes.InvalidRequest, "Invalid request: an empty batch");
        }

        // Every item is answered, and an answer can be far larger than its request (tools/list): a bound on the
        // items bounds the work and the answer one cheap request can ask for.
        if (count > maxBatchItems)
        {
            return replies.Refuse(400, McpErrorCodes.InvalidRequest, $"Invalid request: a batch of {count} messages; the limit is {maxBatchItems}");
        }

        var answers = new List<byte[]>();
        foreach (var element in root.EnumerateArray())
        {
            JsonRpcMessage message;
            try
            {
                message = JsonRpcMessage.Parse(element);
            }
            catch (McpException e)
            {
                answers.Add(JsonRpcWriter.Error(JsonRpcMessage.TryGetId(element), e));
                replies.Log?.Refused(null, JsonRpcMessage.TryGetId(element), e.Code);
                continue;
            }

            if (message.Method == "initialize")
            {
                answers.Add(JsonRpcWriter.Error(message.Id, McpErrorCodes.InvalidRequest, "Invalid request: initialize must not be part of a batch"));
                replies.Log?.Refused(message, message.Id, McpErrorCodes.InvalidRequest);
                continue;
            }

            if (message.IsResponse)
            {
                Server.ClientRequests.Complete(message);
                replies.Log?.Accepted(message);
                continue;
            }

            var context = replies.NewContext(ProtocolVersions.V20250326, message, Server.MinimumLogLevel, send: null);
            if (await replies.HandleAsync(message, context, batchItem: true).ConfigureAwait(false) is { } reply)
            {
                answers.Add(reply.Json);
            }
        }

        if (answers.Count == 0)
        {
            return replies.Accepted();
        }

        // One buffer of the answer's exact size: the replies are already JSON.
        var body = new byte[answers.Sum(r => r.Length + 1) + 1];
        var at = 0;
        for (var i = 0; i < answers.Count; i++)
        {
            body[at++] = (byte)(i == 0 ? '[' : ',');
            answers[i].CopyTo(body, at);
            at += answers[i].Length;
        }

        body[at] = (byte)']';
        return replies.Json(body);
    }

    private McpHttpResponse UnsupportedHeaderVersion(JsonRpcMessage message, string version) =>
        replies.Refuse(400, McpErrorCodes.InvalidRequest,
            $"Bad Request: unsupported {HttpRules.ProtocolVersionHeader} '{version}'; this server speaks {string.Join(", ", ProtocolVersions.All)}",
            message.Id, ExchangeReplies.SupportedVersionsData(version));
}
