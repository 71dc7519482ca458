namespace Pmcp.Server;

/// <summary>
/// An exception a tool, resource, prompt or completion handler let escape, for the server's log
/// (<see cref="McpServerBuilder.WithHandlerFailureLog"/>). The client never sees it whole: a tool answers an
/// <c>isError</c> result (with the message only under <see cref="McpServerBuilder.WithToolErrorDetails"/>), anything
/// else a JSON-RPC error -32603 "Internal error". The hosts' logs leave its messages out unless asked
/// (<see cref="MessagesLogged"/>); a log given with <see cref="McpServerBuilder.WithHandlerFailureLog"/> gets the
/// exception itself and decides.
/// </summary>
public sealed class HandlerFailure
{
    internal HandlerFailure(string method, string? name, string? requestId, Exception exception, bool messagesLogged = false)
    {
        MessagesLogged = messagesLogged;
        Method = method;
        Name = name;
        RequestId = requestId;
        Exception = exception;
    }

    /// <summary>The JSON-RPC method being answered, such as <c>tools/call</c> or <c>resources/read</c>.</summary>
    public string Method { get; }

    /// <summary>The tool's or prompt's name, or the resource's URI; null when the method names none.</summary>
    public string? Name { get; }

    /// <summary>The id the host's logs give the HTTP request (<see cref="McpRequestContext.RequestId"/>); null for none.</summary>
    public string? RequestId { get; }

    /// <summary>What the handler threw.</summary>
    public Exception Exception { get; }

    /// <summary>One line naming what failed and for which request, without the exception: "tools/call 'echo' failed (request 12)".</summary>
    public string Summary =>
        $"{Method}{(Name is null ? "" : $" '{Name}'")} failed{(RequestId is null ? "" : $" (request {RequestId})")}";

    /// <summary>
    /// Whether <see cref="ToString"/> includes the exception's messages: only when the host's var
    /// <c>PMCP_LOG_EXCEPTION_MESSAGES</c> is <c>true</c> (a message may quote an argument or a secret).
    /// </summary>
    public bool MessagesLogged { get; }

    /// <summary>
    /// What the hosts' logs write: the summary, the exception's type and stack frames (and those of the exceptions
    /// inside it), and its messages only when <see cref="MessagesLogged"/>.
    /// </summary>
    public override string ToString() => $"{Summary}: {ExceptionText.Describe(Exception, MessagesLogged)}";
}
