using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Pmcp.Cli.Testing;

/// <summary>
/// <c>test load</c>'s engine: <c>concurrency</c> workers, each with a session of its own, send one request after
/// another for the duration; each answer's latency is recorded, each failure counted by kind.
/// </summary>
internal sealed class LoadGenerator(McpHttpClient client)
{
    /// <summary>Latencies kept at most (about 8 MB); beyond that the run keeps counting but stops sampling.</summary>
    private const int MaxSamples = 1_000_000;

    /// <summary>Runs the load; <paramref name="progress"/> is called about once a second with the requests so far and the errors so far.</summary>
    public async Task<LoadReport> RunAsync(
        string label, string method, JsonObject parameters, int concurrency, TimeSpan duration, Action<TimeSpan, int, int> progress, CancellationToken cancellationToken)
    {
        var sessions = new McpSession[concurrency];
        for (var i = 0; i < concurrency; i++)
        {
            sessions[i] = await McpConnection.OpenAsync(client, cancellationToken);
        }

        var latencies = new List<double>();
        var errors = new Dictionary<string, int>(StringComparer.Ordinal);
        int done = 0, failed = 0;
        var clock = Stopwatch.StartNew();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        stop.CancelAfter(duration);

        async Task WorkAsync(McpSession session)
        {
            while (!stop.IsCancellationRequested)
            {
                var started = Stopwatch.GetTimestamp();
                string? error;
                try
                {
                    var reply = await session.RequestAsync(method, (JsonObject)parameters.DeepClone(), stop.Token);
                    error = Classify(reply);
                }
                catch (OperationCanceledException) when (stop.IsCancellationRequested)
                {
                    return; // the run is over: the request in flight does not count
                }
                catch (TaskCanceledException)
                {
                    error = "timeout (--timeout)";
                }
                catch (HttpRequestException e) when (e.InnerException is SocketException || e.HttpRequestError is HttpRequestError.ConnectionError)
                {
                    error = "connection failed";
                }
                catch (HttpRequestException e)
                {
                    error = $"HTTP failure ({e.HttpRequestError})";
                }

                var elapsed = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                lock (latencies)
                {
                    if (error is null)
                    {
                        if (latencies.Count < MaxSamples)
                        {
                            latencies.Add(elapsed);
                        }
                    }
                    else
                    {
                        errors[error] = errors.GetValueOrDefault(error) + 1;
                        failed++;
                    }

                    done++;
                }
            }
        }

        var workers = Task.WhenAll(sessions.Select(s => Task.Run(() => WorkAsync(s), CancellationToken.None)));
        while (await Task.WhenAny(workers, Task.Delay(TimeSpan.FromSeconds(1), CancellationToken.None)) != workers)
        {
            lock (latencies)
            {
                progress(clock.Elapsed, done, failed);
            }
        }

        await workers;
        cancellationToken.ThrowIfCancellationRequested();
        var elapsedTotal = clock.Elapsed;
        latencies.Sort();
        return new LoadReport(label, concurrency, elapsedTotal < duration ? elapsedTotal : duration, latencies, errors);
    }

    /// <summary>Null for a successful answer, else the kind of failure.</summary>
    private static string? Classify(McpReply reply)
    {
        if (reply.Status != HttpStatusCode.OK)
        {
            return $"HTTP {(int)reply.Status}";
        }

        if (reply.ErrorCode is { } code)
        {
            return $"JSON-RPC error {code}";
        }

        if (reply.Result is not { } result)
        {
            return "no JSON-RPC answer";
        }

        return result.ValueKind == JsonValueKind.Object && result.TryGetProperty("isError", out var isError) && isError.ValueKind == JsonValueKind.True
            ? "tool result isError: true"
            : null;
    }
}
