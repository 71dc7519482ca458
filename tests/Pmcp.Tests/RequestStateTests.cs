using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Pmcp.Protocol;
using Pmcp.Server.Input;

namespace Pmcp.Tests;

/// <summary>The signed request state of input-required results: integrity, expiry, binding, rotation, and the hash under it.</summary>
public sealed class RequestStateTests
{
    private static readonly byte[] Secret = Encoding.UTF8.GetBytes("a-secret-of-at-least-thirty-two-bytes!!");
    private static readonly byte[] NextSecret = Encoding.UTF8.GetBytes("the-next-secret-also-thirty-two-bytes!!!");
    private static readonly RequestBinding Binding = RequestBinding.For("tools/call", "ask", Json("""{"city":"Paris"}"""));
    private static readonly Dictionary<string, JsonElement> Answers = new() { ["user_name"] = Json("""{"action":"accept","content":{"name":"Ada"}}""") };

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(55)]
    [InlineData(56)]
    [InlineData(64)]
    [InlineData(1000)]
    public void TheManagedSha256AndHmacAgreeWithThePlatform(int length)
    {
        var message = RandomNumberGenerator.GetBytes(length);
        var hash = new byte[32];
        Sha256.Hash(message, [], hash);
        Assert.Equal(SHA256.HashData(message), hash);
        Assert.Equal(HMACSHA256.HashData(Secret, message), Sha256.Hmac(Secret, message));
        var longKey = RandomNumberGenerator.GetBytes(100);
        Assert.Equal(HMACSHA256.HashData(longKey, message), Sha256.Hmac(longKey, message));
    }

    [Fact]
    public void AStateVerifiesForItsOwnRequestAndGivesBackItsAnswers()
    {
        var signer = new RequestStateSigner(Secret, null, TimeSpan.FromMinutes(5));
        var answers = signer.Verify(signer.Sign(Binding, Answers), Binding);
        Assert.Equal("Ada", answers["user_name"].GetProperty("content").GetProperty("name").GetString());
    }

    [Fact]
    public void ArgumentsWrittenWithOtherWhitespaceBindTheSame() =>
        Assert.Equal(Binding, RequestBinding.For("tools/call", "ask", Json("{ \"city\" : \"Paris\" }")));

    [Fact]
    public void AnAlteredStateIsRefused()
    {
        var signer = new RequestStateSigner(Secret, null, TimeSpan.FromMinutes(5));
        var state = signer.Sign(Binding, Answers);
        var payload = Encoding.UTF8.GetString(System.Buffers.Text.Base64Url.DecodeFromChars(state.AsSpan(0, state.LastIndexOf('.'))));
        var forged = System.Buffers.Text.Base64Url.EncodeToString(Encoding.UTF8.GetBytes(payload.Replace("Ada", "Eve", StringComparison.Ordinal)))
            + state[state.LastIndexOf('.')..];

        foreach (var bad in new[] { forged, state + "-TAMPERED", state[..^2], "not-a-state", "" })
        {
            var e = Assert.Throws<McpException>(() => signer.Verify(bad, Binding));
            Assert.Equal(McpErrorCodes.InvalidParams, e.Code);
            Assert.Contains("integrity check", e.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void AnExpiredStateIsRefused()
    {
        var now = DateTimeOffset.UtcNow;
        var signer = new RequestStateSigner(Secret, null, TimeSpan.FromMinutes(5), () => now);
        var state = signer.Sign(Binding, Answers);
        now += TimeSpan.FromMinutes(6);

        var e = Assert.Throws<McpException>(() => signer.Verify(state, Binding));
        Assert.Equal(McpErrorCodes.InvalidParams, e.Code);
        Assert.Contains("expired", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("prompts/get", "ask", """{"city":"Paris"}""")]
    [InlineData("tools/call", "other", """{"city":"Paris"}""")]
    [InlineData("tools/call", "ask", """{"city":"Rome"}""")]
    [InlineData("tools/call", "ask", "{}")]
    public void AStateIsRefusedForAnotherMethodToolOrArguments(string method, string name, string arguments)
    {
        var signer = new RequestStateSigner(Secret, null, TimeSpan.FromMinutes(5));
        var state = signer.Sign(Binding, Answers);

        var e = Assert.Throws<McpException>(() => signer.Verify(state, RequestBinding.For(method, name, Json(arguments))));
        Assert.Equal(McpErrorCodes.InvalidParams, e.Code);
        Assert.Contains("issued for another request", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AfterARotationStatesOfThePreviousSecretStillVerifyAndOlderOnesDoNot()
    {
        var old = new RequestStateSigner(Secret, null, TimeSpan.FromMinutes(5)).Sign(Binding, Answers);
        var rotated = new RequestStateSigner(NextSecret, Secret, TimeSpan.FromMinutes(5));
        var rotatedAgain = new RequestStateSigner(RandomNumberGenerator.GetBytes(32), NextSecret, TimeSpan.FromMinutes(5));

        Assert.Single(rotated.Verify(old, Binding));
        Assert.Single(rotatedAgain.Verify(rotated.Sign(Binding, Answers), Binding));
        Assert.Throws<McpException>(() => rotatedAgain.Verify(old, Binding));
    }

    [Fact]
    public void ShortSecretsAreRefusedWithTheFix()
    {
        var e = Assert.Throws<ArgumentException>(() => new RequestStateSigner(Encoding.UTF8.GetBytes("dev"), null, TimeSpan.FromMinutes(5)));
        Assert.Contains("openssl rand -base64 32", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AHostSecretTooShortIsAMisconfigurationThatNeverShowsTheSecret()
    {
        var server = Pmcp.Server.McpServer.CreateBuilder("s", "1").Build();
        var error = server.UseHostRequestStateSecret("short-secret-value", null);

        Assert.NotNull(error);
        Assert.Contains("PMCP_MRTR_SECRET", error, StringComparison.Ordinal);
        Assert.DoesNotContain("short-secret-value", error, StringComparison.Ordinal);
    }

    [Fact]
    public void TheBuildersSecretWinsOverTheHostsAndSignsAcrossServers()
    {
        const string secret = "a-secret-of-at-least-thirty-two-bytes!!";
        var first = Pmcp.Server.McpServer.CreateBuilder("s", "1").WithRequestStateSecret(secret).Build();
        var second = Pmcp.Server.McpServer.CreateBuilder("s", "1").WithRequestStateSecret(secret).Build();

        Assert.Null(first.UseHostRequestStateSecret("another-secret-also-thirty-two-bytes-long", null));
        Assert.Single(second.RequestStates.Verify(first.RequestStates.Sign(Binding, Answers), Binding));
    }

    private static JsonElement Json(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }
}
