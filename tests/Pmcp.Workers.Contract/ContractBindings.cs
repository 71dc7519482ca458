namespace Pmcp.Workers.Contract;

/// <summary>
/// The bindings the contract runs against. Both hosts read them from tests/Workers/BindingsWorker/.pmcp/workers/wrangler.toml,
/// so a runner only has to point its Env at that file.
/// </summary>
public static class ContractBindings
{
    public const string Kv = "CACHE";

    public const string D1 = "DB";

    public const string R2 = "STORAGE";

    public const string Var = "GREETING";

    public const string VarValue = "hello";

    /// <summary>A name no wrangler.toml of the contract declares, for the "not bound" cases.</summary>
    public const string Unbound = "CONTRACT_NOT_BOUND";
}
