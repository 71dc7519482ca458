using System.Net;
using System.Text.Json;

namespace Pmcp.Cli.Testing;

/// <summary>
/// What the server answered to one POST: the HTTP status and headers, and the JSON-RPC message of the answer (read
/// from a JSON body or from the SSE stream's event that carries the response), or null when there was none.
/// </summary>
internal sealed record McpReply(HttpStatusCode Status, string? ContentType, string? SessionId, JsonElement? Message, string RawBody)
{
    /// <summary>What stands for an answer that did not come within the client's timeout (HTTP status 0).</summary>
    public static McpReply NoAnswer { get; } = new(0, null, null, null, "");

    /// <summary>
    /// The requests the server sent the client on the answer's stream (<c>sampling/createMessage</c>,
    /// <c>elicitation/create</c>…), which the check refused: it declares no client capabilities.
    /// </summary>
    public IReadOnlyList<string> AskedOfClient { get; init; } = [];

    /// <summary>The answer's <c>WWW-Authenticate</c> header (a refused or too-weak credential), if any.</summary>
    public string? Challenge { get; init; }

    /// <summary>
    /// The scope a 403 <c>insufficient_scope</c> challenge asks for (OAuth step-up: the credential is fine but lacks
    /// what this call needs), or "" when it names none; null for any other answer.
    /// </summary>
    public string? MissingScope =>
        Status == HttpStatusCode.Forbidden && Challenge is { } challenge && challenge.Contains("error=\"insufficient_scope\"", StringComparison.Ordinal)
            ? (challenge.IndexOf("scope=\"", StringComparison.Ordinal) is var at and >= 0 && challenge.IndexOf('"', at + 7) is var end and > 0 ? challenge[(at + 7)..end] : "")
            : null;

    /// <summary>The JSON-RPC <c>result</c>, if the answer is one.</summary>
    public JsonElement? Result => Message is { ValueKind: JsonValueKind.Object } m && m.TryGetProperty("result", out var r) ? r : null;

    /// <summary>The JSON-RPC <c>error</c>, if the answer is one.</summary>
    public JsonElement? Error => Message is { ValueKind: JsonValueKind.Object } m && m.TryGetProperty("error", out var e) && e.ValueKind == JsonValueKind.Object ? e : null;

    /// <summary>The JSON-RPC error code, or null.</summary>
    public int? ErrorCode => Error is { } e && e.TryGetProperty("code", out var c) && c.TryGetInt32(out var code) ? code : null;

    /// <summary>The error's message, for reports.</summary>
    public string ErrorMessage => Error is { } e && e.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString()! : "";

    /// <summary>A one-line description of the answer for a report's reason column.</summary>
    public string Describe()
    {
        if (Status == 0)
        {
            return "no answer within the timeout (--timeout)";
        }

        var status = $"HTTP {(int)Status}";
        if (ErrorCode is { } code)
        {
            return $"{status}, JSON-RPC error {code} ({Shorten(ErrorMessage)})";
        }

        return Result is not null ? $"{status}, a result" : $"{status}, body: {Shorten(RawBody)}";
    }

    private static string Shorten(string text)
    {
        text = text.ReplaceLineEndings(" ").Trim();
        return text.Length <= 120 ? text : text[..117] + "...";
    }
}
