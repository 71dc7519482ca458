using System.Runtime.InteropServices.JavaScript;
using System.Runtime.Versioning;

namespace Pmcp.Workers.Interop;

/// <summary>workerd's <c>crypto.subtle</c> as host/crypto.mjs offers it to .NET, under the module name <c>pmcp-host</c>.</summary>
[SupportedOSPlatform("browser")]
internal static partial class JsCrypto
{
    /// <summary>
    /// Runs one operation (digest, sign, verify, encrypt, decrypt, deriveBits, import, exportRaw, exportJwk, generate)
    /// described by <paramref name="specJson"/> on a key's bytes and the data, both copied before this returns. Byte
    /// results resolve to slot numbers, taken with <see cref="Take"/>.
    /// </summary>
    [JSImport("cryptoCall", JsHost.Module)]
    public static partial Task<string> Call(
        string operation,
        string specJson,
        [JSMarshalAs<JSType.MemoryView>] ArraySegment<byte> material,
        [JSMarshalAs<JSType.MemoryView>] ArraySegment<byte> data);

    /// <summary>The bytes of a result slot, once.</summary>
    [JSImport("cryptoTake", JsHost.Module)]
    public static partial byte[] Take(int slot);
}
