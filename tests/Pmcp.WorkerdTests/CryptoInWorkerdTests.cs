using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Pmcp.WorkerdTests;

/// <summary>
/// SubtleCrypto inside workerd beyond the contract's vectors (BindingsContractTests runs those): many requests doing
/// crypto at once, and what PBKDF2 (a SCRAM login's cost) takes of workerd's CPU through SubtleCrypto against .NET's own.
/// </summary>
[Collection("workerd")]
public sealed class CryptoInWorkerdTests(WorkerdFixture workers) : IDisposable
{
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(60) };

    public void Dispose() => _http.Dispose();

    [Fact]
    public async Task CryptoInManyRequestsAtOnce()
    {
        // crypto.subtle's promises settle in the turn that made them (host/crypto.mjs), and its keys are cached per
        // isolate; 24 requests at once, each importing, signing, encrypting and deriving, must all be right.
        string[] cases = ["crypto.jwt_from_jwk", "crypto.ed25519_rfc8032", "crypto.aes_gcm_nist", "crypto.rsa_oaep", "crypto.pbkdf2_rfc6070", "crypto.ecdsa_p384_generated", "crypto.bad_key_data", "crypto.hmac_rfc4231"];
        var runs = cases.Concat(cases).Concat(cases).Select(async name =>
        {
            using var response = await _http.PostAsync($"{workers.Bindings.BaseAddress}/contract/{name}", content: null);
            return $"{name}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}";
        });

        var results = await Task.WhenAll(runs);
        Assert.Equal(24, results.Length);
        Assert.All(results, result => Assert.EndsWith(": 200 pass", result, StringComparison.Ordinal));
        Assert.DoesNotContain("different request", workers.Bindings.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AKeyFromOneRequestWorksInLaterOnes()
    {
        // The host caches the CryptoKeys it imports (host/crypto.mjs); ones imported in an ended request's context must
        // still sign and verify in others, several at once.
        using (var keep = await _http.PostAsync($"{workers.Bindings.BaseAddress}/crypto/keep", content: null))
        {
            Assert.Equal("kept", await keep.Content.ReadAsStringAsync());
        }

        var uses = Enumerable.Range(0, 8).Select(async _ =>
        {
            using var use = await _http.PostAsync($"{workers.Bindings.BaseAddress}/crypto/use-kept", content: null);
            return await use.Content.ReadAsStringAsync();
        });
        Assert.All(await Task.WhenAll(uses), answer => Assert.Equal("verified", answer));
    }

    [Fact]
    public async Task Pbkdf2ThroughSubtleCryptoCostsWorkerdNextToNothing()
    {
        // The CPU of workerd (all its threads, from /proc) around blocks of requests: each derives PBKDF2-HMAC-SHA256 with
        // 4096 iterations, as a SCRAM-SHA-256 login does, or nothing (the request's own cost). Blocks alternate, so the
        // machine's other load falls on all three alike. The figure asserted is the target, with room for noise.
        var workerd = WorkerdProcess.Serving(new Uri(workers.Bindings.BaseAddress).Port);
        const int Block = 10;
        var cpu = new Dictionary<string, List<double>> { ["nothing"] = [], ["platform"] = [], ["subtle"] = [] };
        for (var round = 0; round < 3; round++)
        {
            foreach (var implementation in cpu.Keys)
            {
                var before = workerd.CpuTime();
                for (var i = 0; i < Block; i++)
                {
                    await DeriveAsync(implementation);
                }

                cpu[implementation].Add((workerd.CpuTime() - before).TotalMilliseconds / Block);
            }
        }

        var median = cpu.ToDictionary(c => c.Key, c => c.Value.Order().ElementAt(1));
        var report = string.Join(", ", median.Select(m => string.Create(CultureInfo.InvariantCulture, $"{m.Key} {m.Value:F2} ms")));
        Console.WriteLine($"workerd CPU per request (median of 3 blocks of {Block}): {report}");
        Assert.True(median["subtle"] - median["nothing"] < 10, $"PBKDF2 through SubtleCrypto should add under 10 ms of CPU: {report}");
    }

    private async Task DeriveAsync(string implementation)
    {
        using var response = await _http.PostAsync($"{workers.Bindings.BaseAddress}/crypto/pbkdf2/{implementation}", content: null);
        var body = await response.Content.ReadAsStringAsync();
        if (implementation == "nothing")
        {
            Assert.Equal(404, (int)response.StatusCode);
            return;
        }

        Assert.True(response.IsSuccessStatusCode, body);
        var parts = body.Split(' ');
        var expected = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes("contract-secret"), Convert.FromHexString(parts[1]), int.Parse(parts[2], CultureInfo.InvariantCulture), HashAlgorithmName.SHA256, 32);
        Assert.Equal(Convert.ToHexStringLower(expected), parts[0]);
    }

    /// <summary>The workerd process serving a port, found by its command line (wrangler passes it the address).</summary>
    private sealed class WorkerdProcess(int id)
    {
        public static WorkerdProcess Serving(int port)
        {
            var address = $"socket-addr=entry=127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}";
            foreach (var directory in Directory.EnumerateDirectories("/proc"))
            {
                if (int.TryParse(Path.GetFileName(directory), NumberStyles.None, CultureInfo.InvariantCulture, out var id))
                {
                    try
                    {
                        var commandLine = File.ReadAllText(Path.Combine(directory, "cmdline")).Replace('\0', ' ');
                        if (commandLine.Contains("workerd", StringComparison.Ordinal) && commandLine.Contains(address, StringComparison.Ordinal))
                        {
                            return new WorkerdProcess(id);
                        }
                    }
                    catch (IOException)
                    {
                        // A process that ended while we looked.
                    }
                    catch (UnauthorizedAccessException)
                    {
                    }
                }
            }

            throw new InvalidOperationException($"No workerd process serves port {port}.");
        }

        /// <summary>The time all its threads have run, from the scheduler (nanoseconds, unlike utime's 10 ms ticks).</summary>
        public TimeSpan CpuTime()
        {
            long nanoseconds = 0;
            foreach (var task in Directory.EnumerateDirectories($"/proc/{id.ToString(CultureInfo.InvariantCulture)}/task"))
            {
                try
                {
                    nanoseconds += long.Parse(File.ReadAllText(Path.Combine(task, "schedstat")).Split(' ')[0], CultureInfo.InvariantCulture);
                }
                catch (IOException)
                {
                    // A thread that ended while we looked.
                }
            }

            return TimeSpan.FromTicks(nanoseconds / 100);
        }
    }
}
