using System.Collections.Concurrent;
using System.Security.Cryptography;
using Pmcp.Protocol;
using Pmcp.Server;

namespace Pmcp.Http;

/// <summary>
/// The sessions one endpoint issued, by id, in this process (natively) or isolate (inside workerd). Idle ones are
/// forgotten after <see cref="McpSessionOptions.IdleTimeout"/>, looked for whenever a session is made and when one is
/// found stale.
/// </summary>
internal sealed class McpSessionStore(McpSessionOptions options)
{
    private readonly ConcurrentDictionary<string, McpSession> _sessions = new(StringComparer.Ordinal);
    private long _lastSweep = Environment.TickCount64;

    public McpSessionOptions Options => options;

    /// <summary>How many sessions are open.</summary>
    public int Count => _sessions.Count;

    /// <summary>A new session for <paramref name="caller"/>, or null when <see cref="McpSessionOptions.MaxSessions"/> are open.</summary>
    public McpSession? Create(string version, McpCaller? caller)
    {
        Sweep(force: _sessions.Count >= options.MaxSessions);
        if (_sessions.Count >= options.MaxSessions)
        {
            return null;
        }

        // 128 random bits, base64url: unguessable, and visible ASCII as the spec asks of a session id.
        var id = Convert.ToBase64String(RandomNumberGenerator.GetBytes(16)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var session = new McpSession(id, version, caller?.Subject, options);
        _sessions[id] = session;
        return session;
    }

    /// <summary>
    /// The live session <paramref name="id"/> opened by <paramref name="caller"/>'s subject (or by nobody, without
    /// authentication); null for an unknown, expired or someone else's id, which all answer 404 alike.
    /// </summary>
    public McpSession? Find(string id, McpCaller? caller)
    {
        Sweep(force: false);
        if (!_sessions.TryGetValue(id, out var session))
        {
            return null;
        }

        if (Expired(session))
        {
            Remove(session);
            return null;
        }

        if (!string.Equals(session.Subject, caller?.Subject, StringComparison.Ordinal))
        {
            return null;
        }

        session.Touch();
        return session;
    }

    /// <summary>Ends a session: its stream closes and its id answers 404 from now on.</summary>
    public void Remove(McpSession session)
    {
        if (_sessions.TryRemove(new KeyValuePair<string, McpSession>(session.Id, session)))
        {
            session.Events.Close();
        }
    }

    /// <summary>
    /// Queues <c>notifications/resources/updated</c> for <paramref name="uri"/> on the standing stream of every session
    /// subscribed to it; returns how many.
    /// </summary>
    public int NotifyResourceUpdated(string uri)
    {
        byte[]? message = null;
        var count = 0;
        foreach (var session in _sessions.Values)
        {
            if (session.IsSubscribed(uri) && !Expired(session))
            {
                message ??= JsonRpcWriter.Notification("notifications/resources/updated", UriParams(uri));
                session.Events.Append(message);
                count++;
            }
        }

        return count;
    }

    /// <summary>Queues a notification (such as <c>notifications/tools/list_changed</c>) on every session's standing stream.</summary>
    public void NotifyAll(byte[] message)
    {
        foreach (var session in _sessions.Values)
        {
            session.Events.Append(message);
        }
    }

    private bool Expired(McpSession session) => Environment.TickCount64 - session.LastUsed > (long)options.IdleTimeout.TotalMilliseconds;

    /// <summary>Forgets idle sessions: at most once a minute unless <paramref name="force"/>d.</summary>
    private void Sweep(bool force)
    {
        var now = Environment.TickCount64;
        var last = Interlocked.Read(ref _lastSweep);
        if (!force && now - last < 60_000)
        {
            return;
        }

        if (Interlocked.CompareExchange(ref _lastSweep, now, last) != last && !force)
        {
            return;
        }

        foreach (var session in _sessions.Values)
        {
            if (Expired(session))
            {
                Remove(session);
            }
        }
    }

    private static System.Text.Json.JsonElement UriParams(string uri)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var w = new System.Text.Json.Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("uri", uri);
            w.WriteEndObject();
        }

        using var document = System.Text.Json.JsonDocument.Parse(buffer.WrittenMemory);
        return document.RootElement.Clone();
    }
}
