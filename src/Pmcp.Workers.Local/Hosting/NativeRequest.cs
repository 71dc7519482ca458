using Microsoft.AspNetCore.Http;
using Pmcp.Workers.Http;

namespace Pmcp.Workers.Local.Hosting;

/// <summary>
/// Kestrel's request as the Worker's <see cref="Request"/> reads it: its headers in place (no copy per request) and its
/// body on demand, within the bodies' budget. One object per request stands for the header view, the body reader
/// and the room reserved for the body, instead of a closure and a delegate beside a header view.
/// </summary>
internal sealed class NativeRequest(HttpRequest http, NativeWorker worker) : IHeaderView, IRequestBody
{
    /// <summary>The bytes reserved in the budget for this request's body; given back when the request ends.</summary>
    public long Reserved { get; private set; }

    public int Count => http.Headers.Count;

    public string? Get(string name)
    {
        if (!http.Headers.TryGetValue(name, out var values) || values.Count == 0)
        {
            return null;
        }

        // As the Fetch API's Headers.get: several values in one, joined by ", ".
        return values.Count == 1 ? values[0] : string.Join(", ", (IEnumerable<string?>)values);
    }

    public IEnumerable<KeyValuePair<string, string>> All()
    {
        foreach (var (name, values) in http.Headers)
        {
            foreach (var value in values)
            {
                yield return new(name, value ?? "");
            }
        }
    }

    /// <summary>
    /// Read only when the Worker asks, after the checks that need no body (path, method, Host, Origin, key), and only
    /// while the bodies read at once stay within the budget.
    /// </summary>
    public ValueTask<ReadOnlyMemory<byte>> ReadAsync(CancellationToken cancellationToken)
    {
        var size = http.ContentLength ?? worker.MaxBodyBytes;
        if (!worker.Bodies.TryReserve(size))
        {
            return ValueTask.FromException<ReadOnlyMemory<byte>>(BodyRefusals.Busy());
        }

        Reserved = size;
        return NativeMcpHost.ReadBody(http, worker.MaxBodyBytes, cancellationToken);
    }
}
