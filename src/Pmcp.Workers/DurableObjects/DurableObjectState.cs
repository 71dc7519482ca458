namespace Pmcp.Workers.DurableObjects;

/// <summary>What a Durable Object knows of itself (<c>ctx</c> in JavaScript): its id and its storage.</summary>
public sealed class DurableObjectState
{
    /// <summary>How many tags a WebSocket may have, and how long each may be (workerd's limits).</summary>
    public const int MaxWebSocketTags = 10, MaxWebSocketTagLength = 256;

    private readonly IDurableObjectStorageBackend _backend;
    private readonly IDurableObjectWebSocketBackend? _webSockets;

    /// <summary>The state of the object <paramref name="id"/> over <paramref name="backend"/>; hosts make these.</summary>
    internal DurableObjectState(DurableObjectId id, IDurableObjectStorageBackend backend, IDurableObjectWebSocketBackend? webSockets = null)
    {
        Id = id;
        _backend = backend;
        _webSockets = webSockets;
        Storage = new DurableObjectStorage(backend);
    }

    /// <summary>The object's id (with its name when the host knows it).</summary>
    public DurableObjectId Id { get; }

    /// <summary>The object's storage: typed values by key, and SQL.</summary>
    public DurableObjectStorage Storage { get; }

    /// <summary>
    /// Runs <paramref name="work"/> while no other event reaches this object (<c>blockConcurrencyWhile</c>): for
    /// initialisation that must finish before anything else sees the object, such as creating its tables.
    /// </summary>
    /// <param name="work">The work.</param>
    /// <exception cref="ArgumentNullException"><paramref name="work"/> is null.</exception>
    public Task BlockConcurrencyWhileAsync(Func<Task> work)
    {
        ArgumentNullException.ThrowIfNull(work);
        return _backend.BlockConcurrencyWhileAsync(work);
    }

    /// <summary>
    /// Accepts the WebSocket of <paramref name="request"/> (a GET with <c>Upgrade: websocket</c>, forwarded to the object
    /// with <see cref="DurableObjectStub.ForwardAsync"/>) as a hibernatable socket: the runtime holds it, the object may
    /// leave memory while it is idle, and each message arrives as <see cref="DurableObject.WebSocketMessageAsync"/>.
    /// Return the result's <see cref="AcceptedWebSocket.Response"/> from <see cref="DurableObject.FetchAsync"/>.
    /// <code>
    /// var (socket, response) = await State.AcceptWebSocketAsync(request, ["lobby"]);
    /// socket.SerializeAttachment(new Member(name), ChatJson.Default.Member);
    /// return response;
    /// </code>
    /// </summary>
    /// <param name="request">The upgrade request.</param>
    /// <param name="tags">Up to <see cref="MaxWebSocketTags"/> labels to find the socket by (<see cref="GetWebSockets"/>).</param>
    /// <exception cref="ArgumentException">The request is not a WebSocket upgrade, or a tag is empty or too long.</exception>
    /// <exception cref="NotSupportedException">The host has no WebSockets for this object.</exception>
    public async Task<AcceptedWebSocket> AcceptWebSocketAsync(Http.Request request, IEnumerable<string>? tags = null)
    {
        ArgumentNullException.ThrowIfNull(request);
        var backend = WebSocketBackend();
        if (!IsWebSocketUpgrade(request))
        {
            throw new ArgumentException("AcceptWebSocketAsync needs a GET with 'Upgrade: websocket' (forward the client's request with DurableObjectStub.ForwardAsync); answer other requests with 426.", nameof(request));
        }

        var list = tags?.ToArray() ?? [];
        if (list.Length > MaxWebSocketTags)
        {
            throw new ArgumentException($"A WebSocket has at most {MaxWebSocketTags} tags, not {list.Length}.", nameof(tags));
        }

        foreach (var tag in list)
        {
            if (string.IsNullOrEmpty(tag) || tag.Length > MaxWebSocketTagLength)
            {
                throw new ArgumentException($"A WebSocket's tag is 1 to {MaxWebSocketTagLength} characters long.", nameof(tags));
            }
        }

        var (socket, response) = await backend.AcceptAsync(request, list.Distinct(StringComparer.Ordinal).ToArray()).ConfigureAwait(false);
        return new AcceptedWebSocket(new DurableObjectWebSocket(socket, backend), response);
    }

    /// <summary>The open WebSockets this object accepted, all or those tagged <paramref name="tag"/>: after hibernation too.</summary>
    /// <param name="tag">A tag given to <see cref="AcceptWebSocketAsync"/>, or null for all.</param>
    public IReadOnlyList<DurableObjectWebSocket> GetWebSockets(string? tag = null)
    {
        var backend = WebSocketBackend();
        return [.. backend.GetWebSockets(tag).Select(handle => new DurableObjectWebSocket(handle, backend))];
    }

    /// <summary>
    /// Answers the text message <paramref name="request"/> with <paramref name="response"/> on every socket of the object
    /// without running (or waking) it: a ping. Both null: no automatic answer.
    /// </summary>
    /// <param name="request">The exact text a client sends.</param>
    /// <param name="response">The text it gets back.</param>
    /// <exception cref="ArgumentException">Only one of the two is null.</exception>
    public void SetWebSocketAutoResponse(string? request, string? response)
    {
        if ((request is null) != (response is null))
        {
            throw new ArgumentException("Give both the request and the response of an automatic answer, or neither to remove it.", nameof(response));
        }

        WebSocketBackend().SetAutoResponse(request, response);
    }

    /// <summary>The host's WebSockets of this object, or null when it has none.</summary>
    internal IDurableObjectWebSocketBackend? WebSocketsBackend => _webSockets;

    private IDurableObjectWebSocketBackend WebSocketBackend() =>
        _webSockets ?? throw new NotSupportedException("This host does not give Durable Objects WebSockets.");

    private static bool IsWebSocketUpgrade(Http.Request request) =>
        request.Method == "GET" && request.Headers["upgrade"] is { } upgrade && upgrade.Equals("websocket", StringComparison.OrdinalIgnoreCase);
}
