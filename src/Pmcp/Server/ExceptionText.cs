using System.Text;

namespace Pmcp.Server;

/// <summary>
/// How a handler's exception is written to the server's log. By default without its message, nor the messages of the
/// exceptions inside it: a message often quotes what the handler was given (an argument, a token, a row), and the log
/// is read by more people, for longer, than the request. The type names and stack frames say where it failed.
/// </summary>
internal static class ExceptionText
{
    /// <summary>
    /// The var that adds messages to the log (<c>true</c>), for debugging; <c>dotnet pmcp dev</c> does not set it, so
    /// what a developer sees is what production writes.
    /// </summary>
    public const string MessagesVar = "PMCP_LOG_EXCEPTION_MESSAGES";

    /// <summary>Nested exceptions followed at most (an exception whose inner exceptions loop would never end).</summary>
    private const int MaxDepth = 8;

    /// <summary>
    /// <paramref name="exception"/> as a log shows it: whole (<see cref="Exception.ToString"/>) when
    /// <paramref name="withMessages"/>, else each exception's type and stack frames, and a note saying how to see the
    /// messages.
    /// </summary>
    public static string Describe(Exception exception, bool withMessages)
    {
        if (withMessages)
        {
            return exception.ToString();
        }

        var text = new StringBuilder();
        Append(text, exception, 0);
        text.Append(Environment.NewLine).Append("(exception messages are not logged, since they may quote arguments or secrets; set ")
            .Append(MessagesVar).Append("=true to log them)");
        return text.ToString();
    }

    private static void Append(StringBuilder text, Exception exception, int depth)
    {
        text.Append(exception.GetType().FullName);
        if (exception.StackTrace is { Length: > 0 } frames)
        {
            text.Append(Environment.NewLine).Append(frames);
        }

        if (depth >= MaxDepth)
        {
            return;
        }

        IEnumerable<Exception> inner = exception is AggregateException aggregate
            ? aggregate.InnerExceptions
            : exception.InnerException is { } one ? [one] : [];
        foreach (var nested in inner)
        {
            text.Append(Environment.NewLine).Append(" ---> ");
            Append(text, nested, depth + 1);
        }
    }
}
