using System.Globalization;
using System.Text;
using Pmcp.Workers;
using Pmcp.Workers.Http;

namespace Pmcp.Workers.Local.Hosting;

/// <summary>What the native host holds for its Worker: the entry, the environment and context every request gets, the body limit.</summary>
internal sealed class NativeWorker
{
    private readonly byte[] _tooLarge;

    public NativeWorker(Func<Request, Env, Context, Task<Response>> fetch, Env env)
    {
        Fetch = fetch;
        Env = env;
        Pending = new PendingWork();
        Context = new Context(Pending.Track);
        MaxBodyBytes = McpEndpointOptions.BodyLimit(env.GetOrDefault(McpEndpointOptions.MaxBodyBytesVar));
        // Word for word what the JS host answers (host/worker-host.mjs: tooLarge).
        _tooLarge = Encoding.UTF8.GetBytes(
            """{"jsonrpc":"2.0","id":null,"error":{"code":-32600,"message":"Payload Too Large: the limit is """
            + MaxBodyBytes.ToString(CultureInfo.InvariantCulture)
            + """ bytes (the Worker's var PMCP_MAX_BODY_BYTES)"}}""");
    }

    public Func<Request, Env, Context, Task<Response>> Fetch { get; }

    /// <summary>One for the process: natively the environment does not change between requests.</summary>
    public Env Env { get; }

    public Context Context { get; }

    public PendingWork Pending { get; }

    /// <summary>The Worker's body limit (<c>PMCP_MAX_BODY_BYTES</c>), applied before the Worker sees the request.</summary>
    public int MaxBodyBytes { get; }

    public Response TooLarge() => Response.Bytes(_tooLarge, "application/json", 413);
}
