using System.Collections.Concurrent;
using Pmcp.Workers.DurableObjects;
using Pmcp.Workers.Http;

namespace Pmcp.Workers.Local.DurableObjects;

/// <summary>
/// One class's objects on this machine: ids from names are stable hashes, stubs call the object in-process, and a
/// forwarded request reaches the object as the very <see cref="Request"/> the Worker received.
/// </summary>
internal sealed class LocalObjectNamespace(LocalDurableObjects objects, string className) : IDurableObjectNamespaceBackend, IDurableObjectForwarder
{
    private readonly ConcurrentDictionary<string, HttpMessageHandler> _stubs = new(StringComparer.Ordinal);

    public DurableObjectId IdFromName(string name) => LocalDurableObjects.IdFromName(className, name);

    public DurableObjectId NewUniqueId() => LocalDurableObjects.NewUniqueId();

    public DurableObjectId IdFromString(string hex) => new(hex);

    public HttpMessageHandler Stub(DurableObjectId id) => _stubs.GetOrAdd(id.Hex, _ => new LocalObjectStub(objects, className, id));

    public Task<Response>? TryForward(DurableObjectId id, Request request, CancellationToken cancellationToken) =>
        objects.ForwardAsync(className, id, request);
}
