namespace Pmcp.Http;

/// <summary>Which JSON-RPC messages write a structured request line (<see cref="RequestLogOptions"/>).</summary>
public enum RequestLogLevel
{
    /// <summary>No request lines: the request path does no logging work at all.</summary>
    Off,

    /// <summary>Only messages that did not end <c>ok</c>: tool errors, JSON-RPC errors and refused requests.</summary>
    Errors,

    /// <summary>Every message (<c>ok</c> lines sampled by <see cref="RequestLogOptions.OkSampleRate"/>).</summary>
    All,
}
