using Pmcp.Workers;
using Pmcp.Workers.Http;

namespace Pmcp.Workers.Local.Hosting;

/// <summary>What the native host holds for its Worker: the entry, the environment and context every request gets, the body limit.</summary>
internal sealed class NativeWorker
{
    public NativeWorker(Func<Request, Env, Context, Task<Response>> fetch, Env env)
    {
        Fetch = fetch;
        Env = env;
        Pending = new PendingWork();
        Context = new Context(Pending.Track);
        MaxBodyBytes = McpEndpointOptions.BodyLimit(env.GetOrDefault(McpEndpointOptions.MaxBodyBytesVar));
        Bodies = BodyBudget.For(MaxBodyBytes);
    }

    public Func<Request, Env, Context, Task<Response>> Fetch { get; }

    /// <summary>One for the process: natively the environment does not change between requests.</summary>
    public Env Env { get; }

    public Context Context { get; }

    public PendingWork Pending { get; }

    /// <summary>The Worker's body limit (<c>PMCP_MAX_BODY_BYTES</c>), applied before the Worker sees the request.</summary>
    public int MaxBodyBytes { get; }

    /// <summary>The body bytes read at once over all requests.</summary>
    public BodyBudget Bodies { get; }

    /// <summary>Word for word what the JS host answers for a <c>Content-Length</c> over the limit (host/worker-host.mjs: tooLarge).</summary>
    public Response TooLarge() => BodyRefusals.ToResponse(BodyRefusals.TooLarge(MaxBodyBytes));
}
