using System.Text.Json;
using Pmcp.Testing;

namespace Pmcp.Cli.Commands.Tests;

public sealed class ConnectCommandTests
{
    private const string Secret = "sk-test-0123456789-never-printed";
    private const string Deployed = "https://hello-world.example.workers.dev/mcp";

    /// <summary>The key is set in the CLI's environment, so a leak of its value would show in the output.</summary>
    private static readonly Dictionary<string, string> WithSecret = new() { ["MCP_API_KEY"] = Secret };

    private static async Task<(string StdOut, string StdErr)> ConnectAsync(params string[] arguments)
    {
        var (exitCode, stdout, stderr) = await Cli.RunAsync(RepoPaths.Root, WithSecret, ["connect", .. arguments]);
        Assert.True(exitCode == 0, $"exit {exitCode}\n{stdout}\n{stderr}");
        Assert.DoesNotContain(Secret, stdout, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, stderr, StringComparison.Ordinal);
        return (stdout, stderr);
    }

    private static async Task<JsonElement> JsonAsync(params string[] arguments)
    {
        var (stdout, stderr) = await ConnectAsync(arguments);
        Assert.False(string.IsNullOrWhiteSpace(stderr), "the note saying where the file goes is on standard error");
        using var document = JsonDocument.Parse(stdout);
        return document.RootElement.Clone();
    }

    [Fact]
    public async Task ClaudeDesktopGoesThroughMcpRemoteOverStdio()
    {
        var config = await JsonAsync("samples/HelloWorld", "--client", "claude-desktop");

        var server = config.GetProperty("mcpServers").GetProperty("hello-world");
        Assert.Equal("npx", server.GetProperty("command").GetString());
        Assert.Equal(["-y", "mcp-remote", "http://127.0.0.1:8787/mcp"], Strings(server.GetProperty("args")));
        Assert.False(server.TryGetProperty("env", out _));
        Assert.False(server.TryGetProperty("url", out _), "Claude Desktop does not use a URL in its config: it speaks stdio");
    }

