using Pmcp.Cli.Deploy;

namespace Pmcp.Cli.Tests;

/// <summary>
/// <c>[auth]</c> in deploy.toml becomes the vars the Worker reads (<c>PMCP_AUTH_MODE</c>, <c>PMCP_OAUTH_*</c>) in
/// wrangler.toml, for the Worker and for each environment (whose own <c>[env.NAME.auth]</c> keys win), and every
/// mistake is refused with the fix.
/// </summary>
public sealed class DeployAuthTests
{
    private const string File = ".pmcp/deploy.toml";

    private const string OAuthToml = """
        [workers]
        name = "notes"

        [workers.vars]
        ENVIRONMENT = "development"

        [auth]
        mode = "oauth"
        issuer = "https://login.example.com"
        resource = "https://notes.example.workers.dev/mcp"
        scopes = ["mcp", "notes:read"]

        [env.staging]
        name = "notes-staging"

        [env.staging.auth]
        resource = "https://notes-staging.example.workers.dev/mcp"

        [env.production]
        name = "notes-prod"

        [env.production.vars]
        ENVIRONMENT = "production"
        """;

    private static string Generate(string toml) =>
        WranglerTomlWriter.Write(DeployConfigReader.Parse(toml, File), null, ".pmcp/workers/wrangler.toml", ["Notes.csproj"]).Text;

    private static string ErrorOf(string toml) => Assert.Throws<CliException>(() => DeployConfigReader.Parse(toml, File)).Message;

    private static string Section(string text, string header)
    {
        var start = text.IndexOf(header + "\n", StringComparison.Ordinal);
        Assert.True(start >= 0, $"no {header} in:\n{text}");
        var end = text.IndexOf("\n\n", start, StringComparison.Ordinal); // sections are separated by a blank line
        return text[start..(end < 0 ? text.Length : end)].TrimEnd('\n') + "\n";
    }

    [Fact]
    public void OAuthBecomesTheWorkersVarsAndEachEnvironmentsOwn()
    {
        var text = Generate(OAuthToml);

        Assert.Equal("""
            [vars]
            ENVIRONMENT = "development"
            PMCP_AUTH_MODE = "oauth"
            PMCP_OAUTH_ISSUER = "https://login.example.com"
            PMCP_OAUTH_RESOURCE = "https://notes.example.workers.dev/mcp"
            PMCP_OAUTH_SCOPES = "mcp notes:read"

            """, Section(text, "[vars]"));
        Assert.Contains("PMCP_OAUTH_RESOURCE = \"https://notes-staging.example.workers.dev/mcp\"\n", Section(text, "[env.staging.vars]"), StringComparison.Ordinal);
        Assert.Contains("PMCP_OAUTH_ISSUER = \"https://login.example.com\"\n", Section(text, "[env.staging.vars]"), StringComparison.Ordinal);
        Assert.Contains("ENVIRONMENT = \"production\"\n", Section(text, "[env.production.vars]"), StringComparison.Ordinal);
        Assert.Contains("PMCP_OAUTH_RESOURCE = \"https://notes.example.workers.dev/mcp\"\n", Section(text, "[env.production.vars]"), StringComparison.Ordinal);
        Assert.Equal(3, text.Split("PMCP_AUTH_MODE").Length - 1); // once per [vars] table: the Worker's, staging's, production's
    }

    [Theory]
    [InlineData("none", "PMCP_AUTH_MODE = \"none\"\n")]
    [InlineData("api-key", "PMCP_AUTH_MODE = \"api-key\"\n")]
    public void OtherModesWriteOnlyTheMode(string mode, string expected)
    {
        var vars = Section(Generate($"[workers]\nname = \"s\"\n[auth]\nmode = \"{mode}\"\n"), "[vars]");

        Assert.Equal("[vars]\n" + expected, vars);
    }

    [Fact]
    public void WithoutAuthNothingIsWritten() =>
        Assert.DoesNotContain("PMCP_AUTH", Generate("[workers]\nname = \"s\"\n[workers.vars]\nA = \"b\"\n"), StringComparison.Ordinal);

