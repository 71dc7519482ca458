using System.Globalization;
using System.Runtime.InteropServices.JavaScript;
using System.Runtime.Versioning;
using Pmcp.Workers.Http;

namespace MemoryWorker;

/// <summary>
/// <c>GET /memory</c>, for Pmcp.WorkerdTests' isolate memory test: the size of the .NET runtime's WebAssembly memory
/// (what the JS host's <c>stats().wasmMemoryBytes</c> reports; it never shrinks) and .NET's live heap after a full
/// collection (what a managed leak grows). Test Workers only: no user Worker answers this.
/// </summary>
internal static partial class MemoryProbe
{
    public static Response Read()
    {
        if (!OperatingSystem.IsBrowser())
        {
            return Response.Text("GET /memory reads the WebAssembly memory: workerd only.", 404);
        }

        var live = GC.GetTotalMemory(forceFullCollection: true);
        return Response.Ok(string.Create(CultureInfo.InvariantCulture, $"wasm={(long)WasmMemoryBytes()} live={live}"));
    }

    [JSImport("wasmMemoryBytes", "pmcp-host")]
    [SupportedOSPlatform("browser")]
    private static partial double WasmMemoryBytes();
}
