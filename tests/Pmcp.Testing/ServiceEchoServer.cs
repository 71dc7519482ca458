using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Pmcp.Testing;

/// <summary>
/// The other Worker of the service-binding contract natively: on Kestrel, the very answer tests/Workers/EchoService
/// (a JS Worker) gives inside workerd: "METHOD /path?query", the x-probe header, the body's length and checksum, and the
/// body itself when it is at most 1 KiB; /status/NNN answers with that status.
/// </summary>
public sealed partial class ServiceEchoServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private ServiceEchoServer(WebApplication app) => _app = app;

    /// <summary>Such as <c>http://127.0.0.1:5123</c>.</summary>
    public string BaseAddress { get; private set; } = "";

    public static async Task<ServiceEchoServer> StartAsync()
    {
        var app = LoopbackApp.Create();
        app.Run(ServeAsync);
        await app.StartAsync();
        return new ServiceEchoServer(app) { BaseAddress = LoopbackApp.Address(app) };
    }

    private static async Task ServeAsync(HttpContext context)
    {
        var request = context.Request;
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer);
        var body = buffer.ToArray();
        var sum = 0;
        foreach (var b in body)
        {
            sum = (sum + b) % 65521;
        }

        var probe = request.Headers["x-probe"].ToString();
        var text = string.Create(CultureInfo.InvariantCulture, $"{request.Method} {request.Path}{request.QueryString}\nx-probe={probe}\nlength={body.Length}\nsum={sum}\n")
            + (body.Length <= 1024 ? Encoding.UTF8.GetString(body) : "");
        var status = StatusPath().Match(request.Path.Value ?? "");
        context.Response.StatusCode = status.Success ? int.Parse(status.Groups[1].Value, CultureInfo.InvariantCulture) : 200;
        context.Response.ContentType = "text/plain; charset=utf-8";
        context.Response.Headers["x-echo"] = "pmcp-echo-service";
        context.Response.Headers["x-echo-probe"] = probe;
        if (!HttpMethods.IsHead(request.Method))
        {
            await context.Response.WriteAsync(text);
        }
    }

    [GeneratedRegex("^/status/(\\d{3})$")]
    private static partial Regex StatusPath();

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
