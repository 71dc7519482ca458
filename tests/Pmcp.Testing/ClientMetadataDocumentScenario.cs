using System.Net;
using System.Text.Json.Nodes;
using Xunit;

namespace Pmcp.Testing;

/// <summary>
/// Client ID Metadata Documents against the built-in authorization server, the same in both hosts: a client whose
/// client_id is its document's URL signs in eight times at once without registering, its document fetched once and
/// then cached; documents that name another client_id, are too large, have a secret, a bad redirect URI or are missing,
/// and redirect URIs the document lacks, are each refused with a page (never a redirect).
/// </summary>
public static class ClientMetadataDocumentScenario
{
    public static async Task RunAsync(ScriptedUserAgent agent, string resource, ClientDocumentServer documents)
    {
        const string Redirect = "http://127.0.0.1:9/cb";
        using (var metadata = await agent.Http.GetAsync(agent.Issuer + "/.well-known/oauth-authorization-server"))
        {
            var json = JsonNode.Parse(await metadata.Content.ReadAsStringAsync())!;
            Assert.True(json["client_id_metadata_document_supported"]!.GetValue<bool>());
        }

        var path = "/clients/" + Guid.NewGuid().ToString("N") + ".json";
        var clientId = documents.Serve(path, Document(documents.Url + path, "Document client", [Redirect]));

        // Eight sign-ins at once: the first fetches settle the cache; the others read it.
        var pairs = Enumerable.Range(0, 8).Select(_ => ScriptedUserAgent.Pkce()).ToArray();
        var codes = await Task.WhenAll(pairs.Select(p => agent.CodeAsync(clientId, Redirect, p.Challenge)));
        var answers = await Task.WhenAll(codes.Select((code, i) => agent.TokenAsync(("grant_type", "authorization_code"), ("code", code), ("client_id", clientId), ("code_verifier", pairs[i].Verifier))));
        Assert.All(answers, a => Assert.True(a.Status == HttpStatusCode.OK, a.Body.ToJsonString()));
        var calls = await Task.WhenAll(answers.Select(a => agent.CallToolAsync(resource, a.Body["access_token"]!.GetValue<string>())));
        Assert.All(calls, c => Assert.True(c.Status == HttpStatusCode.OK, $"{c.Status} {c.Challenge} {c.Body}"));
        var fetched = documents.Fetches(path);
        Assert.InRange(fetched, 1, 8);
        var (verifier, challenge) = ScriptedUserAgent.Pkce();
        var again = await agent.CodeAsync(clientId, Redirect, challenge);
        Assert.Equal(fetched, documents.Fetches(path));
        var refreshed = await agent.TokenAsync(("grant_type", "authorization_code"), ("code", again), ("client_id", clientId), ("code_verifier", verifier));
        Assert.Equal(HttpStatusCode.OK, refreshed.Status);
        var wrongClient = await agent.TokenAsync(("grant_type", "refresh_token"), ("refresh_token", refreshed.Body["refresh_token"]!.GetValue<string>()), ("client_id", clientId + "x"));
        Assert.Equal("invalid_grant", wrongClient.Body["error"]!.GetValue<string>());

        // A redirect URI the document does not list.
        await RefusedAsync(agent, clientId, "http://127.0.0.1:9/other", "redirect URI is not one it registered");

        var other = "/clients/" + Guid.NewGuid().ToString("N") + ".json";
        await RefusedAsync(agent, documents.Serve(other, Document(documents.Url + "/clients/someone-else.json", "Impostor", [Redirect])), Redirect, "another client_id");

        var big = "/clients/" + Guid.NewGuid().ToString("N") + ".json";
        var padded = Document(documents.Url + big, new string('x', 6000), [Redirect]);
        await RefusedAsync(agent, documents.Serve(big, padded), Redirect, "larger than 5 KiB");

        var secret = "/clients/" + Guid.NewGuid().ToString("N") + ".json";
        var withSecret = JsonNode.Parse(Document(documents.Url + secret, "Confidential", [Redirect]))!;
        withSecret["token_endpoint_auth_method"] = "client_secret_basic";
        await RefusedAsync(agent, documents.Serve(secret, withSecret.ToJsonString()), Redirect, "with a secret");

        var badRedirect = "/clients/" + Guid.NewGuid().ToString("N") + ".json";
        await RefusedAsync(agent, documents.Serve(badRedirect, Document(documents.Url + badRedirect, "Bad", ["http://attacker.example.com/cb"])), "http://attacker.example.com/cb", "not acceptable");

        await RefusedAsync(agent, documents.Url + "/clients/missing.json", Redirect, "HTTP 404");
        await RefusedAsync(agent, documents.Url + "/", Redirect, "must have a path");
    }

    private static string Document(string clientId, string name, string[] redirects) => new JsonObject
    {
        ["client_id"] = clientId,
        ["client_name"] = name,
        ["redirect_uris"] = new JsonArray([.. redirects.Select(r => (JsonNode)r)]),
        ["grant_types"] = new JsonArray("authorization_code", "refresh_token"),
        ["response_types"] = new JsonArray("code"),
        ["token_endpoint_auth_method"] = "none",
    }.ToJsonString();

    private static async Task RefusedAsync(ScriptedUserAgent agent, string clientId, string redirect, string reason)
    {
        using var answer = await agent.Http.GetAsync(agent.AuthorizeUrl(clientId, redirect, ScriptedUserAgent.Pkce().Challenge));
        var page = await answer.Content.ReadAsStringAsync();
        Assert.True(answer.StatusCode == HttpStatusCode.BadRequest, $"{clientId}: {(int)answer.StatusCode} {page}");
        Assert.Null(answer.Headers.Location);
        Assert.Contains(reason, WebUtility.HtmlDecode(page), StringComparison.Ordinal);
    }
}
