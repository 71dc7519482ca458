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
internal sealed class JsObjectNamespace(int requestId, string binding) : IDurableObjectNamespaceBackend
{
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
