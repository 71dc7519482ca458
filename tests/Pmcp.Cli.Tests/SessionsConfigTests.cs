using Pmcp.Cli.Deploy;
using Tomlyn;
using Tomlyn.Model;

namespace Pmcp.Cli.Tests;

/// <summary>deploy.toml's <c>[mcp]</c>: <c>sessions</c> and <c>session_ttl</c> become the Worker's vars, for every environment.</summary>
public sealed class SessionsConfigTests
{
    [Fact]
    public void SessionsBecomeTheWorkersVarsInEveryEnvironment()
    {
        using var project = TempProject.WithWorkersFolder();
        project.DeployToml = """
            [workers]
            name = "my-mcp-server"
            compatibility_date = "2024-01-01"

            [mcp]
            sessions = true
            session_ttl = 600

            [env.staging]
            name = "my-mcp-server-staging"
            """;

        project.Deploy.SyncWrangler();

        var wrangler = TomlSerializer.Deserialize<TomlTable>(project.WranglerToml)!;
        var vars = Assert.IsType<TomlTable>(wrangler["vars"]);
        Assert.Equal("true", vars["PMCP_SESSIONS"]);
        Assert.Equal("600", vars["PMCP_SESSION_TTL"]);
        var staging = Assert.IsType<TomlTable>(Assert.IsType<TomlTable>(Assert.IsType<TomlTable>(wrangler["env"])["staging"])["vars"]);
        Assert.Equal("true", staging["PMCP_SESSIONS"]);
    }

    [Fact]
    public void WithoutMcpTheWorkerIsStateless()
    {
        using var project = TempProject.WithWorkersFolder();
        project.DeployToml = "[workers]\nname = \"my-mcp-server\"\ncompatibility_date = \"2024-01-01\"\n\n[mcp]\nsessions = false\n";

        project.Deploy.SyncWrangler();

        Assert.DoesNotContain("PMCP_SESSIONS", project.WranglerToml, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("sessions = \"yes\"", "sessions must be true or false")]
    [InlineData("session_ttl = -5", "session_ttl is an idle session's lifetime in seconds")]
    [InlineData("ttl = 5", "unknown key [mcp] ttl")]
    public void BadMcpSettingsAreClearErrors(string line, string message)
    {
        using var project = TempProject.WithWorkersFolder();
        project.DeployToml = "[workers]\nname = \"my-mcp-server\"\ncompatibility_date = \"2024-01-01\"\n\n[mcp]\n" + line + "\n";
        var error = Assert.Throws<CliException>(() => project.Deploy.SyncWrangler());
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }
}
