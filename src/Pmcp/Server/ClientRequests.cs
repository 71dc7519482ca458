using System.Collections.Concurrent;
using System.Text.Json;
using Pmcp.Protocol;

namespace Pmcp.Server;

/// <summary>
/// Requests this server sent to clients and is waiting on. A stateless server has no session to tie an answer
/// to, so answers are matched by id alone; ids are random, so one client cannot answer (or guess) another's.
/// </summary>
internal sealed class ClientRequests
{
    private readonly ConcurrentDictionary<string, TaskCompletionSource<JsonElement>> _pending = new(StringComparer.Ordinal);

    public Pending Register()
    {
        var id = "srv-" + Guid.NewGuid().ToString("N");
        var completion = new TaskCompletionSource<JsonElement>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[id] = completion;
        return new Pending(this, id, completion);
    }

    /// <summary>Hands a client's answer to the request waiting for it; false when nothing waits for that id.</summary>
    public bool Complete(JsonRpcMessage response)
    {
        if (response.Id.ValueKind != JsonValueKind.String || !_pending.TryRemove(response.Id.GetString()!, out var completion))
        {
            return false;
        }

        if (response.Error.ValueKind == JsonValueKind.Object)
        {
            var code = response.Error.TryGetProperty("code", out var c) && c.TryGetInt32(out var n) ? n : McpErrorCodes.InternalError;
            var message = response.Error.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString()! : "The client answered with an error";
            completion.TrySetException(new McpException(code, message));
        }
        else
        {
            completion.TrySetResult(response.Result.Clone());
        }

        return true;
    }

    public sealed class Pending(ClientRequests owner, string id, TaskCompletionSource<JsonElement> completion) : IDisposable
    {
        public string Id { get; } = id;

        public Task<JsonElement> Response => completion.Task;

        public void Dispose() => owner._pending.TryRemove(Id, out _);
    }
}
