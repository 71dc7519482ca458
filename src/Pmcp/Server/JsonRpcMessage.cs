using System.Text.Json;
using Pmcp.Protocol;

namespace Pmcp.Server;

/// <summary>One JSON-RPC 2.0 message as received: a request, a notification, or a response from the client.</summary>
internal readonly record struct JsonRpcMessage(string? Method, JsonElement Id, JsonElement Params)
{
    /// <summary>For a response from the client: its <c>result</c> or <c>error</c> member.</summary>
    public JsonElement Result { get; init; }

    public JsonElement Error { get; init; }

    public bool IsResponse => Method is null;

    public bool HasId => Id.ValueKind != JsonValueKind.Undefined;

    public bool IsNotification => Method is not null && !HasId;

    public bool IsRequest => Method is not null && HasId;

    /// <summary>Reads a message, or throws -32600 saying what is wrong with it.</summary>
    public static JsonRpcMessage Parse(JsonElement element)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw Invalid("a JSON-RPC message must be an object");
        }

        if (!element.TryGetProperty("jsonrpc", out var version) || version.ValueKind != JsonValueKind.String || !version.ValueEquals("2.0"))
        {
            throw Invalid("'jsonrpc' must be \"2.0\"");
        }

        var id = default(JsonElement);
        if (element.TryGetProperty("id", out var idElement))
        {
            if (idElement.ValueKind is not (JsonValueKind.String or JsonValueKind.Number))
            {
                throw Invalid("'id' must be a string or a number");
            }

            id = idElement;
        }

        string? method = null;
        if (element.TryGetProperty("method", out var methodElement))
        {
            if (methodElement.ValueKind != JsonValueKind.String)
            {
                throw Invalid("'method' must be a string");
            }

            method = KnownMethod(methodElement) ?? methodElement.GetString();
        }
        else if (!element.TryGetProperty("result", out _) && !element.TryGetProperty("error", out _))
        {
            throw Invalid("a request needs a 'method'");
        }
        else if (id.ValueKind == JsonValueKind.Undefined)
        {
            throw Invalid("a response needs an 'id'");
        }

        var parameters = default(JsonElement);
        if (element.TryGetProperty("params", out var paramsElement))
        {
            if (paramsElement.ValueKind is not (JsonValueKind.Object or JsonValueKind.Array))
            {
                throw Invalid("'params' must be an object");
            }

            parameters = paramsElement;
        }

        return new JsonRpcMessage(method, id, parameters)
        {
            Result = method is null && element.TryGetProperty("result", out var result) ? result : default,
            Error = method is null && element.TryGetProperty("error", out var error) ? error : default,
        };
    }

    /// <summary>The methods a server is sent most, matched in place so that a request does not make its method's name again.</summary>
    private static readonly string[] KnownMethods =
    [
        "tools/call", "tools/list", "initialize", "notifications/initialized", "ping", "resources/read", "resources/list",
        "resources/templates/list", "prompts/get", "prompts/list", "completion/complete", "logging/setLevel",
        "server/discover", "notifications/cancelled",
    ];

    private static readonly byte[][] KnownMethodsUtf8 = [.. KnownMethods.Select(System.Text.Encoding.UTF8.GetBytes)];

    private static string? KnownMethod(JsonElement method)
    {
        for (var i = 0; i < KnownMethodsUtf8.Length; i++)
        {
            if (method.ValueEquals(KnownMethodsUtf8[i]))
            {
                return KnownMethods[i];
            }
        }

        return null;
    }

    /// <summary>The id of a message that failed to parse, when it still has a usable one.</summary>
    public static JsonElement TryGetId(JsonElement element) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty("id", out var id)
        && id.ValueKind is JsonValueKind.String or JsonValueKind.Number ? id : default;

    private static McpException Invalid(string message) => new(McpErrorCodes.InvalidRequest, $"Invalid request: {message}");
}
