using System.Globalization;
using Pmcp.Workers.Contract;
using Pmcp.Workers.Http;

namespace BindingsWorker;

/// <summary>
/// Outbound HTTP inside workerd, for Pmcp.WorkerdTests: <c>POST /fetch/{name}</c> runs one of
/// <see cref="FetchCases"/> against the test API named by the request's <c>X-Fetch-Server</c> header, and
/// <c>POST /fetch-memory/{client}/{mb}</c> measures what a streamed download of that size costs .NET.
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

    private static string? Server(Request request) => request.Headers[ServerHeader];
}
