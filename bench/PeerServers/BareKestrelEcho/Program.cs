using System.Globalization;
using BareKestrelEcho;

// Arguments: --port N. Same host shape as Pmcp's native host and the official SDK's peer: slim builder, Kestrel on
// 127.0.0.1, no Server header; one endpoint and nothing else.
var port = 8789;
for (var i = 0; i + 1 < args.Length; i += 2)
{
    if (args[i] == "--port")
    {
        port = int.Parse(args[i + 1], CultureInfo.InvariantCulture);
    }
}

var builder = WebApplication.CreateSlimBuilder();
builder.Logging.ClearProviders();
builder.Logging.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Warning);
builder.WebHost.UseKestrel(k => k.AddServerHeader = false);
builder.WebHost.UseUrls($"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}");

var app = builder.Build();
app.MapPost("/mcp", EchoEndpoint.HandleAsync);
await app.StartAsync();
Console.WriteLine($"MCP endpoint: http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}/mcp");
await app.WaitForShutdownAsync();