    [Theory]
    [InlineData("[auth]\nmode = \"oauth\"\nresource = \"https://s.example/mcp\"\n", "[auth] mode = \"oauth\" needs issuer")]
    [InlineData("[auth]\nmode = \"oauth\"\nissuer = \"https://login.example.com\"\n", "[auth] mode = \"oauth\" needs resource")]
    [InlineData("[auth]\nmode = \"oauth\"\nissuer = \"http://login.example.com\"\nresource = \"https://s.example/mcp\"\n", "[auth] issuer \"http://login.example.com\" must be an absolute https:// URL")]
    [InlineData("[auth]\nmode = \"oauth\"\nissuer = \"https://login.example.com\"\nresource = \"https://s.example/mcp#x\"\n", "has a fragment")]
    [InlineData("[auth]\nmode = \"oauth\"\nissuer = \"https://login.example.com\"\nresource = \"https://s.example/mcp\"\nscopes = [\"a b\"]\n", "\"a b\" is not a scope")]
    [InlineData("[auth]\nmode = \"oauth2\"\n", "[auth] mode must be \"none\", \"api-key\", \"oauth\" or \"access\"; it is \"oauth2\"")]
    [InlineData("[auth]\nmode = \"access\"\n", "[auth] mode = \"access\" needs team_domain")]
    [InlineData("[auth]\nmode = \"access\"\nteam_domain = \"myteam.cloudflareaccess.com\"\n", "needs aud")]
    [InlineData("[auth]\nmode = \"access\"\nteam_domain = \"my team\"\naud = \"a1\"\n", "must be a host name")]
    [InlineData("[auth]\nmode = \"access\"\nteam_domain = \"t.cloudflareaccess.com\"\naud = \"a1\"\nissuer = \"https://login.example.com\"\n", "takes only team_domain and aud")]
    [InlineData("[auth]\nmode = \"api-key\"\naud = \"a1\"\n", "team_domain and aud are for mode = \"access\"")]
    [InlineData("[auth]\nmode = \"api-key\"\nissuer = \"https://login.example.com\"\n", "takes no issuer")]
    [InlineData("[auth]\nmode = \"none\"\nclient_secret = \"x\"\n", "unknown key [auth] client_secret")]
    [InlineData("[auth]\nmode = \"none\"\n[workers.vars]\nPMCP_AUTH_MODE = \"oauth\"\n", "[workers.vars] PMCP_AUTH_MODE is set by [auth]")]
    [InlineData("[auth]\nmode = \"none\"\n[env.staging.auth]\nmode = \"oauth\"\n", "[env.staging.auth] mode = \"oauth\" needs issuer")]
    public void MistakesAreRefusedWithTheFix(string auth, string expected) =>
        Assert.Contains(expected, ErrorOf("[workers]\nname = \"s\"\n" + auth), StringComparison.Ordinal);

    [Fact]
    public void CloudflareAccessWritesItsTeamAndAudience()
    {
        var vars = Section(Generate("""
            [workers]
            name = "internal"

            [auth]
            mode = "access"
            team_domain = "myteam.cloudflareaccess.com"
            aud = "4714c1358e65fe4b408ad6d432a5f878f08194bdb4752441fd56faefa9b2b6f2"
            """), "[vars]");

        Assert.Contains("PMCP_AUTH_MODE = \"access\"", vars, StringComparison.Ordinal);
        Assert.Contains("PMCP_ACCESS_TEAM_DOMAIN = \"myteam.cloudflareaccess.com\"", vars, StringComparison.Ordinal);
        Assert.Contains("PMCP_ACCESS_AUD = \"4714c1358e65fe4b408ad6d432a5f878f08194bdb4752441fd56faefa9b2b6f2\"", vars, StringComparison.Ordinal);
        Assert.DoesNotContain("PMCP_OAUTH", vars, StringComparison.Ordinal);
    }

