using System.Runtime.Versioning;
using System.Text;
using System.Text.Json;
using Pmcp.Workers.Bindings;
using Pmcp.Workers.DurableObjects;

namespace Pmcp.Workers.Interop;

/// <summary>
/// A Durable Object's storage inside workerd (host/bindings.mjs, "do.*"): each call is a host operation of the event
/// being handled (<see cref="CurrentRequest"/>), so it runs in that event's I/O context, as workerd requires of
/// <c>ctx.storage</c>. The binding name is the object's instance number: the host refuses a call made from another
/// object's event, or from a Worker request.
/// </summary>
[SupportedOSPlatform("browser")]
internal sealed class JsObjectStorage(int instance) : IDurableObjectStorageBackend
{
    private readonly string _instance = instance.ToString(System.Globalization.CultureInfo.InvariantCulture);

    public ID1Backend Sql => new EventSql(this);

    public async Task<string?> GetAsync(string key, CancellationToken cancellationToken)
    {
        var outcome = await Binding().CallForBytesAsync("do.get", key, default, cancellationToken).ConfigureAwait(false);
        return outcome.Value < 0 ? null : Encoding.UTF8.GetString(outcome.Bytes ?? []);
    }

    public Task PutAsync(string key, string json, CancellationToken cancellationToken) =>
        Binding().CallAsync("do.put", JsBinding.Arguments(w => w.WriteString("key", key)), Encoding.UTF8.GetBytes(json), cancellationToken);

    public async Task<bool> DeleteAsync(string key, CancellationToken cancellationToken) =>
        (await Binding().CallAsync("do.delete", w => w.WriteString("key", key), cancellationToken).ConfigureAwait(false)).ValueKind == JsonValueKind.True;

    public Task DeleteAllAsync(CancellationToken cancellationToken) => Binding().CallAsync("do.deleteAll", _ => { }, cancellationToken);

    public async Task<IReadOnlyList<KeyValuePair<string, string>>> ListAsync(DurableObjectListOptions options, CancellationToken cancellationToken)
    {
        var result = await Binding().CallAsync("do.list", w =>
        {
            Optional(w, "start", options.Start);
            Optional(w, "end", options.End);
            Optional(w, "prefix", options.Prefix);
            w.WriteBoolean("reverse", options.Reverse);
            if (options.Limit is { } limit)
            {
                w.WriteNumber("limit", limit);
            }
        }, cancellationToken).ConfigureAwait(false);
        return [.. result.EnumerateArray().Select(e => new KeyValuePair<string, string>(e[0].GetString()!, e[1].GetString()!))];
    }

    public async Task<long?> GetAlarmAsync(CancellationToken cancellationToken)
    {
        var due = await Binding().CallAsync("do.getAlarm", _ => { }, cancellationToken).ConfigureAwait(false);
        return due.ValueKind == JsonValueKind.Number ? (long)due.GetDouble() : null;
    }

    public Task SetAlarmAsync(long unixMilliseconds, CancellationToken cancellationToken) =>
        Binding().CallAsync("do.setAlarm", w => w.WriteNumber("time", unixMilliseconds), cancellationToken);

    public Task DeleteAlarmAsync(CancellationToken cancellationToken) => Binding().CallAsync("do.deleteAlarm", _ => { }, cancellationToken);

    public async Task BlockConcurrencyWhileAsync(Func<Task> work)
    {
        var requestId = CurrentRequest.Id;
        // The host holds workerd's blockConcurrencyWhile open (its callback's promise) until this work ends.
        var block = (await Binding().CallAsync("do.block", _ => { }, CancellationToken.None).ConfigureAwait(false)).GetInt32();
        string? failure = null;
        try
        {
            await work().ConfigureAwait(false);
        }
        catch (Exception e)
        {
            failure = e.Message;
            throw;
        }
        finally
        {
            JsHost.ObjectUnblock(requestId, block, failure);
        }
    }

    /// <summary>The storage of the event now running: a new binding per call, since each event is its own request.</summary>
    private JsBinding Binding() => new(CurrentRequest.Id, _instance, "Durable Object storage");

    /// <summary><c>ctx.storage.sql</c> as D1 statements ("do.query", "do.raw", "do.batch", "do.exec"), bound to the event now running.</summary>
    private sealed class EventSql(JsObjectStorage storage) : ID1Backend
    {
        public Task<D1RawResult> QueryAsync(D1Statement statement, CancellationToken cancellationToken) => Now().QueryAsync(statement, cancellationToken);

        public Task<D1RawResult> QueryWithColumnsAsync(D1Statement statement, CancellationToken cancellationToken) => Now().QueryWithColumnsAsync(statement, cancellationToken);

        public Task<IReadOnlyList<D1RawResult>> BatchAsync(IReadOnlyList<D1Statement> statements, CancellationToken cancellationToken) => Now().BatchAsync(statements, cancellationToken);

        public Task<D1ExecResult> ExecAsync(string sql, CancellationToken cancellationToken) => Now().ExecAsync(sql, cancellationToken);

        private JsD1Backend Now() => new(storage.Binding(), "do");
    }

    private static void Optional(Utf8JsonWriter w, string name, string? value)
    {
        if (value is not null)
        {
            w.WriteString(name, value);
        }
    }
}
