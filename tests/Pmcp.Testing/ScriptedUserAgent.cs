using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Pmcp.Testing;

/// <summary>
/// A browser and an OAuth client in one, scripted with <see cref="HttpClient"/>, for the built-in authorization
/// server's tests: it registers a client (RFC 7591), follows <c>/authorize</c> to the upstream provider and back to
/// <c>/callback</c>, posts the consent form with its CSRF token and cookie, and redeems codes and refresh tokens.
/// Redirects are never followed automatically: each hop is checked.
/// </summary>
public sealed partial class ScriptedUserAgent(string issuer) : IDisposable
{
    private readonly HttpClient _http = new(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false }) { Timeout = TimeSpan.FromSeconds(30) };

    /// <summary>The built-in server's origin.</summary>
    public string Issuer { get; } = issuer.TrimEnd('/');

    /// <summary>The raw client, for requests the helpers do not make.</summary>
    public HttpClient Http => _http;

    /// <summary>Registers a public client with <paramref name="redirectUris"/>; its client id.</summary>
    public async Task<string> RegisterAsync(params string[] redirectUris)
    {
        var metadata = new JsonObject { ["client_name"] = "scripted", ["redirect_uris"] = new JsonArray([.. redirectUris.Select(u => (JsonNode)u)]), ["token_endpoint_auth_method"] = "none" };
        using var answer = await _http.PostAsync(Issuer + "/register", new StringContent(metadata.ToJsonString(), Encoding.UTF8, "application/json"));
        var body = await answer.Content.ReadAsStringAsync();
        if (answer.StatusCode != HttpStatusCode.Created)
        {
            throw new InvalidOperationException($"register answered {(int)answer.StatusCode}: {body}");
        }

        return JsonNode.Parse(body)!["client_id"]!.GetValue<string>();
    }

    /// <summary>A PKCE verifier and its S256 challenge.</summary>
    public static (string Verifier, string Challenge) Pkce()
    {
        var verifier = JwtSigningKey.B64(RandomNumberGenerator.GetBytes(32));
        return (verifier, JwtSigningKey.B64(SHA256.HashData(Encoding.ASCII.GetBytes(verifier))));
    }

    /// <summary>The authorization URL for a client.</summary>
    public string AuthorizeUrl(string clientId, string redirectUri, string challenge, string? state = "s1", string? scope = null, string? resource = null) =>
        Issuer + "/authorize?response_type=code&client_id=" + Uri.EscapeDataString(clientId) + "&redirect_uri=" + Uri.EscapeDataString(redirectUri)
        + "&code_challenge=" + challenge + "&code_challenge_method=S256"
        + (state is null ? "" : "&state=" + Uri.EscapeDataString(state))
        + (scope is null ? "" : "&scope=" + Uri.EscapeDataString(scope))
        + (resource is null ? "" : "&resource=" + Uri.EscapeDataString(resource));

    /// <summary>Follows a sign-in from <paramref name="authorizeUrl"/> to the consent and allows (or denies) it; the final redirect's URI.</summary>
    public async Task<Uri> SignInAsync(string authorizeUrl, bool allow = true)
    {
        using var authorize = await _http.GetAsync(authorizeUrl);
        Expect(authorize, HttpStatusCode.Found, "authorize");
        using var upstream = await _http.GetAsync(authorize.Headers.Location);
        Expect(upstream, HttpStatusCode.Found, "the upstream provider");
        var callback = upstream.Headers.Location!;
        using var consent = await _http.GetAsync(callback);
        var page = await consent.Content.ReadAsStringAsync();
        Expect(consent, HttpStatusCode.OK, "callback", page);
        var cookie = consent.Headers.GetValues("Set-Cookie").Single().Split(';')[0];
        var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["request"] = Field(page, "request"),
            ["csrf"] = Field(page, "csrf"),
            ["decision"] = allow ? "allow" : "deny",
        });
        using var post = new HttpRequestMessage(HttpMethod.Post, Issuer + "/consent") { Content = form };
        post.Headers.Add("Cookie", cookie);
        using var decided = await _http.SendAsync(post);
        Expect(decided, HttpStatusCode.Found, "consent", await decided.Content.ReadAsStringAsync());
        return decided.Headers.Location!;
    }

    /// <summary>The consent page's hidden fields and cookie, stopping before the form is posted.</summary>
    public async Task<(string Request, string Csrf, string Cookie)> ConsentFormAsync(string authorizeUrl)
    {
        using var authorize = await _http.GetAsync(authorizeUrl);
        Expect(authorize, HttpStatusCode.Found, "authorize");
        using var upstream = await _http.GetAsync(authorize.Headers.Location);
        using var consent = await _http.GetAsync(upstream.Headers.Location);
        var page = await consent.Content.ReadAsStringAsync();
        Expect(consent, HttpStatusCode.OK, "callback", page);
        return (Field(page, "request"), Field(page, "csrf"), consent.Headers.GetValues("Set-Cookie").Single().Split(';')[0]);
    }

    /// <summary>A code for a new sign-in of <paramref name="clientId"/>.</summary>
    public async Task<string> CodeAsync(string clientId, string redirectUri, string challenge, string? scope = null)
    {
        var back = await SignInAsync(AuthorizeUrl(clientId, redirectUri, challenge, scope: scope));
        return Query(back, "code") ?? throw new InvalidOperationException("no code in " + back);
    }

    /// <summary>POSTs a form to the token endpoint; the status and the JSON answer.</summary>
    public Task<(HttpStatusCode Status, JsonObject Body)> TokenAsync(params (string Name, string Value)[] fields) => PostFormAsync("/token", fields);

    /// <summary>POSTs a form to <paramref name="path"/>; the status and the JSON answer (empty for none).</summary>
    public async Task<(HttpStatusCode Status, JsonObject Body)> PostFormAsync(string path, params (string Name, string Value)[] fields)
    {
        using var answer = await _http.PostAsync(Issuer + path, new FormUrlEncodedContent(fields.Select(f => KeyValuePair.Create(f.Name, f.Value))));
        var text = await answer.Content.ReadAsStringAsync();
        return (answer.StatusCode, text.Length == 0 ? [] : (JsonNode.Parse(text) as JsonObject ?? []));
    }

    /// <summary>Calls a tool at <paramref name="mcpUrl"/> with an access token: the status, the body and the WWW-Authenticate header.</summary>
    public async Task<(HttpStatusCode Status, string Body, string? Challenge)> CallToolAsync(string mcpUrl, string? token, string tool = "whoami")
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, mcpUrl)
        {
            Content = new StringContent("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"" + tool + "\",\"arguments\":{}}}", Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("Accept", "application/json, text/event-stream");
        request.Headers.Add("MCP-Protocol-Version", "2025-06-18");
        if (token is not null)
        {
            request.Headers.Add("Authorization", "Bearer " + token);
        }

        using var answer = await _http.SendAsync(request);
        return (answer.StatusCode, await answer.Content.ReadAsStringAsync(), answer.Headers.WwwAuthenticate.ToString() is { Length: > 0 } c ? c : null);
    }

    /// <summary>A query parameter of a URI, decoded.</summary>
    public static string? Query(Uri uri, string name) =>
        uri.Query.TrimStart('?').Split('&').Select(p => p.Split('=', 2)).Where(p => p[0] == name).Select(p => Uri.UnescapeDataString(p.Length > 1 ? p[1] : "")).FirstOrDefault();

    private static string Field(string page, string name) =>
        WebUtility.HtmlDecode(HiddenField().Matches(page).First(m => m.Groups[1].Value == name).Groups[2].Value);

    [GeneratedRegex("name=\"([a-z]+)\" value=\"([^\"]*)\"")]
    private static partial Regex HiddenField();

    private static void Expect(HttpResponseMessage answer, HttpStatusCode status, string what, string? body = null)
    {
        if (answer.StatusCode != status)
        {
            throw new InvalidOperationException($"{what} answered {(int)answer.StatusCode}, not {(int)status}: {body}");
        }
    }

    public void Dispose() => _http.Dispose();
}
