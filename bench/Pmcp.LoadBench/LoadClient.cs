using System.Diagnostics;
using System.Globalization;

namespace Pmcp.LoadBench;

/// <summary>
/// Closed-loop load: <c>concurrency</c> workers, each with its own keep-alive connection, send the next request as soon
/// as the previous answer is read and checked, until the time is up.
/// </summary>
internal sealed class LoadClient : IDisposable
{
    private readonly HttpClient _client;
    private readonly Uri _endpoint;
    private readonly int _concurrency;

    public LoadClient(Uri endpoint, int concurrency)
    {
        _endpoint = endpoint;
        _concurrency = concurrency;
        _client = new HttpClient(new SocketsHttpHandler
        {
            MaxConnectionsPerServer = concurrency,
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
            UseProxy = false,
            UseCookies = false,
            AllowAutoRedirect = false,
        })
        {
            Timeout = TimeSpan.FromSeconds(10),
        };
    }

    /// <summary>Runs the load for <paramref name="duration"/> and returns what was measured.</summary>
    public async Task<LoadSample> RunAsync(TimeSpan duration)
    {
        var started = Stopwatch.GetTimestamp();
        var deadline = started + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var workers = new Task<Worker>[_concurrency];
        for (var i = 0; i < workers.Length; i++)
        {
            var worker = new Worker(i);
            workers[i] = Task.Run(async () =>
            {
                await worker.RunAsync(_client, _endpoint, deadline).ConfigureAwait(false);
                return worker;
            });
        }

        var finished = await Task.WhenAll(workers).ConfigureAwait(false);
        var elapsed = Stopwatch.GetElapsedTime(started);
        var latencies = finished.SelectMany(w => w.Latencies).ToArray();
        Array.Sort(latencies);
        return new LoadSample(latencies.Length, finished.Sum(w => w.Failures), elapsed, latencies, finished.Select(w => w.FirstFailure).FirstOrDefault(f => f is not null));
    }

    public void Dispose() => _client.Dispose();

    private sealed class Worker(int id)
    {
        public List<long> Latencies { get; } = new(16_384);

        public int Failures { get; private set; }

        public string? FirstFailure { get; private set; }

        public async Task RunAsync(HttpClient client, Uri endpoint, long deadline)
        {
            for (var sequence = 0; Stopwatch.GetTimestamp() < deadline; sequence++)
            {
                var message = string.Create(CultureInfo.InvariantCulture, $"w{id}-{sequence}");
                var sent = Stopwatch.GetTimestamp();
                try
                {
                    using var request = EchoRequest.Create(endpoint, message);
                    using var response = await client.SendAsync(request).ConfigureAwait(false);
                    var body = await response.Content.ReadAsByteArrayAsync().ConfigureAwait(false);
                    if (EchoRequest.IsCorrect(response, body, message))
                    {
                        Latencies.Add(Stopwatch.GetTimestamp() - sent);
                        continue;
                    }

                    Fail($"{(int)response.StatusCode} {System.Text.Encoding.UTF8.GetString(body.AsSpan(0, Math.Min(body.Length, 200)))}");
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException)
                {
                    Fail(e.GetType().Name + ": " + e.Message);
                }
            }
        }

        private void Fail(string why)
        {
            Failures++;
            FirstFailure ??= why;
        }
    }
}
