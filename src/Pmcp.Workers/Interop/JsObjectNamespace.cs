using System.Runtime.InteropServices.JavaScript;
using System.Runtime.Versioning;
using Pmcp.Workers.DurableObjects;

namespace Pmcp.Workers.Interop;

/// <summary>
/// A Durable Object namespace of the request's <c>env</c> (host/bindings.mjs: <c>objectId</c>). Ids are made by the
/// binding itself (no I/O, so synchronously); a stub's requests go through <see cref="Http.WorkersHttpHandler"/> with
/// the target <c>durable:BINDING/ID</c>, which host/fetch.mjs turns into <c>env.BINDING.get(id).fetch()</c> in the
/// calling request's context.
/// </summary>
[SupportedOSPlatform("browser")]
internal sealed class JsObjectNamespace(int requestId, string binding) : IDurableObjectNamespaceBackend, IDurableObjectForwarder
{
    /// <summary>
    /// An upgrade goes to the object as workerd's own request would (host/hibernation.mjs: <c>objectForward</c>), so the
    /// WebSocket the object accepts becomes the Worker's answer; any other request is the stub's ordinary fetch.
    /// </summary>
    public Task<Http.Response>? TryForward(DurableObjectId id, Http.Request request, CancellationToken cancellationToken) =>
        request.Headers["upgrade"] is { } upgrade && upgrade.Equals("websocket", StringComparison.OrdinalIgnoreCase)
            ? ForwardUpgradeAsync(id, request, cancellationToken)
            : null;

    private async Task<Http.Response> ForwardUpgradeAsync(DurableObjectId id, Http.Request request, CancellationToken cancellationToken)
    {
        var headers = request.Headers.SelectMany(h => new[] { h.Key, h.Value }).ToArray();
        HostOutcome outcome;
        try
        {
            outcome = await HostOperations.RunForBytesAsync(op => JsHibernation.Forward(requestId, op, $"durable:{binding}/{id.Hex}", request.Url, headers), cancellationToken).ConfigureAwait(false);
        }
        catch (HostOperationException e)
        {
            throw new WorkerException($"Durable Object namespace '{binding}': forwarding the WebSocket upgrade failed: {e.Message}", e);
        }

        return outcome.Value == 101 ? Http.Response.Empty(101) : new Http.Response(outcome.Value, outcome.Bytes ?? []);
    }

    public DurableObjectId IdFromName(string name) => new(Id("name", name), name);

    public DurableObjectId NewUniqueId() => new(Id("unique", ""));

    public DurableObjectId IdFromString(string hex) => new(Id("string", hex));

    public HttpMessageHandler Stub(DurableObjectId id) => new Http.WorkersHttpHandler { Service = $"durable:{binding}/{id.Hex}" };

    private string Id(string how, string value)
    {
        try
        {
            return JsHost.ObjectId(requestId, binding, how, value);
        }
        catch (JSException e)
        {
            throw new WorkerException($"Durable Object namespace '{binding}': {e.Message}", e);
        }
    }
}
