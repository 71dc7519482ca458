using System.Globalization;
using System.Net;
using System.Runtime.Versioning;
using Pmcp.Workers.Http;

namespace Pmcp.Workers.Interop;

/// <summary>
/// Sends an <see cref="HttpRequestMessage"/> through workerd's fetch() in the context of the request that is calling
/// (<see cref="CurrentRequest"/>), for <see cref="Http.WorkersHttpHandler"/>. The request body is sent as bytes or, for
/// a streamed content, chunk by chunk; the response body is read chunk by chunk as the caller reads it.
/// </summary>
[SupportedOSPlatform("browser")]
internal static class JsFetchSender
{
    private const int UploadChunkBytes = 64 * 1024;
    private static int _nextKey;

    /// <param name="request">What to send.</param>
    /// <param name="allowAutoRedirect">Whether redirects are followed.</param>
    /// <param name="service">A service binding of the request's env to send through (another Worker), or null for the Internet.</param>
    /// <param name="cancellationToken">Aborts the fetch.</param>
    public static async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, bool allowAutoRedirect, string? service, CancellationToken cancellationToken)
    {
        var uri = request.RequestUri;
        if (uri is null || !uri.IsAbsoluteUri)
        {
            throw new InvalidOperationException($"The request URI '{uri}' is not absolute. Give an absolute http(s) URL, or set HttpClient.BaseAddress.");
        }

        if (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)
        {
            throw new NotSupportedException($"Only http and https URLs can be fetched from a Worker, not '{uri.Scheme}'.");
        }

        var requestId = CurrentRequest.Id;
        if (requestId == 0)
        {
            throw new InvalidOperationException(
                "HttpClient was used outside a request (at startup, or from work no request started). Inside workerd, outbound HTTP belongs to a request: "
                + "send it from a request handler or a tool, or from work passed to Context.WaitUntil.");
        }

        cancellationToken.ThrowIfCancellationRequested();
        var url = uri.AbsoluteUri;
        var headers = HeaderPairs(request);
        var key = Interlocked.Increment(ref _nextKey);
        var (bodyKind, bytes, length, upload) = await BodyOfAsync(request.Content, cancellationToken).ConfigureAwait(false);

        var redirect = allowAutoRedirect ? "follow" : "manual";
        int status;
        try
        {
            var cf = request.CfJson();
            var started = HostOperations.RunAsync(op => JsFetch.Start(requestId, op, key, request.Method.Method, url, headers, redirect, bodyKind, bytes, length, cf, service), cancellationToken);
            if (upload is not null)
            {
                await UploadAsync(requestId, key, upload, started, cancellationToken).ConfigureAwait(false);
            }

            status = await started.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // A token or HttpClient.Timeout: abort the fetch in its request (the server sees the connection close).
            JsFetch.Close(requestId, key);
            throw;
        }
        catch (HostOperationException e)
        {
            throw Failed(request.Method, url, e);
        }

        return Response(request, requestId, key, status, url);
    }

    private static HttpResponseMessage Response(HttpRequestMessage request, int requestId, int key, int status, string url)
    {
        var head = JsFetch.Head(requestId, key) ?? throw new HttpRequestException($"The response of {url} was lost: its request has ended.");
        var response = new HttpResponseMessage((HttpStatusCode)status)
        {
            RequestMessage = request,
            ReasonPhrase = head[0].Length > 0 ? head[0] : null,
            Content = new StreamContent(new JsFetchBody(requestId, key, url)),
        };

        // Like SocketsHttpHandler: after redirects, the request names where the response came from.
        if (head[2] == "1" && Uri.TryCreate(head[1], UriKind.Absolute, out var final))
        {
            request.RequestUri = final;
        }

        for (var i = 3; i + 1 < head.Length; i += 2)
        {
            if (!response.Headers.TryAddWithoutValidation(head[i], head[i + 1]))
            {
                response.Content.Headers.TryAddWithoutValidation(head[i], head[i + 1]);
            }
        }

        return response;
    }

    /// <summary>Name, value, … for every value of every request and content header; non-ASCII values are refused.</summary>
    private static string[] HeaderPairs(HttpRequestMessage request)
    {
        var pairs = new List<string>();
        Add(request.Headers.NonValidated);
        if (request.Content is { } content)
        {
            Add(content.Headers.NonValidated);
        }

        return [.. pairs];

        void Add(System.Net.Http.Headers.HttpHeadersNonValidated headers)
        {
            foreach (var (name, values) in headers)
            {
                foreach (var value in values)
                {
                    if (!System.Text.Ascii.IsValid(value))
                    {
                        throw new HttpRequestException(
                            $"The value of header '{name}' has non-ASCII characters; HTTP header values are ASCII: encode it (for example with Uri.EscapeDataString).");
                    }

                    pairs.Add(name);
                    pairs.Add(value);
                }
            }
        }
    }

    /// <summary>Bytes already in memory go in one piece; any other content is streamed, so a large upload is never held whole.</summary>
    private static async Task<(int Kind, ArraySegment<byte> Bytes, double Length, Stream? Upload)> BodyOfAsync(HttpContent? content, CancellationToken cancellationToken)
    {
        if (content is null)
        {
            return (0, ArraySegment<byte>.Empty, 0, null);
        }

        if (content is ByteArrayContent or FormUrlEncodedContent)
        {
            return (1, await content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false), 0, null);
        }

        var stream = await content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        return content.Headers.ContentLength is { } length
            ? (3, ArraySegment<byte>.Empty, length, stream)
            : (2, ArraySegment<byte>.Empty, 0, stream);
    }

    private static async Task UploadAsync(int requestId, int key, Stream upload, Task<int> started, CancellationToken cancellationToken)
    {
        var buffer = new byte[UploadChunkBytes];
        try
        {
            int count;
            while (!started.IsCompleted && (count = await upload.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
            {
                var chunk = new ArraySegment<byte>(buffer, 0, count);
                await HostOperations.RunAsync(op => JsFetch.Write(requestId, op, key, chunk), cancellationToken).ConfigureAwait(false);
            }

            if (!started.IsCompleted)
            {
                await HostOperations.RunAsync(op => JsFetch.WriteEnd(requestId, op, key, null), cancellationToken).ConfigureAwait(false);
            }
        }
        catch (HostOperationException)
        {
            // The fetch failed or the server answered before taking the whole body: the start's outcome says which.
        }
        finally
        {
            await upload.DisposeAsync().ConfigureAwait(false);
        }
    }

    private static HttpRequestException Failed(HttpMethod method, string url, Exception e) =>
        new(string.Create(CultureInfo.InvariantCulture, $"{method} {url} failed: {e.Message}"), e);
}
