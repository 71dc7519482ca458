namespace Pmcp.Server;

/// <summary>
/// Marks a type that handlers receive from the host rather than from the client: a tool method's parameter of such a
/// type is filled from <see cref="McpRequestContext.Services"/> (<see cref="McpRequestContext.GetService{T}"/>), never
/// read from the tool's arguments nor shown in its input schema. The Workers layer's <c>Env</c> is one.
/// </summary>
public interface IRequestService;
