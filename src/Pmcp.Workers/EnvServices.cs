using Pmcp.Server;

namespace Pmcp.Workers;

/// <summary>How a tool reaches the Worker's environment: <c>context.GetEnv()</c>, or an <see cref="Env"/> parameter of an <c>[McpTool]</c> method.</summary>
public static class RequestContextExtensions
{
    /// <summary>The Worker's environment for this request: its vars, secrets and bindings.</summary>
    /// <param name="context">The context a tool, resource or prompt handler was given.</param>
    /// <returns>The request's <see cref="Env"/>.</returns>
    /// <exception cref="WorkerException">The host serving the request offers no Worker environment.</exception>
    public static Env GetEnv(this McpRequestContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.Services?.GetService(typeof(Env)) as Env
            ?? throw new WorkerException("This host offers no Worker environment. Serve the server with dotnet pmcp dev (in workerd or --native), or pass an Env through McpHttpRequest.Services.");
    }
}

/// <summary>The services a host hands to handlers: the request's <see cref="Env"/>.</summary>
public sealed class EnvServices(Env env) : IServiceProvider
{
    internal Env Env => env;

    /// <summary>Gives the request's <see cref="Env"/> when asked for one.</summary>
    /// <param name="serviceType">The type of service wanted.</param>
    /// <returns>The <see cref="Env"/> for <c>typeof(Env)</c>; null for any other type.</returns>
    public object? GetService(Type serviceType) => serviceType == typeof(Env) ? env : null;
}
