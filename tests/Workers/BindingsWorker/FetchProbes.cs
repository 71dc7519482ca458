using System.Globalization;
using Pmcp.Workers.Contract;
using Pmcp.Workers.Http;

namespace BindingsWorker;

/// <summary>
/// Outbound HTTP inside workerd, for Pmcp.WorkerdTests: <c>POST /fetch/{name}</c> runs one of
/// <see cref="FetchCases"/> against the test API named by the request's <c>X-Fetch-Server</c> header, and
/// <c>POST /fetch-memory/{client}/{mb}</c> measures what a streamed download of that size costs .NET; the rest are
/// misuses that must fail clearly: a response kept past its request, and a client used from work outside any request.
/// </summary>
internal static class FetchProbes
{
    public const string ServerHeader = "X-Fetch-Server";

    public static async Task<Response> RunAsync(Request request, string name)
    {
        if (!FetchCases.All.ContainsKey(name))
        {
            return Response.Text($"No fetch case '{name}'.", 404);
        }

        if (Server(request) is not { } server)
        {
            return Response.Text($"Name the test API's base URL in the {ServerHeader} header.", 400);
        }

        try
        {
            await FetchCases.RunAsync(name, server);
            return Response.Ok("pass");
        }
        catch (ContractFailure failure)
        {
            return Response.Text("fail: " + failure.Message, 500);
        }
        catch (Exception e)
        {
            return Response.Text($"error: {e.GetType().FullName}: {e.Message}", 500);
        }
    }

    public static async Task<Response> MemoryAsync(Request request, string client, string megabytes)
    {
        if (Server(request) is not { } server)
        {
            return Response.Text($"Name the test API's base URL in the {ServerHeader} header.", 400);
        }

        try
        {
            return Response.Ok(await FetchCases.MeasureDownloadAsync(client, server, int.Parse(megabytes, CultureInfo.InvariantCulture)));
        }
        catch (Exception e)
        {
            return Response.Text($"error: {e.GetType().FullName}: {e.Message}", 500);
        }
    }

    // Deliberately wrong: a response kept across requests, to show that reading it later fails clearly.
    private static HttpResponseMessage? _kept;

    public static async Task<Response> KeepAsync(Request request, string client)
    {
        var http = client == "handler" ? new HttpClient(new WorkersHttpHandler()) : new HttpClient();
        _kept = await http.GetAsync(Server(request) + "/bytes/1048576?seed=3", HttpCompletionOption.ResponseHeadersRead);
        return Response.Ok("kept");
    }

    public static async Task<Response> ReadKeptAsync()
    {
        try
        {
            var bytes = await (_kept ?? throw new InvalidOperationException("nothing kept")).Content.ReadAsByteArrayAsync();
            return Response.Ok($"read {bytes.Length} bytes");
        }
        catch (Exception e)
        {
            // HttpContent wraps the stream's IOException in an HttpRequestException of its own: report the chain.
            var chain = new List<string>();
            for (var current = e; current is not null; current = current.InnerException)
            {
                chain.Add($"{current.GetType().Name}: {current.Message}");
            }

            return Response.Ok(string.Join(" <- ", chain));
        }
    }

    /// <summary>A fetch from work that does not carry the request along (the execution context's flow suppressed).</summary>
    public static async Task<Response> OutsideAsync(Request request, string client)
    {
        var http = client == "handler" ? new HttpClient(new WorkersHttpHandler()) : new HttpClient();
        var url = Server(request) + "/echo";
        Task<string> outside;
        using (ExecutionContext.SuppressFlow())
        {
            outside = Task.Run(() => http.GetStringAsync(url));
        }

        try
        {
            await outside;
            return Response.Ok("succeeded");
        }
        catch (Exception e)
        {
            return Response.Ok($"{e.GetType().Name}: {e.Message}");
        }
    }

    private static string? Server(Request request) => request.Headers[ServerHeader];
}
