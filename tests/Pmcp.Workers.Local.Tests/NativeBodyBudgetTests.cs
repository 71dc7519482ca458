using System.Globalization;
using System.Net.Sockets;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Pmcp.Workers.Http;
using Pmcp.Workers.Local.Hosting;
using Pmcp.Workers.Routing;

namespace Pmcp.Workers.Local.Tests;

/// <summary>
/// The native host reads at most sixteen bodies at the Worker's limit at once, as the JS host bounds the bodies an
/// isolate holds (issue 15): past it a request is refused with 503 and <c>Retry-After</c>, not read; once the others
/// are done, requests are served again.
/// </summary>
public sealed class NativeBodyBudgetTests : IAsyncLifetime
{
    private const int Limit = 1024;

    private static readonly Router Routes = new Router()
        .Post("/length", (request, _) => Response.Text(request.Body.Length.ToString(CultureInfo.InvariantCulture)));

    private WebApplication _app = null!;
    private Uri _base = null!;

    public async Task InitializeAsync()
    {
        var options = new NativeHostOptions { Port = 0 };
        options.Vars[McpEndpointOptions.MaxBodyBytesVar] = Limit.ToString(CultureInfo.InvariantCulture);
        _app = NativeMcpHost.Build(Routes.RunAsync, options);
        await _app.StartAsync();
        _base = new Uri(NativeMcpHost.ListeningAddress(_app));
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task BodiesPastTheBudgetAre503UntilTheOthersAreRead()
    {
        // Sixteen requests at the limit, each with one byte of its body sent: the host is reading all sixteen.
        var held = new List<(TcpClient Client, NetworkStream Stream)>();
        try
        {
            for (var i = 0; i < 16; i++)
            {
                var client = new TcpClient();
                await client.ConnectAsync(_base.Host, _base.Port);
                var stream = client.GetStream();
                await stream.WriteAsync(Head(Limit).Concat("x"u8.ToArray()).ToArray());
                held.Add((client, stream));
            }

            using var http = new HttpClient { BaseAddress = _base };
            var refused = false;
            for (var attempt = 0; attempt < 100 && !refused; attempt++)
            {
                using var response = await http.PostAsync("/length", new ByteArrayContent(new byte[Limit]));
                if ((int)response.StatusCode == 503)
                {
                    refused = true;
                    Assert.Equal("1", response.Headers.GetValues("Retry-After").Single());
                    Assert.Contains("retry shortly", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
                }
                else
                {
                    await Task.Delay(50);
                }
            }

            Assert.True(refused, "a seventeenth body at the limit was read while sixteen were");

            foreach (var (_, stream) in held)
            {
                await stream.WriteAsync(new byte[Limit - 1]);
            }

            foreach (var (_, stream) in held)
            {
                var answer = await ReadAnswerAsync(stream);
                Assert.StartsWith("HTTP/1.1 200", answer, StringComparison.Ordinal);
                Assert.EndsWith("\r\n\r\n" + Limit.ToString(CultureInfo.InvariantCulture), answer, StringComparison.Ordinal);
            }

            using var after = await http.PostAsync("/length", new ByteArrayContent(new byte[Limit]));
            Assert.Equal(Limit.ToString(CultureInfo.InvariantCulture), await after.Content.ReadAsStringAsync());
        }
        finally
        {
            foreach (var (client, _) in held)
            {
                client.Dispose();
            }
        }
    }

    private byte[] Head(int length) => Encoding.ASCII.GetBytes(
        $"POST /length HTTP/1.1\r\nHost: {_base.Authority}\r\nContent-Type: application/octet-stream\r\nContent-Length: {length}\r\n\r\n");

    private static async Task<string> ReadAnswerAsync(NetworkStream stream)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var text = new StringBuilder();
        var buffer = new byte[4096];
        while (!text.ToString().EndsWith("\r\n\r\n" + Limit.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal))
        {
            var read = await stream.ReadAsync(buffer, timeout.Token);
            if (read == 0)
            {
                break;
            }

            text.Append(Encoding.ASCII.GetString(buffer, 0, read));
        }

        return text.ToString();
    }
}
