namespace Pmcp.Workers.Contract;

/// <summary>
/// Fresh names for each run of a case: the storage behind both hosts persists across runs (and cases run concurrently),
/// so no case may depend on what another run left behind.
/// </summary>
internal static class Unique
{
    /// <summary>A KV or R2 key prefix of its own, such as <c>contract/kv.delete/3f2a…/</c>.</summary>
    public static string Prefix(string caseName) => $"contract/{caseName}/{Id()}/";

    /// <summary>
    /// A table name of its own. SQL identifiers cannot be bound as parameters; this one is built only from a GUID's hex
    /// digits, never from input, so it cannot change the statement's meaning.
    /// </summary>
    public static string Table() => "contract_" + Id();

    private static string Id() => Guid.NewGuid().ToString("N");
}
