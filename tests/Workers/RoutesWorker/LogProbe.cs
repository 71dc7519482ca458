using System.ComponentModel;
using Pmcp.Server;
using Pmcp.Workers;

namespace RoutesWorker;

/// <summary>
/// Tools for the request log tests (issue 19): one that succeeds and writes a line of its own, one that throws, both
/// with arguments whose values must never reach a log, and one whose exception's message quotes its argument. Called
/// with a wrong argument type, <c>remember</c> is the call with bad arguments.
/// </summary>
[McpToolSet]
public sealed partial class LogProbe
{
    [McpTool("remember"), Description("Takes a secret and a count; logs that it was called (never the secret)")]
    public static async Task<string> Remember([Description("A secret")] string secret, [Description("How many")] int count, McpRequestContext context)
    {
        Log.Info("remember called");
        // A pause on a .NET timer, so that concurrent calls overlap in the isolate and resume in each other's timers.
        await Task.Delay(10 + (count % 5), context.CancellationToken);
        return $"remembered {secret.Length} characters, {count} times";
    }

    [McpTool("explode"), Description("Always throws, without quoting its argument")]
    public static string Explode([Description("A secret")] string secret) =>
        throw new InvalidOperationException($"exploded on purpose ({secret.Length} characters)");

    [McpTool("leak"), Description("Always throws an exception whose message, and its inner exception's, quote the secret")]
    public static string Leak([Description("A secret")] string secret)
    {
        try
        {
            throw new FormatException($"inner: cannot parse {secret}");
        }
        catch (FormatException e)
        {
            throw new InvalidOperationException($"leaked {secret} on purpose", e);
        }
    }
}
