namespace Pmcp.Workers.Contract;

/// <summary>Vars, secrets and binding look-ups: what a Worker finds, and what it is told when something is not declared.</summary>
internal static class EnvCases
{
    public static Task Var(Env env)
    {
        Check.Equal(ContractBindings.VarValue, env.Var(ContractBindings.Var), $"Var(\"{ContractBindings.Var}\") from [vars]");
        Check.Equal(ContractBindings.VarValue, env.GetOrDefault(ContractBindings.Var), $"GetOrDefault(\"{ContractBindings.Var}\")");
        return Task.CompletedTask;
    }

    public static Task VarMissing(Env env)
    {
        Check.Throws(() => env.Var(ContractBindings.Unbound), "Var of an undeclared name", ContractBindings.Unbound, "wrangler.toml", "[vars]");
        Check.Null(env.GetOrDefault(ContractBindings.Unbound), "GetOrDefault of an undeclared name");
        return Task.CompletedTask;
    }

    public static Task SecretMissing(Env env)
    {
        Check.Throws(() => env.Secret(ContractBindings.Unbound), "Secret of an unset name", ContractBindings.Unbound, ".dev.vars");
        return Task.CompletedTask;
    }

    public static Task KvUnbound(Env env)
    {
        Check.Throws(() => env.Kv(ContractBindings.Unbound), "Kv of an unbound name", ContractBindings.Unbound, "wrangler.toml", "[[kv_namespaces]]");
        return Task.CompletedTask;
    }

    public static Task D1Unbound(Env env)
    {
        Check.Throws(() => env.D1(ContractBindings.Unbound), "D1 of an unbound name", ContractBindings.Unbound, "wrangler.toml", "[[d1_databases]]");
        return Task.CompletedTask;
    }

    public static Task R2Unbound(Env env)
    {
        Check.Throws(() => env.Bucket(ContractBindings.Unbound), "Bucket of an unbound name", ContractBindings.Unbound, "wrangler.toml", "[[r2_buckets]]");
        return Task.CompletedTask;
    }

    public static Task HyperdriveUnbound(Env env)
    {
        Check.Throws(() => env.Hyperdrive(ContractBindings.Unbound), "Hyperdrive of an unbound name", ContractBindings.Unbound, "wrangler.toml", "[[hyperdrive]]");
        return Task.CompletedTask;
    }

    public static Task BindingOfAnotherKind(Env env)
    {
        // The KV binding's name asked for as a bucket: not an R2 binding, so the same "declare it" error, not a crash.
        Check.Throws(() => env.Bucket(ContractBindings.Kv), "Bucket of a name bound to a KV namespace", ContractBindings.Kv, "[[r2_buckets]]");
        Check.Throws(() => env.Kv(ContractBindings.Var), "Kv of a name that is a var", ContractBindings.Var, "[[kv_namespaces]]");
        return Task.CompletedTask;
    }
}
