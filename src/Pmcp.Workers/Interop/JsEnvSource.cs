using System.Globalization;
using System.Runtime.Versioning;
using Pmcp.Workers.Bindings;
using Pmcp.Workers.Sockets;

namespace Pmcp.Workers.Interop;

/// <summary>
/// Reads the <c>env</c> object that workerd passed to the request's <c>fetch</c>. A binding is recognised by its shape
/// (host/bindings.mjs), so one of the wrong kind reads as missing and <see cref="Env"/> says how to declare it.
/// </summary>
[SupportedOSPlatform("browser")]
internal sealed class JsEnvSource(int requestId) : IEnvSource
{
    /// <summary>One handler per binding name for the isolate: which request's binding it uses is decided per call.</summary>
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, HttpMessageHandler> Services = new(StringComparer.Ordinal);

    public string? GetString(string name) => JsHost.EnvGet(requestId, name);

    public IKvBackend? GetKv(string binding) => Is(binding, "kv") ? new JsKvBackend(new JsBinding(requestId, binding, "KV namespace")) : null;

    public ID1Backend? GetD1(string binding) => Is(binding, "d1") ? new JsD1Backend(new JsBinding(requestId, binding, "D1 database")) : null;

    public IR2Backend? GetR2(string binding) => Is(binding, "r2") ? new JsR2Backend(new JsBinding(requestId, binding, "R2 bucket")) : null;

    public Hyperdrive? GetHyperdrive(string binding)
    {
        if (JsHost.Hyperdrive(requestId, binding) is not [var connectionString, var host, var port, var user, var password, var database])
        {
            return null;
        }

        return new Hyperdrive(connectionString, host, int.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out var number) ? number : 0, user, password, database);
    }

    public HttpMessageHandler? GetService(string binding) =>
        Is(binding, "service") ? Services.GetOrAdd(binding, name => new Http.WorkersHttpHandler { Service = name }) : null;

    public DurableObjects.IDurableObjectNamespaceBackend? GetDurableObject(string binding) =>
        Is(binding, "durable_object") ? new JsObjectNamespace(requestId, binding) : null;

    public ISocketConnector GetSocketConnector() => new JsSocketConnector(requestId);

    private bool Is(string binding, string kind) => JsHost.BindingKind(requestId, binding) == kind;
}
