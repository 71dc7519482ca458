using Pmcp.Workers;
using Pmcp.Workers.Bindings;
using Pmcp.Workers.Sockets;

namespace Pmcp.Workers.Local.Hosting;

/// <summary>The host's own vars (<see cref="NativeHostOptions.Vars"/>) over the project's environment, as wrangler's <c>--var</c> over wrangler.toml.</summary>
internal sealed class VarsOverEnvSource(IReadOnlyDictionary<string, string> vars, IEnvSource inner) : IEnvSource
{
    public string? GetString(string name) => vars.TryGetValue(name, out var value) ? value : inner.GetString(name);

    public IKvBackend? GetKv(string binding) => inner.GetKv(binding);

    public ID1Backend? GetD1(string binding) => inner.GetD1(binding);

    public IR2Backend? GetR2(string binding) => inner.GetR2(binding);

    public Hyperdrive? GetHyperdrive(string binding) => inner.GetHyperdrive(binding);

    public HttpMessageHandler? GetService(string binding) => inner.GetService(binding);

    public Pmcp.Workers.DurableObjects.IDurableObjectNamespaceBackend? GetDurableObject(string binding) => inner.GetDurableObject(binding);

    public ISocketConnector? GetSocketConnector() => inner.GetSocketConnector();
}
