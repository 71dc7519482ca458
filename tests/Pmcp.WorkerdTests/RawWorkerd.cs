using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Pmcp.Testing;

namespace Pmcp.WorkerdTests;

/// <summary>
/// A Worker that <c>dotnet pmcp dev</c> has built, served by workerd alone from wrangler's dry-run bundle, with the
/// vars given as bindings: no wrangler dev in front. wrangler dev's proxy reads a request's whole body before it
/// passes the request on; Cloudflare, like workerd itself, hands the Worker the request while the body is still
/// arriving, so what a Worker does before it reads a body can only be seen here.
/// </summary>
public sealed class RawWorkerd : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly DirectoryInfo _bundle;

    private RawWorkerd(Process process, DirectoryInfo bundle, int port)
    {
        _process = process;
        _bundle = bundle;
        McpUrl = $"http://127.0.0.1:{port}/mcp";
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public string McpUrl { get; }

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <param name="workersFolder">The project's <c>.pmcp/workers</c> (its wrangler.toml), built already.</param>
    /// <param name="vars">Text bindings: the vars and secrets the Worker reads.</param>
    public static async Task<RawWorkerd> StartAsync(string workersFolder, IReadOnlyDictionary<string, string> vars)
    {
        var bundle = Directory.CreateTempSubdirectory("pmcp-raw-workerd-");
        var (exitCode, output) = await Wrangler.RunAsync(workersFolder, TimeSpan.FromMinutes(3), "deploy", "--dry-run", "--outdir", bundle.FullName);
        Assert.True(exitCode == 0, "wrangler deploy --dry-run failed:\n" + output);

        var toml = await File.ReadAllTextAsync(Path.Combine(workersFolder, "wrangler.toml"));
        var entry = Path.GetFileNameWithoutExtension(TomlString(toml, "main")) + ".js";
        var modules = bundle.GetFiles().Select(f => f.Name).Where(n => !n.EndsWith(".map", StringComparison.Ordinal) && n != "README.md").OrderBy(n => n != entry).ThenBy(n => n, StringComparer.Ordinal).ToList();
        Assert.True(modules.Count > 0 && modules[0] == entry, $"the dry-run bundle has no {entry}: {string.Join(", ", modules)}");

        var config = new StringBuilder()
            .AppendLine("using Workerd = import \"/workerd/workerd.capnp\";")
            .AppendLine("const config :Workerd.Config = (")
            .AppendLine("  services = [ (name = \"main\", worker = .worker) ],")
            .AppendLine("  sockets = [ (name = \"http\", address = \"127.0.0.1:0\", http = (), service = \"main\") ],")
            .AppendLine(");")
            .AppendLine("const worker :Workerd.Worker = (")
            .AppendLine("  modules = [")
            .AppendJoin(",\n", modules.Select(m => $"    (name = {Quote(m)}, {ModuleKind(m)} = embed {Quote(m)})"))
            .AppendLine("  ],")
            .AppendLine("  bindings = [")
            .AppendJoin(",\n", vars.Select(v => $"    (name = {Quote(v.Key)}, text = {Quote(v.Value)})"))
            .AppendLine("  ],")
            .Append("  compatibilityDate = ").Append(Quote(TomlString(toml, "compatibility_date"))).AppendLine(",")
            .Append("  compatibilityFlags = [").AppendJoin(", ", TomlFlags(toml).Select(Quote)).AppendLine("],")
            .AppendLine(");");
        var configFile = Path.Combine(bundle.FullName, "workerd.capnp");
        await File.WriteAllTextAsync(configFile, config.ToString());

        var port = WorkerdFixture.FreePort();
        var workerd = Path.Combine(Path.GetDirectoryName(Path.GetDirectoryName(Path.GetDirectoryName(Wrangler.Script)))!, "@cloudflare", "workerd-linux-64", "bin", "workerd");
        Assert.True(File.Exists(workerd), $"workerd is not installed at {workerd}");
        var process = TestProcess.Start(workerd, ["serve", configFile, "--socket-addr", $"http=127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}"], bundle.FullName);
        var raw = new RawWorkerd(process, bundle, port);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(2);
        while (true)
        {
            try
            {
                if ((await http.GetAsync(raw.McpUrl[..^"/mcp".Length] + "/health")).IsSuccessStatusCode)
                {
                    return raw;
                }
            }
            catch (HttpRequestException) when (!process.HasExited && DateTime.UtcNow < deadline)
            {
                // Not listening yet.
            }

            if (process.HasExited || DateTime.UtcNow > deadline)
            {
                var printed = raw.Output;
                await raw.DisposeAsync();
                throw new InvalidOperationException("workerd did not start serving the bundle:\n" + printed);
            }

            await Task.Delay(200);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        _bundle.Delete(recursive: true);
    }

    private void Append(string? line)
    {
        if (line is not null)
        {
            lock (_output)
            {
                _output.AppendLine(line);
            }
        }
    }

    /// <summary>The workerd module kind of a file of the bundle, as the generated wrangler.toml's rules type it.</summary>
    private static string ModuleKind(string file) =>
        file.EndsWith("dotnet.native.wasm", StringComparison.Ordinal) ? "wasm"
        : file.EndsWith(".wasm", StringComparison.Ordinal) || file.EndsWith(".bin", StringComparison.Ordinal) ? "data"
        : file.EndsWith(".js", StringComparison.Ordinal) || file.EndsWith(".mjs", StringComparison.Ordinal) ? "esModule"
        : throw new InvalidOperationException($"no module kind for {file}");

    private static string TomlString(string toml, string key) =>
        Regex.Match(toml, $"^{key}\\s*=\\s*\"([^\"]*)\"", RegexOptions.Multiline) is { Success: true } m ? m.Groups[1].Value : throw new InvalidOperationException($"wrangler.toml has no {key}");

    private static IEnumerable<string> TomlFlags(string toml) =>
        Regex.Match(toml, @"^compatibility_flags\s*=\s*\[([^\]]*)\]", RegexOptions.Multiline) is { Success: true } m
            ? Regex.Matches(m.Groups[1].Value, "\"([^\"]*)\"").Select(f => f.Groups[1].Value)
            : [];

    private static string Quote(string text) => "\"" + text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";
}
