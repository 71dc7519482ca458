namespace Pmcp.Cli.Testing;

/// <summary>
/// What a <c>dotnet pmcp test</c> command tests: an MCP endpoint given as a URL, or a project folder served with
/// <c>dotnet pmcp dev</c> for the test and stopped when this is disposed.
/// </summary>
internal sealed class TestTarget : IAsyncDisposable
{
    private readonly DevServer? _dev;

    private TestTarget(Uri endpoint, DevServer? dev)
    {
        Endpoint = endpoint;
        _dev = dev;
    }

    /// <summary>The MCP endpoint under test.</summary>
    public Uri Endpoint { get; }

    /// <summary>Whether the server was started for this test (the user's own project on loopback).</summary>
    public bool StartedForTheTest => _dev is not null;

    /// <summary>
    /// The endpoint <paramref name="where"/> names: an http(s) URL as it is, or a project folder started with dev
    /// (<paramref name="native"/>: on Kestrel). Throws <see cref="CliException"/> when neither.
    /// </summary>
    public static async Task<TestTarget> OpenAsync(string where, bool native, string? apiKeyEnv, TimeSpan startTimeout, CancellationToken cancellationToken)
    {
        if (Uri.TryCreate(where, UriKind.Absolute, out var url) && url.Scheme is "http" or "https")
        {
            return new TestTarget(url, null);
        }

        if (Projects.ServerProject.Find(new DirectoryInfo(where)) is null)
        {
            // Find said what is missing; the other kind of target is worth a word too.
            throw new CliException("or give the MCP endpoint's URL (http://…/mcp) instead of a folder.");
        }

        Console.Error.WriteLine($"Starting {where} with dotnet pmcp dev{(native ? " --native" : "")}…");
        var (dev, endpoint) = await DevServer.StartAsync(where, native, apiKeyEnv, startTimeout, cancellationToken);
        Console.Error.WriteLine($"Testing {endpoint}");
        return new TestTarget(endpoint, dev);
    }

    /// <summary>
    /// The API key in the environment variable <paramref name="apiKeyEnv"/> names (never printed), or null when no
    /// variable is named; throws when it is named but empty.
    /// </summary>
    public static string? ReadApiKey(string? apiKeyEnv)
    {
        if (apiKeyEnv is null)
        {
            return null;
        }

        var key = Environment.GetEnvironmentVariable(apiKeyEnv);
        return string.IsNullOrEmpty(key)
            ? throw new CliException($"--api-key-env names {apiKeyEnv}, but that environment variable is empty. Set it first, e.g. export {apiKeyEnv}=<key>.")
            : key;
    }

    public async ValueTask DisposeAsync()
    {
        if (_dev is not null)
        {
            await _dev.DisposeAsync();
        }
    }
}
