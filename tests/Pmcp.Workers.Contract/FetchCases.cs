using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using Pmcp.Workers.Http;

namespace Pmcp.Workers.Contract;

/// <summary>
/// Outbound HTTP from a Worker, by name, against the test API (Pmcp.Testing's HttpTestServer) at the base URL each case
/// is given: natively in process (Pmcp.Workers.Contract.Tests) and inside workerd through BindingsWorker's
/// <c>POST /fetch/{name}</c> (Pmcp.WorkerdTests). Every case runs with two clients: <c>default</c>, the plain
/// <c>new HttpClient()</c> a .NET developer writes, and <c>handler</c>, one over <see cref="WorkersHttpHandler"/>.
/// </summary>
public static class FetchCases
{
    /// <summary>The clients every case runs with.</summary>
    public static IReadOnlyList<string> Clients { get; } = ["default", "handler"];

    /// <summary>Clients made once and shared by every request (a static HttpClient), for <c>three_fetches</c> only.</summary>
    public static IReadOnlyList<string> SharedClients { get; } = ["shared", "shared_handler"];

    private static readonly HttpClient Shared = new();
    private static readonly HttpClient SharedHandler = new(new WorkersHttpHandler());

    private static readonly IReadOnlyDictionary<string, Func<string, string, Task>> Cases = new Dictionary<string, Func<string, string, Task>>(StringComparer.Ordinal)
    {
        ["get_text"] = GetText,
        ["methods_and_bodies"] = MethodsAndBodies,
        ["streamed_upload"] = StreamedUpload,
        ["multi_valued_headers"] = MultiValuedHeaders,
        ["non_ascii_header_throws"] = NonAsciiHeaderThrows,
        ["status_codes"] = StatusCodes,
        ["redirect_followed"] = RedirectFollowed,
        ["redirect_manual"] = RedirectManual,
        ["cancellation_aborts"] = CancellationAborts,
        ["timeout_aborts"] = TimeoutAborts,
        ["connection_refused_throws"] = ConnectionRefusedThrows,
        ["relative_url_throws"] = RelativeUrlThrows,
        ["download_8mb_as_stream"] = Download8MbAsStream,
        ["three_fetches"] = ThreeFetches,
    };

    /// <summary>Every case with every client, as <c>fetch.{client}.{case}</c>; the shared clients run <c>three_fetches</c>.</summary>
    public static IReadOnlyDictionary<string, Func<string, Task>> All { get; } = Build();

    /// <summary>Runs one case against the test API at <paramref name="server"/>.</summary>
    public static Task RunAsync(string name, string server) =>
        All.TryGetValue(name, out var run) ? run(server) : throw new ContractFailure($"No fetch case '{name}'. Known: {string.Join(", ", All.Keys)}.");

    /// <summary>
    /// Reads <paramref name="megabytes"/> MB from the test API through the response stream in 64 KiB reads, checking every
    /// byte, and reports what .NET allocated and the most its heap grew meanwhile (what it held).
    /// </summary>
    public static async Task<string> MeasureDownloadAsync(string client, string server, int megabytes)
    {
        var size = megabytes * 1024L * 1024;
        var heapAtStart = GC.GetTotalMemory(forceFullCollection: true);
        var committedAtStart = GC.GetGCMemoryInfo().TotalCommittedBytes;
        var allocatedAtStart = GC.GetTotalAllocatedBytes(precise: true);
        long heapGrowth = 0;
        var read = await DownloadAsync(client, server, size, seed: 7, () => heapGrowth = Math.Max(heapGrowth, GC.GetTotalMemory(forceFullCollection: false) - heapAtStart));
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedAtStart;
        var committedGrowth = GC.GetGCMemoryInfo().TotalCommittedBytes - committedAtStart;
        return string.Create(CultureInfo.InvariantCulture, $"size={size} read={read} allocated={allocated} heapGrowth={heapGrowth} committedGrowth={committedGrowth}");
    }

