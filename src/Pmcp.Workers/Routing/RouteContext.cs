namespace Pmcp.Workers.Routing;

/// <summary>What a route handler gets besides the request: the environment, the execution context and the path parameters.</summary>
public sealed class RouteContext(Env env, Context context, IReadOnlyDictionary<string, string> parameters)
{
    /// <summary>The Worker's vars, secrets and bindings for this request.</summary>
    public Env Env { get; } = env;

    /// <summary>The request's execution context, for work that outlives the response (<see cref="Context.WaitUntil"/>).</summary>
    public Context Context { get; } = context;

    /// <summary>The named segments of the matched pattern: <c>/notes/:id</c> gives <c>Param("id")</c>.</summary>
    public string Param(string name) =>
        parameters.TryGetValue(name, out var value) ? value : throw new KeyNotFoundException($"The route has no parameter ':{name}'.");

    /// <summary>All named segments of the matched pattern, by name; empty for a pattern without any.</summary>
    public IReadOnlyDictionary<string, string> Params => parameters;
}
