using System.Net;
using System.Text;

namespace Pmcp.Workers.Auth;

/// <summary>
/// The built-in authorization server's two pages: the consent form, and the error page shown when a request cannot be
/// sent back to its client (an unknown client or an unregistered redirect URI: redirecting then would be an open
/// redirect). Every value shown is HTML-encoded; the pages may not be framed (clickjacking).
/// </summary>
internal static class ConsentPage
{
    /// <summary>Headers every page carries: no framing, no scripts, no caching, no referrer (the URL holds the request).</summary>
    public static Http.Headers PageHeaders() => new Http.Headers(6)
        .Append("Content-Type", "text/html; charset=utf-8")
        .Append("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'")
        .Append("X-Frame-Options", "DENY")
        .Append("Cache-Control", "no-store")
        .Append("Referrer-Policy", "no-referrer");

    public static string Consent(string clientName, string redirectUri, string user, IEnumerable<string> scopes, string requestId, string csrf)
    {
        var scopeList = string.Concat(scopes.Select(s => "<li>" + E(s) + "</li>"));
        return Page("Allow access?", $"""
            <p><b>{E(clientName)}</b> asks to use this MCP server as <b>{E(user)}</b>.</p>
            <p>It will be sent back to <code>{E(redirectUri)}</code>.</p>
            {(scopeList.Length > 0 ? "<p>Scopes:</p><ul>" + scopeList + "</ul>" : "")}
            <form method="post" action="/consent">
              <input type="hidden" name="request" value="{E(requestId)}">
              <input type="hidden" name="csrf" value="{E(csrf)}">
              <button type="submit" name="decision" value="allow">Allow</button>
              <button type="submit" name="decision" value="deny">Deny</button>
            </form>
            """);
    }

    public static string Error(string message) => Page("Sign-in failed", "<p>" + E(message) + "</p>");

    private static string Page(string title, string body) => $"""
        <!doctype html>
        <html><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>{E(title)}</title>
        <style>body{"{"}font-family:system-ui,sans-serif;max-width:32rem;margin:3rem auto;padding:0 1rem{"}"}</style></head>
        <body><h1>{E(title)}</h1>
        {body}
        </body></html>
        """;

    private static string E(string text) => WebUtility.HtmlEncode(text);

    /// <summary>The page as UTF-8.</summary>
    public static byte[] Utf8(string html) => Encoding.UTF8.GetBytes(html);
}
