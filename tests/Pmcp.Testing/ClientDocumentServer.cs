using System.Collections.Concurrent;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Pmcp.Testing;

/// <summary>
/// Where test clients host their Client ID Metadata Documents: each path answers the document set for it (with its
/// <c>Cache-Control</c>), 404 otherwise, and counts how often it was fetched.
/// </summary>
public sealed class ClientDocumentServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, (string Body, string? CacheControl)> _documents = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> _fetches = new(StringComparer.Ordinal);

    private ClientDocumentServer(WebApplication app) => _app = app;

    /// <summary>Such as <c>http://127.0.0.1:5123</c>.</summary>
    public string Url { get; private set; } = "";

    public static async Task<ClientDocumentServer> StartAsync()
    {
        var app = LoopbackApp.Create();
        var server = new ClientDocumentServer(app);
        app.Run(server.ServeAsync);
        await app.StartAsync();
        server.Url = LoopbackApp.Address(app);
        return server;
    }

    /// <summary>Serves <paramref name="body"/> at <paramref name="path"/>; its URL.</summary>
    public string Serve(string path, string body, string? cacheControl = "max-age=300")
    {
        _documents[path] = (body, cacheControl);
        return Url + path;
    }

    /// <summary>How many times <paramref name="path"/> was fetched.</summary>
    public int Fetches(string path) => _fetches.GetValueOrDefault(path);

    private async Task ServeAsync(HttpContext context)
    {
        var path = context.Request.Path.Value ?? "";
        _fetches.AddOrUpdate(path, 1, (_, n) => n + 1);
        if (!_documents.TryGetValue(path, out var document))
        {
            context.Response.StatusCode = 404;
            return;
        }

        context.Response.ContentType = "application/json";
        if (document.CacheControl is not null)
        {
            context.Response.Headers.CacheControl = document.CacheControl;
        }

        await context.Response.Body.WriteAsync(Encoding.UTF8.GetBytes(document.Body));
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
