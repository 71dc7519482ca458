using Pmcp.Cli.Connect;
using Pmcp.Cli.Deploy;
using Pmcp.Cli.Scaffolding;

namespace Pmcp.Cli.Tests;

/// <summary>
/// Every name rule refuses a name with a trailing line break (issue 15): .NET's <c>$</c> also matches before a final
/// "\n", so <c>^…$</c> used to let <c>[env."staging\n"]</c> or a binding named <c>"CACHE\n"</c> through into the
/// generated wrangler.toml. The rules are anchored with <c>\z</c>.
/// </summary>
public sealed class TrailingNewlineNameTests
{
    private static string ErrorOf(string toml) => Assert.Throws<CliException>(() => DeployConfigReader.Parse(toml, ".pmcp/deploy.toml")).Message;

    [Fact]
    public void AnEnvironmentNameWithALineBreakIsRefused() =>
        Assert.Contains("an environment's name is lower-case letters", ErrorOf("[workers]\nname = \"s\"\n[env.\"staging\\n\"]\nname = \"s-staging\"\n"), StringComparison.Ordinal);

    [Fact]
    public void AWorkerNameWithALineBreakIsRefused() =>
        Assert.Contains("is not a valid Worker name", ErrorOf("[workers]\nname = \"my-server\\n\"\n"), StringComparison.Ordinal);

    [Fact]
    public void AnEnvironmentsWorkerNameWithALineBreakIsRefused() =>
        Assert.Contains("is not a valid Worker name", ErrorOf("[workers]\nname = \"s\"\n[env.staging]\nname = \"s-staging\\n\"\n"), StringComparison.Ordinal);

    [Theory]
    [InlineData("kv_namespaces")]
    [InlineData("d1_databases")]
    [InlineData("r2_buckets")]
    [InlineData("hyperdrive")]
    public void ABindingNameWithALineBreakIsRefused(string section) =>
        Assert.Contains("is not a valid binding name", ErrorOf($"[workers]\nname = \"s\"\n[workers.{section}]\n\"CACHE\\n\" = \"x\"\n"), StringComparison.Ordinal);

    [Fact]
    public void AVariableNameWithALineBreakIsNotOne()
    {
        Assert.True(Names.IsVariableName("MCP_API_KEY"));
        Assert.False(Names.IsVariableName("MCP_API_KEY\n"));
    }

    [Fact]
    public void AProjectNameWithALineBreakIsRefused()
    {
        Assert.Null(ProjectName.Problem("MyServer"));
        Assert.NotNull(ProjectName.Problem("MyServer\n"));
        Assert.Null(ProjectName.Identifier("my-server\n"));
        Assert.Null(ProjectName.Identifier("MyServer\n"));
    }

    [Fact]
    public void ATomlKeyWithALineBreakIsQuoted()
    {
        Assert.Equal("CACHE", TomlText.Key("CACHE"));
        Assert.Equal("\"CACHE\\n\"", TomlText.Key("CACHE\n"));
    }

    [Fact]
    public void AShellWordWithALineBreakIsQuoted()
    {
        Assert.Equal("plain-word", ClientConfigs.ShellWord("plain-word"));
        Assert.Equal("'word\n'", ClientConfigs.ShellWord("word\n"));
    }
}
