using System.Globalization;
using Pmcp.Workers.DurableObjects;
using Pmcp.Workers.Http;

namespace Pmcp.Workers.Contract;

/// <summary>
/// The contract's Durable Object (class name <see cref="ContractBindings.CounterClass"/>): a counter, and the storage
/// checks only an object can run on its own storage (<c>POST /check/{name}</c>, answering "pass" or why not). Not
/// sealed: a Worker exports it by deriving a class marked <c>[DurableObject]</c> (tests/Workers/DurableWorker), since the
/// build finds Durable Object classes in the Worker's own assembly.
/// </summary>
public class ContractCounter : DurableObject
{
    /// <summary>Events this C# instance has handled: an object is one instance, whatever the caller.</summary>
    private int _events;

    /// <inheritdoc/>
    public override async Task<Response> FetchAsync(Request request)
    {
        _events++;
        try
        {
            return request.Path switch
            {
                "/increment" => Response.Ok((await IncrementAsync()).ToString(CultureInfo.InvariantCulture)),
                "/count" => Response.Ok((await State.Storage.GetAsync("count", ContractJson.Default.Int64)).ToString(CultureInfo.InvariantCulture)),
                "/id" => Response.Ok($"{State.Id.Hex}\n{State.Id.Name}"),
                "/events" => Response.Ok(_events.ToString(CultureInfo.InvariantCulture)),
                "/echo" => Response.Ok($"{request.Method} {request.Url}\n{request.Headers["x-probe"]}\n{request.Text()}"),
                "/self" => await CallSelfAsync(),
                "/throw" => throw new InvalidOperationException("the object failed on purpose"),
                "/alarm/set" => await SetAlarmAsync(request),
                "/alarm/get" => Response.Ok(await State.Storage.GetAlarmAsync() is { } due ? due.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture) : "none"),
                "/alarm/delete" => await DeleteAlarmAsync(),
                "/alarm/runs" => Response.Ok($"{await State.Storage.GetAsync("alarm-runs", ContractJson.Default.Int64)} {await State.Storage.GetAsync("alarm-last-retry", ContractJson.Default.Int64)}"),
                _ when request.Path.StartsWith("/check/", StringComparison.Ordinal) => await CheckAsync(request.Path["/check/".Length..], request),
                _ => Response.Text($"no route {request.Path}", 404),
            };
        }
        catch (ContractFailure failure)
        {
            return Response.Text("fail: " + failure.Message, 500);
        }
    }

    /// <summary>
    /// Counts its runs in storage; fails first as many times as <c>/alarm/set?fail=N</c> asked, to show the retries
    /// (a successful run stores the retry count it was given).
    /// </summary>
    public override async Task AlarmAsync(AlarmInfo alarm)
    {
        var failures = await State.Storage.GetAsync("alarm-fail", ContractJson.Default.Int64);
        if (failures > 0)
        {
            await State.Storage.PutAsync("alarm-fail", failures - 1, ContractJson.Default.Int64);
            throw new InvalidOperationException($"the alarm failed on purpose (retry {alarm.RetryCount})");
        }

        await State.Storage.PutAsync("alarm-runs", await State.Storage.GetAsync("alarm-runs", ContractJson.Default.Int64) + 1, ContractJson.Default.Int64);
        await State.Storage.PutAsync("alarm-last-retry", alarm.RetryCount, ContractJson.Default.Int64);
    }

    /// <summary><c>?in=MS&amp;fail=N</c>: the alarm MS milliseconds from now, failing its first N runs.</summary>
    private async Task<Response> SetAlarmAsync(Request request)
    {
        var delay = long.Parse(request.Query("in") ?? "0", CultureInfo.InvariantCulture);
        await State.Storage.PutAsync("alarm-fail", long.Parse(request.Query("fail") ?? "0", CultureInfo.InvariantCulture), ContractJson.Default.Int64);
        await State.Storage.SetAlarmAsync(DateTimeOffset.UtcNow.AddMilliseconds(delay));
        return Response.Ok("set");
    }

    private async Task<Response> DeleteAlarmAsync()
    {
        await State.Storage.DeleteAlarmAsync();
        return Response.Ok("deleted");
    }

    /// <summary>A read, then a write: two storage operations with no other await between them.</summary>
    private async Task<long> IncrementAsync()
    {
        var count = await State.Storage.GetAsync("count", ContractJson.Default.Int64) + 1;
        await State.Storage.PutAsync("count", count, ContractJson.Default.Int64);
        return count;
    }

    /// <summary>Sends a request to itself through its own stub: natively that must not wait for the event that sent it.</summary>
    private async Task<Response> CallSelfAsync()
    {
        var self = Env.DurableObject(ContractBindings.Counter).Get(State.Id);
        using var response = await self.FetchAsync("/count");
        return Response.Ok("self:" + await response.Content.ReadAsStringAsync());
    }

    private async Task<Response> CheckAsync(string name, Request request)
    {
        switch (name)
        {
            case "websockets":
                await WebSocketInputAsync(request);
                break;
            case "storage":
                await StorageAsync();
                break;
            case "sql":
                await SqlAsync();
                break;
            case "block":
                var ran = false;
                await State.BlockConcurrencyWhileAsync(async () =>
                {
                    await State.Storage.PutAsync("blocked", "yes", ContractJson.Default.String);
                    ran = true;
                });
                Check.True(ran, "BlockConcurrencyWhileAsync ran its work");
                Check.Equal("yes", await State.Storage.GetAsync("blocked", ContractJson.Default.String), "what the blocking work stored");
                break;
            default:
                return Response.Text($"no check {name}", 404);
        }

        return Response.Ok("pass");
    }

    /// <summary>A fresh object has no sockets; a request that is no upgrade, and half an auto-response, are refused with why.</summary>
    private async Task WebSocketInputAsync(Request request)
    {
        Check.Equal(0, State.GetWebSockets().Count, "a fresh object's sockets");
        Check.Equal(0, State.GetWebSockets("lobby").Count, "a fresh object's sockets tagged lobby");
        try
        {
            await State.AcceptWebSocketAsync(request);
            throw new ContractFailure("AcceptWebSocketAsync accepted a POST without Upgrade: websocket");
        }
        catch (ArgumentException e)
        {
            Check.True(e.Message.Contains("Upgrade: websocket", StringComparison.Ordinal), $"the refusal says what is needed: {e.Message}");
        }

        try
        {
            State.SetWebSocketAutoResponse("ping", null);
            throw new ContractFailure("SetWebSocketAutoResponse accepted a request without a response");
        }
        catch (ArgumentException)
        {
            // Both, or neither.
        }
    }

    private async Task StorageAsync()
    {
        var storage = State.Storage;
        await storage.DeleteAllAsync();
        Check.Equal(null, await storage.GetAsync("missing", ContractJson.Default.String), "a key never put");
        Check.Equal(0L, await storage.GetAsync("missing", ContractJson.Default.Int64), "a missing number reads as default");

        var note = new ContractNote("héllo ☃", 5, ["a", "b"], new ContractNote("reply", 1, [], null));
        await storage.PutAsync("note", note, ContractJson.Default.ContractNote);
        var read = await storage.GetAsync("note", ContractJson.Default.ContractNote);
        Check.Equal(note.Title, read?.Title, "a record's text");
        Check.Equal(note.Reply?.Title, read?.Reply?.Title, "a nested record");
        Check.Sequence(note.Tags, read?.Tags ?? [], "a record's list");

        await storage.PutAsync("big", long.MaxValue, ContractJson.Default.Int64);
        Check.Equal(long.MaxValue, await storage.GetAsync("big", ContractJson.Default.Int64), "a 64-bit number, exactly");

        foreach (var key in new[] { "p:b", "p:a", "p:c", "q:a" })
        {
            await storage.PutAsync(key, key.ToUpperInvariant(), ContractJson.Default.String);
        }

        var listed = await storage.ListAsync(ContractJson.Default.String, new DurableObjectListOptions { Prefix = "p:" });
        Check.Sequence(["p:a", "p:b", "p:c"], listed.Select(e => e.Key), "list by prefix, in key order");
        Check.Equal("P:B", listed[1].Value, "a listed value");
        var reversed = await storage.ListAsync(ContractJson.Default.String, new DurableObjectListOptions { Prefix = "p:", Reverse = true, Limit = 2 });
        Check.Sequence(["p:c", "p:b"], reversed.Select(e => e.Key), "list reversed with a limit");
        var range = await storage.ListAsync(ContractJson.Default.String, new DurableObjectListOptions { Start = "p:b", End = "q:a" });
        Check.Sequence(["p:b", "p:c"], range.Select(e => e.Key), "list from start (inclusive) to end (exclusive)");

        Check.True(await storage.DeleteAsync("p:a"), "delete of a key that exists");
        Check.True(!await storage.DeleteAsync("p:a"), "delete of a key that does not");
        Check.Equal(null, await storage.GetAsync("p:a", ContractJson.Default.String), "a deleted key");

        await storage.PutAsync("number", 42L, ContractJson.Default.Int64);
        try
        {
            await storage.GetAsync("number", ContractJson.Default.ContractNote);
            throw new ContractFailure("reading a number as a record did not throw");
        }
        catch (WorkerException e)
        {
            Check.True(e.Message.Contains("'number'", StringComparison.Ordinal), $"the type error names the key: {e.Message}");
        }

        await storage.DeleteAllAsync();
        Check.Equal(0, (await storage.ListAsync(ContractJson.Default.String)).Count, "nothing left after DeleteAllAsync");
    }

    private async Task SqlAsync()
    {
        var sql = State.Storage.Sql;
        await sql.ExecAsync("DROP TABLE IF EXISTS hits; CREATE TABLE hits (id INTEGER PRIMARY KEY, path TEXT NOT NULL, weight INTEGER NOT NULL)");
        await sql.ExecAsync("INSERT INTO hits (path, weight) VALUES (?, ?)", "/a", 2);
        await sql.ExecAsync("INSERT INTO hits (path, weight) VALUES (?1, ?2)", "/b'quoted\"", 3L);
        var written = await sql.ExecAsync("INSERT INTO hits (path, weight) VALUES (?, ?), (?, ?)", "/c", 1, "/d", 4);
        Check.Equal(2L, written.RowsWritten, "rows written by a two-row insert");

        var rows = await sql.ExecAsync("SELECT id, path, weight FROM hits WHERE weight >= ? ORDER BY weight DESC", ContractJson.Default.ContractHit, 2);
        Check.Sequence(["/d", "/b'quoted\"", "/a"], rows.Select(r => r.Path), "rows into records, in order");
        Check.Equal(4L, rows[0].Weight, "a number column");

        var raw = await sql.ExecAsync("SELECT count(*) AS n, sum(weight) AS total FROM hits");
        Check.Sequence(["n", "total"], raw.Columns, "column names");
        Check.Equal(4L, raw.Rows[0][0].GetInt64(), "count(*)");
        Check.Equal(10L, raw.Rows[0][1].GetInt64(), "sum(weight)");

        try
        {
            await sql.TransactionAsync(("INSERT INTO hits (path, weight) VALUES (?, ?)", ["/e", 5]), ("INSERT INTO no_such_table VALUES (1)", []));
            throw new ContractFailure("a transaction with a failing statement did not throw");
        }
        catch (WorkerException e)
        {
            Check.True(e.Message.Contains("no_such_table", StringComparison.Ordinal), $"the error names the table: {e.Message}");
        }

        Check.Equal(0, (await sql.ExecAsync("SELECT id, path, weight FROM hits WHERE path = ?", ContractJson.Default.ContractHit, "/e")).Count, "a failed transaction leaves nothing");
        await sql.TransactionAsync(("INSERT INTO hits (path, weight) VALUES (?, ?)", ["/e", 5]), ("UPDATE hits SET weight = weight + 1 WHERE path = ?", ["/a"]));
        Check.Equal(3L, (await sql.ExecAsync("SELECT id, path, weight FROM hits WHERE path = ?", ContractJson.Default.ContractHit, "/a"))[0].Weight, "a committed transaction");

        try
        {
            await sql.ExecAsync("SELEC nonsense");
            throw new ContractFailure("bad SQL did not throw");
        }
        catch (WorkerException e)
        {
            Check.True(e.Message.Contains("syntax", StringComparison.OrdinalIgnoreCase), $"SQLite's message: {e.Message}");
        }
    }
}
