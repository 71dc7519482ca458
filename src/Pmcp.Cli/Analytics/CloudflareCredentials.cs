using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Pmcp.Cli.Commands;
using Pmcp.Cli.Tools;

namespace Pmcp.Cli.Analytics;

/// <summary>
/// How the CLI itself calls Cloudflare's API (for what wrangler has no command for, such as analytics): the token of
/// <c>CLOUDFLARE_API_TOKEN</c>, else the login wrangler keeps (<c>wrangler auth token --json</c>). Never printed.
/// </summary>
internal sealed class CloudflareCredentials
{
    private readonly string? _token;
    private readonly (string Email, string Key)? _globalKey;

    private CloudflareCredentials(string? token, (string Email, string Key)? globalKey)
    {
        _token = token;
        _globalKey = globalKey;
    }

    /// <summary><c>CLOUDFLARE_API_BASE_URL</c> (wrangler's own override, which the tests point at a fake), else Cloudflare's.</summary>
    public static string ApiBase =>
        (Environment.GetEnvironmentVariable("CLOUDFLARE_API_BASE_URL") is { Length: > 0 } custom ? custom : "https://api.cloudflare.com/client/v4").TrimEnd('/');

    /// <summary>True for an API token (its permissions are the user's to set), false for wrangler's OAuth login.</summary>
    public bool IsApiToken { get; private init; }

    public static async Task<CloudflareCredentials> ResolveAsync(Func<CancellationToken, Task<Wrangler>> wrangler, CancellationToken cancellationToken)
    {
        if (Environment.GetEnvironmentVariable(LoginCommand.ApiTokenVariable) is { Length: > 0 } token)
        {
            return new CloudflareCredentials(token, null) { IsApiToken = true };
        }

        var run = await (await wrangler(cancellationToken)).RunAsync(["auth", "token", "--json"], cancellationToken);
        var json = run.Succeeded ? LastJsonObject(run.Output) : null;
        return json?["type"]?.GetValue<string>() switch
        {
            "oauth" when json["token"]?.GetValue<string>() is { Length: > 0 } oauth => new CloudflareCredentials(oauth, null),
            "api_token" when json["token"]?.GetValue<string>() is { Length: > 0 } apiToken => new CloudflareCredentials(apiToken, null) { IsApiToken = true },
            "api_key" when json["key"]?.GetValue<string>() is { Length: > 0 } key && json["email"]?.GetValue<string>() is { Length: > 0 } email
                => new CloudflareCredentials(null, (email, key)),
            _ => throw new CliException($"Not logged in to Cloudflare: run dotnet pmcp login, or set {LoginCommand.ApiTokenVariable} to an API token."),
        };
    }

    /// <summary>Puts the credentials on a request to Cloudflare's API.</summary>
    public void Apply(HttpRequestMessage request)
    {
        if (_token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _token);
        }
        else if (_globalKey is { } global)
        {
            request.Headers.Add("X-Auth-Email", global.Email);
            request.Headers.Add("X-Auth-Key", global.Key);
        }
    }

    /// <summary>wrangler may print notices before its JSON: the last line that parses as an object.</summary>
    private static JsonObject? LastJsonObject(string output)
    {
        var start = output.LastIndexOf("\n{", StringComparison.Ordinal) + 1;
        try
        {
            return JsonNode.Parse(output[start..]) as JsonObject;
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }
}
