using System.Text;
using System.Text.Json.Nodes;

namespace Pmcp.FakeCloudflare;

/// <summary>
/// A tail that wrangler created (<c>POST …/scripts/NAME/tails</c>) and then connected to over a WebSocket with the
/// <c>trace-v1</c> subprotocol. A test sends tail events through it and can end it as Cloudflare does.
/// </summary>
public sealed class TailSession
{
    private readonly TaskCompletionSource<TailSocket> _connected = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _ended = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Lock _gate = new();
    private string? _clientMessage;
    private bool _deleted;

    internal TailSession(string id, string scriptName, JsonNode? filters, string url, DateTimeOffset expiresAt)
    {
        Id = id;
        ScriptName = scriptName;
        Filters = filters?.DeepClone();
        Url = url;
        ExpiresAt = expiresAt;
    }

    public string Id { get; }

    public string ScriptName { get; }

    /// <summary>The filters wrangler posted when creating the tail (<c>--status</c>, <c>--method</c>, …).</summary>
    public JsonNode? Filters { get; }

    /// <summary>The WebSocket URL the fake handed out (Cloudflare hands out <c>wss://tail.developers.workers.dev/ID</c>).</summary>
    public string Url { get; }

    public DateTimeOffset ExpiresAt { get; }

    public bool Connected => _connected.Task.IsCompletedSuccessfully;

    /// <summary>Whether the WebSocket has closed (either side).</summary>
    public bool Ended => _ended.Task.IsCompleted;

    /// <summary>The first message wrangler sent on the socket (<c>{"debug":false}</c>).</summary>
    public string? ClientMessage
    {
        get
        {
            lock (_gate)
            {
                return _clientMessage;
            }
        }
    }

    /// <summary>Whether wrangler deleted the tail (<c>DELETE …/tails/ID</c>), as it does when it stops.</summary>
    public bool Deleted
    {
        get
        {
            lock (_gate)
            {
                return _deleted;
            }
        }
    }

    public Task WaitForConnectionAsync(TimeSpan timeout) => _connected.Task.WaitAsync(timeout);

    /// <summary>
    /// Sends one tail event (see <see cref="TailEvents"/>) to wrangler, which prints it, when the tail's
    /// <see cref="Filters"/> admit it, as Cloudflare does (<see cref="TailFilters"/>). Returns whether it was sent.
    /// </summary>
    public async Task<bool> SendAsync(JsonNode tailEvent, CancellationToken cancellationToken = default)
    {
        var socket = await _connected.Task.WaitAsync(cancellationToken);
        if (!TailFilters.Admit(Filters, tailEvent))
        {
            return false;
        }

        await socket.SendTextAsync(tailEvent.ToJsonString(), cancellationToken);
        return true;
    }

    /// <summary>
    /// Ends the tail with a normal closure (1000), as Cloudflare does when a tail expires: wrangler then deletes the
    /// tail and exits 0. Returns once wrangler has answered the close.
    /// </summary>
    public async Task CloseAsync(CancellationToken cancellationToken = default)
    {
        var socket = await _connected.Task.WaitAsync(cancellationToken);
        if (!Ended)
        {
            await socket.SendCloseAsync(1000, "tail closed", cancellationToken);
        }

        await _ended.Task.WaitAsync(cancellationToken);
    }

    internal void MarkDeleted()
    {
        lock (_gate)
        {
            _deleted = true;
        }
    }

    /// <summary>Serves the socket until either side closes it, answering wrangler's keep-alive pings.</summary>
    internal async Task RunAsync(TailSocket socket, CancellationToken cancellationToken)
    {
        _connected.TrySetResult(socket);
        try
        {
            while (await socket.ReceiveAsync(cancellationToken) is { } message)
            {
                switch (message.Opcode)
                {
                    case TailSocket.Close:
                        // Echo the status back to finish the closing handshake (whoever started it).
                        await socket.SendCloseAsync(1000, "", cancellationToken);
                        return;
                    case TailSocket.Ping:
                        await socket.SendPongAsync(message.Payload, cancellationToken);
                        break;
                    case TailSocket.Text or TailSocket.Binary:
                        lock (_gate)
                        {
                            _clientMessage ??= Encoding.UTF8.GetString(message.Payload);
                        }

                        break;
                }
            }
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or ObjectDisposedException)
        {
            // wrangler terminates the socket without a closing handshake when it stops; that ends the session too.
        }
        finally
        {
            _ended.TrySetResult();
        }
    }
}
