using System.Text.Json.Nodes;

namespace Pmcp.Cli.Testing.Scenarios;

/// <summary>
/// What a step's answer must be. With no <see cref="ErrorCode"/>, the answer must be a result (not a JSON-RPC error);
/// every expectation given must hold.
/// </summary>
/// <param name="IsError">The tool result's <c>isError</c> (absent counts as false).</param>
/// <param name="Contains">Texts that the result's text content (all text items, joined) must each contain.</param>
/// <param name="JsonPaths">JSON paths into the result (<c>$.structuredContent.total</c>, <c>$.content[0].text</c>) and the values they must equal.</param>
/// <param name="ErrorCode">The JSON-RPC error code the answer must carry, such as -32602.</param>
internal sealed record ScenarioExpectation(bool? IsError, IReadOnlyList<string> Contains, IReadOnlyList<(string Path, JsonNode? Value)> JsonPaths, int? ErrorCode);
