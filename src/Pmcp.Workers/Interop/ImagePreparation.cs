using System.Collections;
using System.Diagnostics.CodeAnalysis;
using System.Reflection;
using System.Runtime.InteropServices.JavaScript;
using System.Runtime.Versioning;

namespace Pmcp.Workers.Interop;

/// <summary>
/// The .NET half of the quiescence check before the start-up image is taken (host/snapshot.mjs checks the JS half).
/// A restored isolate's JS side starts with empty handle tables and hands out JS handles from 1 again, so the image
/// must hold no live proxy of a JS object (it would alias whatever JS object later gets its handle) and no pending
/// JS promise (nothing would ever settle it). Garbage is collected first, so that proxies nothing uses any more are
/// finalized and released now rather than in a restored isolate.
/// </summary>
/// <remarks>
/// The runtime's own leak (dotnet/runtime#132966: one JS promise resolver per <c>Task</c> returned to JS — runMain,
/// the export binding and the warm-up) stays on the JS side only: .NET keeps no proxy of it, so a fresh JS table
/// cannot be aliased by it.
/// </remarks>
[SupportedOSPlatform("browser")]
internal static class ImagePreparation
{
    private const string ProxyContextType = "System.Runtime.InteropServices.JavaScript.JSProxyContext";
    private const string InteropAssembly = "System.Runtime.InteropServices.JavaScript";

    /// <summary>What is still live across the interop boundary, or null when nothing is.</summary>
    // Reflection, not [UnsafeAccessor]: Mono 10.0.12 ignores [UnsafeAccessorType], which a private type needs. This
    // runs once, at build time, never in a deployed Worker.
    [DynamicDependency(DynamicallyAccessedMemberTypes.PublicFields | DynamicallyAccessedMemberTypes.NonPublicFields, ProxyContextType, InteropAssembly)]
    [UnconditionalSuppressMessage("Trimming", "IL2057", Justification = "The type and its fields are kept by the DynamicDependency above.")]
    [UnconditionalSuppressMessage("Trimming", "IL2075", Justification = "The type and its fields are kept by the DynamicDependency above.")]
    public static string? Run()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();

        var type = Type.GetType(ProxyContextType + ", " + InteropAssembly);
        const BindingFlags all = BindingFlags.Public | BindingFlags.NonPublic;
        var context = type?.GetField("MainThreadContext", all | BindingFlags.Static)?.GetValue(null);
        if (type is null || context is null)
        {
            return $"cannot inspect {ProxyContextType}: this runtime is not the one the start-up image was written for";
        }

        var problems = new List<string>();
        if (type.GetField("ThreadCsOwnedObjects", all | BindingFlags.Instance)?.GetValue(context) is not Dictionary<nint, WeakReference<JSObject>> proxies)
        {
            return $"cannot inspect {ProxyContextType}.ThreadCsOwnedObjects";
        }

        lock (proxies)
        {
            if (proxies.Count > 0)
            {
                problems.Add($"{proxies.Count} JSObject proxy(ies) (JS handles {string.Join(", ", proxies.Keys.Order().Take(10))}) held by .NET");
            }
        }

        if (type.GetField("ThreadJsOwnedHolders", all | BindingFlags.Instance)?.GetValue(context) is ICollection { Count: > 0 } holders)
        {
            problems.Add($"{holders.Count} JS promise(s) awaited by .NET");
        }

        return problems.Count == 0 ? null : string.Join("; ", problems);
    }
}