    [Fact]
    public async Task ClaudeDesktopSaysRemoteServersAreConnectorsBesideTheBridge()
    {
        var (_, stderr) = await ConnectAsync("samples/HelloWorld", "--client", "claude-desktop", "--url", Deployed);

        Assert.Contains("Settings > Connectors > Add custom connector", stderr, StringComparison.Ordinal);
        Assert.Contains(Deployed, stderr, StringComparison.Ordinal);
        Assert.Contains("mcp-remote", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("only stdio", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ClaudeCodeIsItsMcpAddCommand()
    {
        var (stdout, stderr) = await ConnectAsync("samples/HelloWorld", "--client", "claude-code");

        Assert.Equal("claude mcp add --transport http hello-world http://127.0.0.1:8787/mcp", stdout.Trim());
        Assert.Contains("--scope", stderr, StringComparison.Ordinal);
    }

    /// <summary>
    /// The printed command holds only a reference to the key; a shell running it hands claude the key itself, as one
    /// header argument (a stand-in <c>claude</c> on PATH prints the arguments it got).
    /// </summary>
    [Fact]
    public async Task ClaudeCodeWithAKeyPassesAHeaderTheShellFillsIn()
    {
        var (stdout, _) = await ConnectAsync("samples/HelloWorld", "--client", "claude-code", "--url", Deployed + "?tenant=a&x=1", "--api-key-env", "MCP_API_KEY");

        var command = stdout.Trim();
        Assert.Equal($"claude mcp add --transport http hello-world '{Deployed}?tenant=a&x=1' --header \"Authorization: Bearer ${{MCP_API_KEY}}\"", command);
        using var temp = new TempFolder();
        var claude = temp["claude"];
        await File.WriteAllTextAsync(claude, "#!/bin/sh\nfor argument in \"$@\"; do printf '%s\\n' \"$argument\"; done\n");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(claude, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        var run = await TestProcess.RunAsync("sh", ["-c", command], temp.Path, TimeSpan.FromMinutes(1),
            new Dictionary<string, string> { ["PATH"] = temp.Path + ":" + Environment.GetEnvironmentVariable("PATH"), ["MCP_API_KEY"] = Secret });
        Assert.True(run.ExitCode == 0, run.StdOut + run.StdErr);
        Assert.Equal(["mcp", "add", "--transport", "http", "hello-world", Deployed + "?tenant=a&x=1", "--header", "Authorization: Bearer " + Secret],
            run.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public async Task ChatGptGetsTheValuesOfAConnectorForAPublicHttpsServer()
    {
        var (stdout, stderr) = await ConnectAsync("samples/HelloWorld", "--client", "chatgpt", "--url", Deployed);

        Assert.Equal(["Name: hello-world", $"MCP Server URL: {Deployed}", "Authentication: No authentication"],
            stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        Assert.Contains("Developer mode", stderr, StringComparison.Ordinal);
        Assert.Contains("OAuth or not at all", stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new[] { "--client", "chatgpt" }, "cannot reach http://127.0.0.1:8787/mcp")]
    [InlineData(new[] { "--client", "chatgpt", "--url", "http://mcp.example.com/mcp" }, "only to remote servers over HTTPS")]
    [InlineData(new[] { "--client", "chatgpt", "--url", Deployed, "--api-key-env", "MCP_API_KEY" }, "cannot send an API key")]
    public async Task ChatGptSaysWhatItCannotUseAndWhatToDo(string[] arguments, string message)
    {
        var (exitCode, stdout, stderr) = await Cli.RunAsync(RepoPaths.Root, WithSecret, ["connect", "samples/HelloWorld", .. arguments]);

        Assert.Equal(1, exitCode);
        Assert.Empty(stdout);
        Assert.Contains(message, stderr, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, stderr, StringComparison.Ordinal);
        Assert.True(stderr.Contains("--deployed --client chatgpt", StringComparison.Ordinal) || stderr.Contains("without MCP_API_KEY", StringComparison.Ordinal), stderr);
    }

    [Fact]
    public async Task ClaudeDesktopWithAKeyPassesAHeaderThatReferencesTheEnvBlock()
    {
        var config = await JsonAsync("samples/HelloWorld", "--client", "claude-desktop", "--url", Deployed, "--api-key-env", "MCP_API_KEY");

        var server = config.GetProperty("mcpServers").GetProperty("hello-world");
        Assert.Equal(["-y", "mcp-remote", Deployed, "--header", "Authorization: Bearer ${MCP_API_KEY}"], Strings(server.GetProperty("args")));
        Assert.Equal("<the value of MCP_API_KEY>", server.GetProperty("env").GetProperty("MCP_API_KEY").GetString());
    }

    [Fact]
    public async Task PlainHttpToAnotherHostLetsMcpRemoteAllowIt()
    {
        var config = await JsonAsync("--name", "lan", "--client", "claude-desktop", "--url", "http://192.168.1.20:8787/mcp");

        Assert.Contains("--allow-http", Strings(config.GetProperty("mcpServers").GetProperty("lan").GetProperty("args")));
    }

    [Fact]
    public async Task VscodeHasAnHttpServerInServers()
    {
        var config = await JsonAsync("samples/HelloWorld", "--client", "vscode");

        var server = config.GetProperty("servers").GetProperty("hello-world");
        Assert.Equal("http", server.GetProperty("type").GetString());
        Assert.Equal("http://127.0.0.1:8787/mcp", server.GetProperty("url").GetString());
        Assert.False(server.TryGetProperty("headers", out _));
        Assert.False(config.TryGetProperty("inputs", out _));
    }

    [Fact]
    public async Task VscodeWithAKeyPromptsForItAsAPasswordInput()
    {
        var config = await JsonAsync("samples/HelloWorld", "--client", "vscode", "--url", Deployed, "--api-key-env", "MCP_API_KEY");

        var input = Assert.Single(config.GetProperty("inputs").EnumerateArray());
        Assert.Equal("promptString", input.GetProperty("type").GetString());
        Assert.True(input.GetProperty("password").GetBoolean());
        var id = input.GetProperty("id").GetString();
        var server = config.GetProperty("servers").GetProperty("hello-world");
        Assert.Equal(Deployed, server.GetProperty("url").GetString());
        Assert.Equal($"Bearer ${{input:{id}}}", server.GetProperty("headers").GetProperty("Authorization").GetString());
    }

    [Fact]
    public async Task CursorHasAUrlInMcpServers()
    {
        var config = await JsonAsync("samples/HelloWorld", "--client", "cursor");

        var server = config.GetProperty("mcpServers").GetProperty("hello-world");
        Assert.Equal("http://127.0.0.1:8787/mcp", server.GetProperty("url").GetString());
        Assert.False(server.TryGetProperty("headers", out _));
    }

    [Fact]
    public async Task CursorWithAKeyReadsItFromTheEnvironment()
    {
        var config = await JsonAsync("samples/HelloWorld", "--client", "cursor", "--url", Deployed, "--api-key-env", "MCP_API_KEY");

        var server = config.GetProperty("mcpServers").GetProperty("hello-world");
        Assert.Equal(Deployed, server.GetProperty("url").GetString());
        Assert.Equal("Bearer ${env:MCP_API_KEY}", server.GetProperty("headers").GetProperty("Authorization").GetString());
    }

    [Theory]
    [InlineData(null)]
    [InlineData("MCP_API_KEY")]
    public async Task InspectorPrintsItsCommandLines(string? apiKeyEnv)
    {
        string[] key = apiKeyEnv is null ? [] : ["--api-key-env", apiKeyEnv];
        var (stdout, _) = await ConnectAsync(["--client", "inspector", .. key]);

        var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Equal("npx @modelcontextprotocol/inspector --transport http --server-url http://127.0.0.1:8787/mcp", lines[0]);
        var cli = "npx @modelcontextprotocol/inspector --cli http://127.0.0.1:8787/mcp --transport http --method tools/list";
        Assert.Equal(apiKeyEnv is null ? cli : cli + " --header \"Authorization: Bearer $MCP_API_KEY\"", lines[1]);
    }

    [Fact]
    public async Task AllClientsByDefaultEachWithWhereItsConfigurationGoes()
    {
        var (stdout, _) = await ConnectAsync("samples/HelloWorld", "--api-key-env", "MCP_API_KEY");

        Assert.StartsWith("Server hello-world at http://127.0.0.1:8787/mcp", stdout, StringComparison.Ordinal);
        foreach (var (heading, where) in new[]
        {
            ("== Claude Code (--client claude-code)", "claude mcp add --transport http hello-world"),
            ("== Claude Desktop (--client claude-desktop)", "claude_desktop_config.json"),
            ("== ChatGPT (--client chatgpt)", "cannot reach http://127.0.0.1:8787/mcp"),
            ("== VS Code (--client vscode)", ".vscode/mcp.json"),
            ("== Cursor (--client cursor)", "~/.cursor/mcp.json"),
            ("== MCP Inspector (--client inspector)", "npx @modelcontextprotocol/inspector"),
        })
        {
            Assert.Contains(heading, stdout, StringComparison.Ordinal);
            Assert.Contains(where, stdout[stdout.IndexOf(heading, StringComparison.Ordinal)..], StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task ABareOriginGetsTheMcpPath()
    {
        var config = await JsonAsync("--name", "deployed", "--client", "cursor", "--url", "https://hello-world.example.workers.dev");

        Assert.Equal(Deployed, config.GetProperty("mcpServers").GetProperty("deployed").GetProperty("url").GetString());
    }

    [Theory]
    [InlineData("--url", "ftp://example.com/mcp", "--url must be an http or https URL")]
    [InlineData("--url", "not a url", "--url must be an http or https URL")]
    [InlineData("--api-key-env", Secret, "--api-key-env takes the name of an environment variable")]
    [InlineData("--client", "zed", "zed")]
    public async Task BadOptionsAreClearErrors(string option, string value, string message)
    {
        var (exitCode, stdout, stderr) = await Cli.RunAsync(RepoPaths.Root, ["connect", option, value]);

        Assert.NotEqual(0, exitCode);
        Assert.Contains(message, stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("mcpServers", stdout, StringComparison.Ordinal); // no configuration (a parse error shows the help)
        Assert.DoesNotContain(Secret, stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AServerNameWithATrailingLineBreakIsRefused()
    {
        // .NET's '$' matches before a final "\n": the name used to pass and start a new line in the printed command.
        var (exitCode, stdout, stderr) = await Cli.RunAsync(RepoPaths.Root, ["connect", "--client", "claude-code", "--name", "my-server\n", "--url", Deployed]);

        Assert.NotEqual(0, exitCode);
        Assert.Contains("cannot name a server in the clients' configuration", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("claude mcp add", stdout, StringComparison.Ordinal);
    }

    /// <summary>A project whose deploy.toml says <c>[auth] mode = "oauth"</c>: no key anywhere, and each client told how it signs in.</summary>
    [Fact]
    public async Task AServerThatSignsInWithOAuthGetsNoKeyAndEachClientsSignInNote()
    {
        using var project = OAuthProject();

        var (code, codeNote) = await ConnectAsync(project.Path, "--client", "claude-code", "--url", Deployed);
        Assert.Equal($"claude mcp add --transport http notes {Deployed}", code.Trim());
        Assert.Contains("run /mcp in Claude Code and choose Authenticate", codeNote, StringComparison.Ordinal);

        var (chatGpt, _) = await ConnectAsync(project.Path, "--client", "chatgpt", "--url", Deployed);
        Assert.Contains("Authentication: OAuth", chatGpt, StringComparison.Ordinal);

        var (all, _) = await ConnectAsync(project.Path, "--url", Deployed);
        Assert.Contains("signing clients in with OAuth", all, StringComparison.Ordinal);
        Assert.DoesNotContain("Authorization", all.Replace("Authorization: Bearer <token>", "", StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.Contains("Quick OAuth Flow", all, StringComparison.Ordinal);
        Assert.Contains("asks to sign in", all, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnApiKeyForAServerThatSignsInWithOAuthIsAClearError()
    {
        using var project = OAuthProject();

        var (exitCode, stdout, stderr) = await Cli.RunAsync(RepoPaths.Root, WithSecret, ["connect", project.Path, "--api-key-env", "MCP_API_KEY"]);

        Assert.Equal(1, exitCode);
        Assert.Empty(stdout);
        Assert.Contains("signs clients in with OAuth", stderr, StringComparison.Ordinal);
        Assert.Contains("leave out --api-key-env", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OAuthCanBeSaidForAnEndpointOutsideAProject()
    {
        var (stdout, stderr) = await ConnectAsync("samples/HelloWorld", "--client", "vscode", "--url", Deployed, "--oauth");

        using var config = JsonDocument.Parse(stdout);
        Assert.False(config.RootElement.GetProperty("servers").GetProperty("hello-world").TryGetProperty("headers", out _));
        Assert.Contains("asks to sign in", stderr, StringComparison.Ordinal);
    }

    private static TempFolder OAuthProject()
    {
        var folder = new TempFolder();
        File.WriteAllText(folder["Notes.csproj"], "<Project Sdk=\"Microsoft.NET.Sdk\" />\n");
        Directory.CreateDirectory(folder[".pmcp"]);
        File.WriteAllText(folder[Path.Combine(".pmcp", "deploy.toml")], """
            [workers]
            name = "notes"

            [auth]
            mode = "oauth"
            issuer = "https://login.example.com"
            resource = "https://notes.example.workers.dev/mcp"
            """);
        return folder;
    }

    private static string[] Strings(JsonElement array) => [.. array.EnumerateArray().Select(e => e.GetString()!)];
}
