using Microsoft.AspNetCore.Builder;
using Pmcp.Server;
using Pmcp.Workers.Local.Hosting;

namespace Pmcp.Testing;

/// <summary>A server running in this process on Kestrel, on a free loopback port.</summary>
public sealed class NativeServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private NativeServer(WebApplication app, string baseAddress)
    {
        _app = app;
        BaseAddress = baseAddress;
    }

    public string BaseAddress { get; }

    public string McpUrl => BaseAddress + "/mcp";

    public static async Task<NativeServer> StartAsync(McpServer server, Action<NativeHostOptions>? configure = null)
    {
        var options = new NativeHostOptions { Port = 0 };
        configure?.Invoke(options);
        var app = NativeMcpHost.Build(server, options);
        await app.StartAsync();
        return new NativeServer(app, NativeMcpHost.ListeningAddress(app));
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
