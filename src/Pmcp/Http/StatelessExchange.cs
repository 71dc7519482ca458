using System.Text.Json;
using Pmcp.Protocol;
using Pmcp.Server;

namespace Pmcp.Http;

/// <summary>
/// The stateless revision (2026-07-28): no <c>initialize</c>; every request carries its protocol version, client
/// capabilities and log level in <c>_meta</c>, and repeats its version, method and (for named methods) name in the
/// <c>MCP-Protocol-Version</c>, <c>Mcp-Method</c> and <c>Mcp-Name</c> headers, so that what stands in front of the
/// server (a gateway, a load balancer) sees what is asked without reading the body; the headers must match the body.
/// </summary>
internal readonly struct StatelessExchange(ExchangeReplies replies)
{
    private McpHttpRequest Request => replies.Request;

    /// <summary>
    /// Answers one message: a notification is accepted (after its <c>Mcp-Method</c> header, if any, is checked),
    /// a request is checked (its <c>_meta</c>, its headers, its version, its log level) and run. Clients do not send
    /// responses in this revision.
    /// </summary>
    public async ValueTask<McpHttpResponse> AnswerAsync(JsonRpcMessage message, JsonElement? meta, string? headerVersion)
    {
        if (message.Method is null)
        {
            return replies.Refuse(400, McpErrorCodes.InvalidRequest, "Invalid request: clients must not send responses in this protocol version", message.Id);
        }

        var methodHeader = Request.Header("Mcp-Method");
        if (message.IsNotification)
        {
            return methodHeader is not null && HttpRules.DecodeHeaderValue(methodHeader) != message.Method
                ? Mismatch(message, $"Mcp-Method header value '{methodHeader.Trim()}' does not match body value '{message.Method}'")
                : replies.Accepted();
        }

        var bodyVersion = meta?.TryGetProperty(MetaKeys.ProtocolVersion, out var v) == true && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
        if (bodyVersion is null || meta?.TryGetProperty(MetaKeys.ClientCapabilities, out var caps) != true || caps.ValueKind != JsonValueKind.Object)
        {
            return replies.Refuse(400, McpErrorCodes.InvalidParams,
                $"Invalid params: _meta must carry '{MetaKeys.ProtocolVersion}' (a string) and '{MetaKeys.ClientCapabilities}' (an object)", message.Id);
        }

        if (HeaderProblem(message, methodHeader, headerVersion, bodyVersion) is { } problem)
        {
            return Mismatch(message, problem);
        }

        if (!ProtocolVersions.IsSupported(bodyVersion) || !ProtocolVersions.IsStateless(bodyVersion))
        {
            return replies.Refuse(400, McpErrorCodes.UnsupportedProtocolVersion, "Unsupported protocol version", message.Id, ExchangeReplies.SupportedVersionsData(bodyVersion));
        }

        LoggingLevel? logLevel = null;
        if (meta!.Value.TryGetProperty(MetaKeys.LogLevel, out var level))
        {
            if (level.ValueKind != JsonValueKind.String || !LogLevels.TryParse(level.GetString(), out var parsed))
            {
                return replies.Refuse(400, McpErrorCodes.InvalidParams, $"Invalid params: '{MetaKeys.LogLevel}' must be a log level such as \"info\"", message.Id);
            }

            logLevel = parsed;
        }

        return await replies.ServeAsync(message, bodyVersion, logLevel, statusFor: code => code switch
        {
            McpErrorCodes.MethodNotFound => 404,
            McpErrorCodes.MissingRequiredClientCapability => 400,
            _ => 200,
        }).ConfigureAwait(false);
    }

    /// <summary>The stateless revision's header rules: version, method and (for named methods) name must match the body.</summary>
    private string? HeaderProblem(JsonRpcMessage message, string? methodHeader, string? headerVersion, string bodyVersion)
    {
        if (headerVersion is null)
        {
            return $"the {HttpRules.ProtocolVersionHeader} header is required";
        }

        if (headerVersion != bodyVersion)
        {
            return $"{HttpRules.ProtocolVersionHeader} header value '{headerVersion}' does not match body value '{bodyVersion}'";
        }

        if (methodHeader is null)
        {
            return "the Mcp-Method header is required";
        }

        if (HttpRules.DecodeHeaderValue(methodHeader) is not { } method || method != message.Method)
        {
            return $"Mcp-Method header value '{methodHeader.Trim()}' does not match body value '{message.Method}'";
        }

        var nameField = message.Method switch
        {
            "tools/call" or "prompts/get" => "name",
            "resources/read" => "uri",
            _ => null,
        };
        if (nameField is null)
        {
            return null;
        }

        var nameHeader = Request.Header("Mcp-Name");
        if (nameHeader is null)
        {
            return $"the Mcp-Name header is required for {message.Method}";
        }

        var bodyName = message.Params.ValueKind == JsonValueKind.Object && message.Params.TryGetProperty(nameField, out var n) && n.ValueKind == JsonValueKind.String
            ? n.GetString()
            : null;
        var decoded = HttpRules.DecodeHeaderValue(nameHeader);
        return decoded is not null && decoded == bodyName
            ? null
            : $"Mcp-Name header value '{nameHeader.Trim()}' does not match body value '{bodyName}'";
    }

    private McpHttpResponse Mismatch(JsonRpcMessage message, string problem) =>
        replies.Refuse(400, McpErrorCodes.HeaderMismatch, $"Header mismatch: {problem}", message.Id);
}
