using System.Net;
using System.Net.Sockets;

namespace Pmcp.Cli.Testing;

/// <summary>
/// A forwarding proxy on a free loopback port that adds <c>Authorization: Bearer</c> to every request and relays it to
/// a target server: the official conformance suite sends no credential of its own, so it talks to this relay instead.
/// Requests and answers are streamed both ways (an SSE answer reaches the suite event by event). The credential is
/// only ever written into the forwarded request's header.
/// </summary>
internal sealed class BearerRelay : IAsyncDisposable
{
    // Per connection or message framing, which each hop sets for itself; Authorization is the relay's to set.
    private static readonly HashSet<string> NotForwarded = new(StringComparer.OrdinalIgnoreCase)
    {
        "Host", "Authorization", "Connection", "Keep-Alive", "Transfer-Encoding", "Content-Length", "Expect", "Proxy-Connection", "TE", "Upgrade",
    };

    private readonly HttpListener _listener;
    private readonly HttpClient _http;
    private readonly Uri _targetOrigin;
    private readonly string _credential;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _accepting;

    private BearerRelay(HttpListener listener, Uri target, string credential, Uri endpoint)
    {
        _listener = listener;
        _targetOrigin = new Uri(target.GetLeftPart(UriPartial.Authority));
        _credential = credential;
        Endpoint = endpoint;
        _http = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false }) { Timeout = Timeout.InfiniteTimeSpan };
        _accepting = AcceptAsync();
    }

    /// <summary>The relay's own URL for the target's MCP endpoint: same path and query, on the relay's loopback port.</summary>
    public Uri Endpoint { get; }

    /// <summary>Starts a relay to <paramref name="target"/> (an MCP endpoint) that sends <paramref name="credential"/>.</summary>
    public static BearerRelay Start(Uri target, string credential)
    {
        // A port just found free may be taken before the listener binds it: try a few.
        for (var attempt = 0; ; attempt++)
        {
            var port = FreePort();
            var listener = new HttpListener();
            listener.Prefixes.Add($"http://127.0.0.1:{port}/");
            try
            {
                listener.Start();
            }
            catch (HttpListenerException) when (attempt < 5)
            {
                listener.Close();
                continue;
            }

            var endpoint = new UriBuilder(target) { Scheme = "http", Host = "127.0.0.1", Port = port }.Uri;
            return new BearerRelay(listener, target, credential, endpoint);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        _listener.Stop();
        try
        {
            await _accepting;
        }
        catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or OperationCanceledException)
        {
            // Stopping the listener ends the accept loop with one of these.
        }

        _listener.Close();
        _http.Dispose();
        _stopping.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            var context = await _listener.GetContextAsync().ConfigureAwait(false);
            _ = Task.Run(() => RelayAsync(context));
        }
    }

    private async Task RelayAsync(HttpListenerContext context)
    {
        var response = context.Response;
        try
        {
            using var forward = new HttpRequestMessage(new HttpMethod(context.Request.HttpMethod), new Uri(_targetOrigin, context.Request.RawUrl));
            if (context.Request.HasEntityBody)
            {
                forward.Content = new StreamContent(context.Request.InputStream);
                if (context.Request.ContentLength64 >= 0)
                {
                    forward.Content.Headers.ContentLength = context.Request.ContentLength64;
                }
            }

            foreach (var name in context.Request.Headers.AllKeys.OfType<string>().Where(n => !NotForwarded.Contains(n)))
            {
                var values = context.Request.Headers.GetValues(name) ?? [];
                if (!forward.Headers.TryAddWithoutValidation(name, values))
                {
                    forward.Content?.Headers.TryAddWithoutValidation(name, values);
                }
            }

            // The Host the relay was reached by becomes the target's; any other (a check's deliberately foreign Host,
            // DNS rebinding protection) is passed on as it is, so the server is judged on it.
            var host = context.Request.Headers["Host"];
            if (host is not null && !host.Equals(Endpoint.Authority, StringComparison.OrdinalIgnoreCase))
            {
                forward.Headers.Host = host;
            }

            forward.Headers.TryAddWithoutValidation("Authorization", "Bearer " + _credential);
            using var answer = await _http.SendAsync(forward, HttpCompletionOption.ResponseHeadersRead, _stopping.Token).ConfigureAwait(false);
            response.StatusCode = (int)answer.StatusCode;
            foreach (var (name, values) in answer.Headers.Concat(answer.Content.Headers))
            {
                if (name.Equals("Content-Type", StringComparison.OrdinalIgnoreCase))
                {
                    response.ContentType = string.Join(", ", values);
                }
                else if (name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
                {
                    response.ContentLength64 = answer.Content.Headers.ContentLength ?? 0;
                }
                else if (!NotForwarded.Contains(name))
                {
                    foreach (var value in values)
                    {
                        response.AppendHeader(name, value);
                    }
                }
            }

            if (answer.Content.Headers.ContentLength is null)
            {
                response.SendChunked = true;
            }

            await using var body = await answer.Content.ReadAsStreamAsync(_stopping.Token).ConfigureAwait(false);
            var buffer = new byte[16 * 1024];
            int read;
            while ((read = await body.ReadAsync(buffer, _stopping.Token).ConfigureAwait(false)) > 0)
            {
                // Flushed per read: an event stream's events must reach the suite as they come.
                await response.OutputStream.WriteAsync(buffer.AsMemory(0, read), _stopping.Token).ConfigureAwait(false);
                await response.OutputStream.FlushAsync(_stopping.Token).ConfigureAwait(false);
            }

            response.Close();
        }
        catch (HttpRequestException e)
        {
            // The target is gone: the suite sees a 502 that says so, never the credential.
            TryAnswer(response, HttpStatusCode.BadGateway, $"pmcp relay: the server did not answer ({e.HttpRequestError}).");
        }
        catch (Exception e) when (e is OperationCanceledException or HttpListenerException or IOException or ObjectDisposedException)
        {
            // The suite hung up, or the relay is stopping.
            response.Abort();
        }
    }

    private static void TryAnswer(HttpListenerResponse response, HttpStatusCode status, string message)
    {
        try
        {
            response.StatusCode = (int)status;
            response.ContentType = "text/plain; charset=utf-8";
            var bytes = System.Text.Encoding.UTF8.GetBytes(message);
            response.OutputStream.Write(bytes);
            response.Close();
        }
        catch (Exception e) when (e is InvalidOperationException or HttpListenerException or ObjectDisposedException)
        {
            // Headers were already sent: all that is left is to end the connection.
            response.Abort();
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
