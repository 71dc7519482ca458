using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Pmcp.Testing;
using Xunit.Abstractions;
using static Pmcp.Testing.McpClientDriver;

namespace Pmcp.PackageTests;

/// <summary>
/// The Workers platform as a user who installed the packages gets it: a server made by the installed tool, given the
/// Pmcp.Workers package and tools that fetch with <c>new HttpClient()</c>, sign and verify with <c>SubtleCrypto</c>
/// (HMAC-SHA256, Ed25519) and put and get in a KV namespace declared in deploy.toml, served by <c>dev</c> in workerd
/// and by <c>dev --native</c> on Kestrel. Each host answers many tools/call requests at once, every answer right, and
/// both hosts answer alike.
/// </summary>
[Collection(SharedPackageFeed.Name)]
public sealed class PlatformFromPackagesTests(PackageFeed packages, ITestOutputHelper output)
{
    private static readonly TimeSpan Build = TimeSpan.FromMinutes(8);

    // RFC 4231, test case 2 (HMAC-SHA-256).
    private const string HmacKey = "Jefe";
    private const string HmacData = "what do ya want for nothing?";
    private const string HmacSha256 = "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843";

    // RFC 8032 §7.1, test 1 (Ed25519: the empty message).
    private const string Ed25519PublicKey = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a";
    private const string Ed25519Signature =
        "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b";

    /// <summary>The tools the test gives the generated server, each written as the docs show a user.</summary>
    private const string PlatformTools = """
        using System.ComponentModel;
        using System.Security.Cryptography;
        using System.Text;
        using Pmcp.Server;
        using Pmcp.Workers;
        using Pmcp.Workers.Crypto;

        namespace PlatformCheck;

        /// <summary>Tools that use the Workers platform: outbound HTTP, WebCrypto and a KV namespace.</summary>
        [McpToolSet]
        public sealed partial class PlatformCheckTools : IMcpServerFactory
        {
            public static McpServer CreateServer() =>
                McpServer.CreateBuilder("PlatformCheck", "1.0.0").WithTools<PlatformCheckTools>().Build();

            [McpTool("fetch_text", ReadOnly = true), Description("GET a URL and return its body")]
            public static async Task<string> FetchText([Description("The URL to GET")] string url, CancellationToken cancellationToken)
            {
                using var http = new HttpClient();
                return await http.GetStringAsync(url, cancellationToken);
            }

            [McpTool("hmac_sha256", ReadOnly = true), Description("The HMAC-SHA256 of a text under a key, in hex")]
            public static async Task<string> HmacSha256([Description("The key")] string key, [Description("The text")] string data)
            {
                var cryptoKey = await SubtleCrypto.ImportKeyAsync(KeyFormat.Raw, Encoding.UTF8.GetBytes(key), new HmacAlgorithm(HashAlgorithmName.SHA256), KeyUsages.Sign);
                return Convert.ToHexStringLower(await SubtleCrypto.SignAsync(cryptoKey, Encoding.UTF8.GetBytes(data)));
            }

            [McpTool("ed25519_verify", ReadOnly = true), Description("Whether an Ed25519 signature of a message verifies under a public key (all in hex)")]
            public static async Task<string> Ed25519Verify([Description("The raw public key")] string publicKey, [Description("The message")] string message, [Description("The signature")] string signature)
            {
                var key = await SubtleCrypto.ImportKeyAsync(KeyFormat.Raw, Convert.FromHexString(publicKey), Ed25519Algorithm.Instance, KeyUsages.Verify);
                return await SubtleCrypto.VerifyAsync(key, Convert.FromHexString(signature), Convert.FromHexString(message)) ? "valid" : "invalid";
            }

            [McpTool("kv_put_get"), Description("Store a value under a key in the CACHE namespace, then read it back")]
            public static async Task<string> KvPutGet([Description("The key")] string key, [Description("The value")] string value, Env env, CancellationToken cancellationToken)
            {
                var cache = env.Kv("CACHE");
                await cache.PutAsync(key, value, cancellationToken: cancellationToken);
                return await cache.GetTextAsync(key, cancellationToken) ?? "(not found)";
            }
        }
        """;

