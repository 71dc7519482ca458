namespace Pmcp.Workers.Routing;

/// <summary>What a route handler gets besides the request: the environment, the execution context and the path parameters.</summary>
public sealed class RouteContext(Env env, Context context, IReadOnlyDictionary<string, string> parameters)
{
    public Env Env { get; } = env;

    public Context Context { get; } = context;

    /// <summary>The named segments of the matched pattern: <c>/notes/:id</c> gives <c>Param("id")</c>.</summary>
    public string Param(string name) =>
        parameters.TryGetValue(name, out var value) ? value : throw new KeyNotFoundException($"The route has no parameter ':{name}'.");

    public IReadOnlyDictionary<string, string> Params => parameters;
}
