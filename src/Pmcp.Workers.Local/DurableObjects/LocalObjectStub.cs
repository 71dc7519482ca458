using System.IO.Pipelines;
using System.Net;
using Pmcp.Workers.DurableObjects;
using Pmcp.Workers.Http;

namespace Pmcp.Workers.Local.DurableObjects;

/// <summary>
/// A stub's requests on this machine: the <see cref="HttpRequestMessage"/> becomes a Workers <see cref="Request"/>, the
/// object handles it as one event (<see cref="LocalDurableObjects"/>), and its <see cref="Response"/> comes back as an
/// <see cref="HttpResponseMessage"/>, a streamed body streaming.
/// </summary>
internal sealed class LocalObjectStub(LocalDurableObjects objects, string className, DurableObjectId id) : HttpMessageHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var headers = new Headers();
        foreach (var (name, values) in request.Headers)
        {
            headers.Append(name.ToLowerInvariant(), string.Join(", ", values));
        }

        var body = ReadOnlyMemory<byte>.Empty;
        if (request.Content is { } content)
        {
            foreach (var (name, values) in content.Headers)
            {
                headers.Append(name.ToLowerInvariant(), string.Join(", ", values));
            }

            body = await content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        }

        var objectRequest = new Request(request.Method.Method, request.RequestUri!.AbsoluteUri, headers, body) { Aborted = cancellationToken };
        Response response;
        try
        {
            response = await objects.FetchAsync(className, id, objectRequest).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception e)
        {
            // As inside workerd, where the host answers for a .NET object that throws as it does for a Worker: a 500 and
            // a log line, and the object lives on.
            Log.Error($"Unhandled {e.GetType().Name} in the Durable Object {className} {id.Hex} ({request.Method} {request.RequestUri.AbsolutePath}): {e.Message}");
            response = Response.Text("Internal Server Error", 500);
        }

        return ToMessage(response, request);
    }

    private static HttpResponseMessage ToMessage(Response response, HttpRequestMessage request)
    {
        HttpContent content = response.BodyStream is { } chunks ? new StreamContent(Stream(chunks)) : new ByteArrayContent(response.Body.ToArray());
        var message = new HttpResponseMessage((HttpStatusCode)response.Status) { Content = content, RequestMessage = request };
        foreach (var (name, value) in response.Headers)
        {
            if (!message.Headers.TryAddWithoutValidation(name, value))
            {
                content.Headers.TryAddWithoutValidation(name, value);
            }
        }

        return message;
    }

    /// <summary>A streamed body as a stream the caller reads as the object writes it.</summary>
    private static Stream Stream(IAsyncEnumerable<ReadOnlyMemory<byte>> chunks)
    {
        var pipe = new Pipe();
        _ = Task.Run(async () =>
        {
            try
            {
                await foreach (var chunk in chunks.ConfigureAwait(false))
                {
                    var flushed = await pipe.Writer.WriteAsync(chunk).ConfigureAwait(false);
                    if (flushed.IsCompleted)
                    {
                        break; // the reader has gone
                    }
                }

                await pipe.Writer.CompleteAsync().ConfigureAwait(false);
            }
            catch (Exception e)
            {
                await pipe.Writer.CompleteAsync(e).ConfigureAwait(false);
            }
        });
        return pipe.Reader.AsStream();
    }
}
