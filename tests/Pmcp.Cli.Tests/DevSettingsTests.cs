using Pmcp.Cli.Processes;

namespace Pmcp.Cli.Tests;

/// <summary><c>.pmcp/dev.toml</c>: what dev starts beside the server and the values it gives it, and each mistake refused with the fix.</summary>
public sealed class DevSettingsTests
{
    private const string File = ".pmcp/dev.toml";

    [Fact]
    public void StartAndVarsAreRead()
    {
        var settings = DevSettings.Parse("""
            [[start]]
            name = "provider"
            command = ["node", "local-provider.mjs", "9100"]
            ready_url = "http://127.0.0.1:9100/.well-known/openid-configuration"

            [[start]]
            name = "api-stand-in"
            command = ["dotnet", "run", "--project", "../StandIn"]

            [vars]
            UPSTREAM_SECRET = "local-only"
            """, File);

        Assert.Equal(["provider", "api-stand-in"], settings.Start.Select(s => s.Name));
        Assert.Equal(["node", "local-provider.mjs", "9100"], settings.Start[0].Command);
        Assert.Equal(new Uri("http://127.0.0.1:9100/.well-known/openid-configuration"), settings.Start[0].ReadyUrl);
        Assert.Null(settings.Start[1].ReadyUrl);
        Assert.Equal([new KeyValuePair<string, string>("UPSTREAM_SECRET", "local-only")], settings.Vars);
    }

    [Theory]
    [InlineData("start = \"node x.mjs\"", "start must be an array of tables")]
    [InlineData("[[start]]\ncommand = [\"node\"]", "name must be a short word")]
    [InlineData("[[start]]\nname = \"a b\"\ncommand = [\"node\"]", "name must be a short word")]
    [InlineData("[[start]]\nname = \"p\"\ncommand = \"node x.mjs\"", "command must be the program and its arguments as an array")]
    [InlineData("[[start]]\nname = \"p\"\ncommand = []", "command must be the program")]
    [InlineData("[[start]]\nname = \"p\"\ncommand = [\"node\"]\nready_url = \"ftp://x\"", "ready_url must be an http(s) URL")]
    [InlineData("[[start]]\nname = \"p\"\ncommand = [\"node\"]\ncwd = \"x\"", "unknown key 'cwd'")]
    [InlineData("[[start]]\nname = \"p\"\ncommand = [\"a\"]\n[[start]]\nname = \"p\"\ncommand = [\"b\"]", "two [[start]] entries are named 'p'")]
    [InlineData("[vars]\nSECRET = 1", "[vars] SECRET must be a string")]
    [InlineData("[vars]\n\"A-B\" = \"x\"", "[vars] A-B must be a string with a name of letters")]
    [InlineData("[dev]\nstart = []", "unknown key 'dev'")]
    [InlineData("[[start]\n", "is not valid TOML")]
    public void MistakesAreRefusedWithTheFix(string toml, string expected)
    {
        var error = Assert.Throws<CliException>(() => DevSettings.Parse(toml, File));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.Contains(File, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ADevVarsLineWinsOverAValueOfDevToml()
    {
        var folder = Directory.CreateTempSubdirectory("pmcp-devsettings-");
        try
        {
            var devVars = Path.Combine(folder.FullName, ".dev.vars");
            System.IO.File.WriteAllText(devVars, "# mine\nexport A = \"mine\"\nC=x\n");
            var settings = DevSettings.Parse("[vars]\nA = \"default\"\nB = \"default\"\n", File);

            Assert.Equal(["B"], settings.VarsNotIn(devVars).Select(v => v.Key));
            Assert.Equal(["A", "B"], settings.VarsNotIn(Path.Combine(folder.FullName, "missing")).Select(v => v.Key));
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }
}
