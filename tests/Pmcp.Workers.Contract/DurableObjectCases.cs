using System.Globalization;
using System.Text;
using Pmcp.Workers.DurableObjects;

namespace Pmcp.Workers.Contract;

/// <summary>
/// Durable Objects (<c>env.DurableObject("COUNTER")</c>, objects of <see cref="ContractCounter"/>), by name, from a
/// Worker's request: inside workerd through tests/Workers/DurableWorker's <c>POST /do/{name}</c>, natively in
/// Pmcp.Workers.Contract.Tests. Each case uses objects of its own (a unique id, or a fresh name), so cases can run at once.
/// </summary>
public static class DurableObjectCases
{
    public static IReadOnlyDictionary<string, Func<Env, Task>> All { get; } = new Dictionary<string, Func<Env, Task>>(StringComparer.Ordinal)
    {
        ["do.ids"] = Ids,
        ["do.fetch_round_trip"] = FetchRoundTrip,
        ["do.one_instance_per_object"] = OneInstancePerObject,
        ["do.storage"] = env => ObjectCheck(env, "storage"),
        ["do.sql"] = env => ObjectCheck(env, "sql"),
        ["do.block_concurrency"] = env => ObjectCheck(env, "block"),
        ["do.websockets_refuse_bad_input"] = env => ObjectCheck(env, "websockets"),
        ["do.forward_a_request"] = ForwardARequest,
        ["do.eight_increments_at_once"] = EightIncrementsAtOnce,
        ["do.calls_itself"] = CallsItself,
        ["do.object_failure_reaches_caller"] = ObjectFailure,
        ["do.unknown_binding_throws"] = UnknownBinding,
        ["do.alarm_fires"] = AlarmFires,
        ["do.alarm_retries_after_a_failure"] = AlarmRetries,
        ["do.alarm_deleted_never_fires"] = AlarmDeleted,
    };

    /// <summary>Runs one case with the request's env.</summary>
    public static Task RunAsync(string name, Env env) =>
        All.TryGetValue(name, out var run) ? run(env) : throw new ContractFailure($"No Durable Object case '{name}'. Known: {string.Join(", ", All.Keys)}.");

    private static DurableObjectNamespace Counters(Env env) => env.DurableObject(ContractBindings.Counter);

    private static Task Ids(Env env)
    {
        var counters = Counters(env);
        Check.Equal(ContractBindings.Counter, counters.Name, "the namespace's name");
        var name = "ids-" + Guid.NewGuid().ToString("N");
        var byName = counters.IdFromName(name);
        Check.Equal(64, byName.Hex.Length, "an id is 64 hex digits");
        Check.True(byName.Hex.All(char.IsAsciiHexDigit), $"an id is hex: {byName.Hex}");
        Check.Equal(byName, counters.IdFromName(name), "the same name gives the same id");
        Check.True(counters.IdFromName(name + "x") != byName, "another name gives another id");
        var unique = counters.NewUniqueId();
        Check.True(unique != counters.NewUniqueId(), "unique ids differ");
        Check.Equal(unique, counters.IdFromString(unique.Hex), "IdFromString of an id's hex");
        try
        {
            counters.IdFromString("not-an-id");
            throw new ContractFailure("IdFromString of a malformed id did not throw");
        }
        catch (WorkerException e)
        {
            Check.True(e.Message.Contains("64 hex digits", StringComparison.Ordinal), $"the message says what an id is: {e.Message}");
        }

        return Task.CompletedTask;
    }

    private static async Task FetchRoundTrip(Env env)
    {
        var stub = Counters(env).GetByName("echo-" + Guid.NewGuid().ToString("N"));
        using var request = new HttpRequestMessage(HttpMethod.Post, "/echo?q=1") { Content = new StringContent("héllo object", Encoding.UTF8, "text/plain") };
        request.Headers.Add("x-probe", "p1");
        using var response = await stub.FetchAsync(request);
        Check.Equal(200, (int)response.StatusCode, "status");
        var body = await response.Content.ReadAsStringAsync();
        Check.True(body.StartsWith("POST https://", StringComparison.Ordinal) && body.Contains("/echo?q=1\np1\nhéllo object", StringComparison.Ordinal), $"the object's echo: {body}");

        using var id = await stub.FetchAsync("/id");
        var lines = (await id.Content.ReadAsStringAsync()).Split('\n');
        Check.Equal(stub.Id.Hex, lines[0], "the object's own id");
        using var missing = await stub.FetchAsync("/no/such/route");
        Check.Equal(404, (int)missing.StatusCode, "the object's own 404");
    }

    private static async Task OneInstancePerObject(Env env)
    {
        var name = "instance-" + Guid.NewGuid().ToString("N");
        for (var i = 1; i <= 3; i++)
        {
            // A new stub each time, from a new id of the same name: still the one object, the one C# instance.
            using var response = await Counters(env).GetByName(name).FetchAsync("/events");
            Check.Equal(i.ToString(CultureInfo.InvariantCulture), await response.Content.ReadAsStringAsync(), $"event {i} of the one instance");
        }
    }

    private static async Task ObjectCheck(Env env, string check)
    {
        using var response = await Counters(env).Get(Counters(env).NewUniqueId()).FetchAsync(new HttpRequestMessage(HttpMethod.Post, "/check/" + check));
        var body = await response.Content.ReadAsStringAsync();
        Check.True(body == "pass", $"the object's {check} check: {(int)response.StatusCode} {body}");
    }

