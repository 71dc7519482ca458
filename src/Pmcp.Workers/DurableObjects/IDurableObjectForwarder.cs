using Pmcp.Workers.Http;

namespace Pmcp.Workers.DurableObjects;

/// <summary>
/// Hands a Worker's own <see cref="Request"/> to an object and its <see cref="Response"/> back as the Worker's, a
/// WebSocket upgrade included (<see cref="DurableObjectStub.ForwardAsync"/>). Hosts' namespace backends implement it.
/// </summary>
internal interface IDurableObjectForwarder
{
    /// <summary>The object <paramref name="id"/>'s answer to <paramref name="request"/>, or null when the stub's own fetch serves it as well.</summary>
    Task<Response>? TryForward(DurableObjectId id, Request request, CancellationToken cancellationToken);
}
