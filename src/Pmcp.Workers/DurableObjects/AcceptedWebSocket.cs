using Pmcp.Workers.Http;

namespace Pmcp.Workers.DurableObjects;

/// <summary>
/// What <see cref="DurableObjectState.AcceptWebSocketAsync"/> gives: the accepted socket, and the 101 answer that hands the
/// client its end (return it from <see cref="DurableObject.FetchAsync"/>).
/// </summary>
/// <param name="Socket">The socket the object now holds; send on it, attach state to it.</param>
/// <param name="Response">The answer to the upgrade request.</param>
public sealed record AcceptedWebSocket(DurableObjectWebSocket Socket, Response Response);
