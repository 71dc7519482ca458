namespace Pmcp.Workers.Interop;

/// <summary>
/// Which workerd request the running code belongs to. Set when a request starts and carried by the execution context
/// through every await, so that an HttpClient made anywhere (a static one, an injected one) sends in the request that
/// is calling it, not one it was made in: .NET is one event loop for every request of the isolate.
/// </summary>
internal static class CurrentRequest
{
    private static readonly AsyncLocal<int> Current = new();

    /// <summary>The id the JS host gave the request, or 0 outside any request (startup, work no request started).</summary>
    public static int Id
    {
        get => Current.Value;
        set => Current.Value = value;
    }
}
