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
    public async Task Pbkdf2ThroughSubtleCryptoAndThePlatformDeriveTheSameKeysAtOnce()
    {
        // What SCRAM-SHA-256 derives (PBKDF2-HMAC-SHA256, 4096 iterations), 8 requests at a time through each
        // implementation, each checked against .NET's own PBKDF2. What it costs is a benchmark's business
        // (bench/results/workerd-scram-pbkdf2-2026-12-06.md), not a test's.
        var derivations = Enumerable.Range(0, 16).Select(i => DeriveAsync(i % 2 == 0 ? "subtle" : "platform"));
        await Task.WhenAll(derivations);
        await DeriveAsync("nothing");
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
}
