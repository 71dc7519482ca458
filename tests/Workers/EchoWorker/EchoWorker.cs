using System.Globalization;
using System.Text;
using Pmcp.Workers;
using Pmcp.Workers.Http;

namespace EchoWorker;

/// <summary>
/// The answer of tests/Workers/EchoService, in C#: "METHOD /path?query", the x-probe header, the body's length and
/// checksum, and the body itself when it is at most 1 KiB; /status/NNN answers with that status.
/// </summary>
public sealed class EchoWorker : IWorker
{
    public static async Task<Response> FetchAsync(Request request, Env env, Context context)
    {
        var url = new Uri(request.Url);
        var body = (await request.ReadBodyAsync()).ToArray();
        var sum = 0;
        foreach (var b in body)
        {
            sum = (sum + b) % 65521;
        }

        var probe = request.Headers["x-probe"] ?? "";
        var text = string.Create(CultureInfo.InvariantCulture, $"{request.Method} {url.AbsolutePath}{url.Query}\nx-probe={probe}\nlength={body.Length}\nsum={sum}\n")
            + (body.Length <= 1024 ? Encoding.UTF8.GetString(body) : "");
        var path = url.AbsolutePath;
        var status = path.StartsWith("/status/", StringComparison.Ordinal) && int.TryParse(path["/status/".Length..], NumberStyles.None, CultureInfo.InvariantCulture, out var code) ? code : 200;
        var headers = new Headers()
            .Set("Content-Type", "text/plain; charset=utf-8")
            .Set("x-echo", "pmcp-echo-service")
            .Set("x-echo-probe", probe);
        var bytes = request.Method == "HEAD" ? ReadOnlyMemory<byte>.Empty : Encoding.UTF8.GetBytes(text);
        return new Response(status, bytes, headers);
    }
}
