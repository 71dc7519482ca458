using Pmcp.Protocol;

namespace Pmcp.Server.Input;

/// <summary>
/// Unwinds a handler that asked for input the client has not given yet (stateless revision): the server answers the
/// request with an input-required result listing <see cref="Requests"/>, and the client's retry runs the handler again.
/// A handler that catches every exception should let this one through.
/// </summary>
internal sealed class InputRequiredException(IReadOnlyDictionary<string, InputRequest> requests)
    : Exception("The client must answer input requests before this request can complete.")
{
    /// <summary>The input requests still to be answered, by key.</summary>
    public IReadOnlyDictionary<string, InputRequest> Requests { get; } = requests;
}
