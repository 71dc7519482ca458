using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Pmcp.Cli.Connect;

/// <summary>
/// The configuration each MCP client needs for a Streamable HTTP endpoint, in the shape its documentation gives.
/// An API key is always a reference to an environment variable or a prompt, never its value: these files get shared.
/// </summary>
internal static class ClientConfigs
{
    private static readonly JsonSerializerOptions Indented = new()
    {
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static ClientSetup For(string client, string name, Uri url, string? apiKeyEnv) => client switch
    {
        McpClientKind.ClaudeDesktop => ClaudeDesktop(name, url, apiKeyEnv),
        McpClientKind.VsCode => VsCode(name, url, apiKeyEnv),
        McpClientKind.Cursor => Cursor(name, url, apiKeyEnv),
        McpClientKind.Inspector => Inspector(url, apiKeyEnv),
        _ => throw new ArgumentOutOfRangeException(nameof(client), client, null),
    };

    /// <summary>
    /// Claude Desktop starts its servers as processes and speaks stdio to them (a remote URL in its config file is
    /// not used), so it reaches an HTTP server through mcp-remote, which expands <c>${VAR}</c> in its arguments
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
        var where = """
            Claude Desktop speaks only stdio: it runs mcp-remote (Node.js, fetched by npx) to reach the server over HTTP.
            Merge into claude_desktop_config.json (Settings > Developer > Edit Config; macOS: ~/Library/Application Support/Claude/,
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

    private static string Json(JsonObject config) => config.ToJsonString(Indented);

    private static string InputId(string apiKeyEnv) => apiKeyEnv.ToLowerInvariant().Replace('_', '-');
}
