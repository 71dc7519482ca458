using System.Globalization;
using System.Text;
using Pmcp.Workers.Bindings;

namespace Pmcp.Workers.Contract;

/// <summary>
/// Service bindings (<c>env.Service("ECHO")</c>), by name, against the other Worker's echo (tests/Workers/EchoService
/// inside workerd, through tests/Workers/ServicesWorker's <c>POST /service/{name}</c>; Pmcp.Testing's ServiceEchoServer
/// natively, in Pmcp.Workers.Contract.Tests). The echo answers "METHOD /path?query", the x-probe header, the body's
/// length and checksum, and a body of at most 1 KiB itself.
/// </summary>
public static class ServiceCases
{
    /// <summary>One client per binding for every request of the isolate: inside workerd each call must still use its own request's binding.</summary>
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, HttpClient> Shared = new(StringComparer.Ordinal);

    public static IReadOnlyDictionary<string, Func<Env, string, Task>> All { get; } = new Dictionary<string, Func<Env, string, Task>>(StringComparer.Ordinal)
    {
        ["service.fetch_round_trip"] = FetchRoundTrip,
        ["service.http_client"] = HttpClientBound,
        ["service.shared_client"] = SharedClient,
        ["service.status_and_headers"] = StatusAndHeaders,
        ["service.streamed_body_1mb"] = StreamedBody,
        ["service.unknown_binding_throws"] = UnknownBindingThrows,
    };

    /// <summary>Runs one case with the request's env, through <paramref name="binding"/> (an echo Worker).</summary>
    public static Task RunAsync(string name, Env env, string binding = ContractBindings.Service) =>
        All.TryGetValue(name, out var run) ? run(env, binding) : throw new ContractFailure($"No service case '{name}'. Known: {string.Join(", ", All.Keys)}.");

    private static async Task FetchRoundTrip(Env env, string binding)
    {
        var service = env.Service(binding);
        Check.Equal(binding, service.Name, "the binding's name");
        var probe = Guid.NewGuid().ToString("N");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/round/trip?q=1&r=two")
        {
            Content = new StringContent("héllo service", Encoding.UTF8, "text/plain"),
        };
        request.Headers.Add("x-probe", probe);
        using var response = await service.FetchAsync(request);

        Check.Equal(200, (int)response.StatusCode, "status");
        var body = await response.Content.ReadAsStringAsync();
        Check.Equal($"POST /round/trip?q=1&r=two\nx-probe={probe}\nlength=14\nsum={Sum("héllo service"u8)}\nhéllo service", body, "the other Worker's answer");
        Check.Equal(probe, Header(response, "x-echo-probe"), "a response header");

        // A GET by path, the short form.
        using var get = await service.FetchAsync("/short?x=1");
        Check.Equal("GET /short?x=1\nx-probe=\nlength=0\nsum=0\n", await get.Content.ReadAsStringAsync(), "the short form's answer");
    }

    private static async Task HttpClientBound(Env env, string binding)
    {
        using var http = env.Service(binding).CreateHttpClient();
        Check.Equal(new Uri($"https://{binding}/"), http.BaseAddress!, "the client's base address");
        Check.Equal("GET /relative/path?a=b\nx-probe=\nlength=0\nsum=0\n", await http.GetStringAsync("relative/path?a=b"), "a relative GET");
        using var put = await http.PutAsync("/put", new ByteArrayContent([1, 2, 3]));
        Check.Equal("PUT /put\nx-probe=\nlength=3\nsum=6\n\u0001\u0002\u0003", await put.Content.ReadAsStringAsync(), "a PUT with bytes");
        using var delete = await http.DeleteAsync("/items/7");
        Check.Equal("DELETE /items/7\nx-probe=\nlength=0\nsum=0\n", await delete.Content.ReadAsStringAsync(), "a DELETE");
    }

    private static async Task SharedClient(Env env, string binding)
    {
        var http = Shared.GetOrAdd(binding, _ => env.Service(binding).CreateHttpClient());
        var probe = Guid.NewGuid().ToString("N");
        for (var i = 0; i < 3; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, $"/shared/{i}") { Content = new StringContent(probe) };
            request.Headers.Add("x-probe", probe);
            using var response = await http.SendAsync(request);
            Check.Equal($"POST /shared/{i}\nx-probe={probe}\nlength=32\nsum={Sum(Encoding.UTF8.GetBytes(probe))}\n{probe}", await response.Content.ReadAsStringAsync(), $"call {i} through a shared client");
        }
    }

    private static async Task StatusAndHeaders(Env env, string binding)
    {
        var service = env.Service(binding);
        using var teapot = await service.FetchAsync("/status/418");
        Check.Equal(418, (int)teapot.StatusCode, "a status the other Worker chose");
        Check.Equal("pmcp-echo-service", Header(teapot, "x-echo"), "its header");
        Check.Equal("text/plain; charset=utf-8", teapot.Content.Headers.ContentType?.ToString() ?? "", "its content type");
        using var missing = await service.FetchAsync("/status/404");
        Check.Equal(404, (int)missing.StatusCode, "a 404 is an answer, not an exception");
        using var head = await service.FetchAsync(new HttpRequestMessage(HttpMethod.Head, "/head"));
        Check.Equal(200, (int)head.StatusCode, "HEAD");
        Check.Equal(0, (await head.Content.ReadAsByteArrayAsync()).Length, "HEAD has no body");
    }

    private static async Task StreamedBody(Env env, string binding)
    {
        // 1 MiB each way: up as a stream of unknown length, down read through the response stream.
        const int Size = 1024 * 1024;
        var bytes = new byte[Size];
        for (var i = 0; i < Size; i++)
        {
            bytes[i] = (byte)(i * 7 % 251);
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, "/upload") { Content = new StreamContent(new MemoryStream(bytes)) };
        using var response = await env.Service(binding).FetchAsync(request);
        var answer = await response.Content.ReadAsStringAsync();
        Check.Equal(string.Create(CultureInfo.InvariantCulture, $"POST /upload\nx-probe=\nlength={Size}\nsum={Sum(bytes)}\n"), answer, "a 1 MiB upload");
    }

    private static Task UnknownBindingThrows(Env env, string binding)
    {
        _ = binding;
        try
        {
            env.Service(ContractBindings.Unbound);
        }
        catch (WorkerException e)
        {
            Check.True(e.Message.Contains($"'{ContractBindings.Unbound}'", StringComparison.Ordinal), $"the message names the binding: {e.Message}");
            Check.True(e.Message.Contains("[[services]]", StringComparison.Ordinal), $"the message names wrangler.toml's section: {e.Message}");
            Check.True(e.Message.Contains("[workers.services]", StringComparison.Ordinal), $"the message names deploy.toml's section: {e.Message}");
            return Task.CompletedTask;
        }

        throw new ContractFailure("env.Service of an unbound name did not throw");
    }

    private static string Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? string.Join(", ", values) : "";

    private static int Sum(ReadOnlySpan<byte> bytes)
    {
        var sum = 0;
        foreach (var b in bytes)
        {
            sum = (sum + b) % 65521;
        }

        return sum;
    }
}