    private static Dictionary<string, Func<string, Task>> Build()
    {
        var all = new Dictionary<string, Func<string, Task>>(StringComparer.Ordinal);
        foreach (var client in Clients)
        {
            foreach (var (name, run) in Cases)
            {
                all[$"fetch.{client}.{name}"] = server => run(client, server);
            }
        }

        foreach (var client in SharedClients)
        {
            all[$"fetch.{client}.three_fetches"] = server => ThreeFetches(client, server);
        }

        return all;
    }

    /// <summary>A client of the kind named; a shared one is never disposed (Release does nothing for it).</summary>
    private static Client Open(string client, bool allowAutoRedirect = true, TimeSpan? timeout = null)
    {
        var http = client switch
        {
            "default" when allowAutoRedirect => new HttpClient(),
            "default" => new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }),
            "handler" => new HttpClient(new WorkersHttpHandler { AllowAutoRedirect = allowAutoRedirect }),
            "shared" => Shared,
            "shared_handler" => SharedHandler,
            _ => throw new ContractFailure($"No client '{client}'."),
        };
        if (timeout is { } limit)
        {
            http.Timeout = limit;
        }

        return new Client(http, disposes: client is "default" or "handler");
    }

    private static async Task GetText(string client, string server)
    {
        using var c = Open(client);
        var text = await c.Http.GetStringAsync(server + "/echo?case=get_text");
        Check.Equal("GET /echo?case=get_text", FirstLine(text), "the first line of GET /echo");
        Check.Contains("length: 0\n", text, "a GET's body length as the server saw it");
    }

    private static async Task MethodsAndBodies(string client, string server)
    {
        using var c = Open(client);
        var text = "héllo, wörld";
        using (var post = await c.Http.PostAsync(server + "/echo?m=post", new StringContent(text, Encoding.UTF8, "text/plain")))
        {
            var echo = await post.Content.ReadAsStringAsync();
            Check.Equal(HttpStatusCode.OK, post.StatusCode, "POST /echo's status");
            Check.Equal("POST /echo?m=post", FirstLine(echo), "POST's request line");
            Check.Contains(Digest(Encoding.UTF8.GetBytes(text)), echo, "POST's body as the server saw it");
            Check.Contains("content-type: text/plain; charset=utf-8", echo, "POST's content type");
        }

        var bytes = new byte[70_000];
        new Random(3).NextBytes(bytes);
        foreach (var method in new[] { HttpMethod.Put, HttpMethod.Patch, HttpMethod.Delete })
        {
            using var request = new HttpRequestMessage(method, server + "/echo") { Content = new ByteArrayContent(bytes) };
            using var response = await c.Http.SendAsync(request);
            var echo = await response.Content.ReadAsStringAsync();
            Check.Equal(method.Method + " /echo", FirstLine(echo), $"{method}'s request line");
            Check.Contains(Digest(bytes), echo, $"{method}'s body as the server saw it");
        }

        using var head = await c.Http.SendAsync(new HttpRequestMessage(HttpMethod.Head, server + "/status/200"));
        Check.Equal(HttpStatusCode.OK, head.StatusCode, "HEAD's status");
        Check.Equal(0, (await head.Content.ReadAsByteArrayAsync()).Length, "HEAD's body length");
    }

    private static async Task StreamedUpload(string client, string server)
    {
        const long Size = 3 * 1024 * 1024;
        var expected = Digest(Size, seed: 5);
        using var c = Open(client);
        foreach (var withLength in new[] { true, false })
        {
            var content = new StreamContent(new PatternStream(Size, seed: 5));
            if (withLength)
            {
                content.Headers.ContentLength = Size;
            }

            using var response = await c.Http.PostAsync(server + "/echo?streamed=" + withLength, content);
            var echo = await response.Content.ReadAsStringAsync();
            Check.Contains(expected, echo, $"a streamed upload of 3 MiB ({(withLength ? "with" : "without")} Content-Length) as the server saw it");
        }
    }

    private static async Task MultiValuedHeaders(string client, string server)
    {
        using var c = Open(client);
        using var request = new HttpRequestMessage(HttpMethod.Get, server + "/echo");
        request.Headers.Add("X-Multi", ["one", "two"]);
        using (var response = await c.Http.SendAsync(request))
        {
            Check.Contains("x-multi: one, two\n", await response.Content.ReadAsStringAsync(), "a request header with two values as the server saw it");
        }

        using var answer = await c.Http.GetAsync(server + "/headers");
        Check.True(answer.Headers.TryGetValues("X-Multi", out var values), "the response has X-Multi");
        var joined = string.Join(", ", values!.SelectMany(v => v.Split(',', StringSplitOptions.TrimEntries)));
        Check.Equal("one, two", joined, "the values of a response header sent twice");
    }

    private static async Task NonAsciiHeaderThrows(string client, string server)
    {
        using var c = Open(client);
        using var request = new HttpRequestMessage(HttpMethod.Get, server + "/echo");
        request.Headers.TryAddWithoutValidation("X-Name", "café");
        var e = await ThrowsAsync<HttpRequestException>(() => c.Http.SendAsync(request), "a header value with non-ASCII characters");
        Check.Contains("ASCII", e.Message, "why a non-ASCII header value is refused");
    }

    private static async Task StatusCodes(string client, string server)
    {
        using var c = Open(client);
        foreach (var code in new[] { 200, 201, 204, 400, 404, 418, 500, 503 })
        {
            using var response = await c.Http.GetAsync(server + "/status/" + code.ToString(CultureInfo.InvariantCulture));
            Check.Equal(code, (int)response.StatusCode, "the status of GET /status/" + code);
            var body = await response.Content.ReadAsStringAsync();
            Check.Equal(code == 204 ? "" : "status " + code, body, "the body of GET /status/" + code);
        }
    }

    private static async Task RedirectFollowed(string client, string server)
    {
        using var c = Open(client);
        using var response = await c.Http.GetAsync(server + "/redirect");
        Check.Equal(HttpStatusCode.OK, response.StatusCode, "the status after following a 302");
        Check.Equal("GET /echo?from=redirect", FirstLine(await response.Content.ReadAsStringAsync()), "where the redirect led");
    }

    private static async Task RedirectManual(string client, string server)
    {
        using var c = Open(client, allowAutoRedirect: false);
        using var response = await c.Http.GetAsync(server + "/redirect");
        Check.Equal(HttpStatusCode.Found, response.StatusCode, "the status with AllowAutoRedirect = false");
        Check.Equal("/echo?from=redirect", response.Headers.Location?.OriginalString, "the Location of the 302");
    }

    private static async Task CancellationAborts(string client, string server)
    {
        using var c = Open(client);
        var id = Guid.NewGuid().ToString("N");
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        var started = DateTime.UtcNow;
        await ThrowsAsync<OperationCanceledException>(() => c.Http.GetAsync(server + "/slow/" + id, cancel.Token), "a request cancelled after 300 ms");
        Check.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(10), "a cancelled request ends within 10 s");
        await ServerSawAbortAsync(server, id);
    }

    private static async Task TimeoutAborts(string client, string server)
    {
        using var c = Open(client, timeout: TimeSpan.FromMilliseconds(300));
        var id = Guid.NewGuid().ToString("N");
        var started = DateTime.UtcNow;
        await ThrowsAsync<TaskCanceledException>(() => c.Http.GetStringAsync(server + "/slow/" + id), "a request past HttpClient.Timeout");
        Check.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(10), "a timed-out request ends within 10 s");
        await ServerSawAbortAsync(server, id);
    }

    private static async Task ConnectionRefusedThrows(string client, string server)
    {
        using var c = Open(client);
        // Port 9 (discard): nothing listens there on the test machines, as the Hyperdrive cases assume too.
        var e = await ThrowsAsync<HttpRequestException>(() => c.Http.GetStringAsync("http://127.0.0.1:9/"), "a request to a port nothing listens on");
        Check.True(e.Message.Length > 0, "a refused connection's exception has a message");

        // The client is still usable afterwards.
        Check.Equal("GET /echo?after=refused", FirstLine(await c.Http.GetStringAsync(server + "/echo?after=refused")), "a request after a refused one");
    }

    private static async Task RelativeUrlThrows(string client, string server)
    {
        using var c = Open(client);
        await ThrowsAsync<InvalidOperationException>(() => c.Http.GetStringAsync("/echo"), "a relative URL without BaseAddress");
        Check.Equal("GET /echo", FirstLine(await c.Http.GetStringAsync(server + "/echo")), "a request after a refused URL");
    }

    private static async Task Download8MbAsStream(string client, string server)
    {
        const long Size = 8L * 1024 * 1024;
        Check.Equal(Size, await DownloadAsync(client, server, Size, seed: 9, progress: null), "bytes read from an 8 MiB download");
    }

    /// <summary>Three fetches in a row, each answer checked: run by many requests at once to show each keeps its own I/O.</summary>
    private static async Task ThreeFetches(string client, string server)
    {
        using var c = Open(client);
        for (var i = 0; i < 3; i++)
        {
            var tag = Guid.NewGuid().ToString("N");
            var text = await c.Http.GetStringAsync($"{server}/echo?tag={tag}");
            Check.Equal($"GET /echo?tag={tag}", FirstLine(text), $"fetch {i + 1} of 3");
        }
    }

    private static async Task<long> DownloadAsync(string client, string server, long size, int seed, Action? progress)
    {
        using var c = Open(client);
        using var response = await c.Http.GetAsync($"{server}/bytes/{size}?seed={seed}", HttpCompletionOption.ResponseHeadersRead);
        Check.Equal(HttpStatusCode.OK, response.StatusCode, "the download's status");
        await using var body = await response.Content.ReadAsStreamAsync();
        var expected = new PatternStream(size, seed);
        var buffer = new byte[64 * 1024];
        var want = new byte[buffer.Length];
        long read = 0;
        int count;
        while ((count = await body.ReadAsync(buffer)) > 0)
        {
            Check.True(read + count <= size, "the download is no longer than asked for");
            expected.ReadExactly(want.AsSpan(0, count));
            if (!buffer.AsSpan(0, count).SequenceEqual(want.AsSpan(0, count)))
            {
                throw new ContractFailure($"the download differs within the {count} bytes from {read}");
            }

            read += count;
            progress?.Invoke();
        }

        return read;
    }

    private static async Task ServerSawAbortAsync(string server, string id)
    {
        // The abort travels to the server asynchronously: give it a moment.
        using var http = new HttpClient();
        var state = "";
        for (var i = 0; i < 50 && state != "aborted"; i++)
        {
            state = await http.GetStringAsync($"{server}/state/{id}");
            if (state != "aborted")
            {
                await Task.Delay(100);
            }
        }

        Check.Equal("aborted", state, "what the server saw of the abandoned request");
    }

    private static async Task<T> ThrowsAsync<T>(Func<Task> action, string what)
        where T : Exception
    {
        try
        {
            await action();
        }
        catch (T e)
        {
            return e;
        }
        catch (Exception e)
        {
            throw new ContractFailure($"{what}: expected {typeof(T).Name}, got {e.GetType().Name}: {e.Message}", e);
        }

        throw new ContractFailure($"{what}: expected {typeof(T).Name}, but the call succeeded.");
    }

    private static string FirstLine(string text) => text.Split('\n')[0];

    private static string Digest(byte[] bytes) => "sha256: " + Convert.ToHexStringLower(SHA256.HashData(bytes));

    private static string Digest(long size, int seed)
    {
        using var stream = new PatternStream(size, seed);
        return "sha256: " + Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    /// <summary>An HttpClient for one case; disposing it leaves a shared client alone.</summary>
    private sealed class Client(HttpClient http, bool disposes) : IDisposable
    {
        public HttpClient Http { get; } = http;

        public void Dispose()
        {
            if (disposes)
            {
                Http.Dispose();
            }
        }
    }
}