    [Fact]
    public async Task HttpClientSubtleCryptoAndKvWorkFromThePackagesInWorkerdAndNativelyUnderConcurrentCalls()
    {
        await packages.RunToolAsync(packages.Work, "new", "platform-check");
        var solution = Path.Combine(packages.Work, "platform-check");
        var project = Path.Combine(solution, "src", "PlatformCheck");

        // What a user adds to use the Workers API: the Pmcp.Workers package, then tools, then a KV namespace in deploy.toml.
        await PackageFeed.RunAsync(solution, Build, packages.Environment, "dotnet", "add", "src/PlatformCheck", "package", "Pmcp.Workers");
        Assert.Contains("""<PackageReference Include="Pmcp.Workers" />""", await File.ReadAllTextAsync(Path.Combine(project, "PlatformCheck.csproj")), StringComparison.Ordinal);
        Assert.Contains($"""<PackageVersion Include="Pmcp.Workers" Version="{PackageFeed.Version}" />""", await File.ReadAllTextAsync(Path.Combine(solution, "Directory.Packages.props")), StringComparison.Ordinal);
        await File.WriteAllTextAsync(Path.Combine(project, "PlatformCheckTools.cs"), PlatformTools);
        await packages.RunToolAsync(solution, "deploy", "init", "src/PlatformCheck", "--target", "cloudflare-workers");
        var deployToml = Path.Combine(project, ".pmcp", "deploy.toml");
        var declared = (await File.ReadAllTextAsync(deployToml)).Replace("# CACHE = \"your-kv-namespace-id\"", "CACHE = \"platform-cache\"", StringComparison.Ordinal);
        Assert.Contains("CACHE = \"platform-cache\"", declared, StringComparison.Ordinal);
        await File.WriteAllTextAsync(deployToml, declared);

        await using var api = await HttpTestServer.StartAsync();
        var calls = Calls(api.BaseAddress);

        var workerd = await ServeAndCallAsync(project, calls);
        var native = await ServeAndCallAsync(project, calls, "--native");

        Assert.Equal(workerd, native);
    }

    /// <summary>Sixteen calls, four of each tool, each with the answer it must get.</summary>
    private static List<(string Tool, JsonObject Arguments, Func<string, bool> IsRight, string Expected)> Calls(string apiBase)
    {
        var calls = new List<(string, JsonObject, Func<string, bool>, string)>();
        for (var i = 0; i < 4; i++)
        {
            var path = $"/echo?call={i}";
            calls.Add(("fetch_text", new JsonObject { ["url"] = apiBase + path },
                text => text.StartsWith($"GET {path}\n", StringComparison.Ordinal) && text.Contains("\nlength: 0\n", StringComparison.Ordinal),
                $"the test server's echo of GET {path}"));

            var data = i == 0 ? HmacData : $"message {i}";
            var mac = i == 0 ? HmacSha256 : Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(HmacKey), Encoding.UTF8.GetBytes(data)));
            calls.Add(("hmac_sha256", new JsonObject { ["key"] = HmacKey, ["data"] = data }, text => text == mac, mac));

            // Odd calls change the signature's last byte: it must not verify.
            var signature = i % 2 == 0 ? Ed25519Signature : Ed25519Signature[..^2] + "0c";
            var verdict = i % 2 == 0 ? "valid" : "invalid";
            calls.Add(("ed25519_verify", new JsonObject { ["publicKey"] = Ed25519PublicKey, ["message"] = "", ["signature"] = signature }, text => text == verdict, verdict));

            var value = $"value {i}: {new string('k', 100 * i)}";
            calls.Add(("kv_put_get", new JsonObject { ["key"] = $"key-{i}", ["value"] = value }, text => text == value, value));
        }

        return calls;
    }

    /// <summary>
    /// Serves the project with the installed tool's <c>dev</c>, has the official MCP client list the tools, then sends
    /// every call at once as plain tools/call POSTs and checks each answer; returns the answers in call order.
    /// </summary>
    private async Task<List<string>> ServeAndCallAsync(string project, List<(string Tool, JsonObject Arguments, Func<string, bool> IsRight, string Expected)> calls, params string[] options)
    {
        var host = options.Length == 0 ? "workerd" : "native";
        var port = InstalledToolTests.FreePort().ToString(CultureInfo.InvariantCulture);
        var clock = Stopwatch.StartNew();
        await using var dev = CliProcess.StartInstalled(packages.Tool, project, packages.Environment, ["dev", "--port", port, .. options]);
        var endpoint = await dev.EndpointAsync(Build);
        var served = clock.Elapsed;

        var listed = await RunAsync(endpoint, [Op("listTools")]);
        var names = listed.Result(0)["tools"]!.AsArray().Select(tool => tool!["name"]!.GetValue<string>()).Order(StringComparer.Ordinal);
        Assert.Equal(["ed25519_verify", "fetch_text", "hmac_sha256", "kv_put_get"], names);

        using var http = new HttpClient { Timeout = TimeSpan.FromMinutes(2) };
        clock.Restart();
        var answers = await Task.WhenAll(calls.Select((call, id) => PlainToolCall.SendAsync(http, endpoint, id, call.Tool, call.Arguments)));
        output.WriteLine($"{host}: built and serving after {served.TotalSeconds:F1} s; {calls.Count} calls at once answered in {clock.Elapsed.TotalMilliseconds:F0} ms");

        var wrong = calls.Zip(answers)
            .Where(pair => !pair.First.IsRight(pair.Second))
            .Select(pair => $"{pair.First.Tool} {pair.First.Arguments.ToJsonString()}: expected {pair.First.Expected}, got {pair.Second}")
            .ToList();
        Assert.True(wrong.Count == 0, $"{host}: {wrong.Count} of {calls.Count} answers wrong:\n{string.Join('\n', wrong)}\n\ndev's output:\n{dev.Output}");
        return [.. answers];
    }
}
