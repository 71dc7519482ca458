using System.Globalization;
using System.Net;
using System.Text.Json;
using Pmcp.FakeCloudflare;
using Pmcp.Testing;

namespace Pmcp.WorkerdTests;

/// <summary>
/// <c>dotnet pmcp login</c> and <c>whoami</c> with the pinned wrangler against the fake Cloudflare: the test plays the
/// browser (opens the printed link, follows the consent redirect to wrangler's callback), wrangler redeems the code at
/// the fake's token endpoint and keeps the token in its configuration (a private HOME), and whoami then reads the
/// account with it. No CLOUDFLARE_API_TOKEN anywhere: the login is what authenticates.
/// </summary>
public sealed class LoginTests : IDisposable
{
    private readonly string _home = Directory.CreateTempSubdirectory("pmcp-login-").FullName;

    [Fact]
    public async Task LoginInTheBrowserThenWhoamiShowsTheAccount()
    {
        await using var cloudflare = await FakeCloudflareApi.StartAsync();
        var environment = Environment(cloudflare);
        var callbackPort = WorkerdFixture.FreePort();

        await using var login = CliProcess.StartIn(_home, environment, "login", "--no-browser", "--callback-port", callbackPort.ToString(CultureInfo.InvariantCulture));
        var link = await LinkAsync(login, TimeSpan.FromMinutes(3));
        Assert.StartsWith(cloudflare.Origin + "/oauth2/auth?response_type=code&client_id=", link, StringComparison.Ordinal);
        Assert.Contains("code_challenge_method=S256", link, StringComparison.Ordinal);

        using var browser = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false });
        using var consent = await browser.GetAsync(new Uri(link));
        Assert.Equal(HttpStatusCode.Redirect, consent.StatusCode);
        var callback = consent.Headers.Location!;
        Assert.Equal("/oauth/callback", callback.AbsolutePath);

        // The sign-in page returns to wrangler's fixed redirect URI (port 8976); --callback-port listens elsewhere, as
        // behind a port forward.
        using var returned = await browser.GetAsync(new UriBuilder(callback) { Port = callbackPort }.Uri);
        Assert.Equal(HttpStatusCode.TemporaryRedirect, returned.StatusCode);
        Assert.Contains("consent-granted", returned.Headers.Location!.AbsoluteUri, StringComparison.Ordinal);
        Assert.Equal(0, await login.WaitForExitAsync(TimeSpan.FromMinutes(1)));
        Assert.Contains("Successfully logged in.", login.Output, StringComparison.Ordinal);

        var (whoamiExit, whoami) = await CliProcess.RunAsync(environment, TimeSpan.FromMinutes(2), "whoami");
        Assert.True(whoamiExit == 0, whoami);
        Assert.Contains("OAuth Token", whoami, StringComparison.Ordinal);
        Assert.Contains(cloudflare.Email, whoami, StringComparison.Ordinal);
        Assert.Contains(cloudflare.AccountId, whoami, StringComparison.Ordinal);

        var (jsonExit, json, jsonErrors) = await WhoamiJsonAsync(environment);
        Assert.True(jsonExit == 0, json + jsonErrors);
        using var document = JsonDocument.Parse(json);
        Assert.True(document.RootElement.GetProperty("loggedIn").GetBoolean());
        Assert.Equal(cloudflare.Email, document.RootElement.GetProperty("email").GetString());
        Assert.Empty(cloudflare.UnhandledRequests);
    }

    [Fact]
    public async Task WhoamiWithoutALoginSaysSo()
    {
        await using var cloudflare = await FakeCloudflareApi.StartAsync();

        var (exitCode, json, _) = await WhoamiJsonAsync(Environment(cloudflare));

        Assert.NotEqual(0, exitCode);
        using var document = JsonDocument.Parse(json);
        Assert.False(document.RootElement.GetProperty("loggedIn").GetBoolean());
    }

    [Fact]
    public async Task LoginWithAnApiTokenSetSaysNoLoginIsNeeded()
    {
        var (exitCode, output) = await CliProcess.RunAsync(
            new Dictionary<string, string>(WorkerdFixture.Environment) { ["CLOUDFLARE_API_TOKEN"] = "a-token" }, TimeSpan.FromMinutes(1), "login");

        Assert.Equal(1, exitCode);
        Assert.Contains("CLOUDFLARE_API_TOKEN is set", output, StringComparison.Ordinal);
        Assert.Contains("unset CLOUDFLARE_API_TOKEN", output, StringComparison.Ordinal);
        Assert.DoesNotContain("a-token", output, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_home, recursive: true);

    /// <summary>The fake's API and sign-in URLs, no API token, and a HOME of its own where wrangler keeps the login.</summary>
    private Dictionary<string, string> Environment(FakeCloudflareApi cloudflare)
    {
        var environment = new Dictionary<string, string>(WorkerdFixture.Environment)
        {
            ["HOME"] = _home,
            ["XDG_CONFIG_HOME"] = Path.Combine(_home, ".config"),
        };
        foreach (var (name, value) in cloudflare.WranglerEnvironment.Concat(cloudflare.OAuthEnvironment))
        {
            if (name is not ("CLOUDFLARE_API_TOKEN" or "CLOUDFLARE_ACCOUNT_ID"))
            {
                environment[name] = value;
            }
        }

        return environment;
    }

    /// <summary>whoami --json with its standard output apart: it must be the JSON alone, ready to pipe.</summary>
    private static Task<(int ExitCode, string StdOut, string StdErr)> WhoamiJsonAsync(IReadOnlyDictionary<string, string> environment) =>
        TestProcess.RunAsync("dotnet", [CliProcess.CliAssembly, "whoami", "--json"], RepoPaths.Root, TimeSpan.FromMinutes(2), environment);

    private static async Task<string> LinkAsync(CliProcess login, TimeSpan timeout)
    {
        const string marker = "Visit this link to authenticate: ";
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (login.Output.Split('\n').FirstOrDefault(line => line.Contains(marker, StringComparison.Ordinal)) is { } line)
            {
                return line[(line.IndexOf(marker, StringComparison.Ordinal) + marker.Length)..].Trim();
            }

            await Task.Delay(100);
        }

        throw new TimeoutException("dotnet pmcp login printed no link:\n" + login.Output);
    }
}