    /// <summary>ForwardAsync hands a Worker's own request (here a POST with a body) to the object and its answer back.</summary>
    private static async Task ForwardARequest(Env env)
    {
        var stub = Counters(env).GetByName("forward-" + Guid.NewGuid().ToString("N"));
        var headers = new Http.Headers().Set("x-probe", "p2").Set("content-type", "text/plain");
        var request = new Http.Request("POST", "https://counter.test/echo?q=2", headers, Encoding.UTF8.GetBytes("forwarded bödy"));
        var response = await stub.ForwardAsync(request);
        Check.Equal(200, response.Status, "status");
        Check.Equal("POST https://counter.test/echo?q=2\np2\nforwarded bödy", Encoding.UTF8.GetString(response.Body.Span), "the object's echo of the forwarded request");
        var missing = await stub.ForwardAsync(new Http.Request("GET", "https://counter.test/no/such/route", new Http.Headers(), default));
        Check.Equal(404, missing.Status, "the object's own 404, forwarded");
    }

    private static async Task EightIncrementsAtOnce(Env env)
    {
        var name = "count-" + Guid.NewGuid().ToString("N");
        var counts = await Task.WhenAll(Enumerable.Range(0, 8).Select(async _ =>
        {
            using var response = await Counters(env).GetByName(name).FetchAsync(new HttpRequestMessage(HttpMethod.Post, "/increment"));
            return long.Parse(await response.Content.ReadAsStringAsync(), CultureInfo.InvariantCulture);
        }));
        Check.Sequence(Enumerable.Range(1, 8).Select(i => (long)i), counts.Order(), "each increment saw its own count (no lost update)");
        using var final = await Counters(env).GetByName(name).FetchAsync("/count");
        Check.Equal("8", await final.Content.ReadAsStringAsync(), "the count after eight increments");
    }

    private static async Task CallsItself(Env env)
    {
        var stub = Counters(env).GetByName("self-" + Guid.NewGuid().ToString("N"));
        using (await stub.FetchAsync(new HttpRequestMessage(HttpMethod.Post, "/increment")))
        {
        }

        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        using var response = await stub.FetchAsync("/self", cancel.Token);
        Check.Equal("self:1", await response.Content.ReadAsStringAsync(), "an object that calls itself gets its answer (no deadlock)");
    }

    private static async Task ObjectFailure(Env env)
    {
        var stub = Counters(env).GetByName("throw-" + Guid.NewGuid().ToString("N"));
        // As a Worker that throws: a 500, and the exception in the log.
        using var response = await stub.FetchAsync("/throw");
        Check.Equal(500, (int)response.StatusCode, "an object that throws");

        using var after = await stub.FetchAsync("/count");
        Check.Equal(200, (int)after.StatusCode, "the object still answers after a failed event");
    }

    private static async Task AlarmFires(Env env)
    {
        var stub = Counters(env).Get(Counters(env).NewUniqueId());
        var before = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        await GetTextAsync(stub, "/alarm/set?in=300");
        var due = long.Parse(await GetTextAsync(stub, "/alarm/get"), CultureInfo.InvariantCulture);
        Check.True(due >= before + 250 && due <= before + 30_000, $"GetAlarmAsync gives the time set: {due - before} ms from the call");
        Check.Equal("1 0", await PollAsync(stub, "1 0", TimeSpan.FromSeconds(30)), "the alarm ran once, first time lucky");
        Check.Equal("none", await GetTextAsync(stub, "/alarm/get"), "no alarm after it ran");
    }

    private static async Task AlarmRetries(Env env)
    {
        var stub = Counters(env).Get(Counters(env).NewUniqueId());
        await GetTextAsync(stub, "/alarm/set?in=50&fail=1");
        Check.Equal("1 1", await PollAsync(stub, "1 1", TimeSpan.FromSeconds(60)), "the alarm that threw ran again, as retry 1, and then succeeded");
    }

    private static async Task AlarmDeleted(Env env)
    {
        var stub = Counters(env).Get(Counters(env).NewUniqueId());
        await GetTextAsync(stub, "/alarm/set?in=700");
        await GetTextAsync(stub, "/alarm/delete");
        Check.Equal("none", await GetTextAsync(stub, "/alarm/get"), "no alarm after DeleteAlarmAsync");
        await Task.Delay(2000);
        Check.Equal("0 0", await GetTextAsync(stub, "/alarm/runs"), "a deleted alarm never runs");
    }

    /// <summary>Reads /alarm/runs until it says <paramref name="expected"/> or <paramref name="timeout"/> has passed; returns the last answer.</summary>
    private static async Task<string> PollAsync(DurableObjectStub stub, string expected, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        string runs;
        while ((runs = await GetTextAsync(stub, "/alarm/runs")) != expected && DateTime.UtcNow < deadline)
        {
            await Task.Delay(200);
        }

        return runs;
    }

    private static async Task<string> GetTextAsync(DurableObjectStub stub, string path)
    {
        using var response = await stub.FetchAsync(path);
        var text = await response.Content.ReadAsStringAsync();
        return response.IsSuccessStatusCode ? text : throw new ContractFailure($"{path}: {(int)response.StatusCode} {text}");
    }

    private static Task UnknownBinding(Env env)
    {
        try
        {
            env.DurableObject(ContractBindings.Unbound);
            throw new ContractFailure("an unbound Durable Object namespace did not throw");
        }
        catch (WorkerException e)
        {
            Check.True(e.Message.Contains("[workers.durable_objects]", StringComparison.Ordinal), $"the message says how to declare it: {e.Message}");
        }

        return Task.CompletedTask;
    }
}
