using System.Net;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Pmcp.Cli.Testing;
using Pmcp.Testing;

namespace Pmcp.Cli.Tests;

/// <summary>
/// The relay test conformance puts between the official suite and a server that needs a credential: every request
/// reaches the server with <c>Authorization: Bearer</c> added and its own headers and body, the answer comes back
/// with its status and headers, an event stream event by event, and many requests at once keep apart.
/// </summary>
public sealed class BearerRelayTests : IAsyncDisposable
{
    private const string Credential = "relay-secret-271";
    private readonly WebApplication _server = LoopbackApp.Create();
    private readonly TaskCompletionSource _releaseSecondEvent = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public BearerRelayTests()
    {
        // Echoes what arrived: the Authorization header, a request header, the body, and the Host it was sent to.
        _server.MapPost("/mcp", async (HttpContext context) =>
        {
            using var reader = new StreamReader(context.Request.Body);
            var body = await reader.ReadToEndAsync();
            context.Response.StatusCode = context.Request.Headers.Authorization == "Bearer " + Credential ? 200 : 401;
            context.Response.Headers["Mcp-Session-Id"] = "s-" + context.Request.Headers["X-Request"];
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync($"{{\"echo\":{body},\"host\":\"{context.Request.Host}\"}}");
        });
        // An event stream whose second event waits for the test: the first must arrive before the stream ends.
        _server.MapGet("/mcp", async (HttpContext context) =>
        {
            context.Response.ContentType = "text/event-stream";
            await context.Response.WriteAsync("data: first\n\n");
            await context.Response.Body.FlushAsync();
            await _releaseSecondEvent.Task;
            await context.Response.WriteAsync("data: second\n\n");
        });
    }

    public async ValueTask DisposeAsync()
    {
        await _server.StopAsync();
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task SixteenRequestsAtOnceEachReachTheServerWithTheCredentialAndGetTheirOwnAnswer()
    {
        await _server.StartAsync();
        var target = new Uri(LoopbackApp.Address(_server) + "/mcp");
        await using var relay = BearerRelay.Start(target, Credential);
        using var http = new HttpClient();

        var answers = await Task.WhenAll(Enumerable.Range(0, 16).Select(async i =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, relay.Endpoint) { Content = new StringContent($"{{\"n\":{i}}}", Encoding.UTF8, "application/json") };
            request.Headers.Add("X-Request", i.ToString(System.Globalization.CultureInfo.InvariantCulture));
            using var response = await http.SendAsync(request);
            return (i, response.StatusCode, Session: response.Headers.GetValues("Mcp-Session-Id").Single(), Body: await response.Content.ReadAsStringAsync());
        }));

        Assert.Equal(target.AbsolutePath, relay.Endpoint.AbsolutePath);
        Assert.True(relay.Endpoint.IsLoopback);
        Assert.All(answers, a =>
        {
            Assert.Equal(HttpStatusCode.OK, a.StatusCode);
            Assert.Equal($"s-{a.i}", a.Session);
            Assert.Contains($"\"echo\":{{\"n\":{a.i}}}", a.Body, StringComparison.Ordinal);
            // The server sees its own host, not the relay's.
            Assert.Contains($"\"host\":\"{target.Authority}\"", a.Body, StringComparison.Ordinal);
        });
    }

    [Fact]
    public async Task AnEventStreamIsRelayedEventByEvent()
    {
        await _server.StartAsync();
        await using var relay = BearerRelay.Start(new Uri(LoopbackApp.Address(_server) + "/mcp"), Credential);
        using var http = new HttpClient();

        using var response = await http.GetAsync(relay.Endpoint, HttpCompletionOption.ResponseHeadersRead);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        var first = await reader.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(20));
        _releaseSecondEvent.SetResult();
        var rest = await reader.ReadToEndAsync().WaitAsync(TimeSpan.FromSeconds(20));

        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("data: first", first);
        Assert.Contains("data: second", rest, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AGoneServerIsA502WithoutTheCredential()
    {
        await _server.StartAsync();
        var target = new Uri(LoopbackApp.Address(_server) + "/mcp");
        await _server.StopAsync();
        await using var relay = BearerRelay.Start(target, Credential);
        using var http = new HttpClient();

        using var response = await http.PostAsync(relay.Endpoint, new StringContent("{}"));
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.DoesNotContain(Credential, body, StringComparison.Ordinal);
    }
}
