using System.Globalization;
using System.Security.Cryptography;
using Pmcp.Workers.Crypto;
using Pmcp.Workers.Http;

namespace BindingsWorker;

/// <summary>
/// PBKDF2-HMAC-SHA256 with 4096 iterations (what a PostgreSQL SCRAM-SHA-256 login costs), once per request and with a
/// fresh salt, so the test can read workerd's CPU around it: through .NET's own implementation (the interpreter) or
/// through SubtleCrypto (workerd's crypto.subtle). Answers "derived salt iterations" in hex.
/// </summary>
internal static class CryptoProbes
{
    private const int Iterations = 4096;

    private static readonly byte[] KeptData = "signed in one request, verified in another"u8.ToArray();
    private static CryptoKeyPair? _kept;
    private static byte[]? _keptSignature;

    /// <summary>
    /// Makes an ECDSA pair and signs with it, so the JS host caches CryptoKeys imported in this request's context; a
    /// later request (<see cref="UseKeptAsync"/>) uses them from its own.
    /// </summary>
    public static async Task<Response> KeepAsync()
    {
        _kept = await SubtleCrypto.GenerateKeyPairAsync(new EcdsaAlgorithm(EcCurve.P256), KeyUsages.Sign | KeyUsages.Verify);
        _keptSignature = await SubtleCrypto.SignAsync(_kept.PrivateKey, KeptData);
        return Response.Ok(await SubtleCrypto.VerifyAsync(_kept.PublicKey, _keptSignature, KeptData) ? "kept" : "did not verify");
    }

    public static async Task<Response> UseKeptAsync()
    {
        if (_kept is null || _keptSignature is null)
        {
            return Response.Text("nothing kept", 409);
        }

        var again = await SubtleCrypto.SignAsync(_kept.PrivateKey, KeptData);
        var both = await SubtleCrypto.VerifyAsync(_kept.PublicKey, _keptSignature, KeptData) && await SubtleCrypto.VerifyAsync(_kept.PublicKey, again, KeptData);
        return Response.Ok(both ? "verified" : "did not verify");
    }

    public static async Task<Response> Pbkdf2Async(string implementation)
    {
        var password = "contract-secret"u8.ToArray();
        var salt = RandomNumberGenerator.GetBytes(16);
        byte[] derived;
        switch (implementation)
        {
            case "platform":
                derived = Rfc2898DeriveBytes.Pbkdf2(password, salt, Iterations, HashAlgorithmName.SHA256, 32);
                break;
            case "subtle":
                var key = await SubtleCrypto.ImportKeyAsync(KeyFormat.Raw, password, DerivationAlgorithm.Pbkdf2, KeyUsages.DeriveBits);
                derived = await SubtleCrypto.DeriveBitsAsync(key, new Pbkdf2Derivation(HashAlgorithmName.SHA256, salt, Iterations), 256);
                break;
            default:
                return Response.Text("platform or subtle", 404);
        }

        // The salt goes back too, so the test can check the result against .NET's natively.
        return Response.Ok(string.Create(CultureInfo.InvariantCulture, $"{Convert.ToHexStringLower(derived)} {Convert.ToHexStringLower(salt)} {Iterations}"));
    }
}
