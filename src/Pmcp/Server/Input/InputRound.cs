using System.Text.Json;
using Pmcp.Protocol;

namespace Pmcp.Server.Input;

/// <summary>
/// One round of a request that may ask the client for input (stateless revision): the answers the client sent
/// (<c>inputResponses</c>) over those its verified <c>requestState</c> carries from earlier rounds, and the answers the
/// handler has read, which the next round's state carries on. Handlers run again from the top on every round, so each
/// input request has a key and an answered key returns its answer.
/// </summary>
internal sealed class InputRound
{
    /// <summary>The methods whose results may be input-required (tasks/result aside, which Pmcp does not serve).</summary>
    public static bool Supports(string method) => method is "tools/call" or "prompts/get" or "resources/read";

    private readonly Dictionary<string, JsonElement> _answers;
    private readonly Dictionary<string, JsonElement> _read = new(StringComparer.Ordinal);

    private InputRound(RequestBinding binding, Dictionary<string, JsonElement> answers, bool resumed)
    {
        Binding = binding;
        _answers = answers;
        Resumed = resumed;
    }

    /// <summary>What this round's state is bound to.</summary>
    public RequestBinding Binding { get; }

    /// <summary>True when the request carried a request state that verified: this is a retry, not a first call.</summary>
    public bool Resumed { get; }

    /// <summary>The answers the handler read this round; the next state carries them.</summary>
    public IReadOnlyDictionary<string, JsonElement> Read => _read;

    /// <summary>Reads <c>inputResponses</c> and <c>requestState</c> from a request's params and checks them.</summary>
    public static InputRound Start(string method, JsonElement @params, RequestStateSigner signer)
    {
        var isResource = method == "resources/read";
        var name = Params.OptionalString(@params, isResource ? "uri" : "name") ?? "";
        var arguments = !isResource && @params.ValueKind == JsonValueKind.Object && @params.TryGetProperty("arguments", out var a) ? a : default;
        var binding = RequestBinding.For(method, name, arguments);

        var answers = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        var resumed = false;
        if (@params.ValueKind == JsonValueKind.Object && @params.TryGetProperty("requestState", out var state))
        {
            if (state.ValueKind != JsonValueKind.String)
            {
                throw McpException.InvalidParams("Invalid params: 'requestState' must be the string the server sent, unchanged");
            }

            answers = signer.Verify(state.GetString()!, binding);
            resumed = true;
        }

        if (@params.ValueKind == JsonValueKind.Object && @params.TryGetProperty("inputResponses", out var responses))
        {
            if (responses.ValueKind != JsonValueKind.Object)
            {
                throw McpException.InvalidParams("Invalid params: 'inputResponses' must be an object of the client's results, by the keys of the server's inputRequests");
            }

            foreach (var response in responses.EnumerateObject())
            {
                if (response.Value.ValueKind != JsonValueKind.Object)
                {
                    throw McpException.InvalidParams(
                        $"Invalid params: inputResponses['{response.Name}'] must be an object (the client's result for that input request), not {response.Value.ValueKind.ToString().ToLowerInvariant()}");
                }

                answers[response.Name] = response.Value;
            }
        }

        return new InputRound(binding, answers, resumed);
    }

    /// <summary>The answer under <paramref name="key"/>, if the client has given it; remembered for the next round.</summary>
    public bool TryAnswer(string key, out JsonElement answer)
    {
        if (!_answers.TryGetValue(key, out answer))
        {
            return false;
        }

        _read[key] = answer;
        return true;
    }
}
