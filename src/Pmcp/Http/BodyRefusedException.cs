namespace Pmcp.Http;

/// <summary>
/// A host refused to read a request's body: it is larger than the limit (413), or the isolate holds too many bodies
/// at once (503). Thrown by <see cref="McpHttpRequest.ReadBodyAsync"/> and the Workers <c>Request.ReadBodyAsync</c>;
/// the endpoint and the hosts answer it with <see cref="StatusCode"/> and <see cref="Exception.Message"/>, which is
/// written for the client.
/// </summary>
public sealed class BodyRefusedException : Exception
{
    /// <summary>Creates the refusal.</summary>
    /// <param name="statusCode">The HTTP status to answer: 413 or 503.</param>
    /// <param name="message">What the client is told, such as <c>Payload Too Large: the limit is 4194304 bytes</c>.</param>
    public BodyRefusedException(int statusCode, string message)
        : base(message) => StatusCode = statusCode;

    /// <summary>The HTTP status to answer: 413 (too large) or 503 (busy; retry shortly).</summary>
    public int StatusCode { get; }
}
