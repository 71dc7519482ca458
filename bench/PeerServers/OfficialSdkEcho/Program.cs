using System.Globalization;
using OfficialSdkEcho;

// Arguments: --port N. Same host shape as Pmcp's native host: slim builder, Kestrel on 127.0.0.1, no Server header.
var port = 8788;
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
builder.Services.AddMcpServer(o => o.ServerInfo = new() { Name = "official-sdk-echo", Version = "1.0.0" })
    .WithHttpTransport(o => o.Stateless = true)
    .WithTools([typeof(EchoTool)]);

var app = builder.Build();
app.MapMcp("/mcp");
await app.StartAsync();
Console.WriteLine($"MCP endpoint: http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}/mcp");
await app.WaitForShutdownAsync();
