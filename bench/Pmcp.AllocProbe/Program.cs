using System.Diagnostics;
using System.Diagnostics.Tracing;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using BareKestrelEcho;
using HelloWorld;
using Pmcp.Workers.Local.Hosting;

// Usage: Pmcp.AllocProbe pmcp|bare [--requests N] [--connections N] [--types]
// Prints the managed bytes the whole process allocated per request (the client allocates next to nothing: one
// request's bytes made once, a receive buffer per connection), the gen0 collections, and with --types the types
// the runtime's allocation sampling saw most (one sample per ~100 KB allocated).
var server = args.Length > 0 ? args[0] : "pmcp";
var requests = Option("--requests", 200_000);
var connections = Option("--connections", 8);
var types = args.Contains("--types");

WebApplication app;
if (server == "bare")
{
    var builder = WebApplication.CreateSlimBuilder();
    builder.Logging.ClearProviders();
    builder.WebHost.UseKestrel(k => k.AddServerHeader = false);
    builder.WebHost.UseUrls("http://127.0.0.1:0");
    app = builder.Build();
    app.MapPost("/mcp", EchoEndpoint.HandleAsync);
}
else
{
    app = NativeMcpHost.Build(HelloWorldServer.CreateServer(), new NativeHostOptions { Port = 0 });
}

await app.StartAsync();
var port = new Uri(NativeMcpHost.ListeningAddress(app).Replace("[::]", "127.0.0.1", StringComparison.Ordinal)).Port;

var body = """{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"echo","arguments":{"message":"wrk-echo-0001"}}}""";
var request = Encoding.ASCII.GetBytes(
    "POST /mcp HTTP/1.1\r\nHost: 127.0.0.1:" + port.ToString(CultureInfo.InvariantCulture) + "\r\n"
    + "Content-Type: application/json\r\nAccept: application/json, text/event-stream\r\nMCP-Protocol-Version: 2025-06-18\r\n"
    + "Content-Length: " + Encoding.UTF8.GetByteCount(body).ToString(CultureInfo.InvariantCulture) + "\r\n\r\n" + body);

var sockets = new Socket[connections];
for (var i = 0; i < connections; i++)
{
    sockets[i] = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
    await sockets[i].ConnectAsync(new IPEndPoint(IPAddress.Loopback, port));
}

// Check the answer once, then warm up (tiering, pools).
var first = new byte[4096];
await sockets[0].SendAsync(request);
var got = await sockets[0].ReceiveAsync(first);
var text = Encoding.UTF8.GetString(first, 0, got);
if (!text.StartsWith("HTTP/1.1 200", StringComparison.Ordinal) || !text.Contains("wrk-echo-0001", StringComparison.Ordinal))
{
    Console.Error.WriteLine("unexpected answer: " + text);
    return 1;
}

await RunAsync(Math.Max(requests / 2, 50_000));
using var listener = types ? new AllocationListener() : null;
var gen0 = GC.CollectionCount(0);
var before = GC.GetTotalAllocatedBytes(precise: true);
var clock = Stopwatch.StartNew();
await RunAsync(requests);
clock.Stop();
var after = GC.GetTotalAllocatedBytes(precise: true);
Console.WriteLine(FormattableString.Invariant(
    $"{server}: {(after - before) / (double)requests:F0} B/request, {GC.CollectionCount(0) - gen0} gen0 GCs, {clock.Elapsed.TotalMicroseconds / requests:F1} us/request (client and server share the process), {requests} requests on {connections} connections"));
if (listener is not null)
{
    var total = listener.Bytes.Values.Sum();
    foreach (var (type, bytes) in listener.Bytes.OrderByDescending(p => p.Value).Take(30))
    {
        Console.WriteLine(FormattableString.Invariant($"  {bytes * 100.0 / total,5:F1}%  {(after - before) / (double)requests * bytes / total,6:F0} B  {type}"));
    }
}

foreach (var socket in sockets)
{
    socket.Dispose();
}

await app.StopAsync();
return 0;

async Task RunAsync(int count)
{
    var perConnection = count / connections;
    await Task.WhenAll(sockets.Select(socket => Task.Run(() => LoopAsync(socket, perConnection))));
}

async Task LoopAsync(Socket socket, int count)
{
    var buffer = new byte[4096];
    for (var i = 0; i < count; i++)
    {
        await socket.SendAsync(request.AsMemory(), SocketFlags.None);
        var received = 0;
        var expected = -1;
        while (expected < 0 || received < expected)
        {
            var n = await socket.ReceiveAsync(buffer.AsMemory(received), SocketFlags.None);
            if (n == 0)
            {
                throw new InvalidOperationException("connection closed");
            }

            received += n;
            if (expected < 0)
            {
                expected = ExpectedLength(buffer.AsSpan(0, received));
            }
        }
    }
}

// Head plus Content-Length, or -1 while the head is incomplete.
static int ExpectedLength(ReadOnlySpan<byte> data)
{
    var end = data.IndexOf("\r\n\r\n"u8);
    if (end < 0)
    {
        return -1;
    }

    var head = data[..end];
    var at = head.IndexOf("Content-Length: "u8);
    if (at < 0)
    {
        at = head.IndexOf("content-length: "u8);
    }

    var digits = head[(at + 16)..];
    var length = 0;
    foreach (var b in digits)
    {
        if (b is < (byte)'0' or > (byte)'9')
        {
            break;
        }

        length = length * 10 + b - '0';
    }

    return end + 4 + length;
}

int Option(string name, int fallback)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
}

/// <summary>The runtime's allocation samples (GCAllocationTick: about one per 100 KB), summed by type.</summary>
internal sealed class AllocationListener : EventListener
{
    public Dictionary<string, long> Bytes { get; } = [];

    protected override void OnEventSourceCreated(EventSource source)
    {
        if (source.Name == "Microsoft-Windows-DotNETRuntime")
        {
            EnableEvents(source, EventLevel.Verbose, (EventKeywords)0x1);
        }
    }

    protected override void OnEventWritten(EventWrittenEventArgs e)
    {
        if (e.EventName?.StartsWith("GCAllocationTick", StringComparison.Ordinal) != true || e.Payload is null)
        {
            return;
        }

        var name = e.PayloadNames!.IndexOf("TypeName") is var t and >= 0 ? e.Payload[t] as string ?? "?" : "?";
        var amount = e.PayloadNames.IndexOf("AllocationAmount64") is var a and >= 0 ? Convert.ToInt64(e.Payload[a], CultureInfo.InvariantCulture) : 100_000;
        lock (Bytes)
        {
            Bytes[name] = Bytes.GetValueOrDefault(name) + amount;
        }
    }
}
