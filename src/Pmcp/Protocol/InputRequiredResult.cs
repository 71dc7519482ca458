using System.Text.Json.Serialization;

namespace Pmcp.Protocol;

/// <summary>
/// The answer to a request that cannot finish without the client's input (MCP 2026-07-28, <c>resultType</c>
/// <c>input_required</c>): what to ask, and the signed state to send back with the answers. The server writes it when a
/// handler awaits input it does not have yet (see <see cref="Server.McpRequestContext.RequestInputAsync(IReadOnlyDictionary{string, InputRequest})"/>).
/// </summary>
/// <param name="InputRequests">The requests for the client to answer, by key; the answers come back under the same keys.</param>
public sealed record InputRequiredResult(
    [property: JsonPropertyName("inputRequests")] IReadOnlyDictionary<string, InputRequest> InputRequests) : Result
{
    /// <summary>The value of <c>resultType</c> for this result.</summary>
    public const string Type = "input_required";

    /// <summary>Opaque, signed state the client sends back unchanged with its <c>inputResponses</c>.</summary>
    [JsonPropertyName("requestState")]
    public string? RequestState { get; init; }
}