    [Fact]
    public void TheBuiltInServerWritesItsUpstreamAndNoIssuer()
    {
        var vars = Section(Generate("""
            [workers]
            name = "signin"

            [auth]
            mode = "oauth"
            server = "built-in"
            resource = "https://signin.example.workers.dev/mcp"
            scopes = ["mcp"]
            extra_scopes = ["notes:write"]
            upstream = "github"
            upstream_client_id = "Iv1.abc"
            """), "[vars]");

        Assert.Equal("""
            [vars]
            PMCP_AUTH_MODE = "oauth"
            PMCP_OAUTH_SERVER = "built-in"
            PMCP_OAUTH_RESOURCE = "https://signin.example.workers.dev/mcp"
            PMCP_OAUTH_SCOPES = "mcp"
            PMCP_OAUTH_EXTRA_SCOPES = "notes:write"
            PMCP_OAUTH_UPSTREAM = "github"
            PMCP_OAUTH_UPSTREAM_CLIENT_ID = "Iv1.abc"

            """, vars);
        Assert.DoesNotContain("SECRET", vars, StringComparison.Ordinal);
    }

    [Fact]
    public void AnEnvironmentMayPointTheBuiltInServerAtItsOwnProvider()
    {
        var text = Generate("""
            [workers]
            name = "signin"

            [auth]
            mode = "oauth"
            server = "built-in"
            resource = "https://signin.example.workers.dev/mcp"
            upstream = "oidc"
            upstream_url = "https://accounts.example.com"
            upstream_client_id = "prod-client"
            database = "GRANTS"

            [env.dev]
            name = "signin-dev"

            [env.dev.auth]
            resource = "http://127.0.0.1:8787/mcp"
            upstream_url = "http://127.0.0.1:9100"
            upstream_client_id = "local-client"
            """);
        var dev = Section(text, "[env.dev.vars]");
        Assert.Contains("PMCP_OAUTH_UPSTREAM_URL = \"http://127.0.0.1:9100\"\n", dev, StringComparison.Ordinal);
        Assert.Contains("PMCP_OAUTH_UPSTREAM_CLIENT_ID = \"local-client\"\n", dev, StringComparison.Ordinal);
        Assert.Contains("PMCP_OAUTH_DB = \"GRANTS\"\n", dev, StringComparison.Ordinal);
        Assert.Contains("PMCP_OAUTH_UPSTREAM_URL = \"https://accounts.example.com\"\n", Section(text, "[vars]"), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("server = \"built-in\"\nresource = \"https://s.example/mcp\"\nupstream_client_id = \"c\"\n", "needs upstream = \"github\" or \"oidc\"")]
    [InlineData("server = \"built-in\"\nresource = \"https://s.example/mcp\"\nupstream = \"oidc\"\nupstream_client_id = \"c\"\n", "upstream = \"oidc\" needs upstream_url")]
    [InlineData("server = \"built-in\"\nresource = \"https://s.example/mcp\"\nupstream = \"github\"\n", "needs upstream_client_id")]
    [InlineData("server = \"built-in\"\nupstream = \"github\"\nupstream_client_id = \"c\"\n", "needs resource")]
    [InlineData("server = \"built-in\"\nissuer = \"https://l.example\"\nresource = \"https://s.example/mcp\"\nupstream = \"github\"\nupstream_client_id = \"c\"\n", "delete issuer")]
    [InlineData("server = \"built-in\"\nresource = \"https://s.example/mcp\"\nupstream = \"github\"\nupstream_client_id = \"c\"\nupstream_api_url = \"http://api.example\"\n", "upstream_api_url \"http://api.example\" must be an absolute https:// URL")]
    [InlineData("server = \"built-in\"\nresource = \"https://s.example/mcp\"\nupstream = \"github\"\nupstream_client_id = \"c\"\ndatabase = \"a-b\"\n", "must name a D1 binding")]
    [InlineData("server = \"inside\"\n", "server must be \"external\"")]
    [InlineData("issuer = \"https://l.example\"\nresource = \"https://s.example/mcp\"\nupstream = \"github\"\n", "upstream are for the built-in authorization server")]
    public void BuiltInMistakesAreRefusedWithTheFix(string keys, string expected) =>
        Assert.Contains(expected, ErrorOf("[workers]\nname = \"s\"\n[auth]\nmode = \"oauth\"\n" + keys), StringComparison.Ordinal);

    [Fact]
    public void ScopesMayBeOneString() =>
        Assert.Equal(["mcp", "notes:read"], DeployConfigReader.Parse(
            "[workers]\nname = \"s\"\n[auth]\nmode = \"oauth\"\nissuer = \"https://l.example\"\nresource = \"https://s.example/mcp\"\nscopes = \"mcp notes:read\"\n", File).Auth!.Scopes);
}
