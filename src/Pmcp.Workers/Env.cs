using Pmcp.Workers.Bindings;
using Pmcp.Workers.DurableObjects;
using Pmcp.Workers.Sockets;

namespace Pmcp.Workers;

/// <summary>
/// The Worker's environment: vars and secrets now, bindings (KV, D1, R2, Hyperdrive) as they arrive.
/// Inside workerd it reads the <c>env</c> object of the request; natively, a local source.
/// </summary>
public sealed class Env(IEnvSource source) : Pmcp.Server.IRequestService
{
    /// <summary>Where the values and bindings come from (hosts layer their own vars over it).</summary>
    internal IEnvSource Source => source;

    /// <summary>
    /// Not the Worker's environment: the JS host's start-up requests (the warm-up, and the start-up image's recording)
    /// run without one, so the MCP endpoint must not take its settings from it.
    /// </summary>
    internal bool IsProvisional { get; init; }

    /// <summary>A plain-text var from <c>[vars]</c> in wrangler.toml (or <c>[workers.vars]</c> in .pmcp/deploy.toml).</summary>
    public string Var(string name) =>
        source.GetString(name) ?? throw new WorkerException(
            $"No var '{name}'. Declare it in wrangler.toml under [vars] (or in .pmcp/deploy.toml under [workers.vars]), e.g. {name} = \"value\".");

    /// <summary>A secret (set with <c>wrangler secret put</c>; locally from <c>.dev.vars</c>). Its value is never logged.</summary>
    public string Secret(string name) =>
        source.GetString(name) ?? throw new WorkerException(
            $"No secret '{name}'. Set it with: dotnet pmcp deploy secrets set {name} (locally: add {name}=... to .dev.vars next to wrangler.toml).");

    /// <summary>The var or secret, or null when the Worker has none by that name.</summary>
    public string? GetOrDefault(string name) => source.GetString(name);

    /// <summary>A KV namespace bound in wrangler.toml under <c>[[kv_namespaces]]</c>.</summary>
    public KvNamespace Kv(string binding) =>
        new(binding, source.GetKv(binding) ?? throw Missing(binding, "KV namespace", "[[kv_namespaces]]", $"binding = \"{binding}\"\nid = \"<namespace id>\"", "kv_namespaces"));

    /// <summary>A D1 database bound in wrangler.toml under <c>[[d1_databases]]</c>.</summary>
    public D1Database D1(string binding) =>
        new(binding, source.GetD1(binding) ?? throw Missing(binding, "D1 database", "[[d1_databases]]", $"binding = \"{binding}\"\ndatabase_name = \"<name>\"\ndatabase_id = \"<id>\"", "d1_databases"));

    /// <summary>An R2 bucket bound in wrangler.toml under <c>[[r2_buckets]]</c>.</summary>
    public R2Bucket Bucket(string binding) =>
        new(binding, source.GetR2(binding) ?? throw Missing(binding, "R2 bucket", "[[r2_buckets]]", $"binding = \"{binding}\"\nbucket_name = \"<bucket>\"", "r2_buckets"));

    /// <summary>
    /// A Hyperdrive configuration bound in wrangler.toml under <c>[[hyperdrive]]</c>: its connection details, and
    /// PostgreSQL queries through it (<see cref="Bindings.Hyperdrive.QueryAsync{T}"/>).
    /// </summary>
    public Hyperdrive Hyperdrive(string binding) =>
        source.GetHyperdrive(binding)?.For(binding, source.GetSocketConnector())
            ?? throw Missing(binding, "Hyperdrive configuration", "[[hyperdrive]]", $"binding = \"{binding}\"\nid = \"<hyperdrive id>\"", "hyperdrive");

    /// <summary>
    /// A service binding declared in wrangler.toml under <c>[[services]]</c>: another Worker to send requests to
    /// (<see cref="ServiceBinding.FetchAsync(HttpRequestMessage, CancellationToken)"/>, <see cref="ServiceBinding.CreateHttpClient"/>).
    /// </summary>
    /// <exception cref="WorkerException">No service is bound under that name (the message says how to declare it).</exception>
    public ServiceBinding Service(string binding) =>
        source.GetService(binding) is { } handler
            ? new ServiceBinding(binding, handler)
            : throw Missing(binding, "service (another Worker)", "[[services]]", $"binding = \"{binding}\"\nservice = \"<the other Worker's name>\"", "services");

