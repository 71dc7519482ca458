using Pmcp.Cli.Processes;

namespace Pmcp.Cli.Tests;

/// <summary>
/// <c>dev --api-key-env</c> hands the key to wrangler in a private env file: whatever the key holds, wrangler must read
/// back exactly that key (issue 15: a key holding '#' used to be cut there, so the real key got 401 and its prefix 200).
/// </summary>
public sealed class PrivateEnvFileTests
{
    public static TheoryData<string> Keys => new()
    {
        "ab#Zx9k2",
        "ab #Zx9",
        " spaced key ",
        "a=b==c",
        "back\\slash\\",
        "\\",
        "ends with backslash quote\\'",
        "single'quote",
        "double\"quote",
        "both'and\"",
        "`tick`",
        "'`",
        "dollar$HOME and ${PATH} and \\$x and $",
        "a\\nb\\r",
        "'\\n",
        "#leading",
        "\"quoted\"",
        "'single-quoted'",
        "tab\tinside",
        "ünïcödé ключ",
    };

    [Theory]
    [MemberData(nameof(Keys))]
    public void WranglerReadsBackExactlyTheKey(string key)
    {
        var path = PrivateEnvFile.Create(("MCP_API_KEY", key));
        try
        {
            var read = WranglerEnvFile.Read(File.ReadAllText(path));

            Assert.Equal(key, read["MCP_API_KEY"]);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void TheFileIsTheOwnersOnly()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        var path = PrivateEnvFile.Create(("MCP_API_KEY", "k"));
        try
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Theory]
    [InlineData("line\nbreak", "line break")]
    [InlineData("carriage\rreturn", "line break")]
    [InlineData("all'three`\"", "no quoting")]
    [InlineData("'`\\n", "no quoting")]
    public void AKeyNoQuotingCarriesIsRefusedSayingWhatToDo(string key, string expected)
    {
        var error = Assert.Throws<CliException>(() => PrivateEnvFile.Quote("MY_KEY", key));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.Contains("MY_KEY", error.Message, StringComparison.Ordinal);
        Assert.Contains("openssl rand -hex 32", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(key, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TheReaderPortCutsAnUnquotedKeyAtTheHashLikeWranglerDid()
    {
        // What the old writer produced: MCP_API_KEY=<key>, unquoted.
        Assert.Equal("ab", WranglerEnvFile.Read("MCP_API_KEY=ab#Zx9\n")["MCP_API_KEY"]);
    }
}
