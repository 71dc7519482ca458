using System.Globalization;
using Pmcp.Workers;
using Pmcp.Workers.Bindings;
using Pmcp.Workers.Contract;
using Pmcp.Workers.Http;

namespace BindingsWorker;

/// <summary>
/// What the contract's one-request cases cannot show, for BindingsContractTests: an R2 body kept past its request, how
/// much .NET allocates while a large object streams through, and an object sent as a streamed response.
/// </summary>
internal static class R2StreamProbes
{
    private const string Key = "probes/streamed.bin";
    private const int Seed = 21;

    // Deliberately wrong: a body kept across requests, to show that using it later fails clearly.
    private static R2ObjectBody? _kept;

    public static async Task<Response> KeepAsync(Env env)
    {
        await env.Bucket(ContractBindings.R2).PutAsync("probes/kept", "kept body");
        _kept = await env.Bucket(ContractBindings.R2).GetAsync("probes/kept");
        return Response.Ok("kept");
    }

    public static async Task<Response> ReadKeptAsync()
    {
        try
        {
            var text = await (_kept ?? throw new InvalidOperationException("nothing kept")).ReadTextAsync();
            return Response.Ok("read: " + text);
        }
        catch (WorkerException e)
        {
            return Response.Ok("WorkerException: " + e.Message);
        }
    }

    /// <summary>
    /// Puts an object of <paramref name="megabytes"/> MB from a stream and reads it back in 64 KiB reads, reporting what
    /// .NET allocated in all (each chunk arrives as a new array) and the most its heap grew meanwhile (what is held).
    /// </summary>
    public static async Task<Response> MemoryAsync(Env env, int megabytes)
    {
        var size = megabytes * 1024L * 1024;
        var bucket = env.Bucket(ContractBindings.R2);
        var start = GC.GetTotalAllocatedBytes(precise: true);
        await bucket.PutAsync(Key, new PatternStream(size, Seed), size);
        var afterPut = GC.GetTotalAllocatedBytes(precise: true);
        long read = 0;
        var heapAtStart = GC.GetTotalMemory(forceFullCollection: true);
        long heapGrowth = 0;
        await using (var got = await bucket.GetAsync(Key) ?? throw new WorkerException("the object just put is missing"))
        {
            var buffer = new byte[64 * 1024];
            int count;
            while ((count = await got.Body.ReadAsync(buffer)) > 0)
            {
                read += count;
                heapGrowth = Math.Max(heapGrowth, GC.GetTotalMemory(forceFullCollection: false) - heapAtStart);
            }
        }

        var afterGet = GC.GetTotalAllocatedBytes(precise: true);
        return Response.Ok(string.Create(CultureInfo.InvariantCulture, $"size={size} read={read} putAllocated={afterPut - start} getAllocated={afterGet - afterPut} getHeapGrowth={heapGrowth}"));
    }

    /// <summary>The object the memory probe stored, as a streamed response (never whole in .NET).</summary>
    public static async Task<Response> DownloadAsync(Env env)
    {
        var got = await env.Bucket(ContractBindings.R2).GetAsync(Key);
        return got is null ? Response.Text("no object", 404) : Response.Stream(got.Body, "application/octet-stream");
    }
}
