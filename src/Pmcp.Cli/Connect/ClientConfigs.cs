using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Pmcp.Cli.Connect;

/// <summary>
/// The configuration each MCP client needs for a Streamable HTTP endpoint, in the shape its documentation gives.
/// An API key is always a reference to an environment variable or a prompt, never its value: these files get shared.
/// </summary>
internal static partial class ClientConfigs
{
    private static readonly JsonSerializerOptions Indented = new()
    {
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>
    /// One client's setup. With <paramref name="oauth"/> the server signs clients in with OAuth (<c>[auth] mode =
    /// "oauth"</c>): nothing to configure but the URL, and each client's note says how it starts the sign-in.
    /// </summary>
    public static ClientSetup For(string client, string name, Uri url, string? apiKeyEnv, bool oauth = false)
    {
        var setup = client switch
        {
            McpClientKind.ClaudeCode => ClaudeCode(name, url, apiKeyEnv),
            McpClientKind.ClaudeDesktop => ClaudeDesktop(name, url, apiKeyEnv),
            McpClientKind.ChatGpt => ChatGpt(name, url, apiKeyEnv, oauth),
            McpClientKind.VsCode => VsCode(name, url, apiKeyEnv),
            McpClientKind.Cursor => Cursor(name, url, apiKeyEnv),
            McpClientKind.Inspector => Inspector(url, apiKeyEnv),
            _ => throw new ArgumentOutOfRangeException(nameof(client), client, null),
        };
        return oauth && setup.Problem is null ? setup with { Where = setup.Where + "\n" + SignIn(client) } : setup;
    }

    /// <summary>How each client starts the OAuth sign-in the MCP authorization spec describes (discovery from the 401).</summary>
    private static string SignIn(string client) => client switch
    {
        McpClientKind.ClaudeCode => "The server signs you in with OAuth: after adding it, run /mcp in Claude Code and choose Authenticate; "
            + "the browser opens the sign-in page and Claude Code keeps the token.",
        McpClientKind.ClaudeDesktop => "The server signs you in with OAuth: a connector signs in when you connect it; mcp-remote opens the "
            + "browser the first time it starts and keeps the tokens in ~/.mcp-auth.",
        McpClientKind.ChatGpt => "ChatGPT finds the sign-in through the server's metadata (/.well-known/oauth-protected-resource) and "
            + "registers itself with the authorization server if it allows dynamic client registration; otherwise enter the client "
            + "ID and secret your identity provider issued for ChatGPT in the connector's OAuth settings.",
        McpClientKind.VsCode => "The server signs you in with OAuth: when it first starts, VS Code asks to sign in and opens the browser.",
        McpClientKind.Cursor => "The server signs you in with OAuth: Cursor's MCP settings show it as needing login; choose Login to sign in in the browser.",
        McpClientKind.Inspector => "The server signs you in with OAuth: in the web UI, use Open Auth Settings > Quick OAuth Flow before "
            + "connecting. The CLI mode (second line) does not sign in, so it gets 401: give it a token with --header \"Authorization: Bearer <token>\".",
        _ => throw new ArgumentOutOfRangeException(nameof(client), client, null),
    };

    /// <summary>
    /// Claude Code's own command: <c>claude mcp add --transport http NAME URL</c>, with the key as a header that
    /// references the variable. The shell fills it in when the command runs, so the value lands in Claude Code's
    /// private configuration (~/.claude.json), never in what this prints.
    /// </summary>
    public static ClientSetup ClaudeCode(string name, Uri url, string? apiKeyEnv)
    {
        var text = $"claude mcp add --transport http {name} {ShellWord(url.AbsoluteUri)}";
        var where = "Run in a terminal where Claude Code (the claude command) is installed. It adds the server for the current " +
            "project; add --scope user for every project, or --scope project to write .mcp.json for the repository.";
        if (apiKeyEnv is not null)
        {
            text += $" --header \"Authorization: Bearer ${{{apiKeyEnv}}}\"";
            where += $"\nYour shell puts the key in from {apiKeyEnv} as the command runs, and Claude Code keeps it in ~/.claude.json. " +
                $"With --scope project, write the header in single quotes instead: .mcp.json then keeps ${{{apiKeyEnv}}} and " +
                $"Claude Code reads {apiKeyEnv} from its environment when it starts.";
        }

        return new(McpClientKind.ClaudeCode, "Claude Code", where, text);
    }

    /// <summary>
    /// Claude Desktop adds remote servers as connectors in its settings (reached from Anthropic's side: public HTTPS,
    /// OAuth or no authentication), which a file cannot configure. For a local server or an API key, it runs
    /// mcp-remote as a local stdio bridge from its config file; mcp-remote expands <c>${VAR}</c> in its arguments
    /// from the env block.
    /// </summary>
    public static ClientSetup ClaudeDesktop(string name, Uri url, string? apiKeyEnv)
    {
        var args = new JsonArray("-y", "mcp-remote", url.AbsoluteUri);
        if (url.Scheme == Uri.UriSchemeHttp && !url.IsLoopback)
        {
            args.Add("--allow-http");
        }

        var server = new JsonObject { ["command"] = "npx", ["args"] = args };
        var connector = url.Scheme == Uri.UriSchemeHttps && !url.IsLoopback
            ? $"Claude Desktop adds a remote server under Settings > Connectors > Add custom connector: enter {url.AbsoluteUri}, " +
                "with OAuth or no authentication (a connector cannot send an API key; Claude reaches it from Anthropic's side)."
            : "Claude Desktop adds remote servers under Settings > Connectors, but only public HTTPS ones (Claude reaches them " +
                "from Anthropic's side), so not this one.";
        var where = connector + """

            For a local server or an API key, Claude Desktop runs mcp-remote (Node.js, fetched by npx) as a local bridge: merge
            this into claude_desktop_config.json (Settings > Developer > Edit Config; macOS: ~/Library/Application Support/Claude/,
            Windows: %APPDATA%\Claude\), then restart Claude Desktop.
            """;
        if (apiKeyEnv is not null)
        {
            args.Add("--header");
            args.Add($"Authorization: Bearer ${{{apiKeyEnv}}}");
            server["env"] = new JsonObject { [apiKeyEnv] = $"<the value of {apiKeyEnv}>" };
            where += $"\nReplace <the value of {apiKeyEnv}> with the key: Claude Desktop does not read your shell's environment." +
                "\nOn Windows, if the header arrives mangled (spaces in arguments), use \"Authorization:${AUTH_HEADER}\" with \"AUTH_HEADER\": \"Bearer <key>\" in env.";
        }

        return new(McpClientKind.ClaudeDesktop, "Claude Desktop", where, Json(new JsonObject { ["mcpServers"] = new JsonObject { [name] = server } }));
    }

    /// <summary>
    /// ChatGPT's connectors (developer mode): a remote MCP server by its URL, reached from OpenAI's side over HTTPS,
    /// authenticated by OAuth or not at all. There is no file to write and no header to send, so this is the values to
    /// enter, or, for an endpoint ChatGPT cannot use, why and what to do.
    /// </summary>
    public static ClientSetup ChatGpt(string name, Uri url, string? apiKeyEnv, bool oauth = false)
    {
        const string Title = "ChatGPT";
        var where = """
            In ChatGPT (web), turn on Developer mode (Settings > Apps & Connectors > Advanced settings; the menu names change
            between releases), then create a connector there with these values. ChatGPT reaches the server from OpenAI's side,
            over HTTPS only, and authenticates with OAuth or not at all: anyone with the URL can use a server without a key.
            """;
        if (url.Scheme != Uri.UriSchemeHttps || url.IsLoopback)
        {
            return new(McpClientKind.ChatGpt, Title, where, "",
                $"ChatGPT connects only to remote servers over HTTPS, from OpenAI's side: it cannot reach {url.AbsoluteUri}. " +
                "Deploy the server (dotnet pmcp deploy) and run dotnet pmcp connect --deployed --client chatgpt, or give its public https URL with --url.");
        }

        if (apiKeyEnv is not null)
        {
            return new(McpClientKind.ChatGpt, Title, where, "",
                "ChatGPT's connectors authenticate with OAuth or not at all: they cannot send an API key (Authorization: Bearer). " +
                "For ChatGPT, deploy the server without MCP_API_KEY and leave out --api-key-env, knowing anyone with the URL can use it; or use another client.");
        }

        var text = $"""
            Name: {name}
            MCP Server URL: {url.AbsoluteUri}
            Authentication: {(oauth ? "OAuth" : "No authentication")}
            """;
        return new(McpClientKind.ChatGpt, Title, where, text);
    }

    /// <summary>VS Code's <c>mcp.json</c>: <c>servers</c>, each with <c>type</c> "http"; secrets through <c>inputs</c>.</summary>
    public static ClientSetup VsCode(string name, Uri url, string? apiKeyEnv)
    {
        var server = new JsonObject { ["type"] = "http", ["url"] = url.AbsoluteUri };
        var config = new JsonObject();
        var where = "Put in .vscode/mcp.json in your workspace (or run \"MCP: Open User Configuration\" for every workspace), then start the server from that file or the Extensions view.";
        if (apiKeyEnv is not null)
        {
            var input = InputId(apiKeyEnv);
            config["inputs"] = new JsonArray(new JsonObject
            {
                ["type"] = "promptString",
                ["id"] = input,
                ["description"] = $"API key for {name} ({apiKeyEnv})",
                ["password"] = true,
            });
            server["headers"] = new JsonObject { ["Authorization"] = $"Bearer ${{input:{input}}}" };
            where += $"\nVS Code asks for the key ({apiKeyEnv}) once, when the server first starts, and keeps it in its secret storage.";
        }

        config["servers"] = new JsonObject { [name] = server };
        return new(McpClientKind.VsCode, "VS Code", where, Json(config));
    }

    /// <summary>Cursor's <c>mcp.json</c>: <c>mcpServers</c>, a remote server by <c>url</c>, <c>${env:VAR}</c> in headers.</summary>
    public static ClientSetup Cursor(string name, Uri url, string? apiKeyEnv)
    {
        var server = new JsonObject { ["url"] = url.AbsoluteUri };
        var where = "Merge into ~/.cursor/mcp.json (every project) or .cursor/mcp.json in a project, then enable the server in Cursor's MCP settings.";
        if (apiKeyEnv is not null)
        {
            server["headers"] = new JsonObject { ["Authorization"] = $"Bearer ${{env:{apiKeyEnv}}}" };
            where += $"\nCursor reads {apiKeyEnv} from its own environment: start Cursor where {apiKeyEnv} is set.";
        }

        return new(McpClientKind.Cursor, "Cursor", where, Json(new JsonObject { ["mcpServers"] = new JsonObject { [name] = server } }));
    }

    /// <summary>The MCP Inspector: its web UI pointed at the server, and its CLI mode for a quick check.</summary>
    public static ClientSetup Inspector(Uri url, string? apiKeyEnv)
    {
        var header = apiKeyEnv is null ? "" : $" --header \"Authorization: Bearer ${apiKeyEnv}\"";
        var text = $"""
            npx @modelcontextprotocol/inspector --transport http --server-url {url.AbsoluteUri}
            npx @modelcontextprotocol/inspector --cli {url.AbsoluteUri} --transport http --method tools/list{header}
            """;
        var where = "Run in a terminal (Node.js 22+). The first opens the Inspector's web UI on the server (transport \"Streamable HTTP\"); the second lists the tools from the terminal.";
        if (apiKeyEnv is not null)
        {
            where += $"\nIn the web UI, set the header Authorization to \"Bearer \" and the key (Authentication); the shell fills in ${apiKeyEnv} for the second.";
        }

        return new(McpClientKind.Inspector, "MCP Inspector", where, text);
    }

    /// <summary>A word as a POSIX shell reads it back: as it is when it has no special characters, else in single quotes.</summary>
    internal static string ShellWord(string word) => PlainShellWord().IsMatch(word) ? word : "'" + word.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    [GeneratedRegex("^[A-Za-z0-9_./:@%+=,-]+\\z")]
    private static partial Regex PlainShellWord();

    private static string Json(JsonObject config) => config.ToJsonString(Indented);

    private static string InputId(string apiKeyEnv) => apiKeyEnv.ToLowerInvariant().Replace('_', '-');
}