    /// <summary>
    /// A Durable Object namespace declared in wrangler.toml under <c>[[durable_objects.bindings]]</c>: ids by name or new,
    /// and stubs that send its objects requests (<see cref="DurableObjectNamespace.GetByName"/>).
    /// </summary>
    /// <exception cref="WorkerException">No Durable Object namespace is bound under that name (the message says how to declare it).</exception>
    public DurableObjectNamespace DurableObject(string binding) =>
        source.GetDurableObject(binding) is { } backend
            ? new DurableObjectNamespace(binding, backend)
            : throw new WorkerException(
                $"No Durable Object namespace is bound as '{binding}'. Declare it in .pmcp/deploy.toml:\n[workers.durable_objects]\n{binding} = \"<class name>\"\n"
                + "(the class: a DurableObject subclass marked [DurableObject]); dotnet pmcp writes wrangler.toml's [[durable_objects.bindings]] and [[migrations]] from it.");

    /// <summary>
    /// Opens a TCP connection from the Worker: <c>connect()</c> from <c>cloudflare:sockets</c> inside workerd, a
    /// <c>TcpClient</c> natively. The socket belongs to this request; dispose it when done.
    /// </summary>
    public Task<TcpSocket> ConnectAsync(string host, int port, CancellationToken cancellationToken = default) =>
        TcpSocket.ConnectAsync(Sockets(), host, port, cancellationToken);

    private ISocketConnector Sockets() =>
        source.GetSocketConnector() ?? throw new WorkerException("This host offers no TCP sockets. Serve the Worker with dotnet pmcp dev (in workerd or --native).");

    private static WorkerException Missing(string binding, string kind, string section, string example, string deployKey) =>
        new($"No {kind} is bound as '{binding}'. Declare it in wrangler.toml:\n{section}\n{example}\n(or in .pmcp/deploy.toml under [workers.{deployKey}]).");
}

/// <summary>
/// Where an <see cref="Env"/> reads its values and bindings from: workerd's <c>env</c> object, or a local
/// implementation. A source that has no such binding returns null, and <see cref="Env"/> says how to declare it.
/// </summary>
public interface IEnvSource
{
    /// <summary>Reads a var or secret.</summary>
    /// <param name="name">The name as declared in <c>[vars]</c>, set as a secret, or written in <c>.dev.vars</c>.</param>
    /// <returns>The value, or <see langword="null"/> when the Worker has none by that name.</returns>
    string? GetString(string name);

    /// <summary>The KV namespace bound under <paramref name="binding"/>; null (the default) when there is none.</summary>
    /// <param name="binding">The binding name from <c>[[kv_namespaces]]</c>.</param>
    IKvBackend? GetKv(string binding) => null;

    /// <summary>The D1 database bound under <paramref name="binding"/>; null (the default) when there is none.</summary>
    /// <param name="binding">The binding name from <c>[[d1_databases]]</c>.</param>
    ID1Backend? GetD1(string binding) => null;

    /// <summary>The R2 bucket bound under <paramref name="binding"/>; null (the default) when there is none.</summary>
    /// <param name="binding">The binding name from <c>[[r2_buckets]]</c>.</param>
    IR2Backend? GetR2(string binding) => null;

    /// <summary>The Hyperdrive configuration bound under <paramref name="binding"/>; null (the default) when there is none.</summary>
    /// <param name="binding">The binding name from <c>[[hyperdrive]]</c>.</param>
    Hyperdrive? GetHyperdrive(string binding) => null;

    /// <summary>
    /// What sends requests to the Worker bound under <paramref name="binding"/> in <c>[[services]]</c>; null when none is
    /// bound. The handler is shared and never disposed by its users.
    /// </summary>
    HttpMessageHandler? GetService(string binding) => null;

    /// <summary>The Durable Object namespace bound under <paramref name="binding"/> in <c>[[durable_objects.bindings]]</c>; null (the default) when there is none.</summary>
    /// <param name="binding">The binding's name.</param>
    IDurableObjectNamespaceBackend? GetDurableObject(string binding) => null;

    /// <summary>Outbound TCP for this request (Hyperdrive and <see cref="Env.ConnectAsync"/>); null when the host has none.</summary>
    ISocketConnector? GetSocketConnector() => null;
}

/// <summary>An environment backed by a dictionary: native hosts and tests.</summary>
public sealed class DictionaryEnvSource(IReadOnlyDictionary<string, string> values) : IEnvSource
{
    /// <inheritdoc/>
    public string? GetString(string name) => values.GetValueOrDefault(name);
}
