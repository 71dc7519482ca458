namespace Pmcp.Cli.Testing;

/// <summary>
/// Which tools a check may call. A check must not cause side effects on a server someone uses: against a remote
/// URL only tools annotated <c>readOnlyHint: true</c> are called, unless the user says writes are fine.
/// </summary>
/// <param name="CallAllTools">Loopback or a project started for the check, or <c>--allow-writes</c>.</param>
/// <param name="Why">Why tools that are not read-only are (or are not) called, for the report.</param>
internal sealed record CheckPolicy(bool CallAllTools, string Why)
{
    /// <summary>The policy for <paramref name="endpoint"/>.</summary>
    public static CheckPolicy For(Uri endpoint, bool allowWrites) =>
        allowWrites ? new(true, "--allow-writes")
        : endpoint.IsLoopback ? new(true, "a loopback server")
        : new(false, "not annotated readOnlyHint: true, and the server is not on loopback (pass --allow-writes to call it)");
}
