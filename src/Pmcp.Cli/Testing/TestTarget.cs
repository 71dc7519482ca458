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
    /// The credential sent as <c>Authorization: Bearer</c> (never printed): the API key in the environment variable
    /// <paramref name="apiKeyEnv"/> names, or the OAuth access token in the one <paramref name="tokenEnv"/> names; null
    /// when neither is named. Throws when both are named, or the one named is empty.
    /// </summary>
    public static string? ReadBearer(string? apiKeyEnv, string? tokenEnv)
    {
        if (apiKeyEnv is not null && tokenEnv is not null)
        {
            throw new CliException("give either --api-key-env (a server with an API key) or --token-env (an OAuth server's access token), not both: the server takes one Authorization header.");
        }

        var (option, variable) = apiKeyEnv is not null ? ("--api-key-env", apiKeyEnv) : ("--token-env", tokenEnv);
        if (variable is null)
        {
            return null;
        }

        var value = Environment.GetEnvironmentVariable(variable);
        return string.IsNullOrWhiteSpace(value)
            ? throw new CliException($"{option} names {variable}, but that environment variable is empty. Set it first, e.g. export {variable}=<{(option == "--api-key-env" ? "key" : "access token")}>.")
            : value.Trim();
    }

    /// <summary>What a 401 from <paramref name="endpoint"/> means, and the fix: a credential to send, or a better one.</summary>
    public static CliException Unauthorized(Uri endpoint, bool credentialSent) => new(credentialSent
        ? $"{endpoint} answered 401 Unauthorized to the credential sent: the key is not the server's MCP_API_KEY, or the access token is expired, for another resource (its aud), or from another issuer. Get a fresh one and pass it again (--api-key-env or --token-env)."
        : $"{endpoint} answered 401 Unauthorized: it needs a credential. For an API key: put it in an environment variable and pass its name, --api-key-env MCP_API_KEY. For an OAuth server: an access token from its authorization server, --token-env MCP_ACCESS_TOKEN (docs/testing.md says how to get one).");

    public async ValueTask DisposeAsync()
    {
        if (_dev is not null)
        {
            await _dev.DisposeAsync();
        }
    }
}
