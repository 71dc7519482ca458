using System.Security.Cryptography;
using System.Text;

namespace Pmcp.FakeCloudflare;

/// <summary>The fake's state: one account, its Workers, zones and tails, and the request log. One lock guards it all.</summary>
internal sealed class FakeAccount
{
    private readonly Dictionary<string, WorkerScript> _live = new(StringComparer.Ordinal);
    private readonly List<WorkerScript> _all = [];
    private readonly List<RecordedRequest> _requests = [];
    private readonly Dictionary<string, TailSession> _tails = new(StringComparer.Ordinal);

    public FakeAccount(FakeCloudflareOptions options)
    {
        AccountId = options.AccountId;
        AccountName = options.AccountName;
        Email = options.Email;
        ApiToken = options.ApiToken;
        WorkersDevSubdomain = options.WorkersDevSubdomain;
        Zones = [.. options.Zones.Select(name => new FakeZone(StableId("zone:" + name), name))];
        R2BucketList = [.. options.R2Buckets];
        StartupTimeMs = options.StartupTimeMs;
        AnalyticsReadable = options.AnalyticsReadable;
    }

    public int StartupTimeMs { get; }

    /// <summary>Whether the token may read the account's analytics (Account Analytics: Read).</summary>
    public bool AnalyticsReadable { get; }

    /// <summary>What the Workers served, for the GraphQL Analytics API to count; guarded by <see cref="Gate"/>.</summary>
    public List<WorkerInvocation> Invocations { get; } = [];

    public Lock Gate { get; } = new();

    public string AccountId { get; }

    public string AccountName { get; }

    public string Email { get; }

    public string ApiToken { get; }

    /// <summary>Set under <see cref="Gate"/>: a registration (<c>PUT …/workers/subdomain</c>) changes it.</summary>
    public string? WorkersDevSubdomain { get; set; }

    public IReadOnlyList<FakeZone> Zones { get; }

    /// <summary>Changed under <see cref="Gate"/>.</summary>
    public List<string> R2BucketList { get; }

    /// <summary>Where the tail WebSockets are served (<c>ws://127.0.0.1:PORT</c>); known once Kestrel listens.</summary>
    public string WebSocketOrigin { get; set; } = "";

    public WorkerScript? Live(string name) => _live.GetValueOrDefault(name);

    public IEnumerable<WorkerScript> LiveScripts => _live.Values;

    /// <summary>The live script of that name, or a new one (a first deploy, or a deploy after a delete).</summary>
    public WorkerScript GetOrCreate(string name)
    {
        if (_live.TryGetValue(name, out var script))
        {
            return script;
        }

        script = new WorkerScript(name, Gate);
        _live[name] = script;
        _all.Add(script);
        return script;
    }

    public void Delete(WorkerScript script)
    {
        script.IsDeleted = true;
        script.RouteList = [];
        script.CustomDomainList = [];
        _live.Remove(script.Name);
    }

    public IReadOnlyList<WorkerScript> AllScripts
    {
        get
        {
            lock (Gate)
            {
                return _all.ToArray();
            }
        }
    }

    public WorkerScript? LatestScript(string name)
    {
        lock (Gate)
        {
            return _all.LastOrDefault(script => script.Name == name);
        }
    }

    public void Record(RecordedRequest request)
    {
        lock (Gate)
        {
            _requests.Add(request);
        }
    }

    public IReadOnlyList<RecordedRequest> Requests
    {
        get
        {
            lock (Gate)
            {
                return _requests.ToArray();
            }
        }
    }

    public void ClearRequests()
    {
        lock (Gate)
        {
            _requests.Clear();
        }
    }

    public void AddTail(TailSession tail) => _tails[tail.Id] = tail;

    public TailSession? Tail(string id) => _tails.GetValueOrDefault(id);

    public IReadOnlyList<TailSession> Tails
    {
        get
        {
            lock (Gate)
            {
                return _tails.Values.ToArray();
            }
        }
    }

    /// <summary>The zone a host belongs to: the longest zone name it ends with.</summary>
    public FakeZone? ZoneForHost(string host) =>
        Zones.Where(zone => host.Equals(zone.Name, StringComparison.OrdinalIgnoreCase) || host.EndsWith("." + zone.Name, StringComparison.OrdinalIgnoreCase))
            .MaxBy(zone => zone.Name.Length);

    /// <summary>A Cloudflare-looking id (32 hex digits) that stays the same across runs for the same input.</summary>
    public static string StableId(string seed) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(seed)))[..32];

    public static string NewId() => Guid.NewGuid().ToString("N");

    public static string Timestamp(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", System.Globalization.CultureInfo.InvariantCulture);
}
