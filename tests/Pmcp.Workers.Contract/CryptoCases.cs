using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Pmcp.Workers.Crypto;
using static Pmcp.Workers.Contract.CryptoVectors;

namespace Pmcp.Workers.Contract;

/// <summary>
/// Cryptography: what of System.Security.Cryptography works in both hosts (hashes, HMAC, random numbers), and
/// <see cref="SubtleCrypto"/> (workerd's crypto.subtle inside workerd, .NET's natively) against published vectors.
/// The cases take no binding; the Env parameter is the contract's shape.
/// </summary>
internal static class CryptoCases
{
    private static readonly byte[] Abc = "abc"u8.ToArray();

    private static byte[] Hex(string hex) => Convert.FromHexString(hex);

    private static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    // ---- System.Security.Cryptography as it is: these work inside workerd (browser-wasm) as natively.

    [System.Diagnostics.CodeAnalysis.SuppressMessage("Security", "CA5350", Justification = "SHA-1 is checked because it exists in both hosts, not used for security.")]
    public static Task PlatformHashes(Env env)
    {
        Check.Bytes(Hex(Sha1Abc), SHA1.HashData(Abc), "SHA1.HashData(\"abc\")");
        Check.Bytes(Hex(Sha256Abc), SHA256.HashData(Abc), "SHA256.HashData(\"abc\")");
        Check.Bytes(Hex(Sha384Abc), SHA384.HashData(Abc), "SHA384.HashData(\"abc\")");
        Check.Bytes(Hex(Sha512Abc), SHA512.HashData(Abc), "SHA512.HashData(\"abc\")");
        using var incremental = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        incremental.AppendData("a"u8);
        incremental.AppendData("bc"u8);
        Check.Bytes(Hex(Sha256Abc), incremental.GetHashAndReset(), "IncrementalHash SHA-256 of \"a\" then \"bc\"");
        return Task.CompletedTask;
    }

    public static Task PlatformHmac(Env env)
    {
        Check.Bytes(Hex(HmacSha256), HMACSHA256.HashData(Utf8(HmacKey), Utf8(HmacData)), "HMACSHA256.HashData (RFC 4231 case 2)");
        Check.Bytes(Hex(HmacSha512), HMACSHA512.HashData(Utf8(HmacKey), Utf8(HmacData)), "HMACSHA512.HashData (RFC 4231 case 2)");
        using var hmac = new HMACSHA256(Utf8(HmacKey));
        Check.Bytes(Hex(HmacSha256), hmac.ComputeHash(Utf8(HmacData)), "new HMACSHA256(key).ComputeHash");
        return Task.CompletedTask;
    }

    public static Task PlatformRandom(Env env)
    {
        var first = RandomNumberGenerator.GetBytes(32);
        var second = RandomNumberGenerator.GetBytes(32);
        Check.True(!first.AsSpan().SequenceEqual(second), "two RandomNumberGenerator.GetBytes(32) differ");
        Check.True(first.Distinct().Count() > 8, $"RandomNumberGenerator.GetBytes(32) looks random: {Convert.ToHexString(first)}");
        Span<byte> filled = stackalloc byte[64];
        RandomNumberGenerator.Fill(filled);
        Check.True(filled.IndexOfAnyExcept((byte)0) >= 0, "RandomNumberGenerator.Fill wrote something");

        var seen = new bool[10];
        for (var i = 0; i < 1000; i++)
        {
            var value = RandomNumberGenerator.GetInt32(10);
            Check.Between(0, 9, value, "RandomNumberGenerator.GetInt32(10)");
            seen[value] = true;
        }

        Check.True(seen.All(s => s), "RandomNumberGenerator.GetInt32(10) draws every value from 0 to 9 in 1000 tries");
        for (var i = 0; i < 100; i++)
        {
            Check.Between(-5, 4, RandomNumberGenerator.GetInt32(-5, 5), "RandomNumberGenerator.GetInt32(-5, 5)");
        }

        Check.Equal(32, RandomNumberGenerator.GetHexString(32).Length, "RandomNumberGenerator.GetHexString(32): length");
        return Task.CompletedTask;
    }

    /// <summary>
    /// What browser-wasm .NET lacks, so that SubtleCrypto is the way to it inside workerd; natively all of it works.
    /// Each is used, not only created: some types exist in the browser and fail at their first operation.
    /// </summary>
    public static Task PlatformGapsInWorkerd(Env env)
    {
        (string Name, bool MissingInWorkerd, Action Use)[] apis =
        [
            ("AES-CBC (Aes.EncryptCbc)", true, () =>
            {
                using var aes = Aes.Create();
                aes.Key = new byte[16];
                aes.EncryptCbc(new byte[16], new byte[16]);
            }),
            ("AES-GCM (AesGcm)", true, () =>
            {
                using var gcm = new AesGcm(new byte[16], 16);
                gcm.Encrypt(new byte[12], new byte[4], new byte[4], new byte[16]);
            }),
            ("RSA (RSA.SignData)", true, () =>
            {
                using var rsa = RSA.Create(2048);
                rsa.SignData(Abc, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
            }),
            ("ECDSA (ECDsa.SignData)", true, () =>
            {
                using var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
                ecdsa.SignData(Abc, HashAlgorithmName.SHA256);
            }),
            ("PBKDF2 (Rfc2898DeriveBytes.Pbkdf2)", false, () => Rfc2898DeriveBytes.Pbkdf2("p"u8, "salt"u8, 2, HashAlgorithmName.SHA256, 32)),
            ("HKDF (HKDF.DeriveKey)", false, () => HKDF.DeriveKey(HashAlgorithmName.SHA256, [1, 2, 3], 32)),
        ];
        var report = new List<string>();
        foreach (var (name, missingInWorkerd, use) in apis)
        {
            string outcome;
            try
            {
                use();
                outcome = "works";
            }
            catch (Exception e)
            {
                outcome = e.GetType().Name;
            }

            report.Add($"{name}: {outcome}");
            var expected = OperatingSystem.IsBrowser() && missingInWorkerd ? nameof(PlatformNotSupportedException) : "works";
            Check.Equal(expected, outcome, $"{name} {(OperatingSystem.IsBrowser() ? "inside workerd" : "natively")} (all: {string.Join("; ", report)})");
        }

        return Task.CompletedTask;
    }

    // ---- SubtleCrypto, with the vectors.

    public static async Task Digest(Env env)
    {
        Check.Bytes(Hex(Sha1Abc), await SubtleCrypto.DigestAsync(HashAlgorithmName.SHA1, Abc), "DigestAsync(SHA1, \"abc\")");
        Check.Bytes(Hex(Sha256Abc), await SubtleCrypto.DigestAsync(HashAlgorithmName.SHA256, Abc), "DigestAsync(SHA256, \"abc\")");
        Check.Bytes(Hex(Sha384Abc), await SubtleCrypto.DigestAsync(HashAlgorithmName.SHA384, Abc), "DigestAsync(SHA384, \"abc\")");
        Check.Bytes(Hex(Sha512Abc), await SubtleCrypto.DigestAsync(HashAlgorithmName.SHA512, Abc), "DigestAsync(SHA512, \"abc\")");
        Check.Bytes(SHA256.HashData([]), await SubtleCrypto.DigestAsync(HashAlgorithmName.SHA256, ReadOnlyMemory<byte>.Empty), "DigestAsync of nothing");
        var large = new byte[3 << 20];
        new Random(7).NextBytes(large);
        Check.Bytes(SHA256.HashData(large), await SubtleCrypto.DigestAsync(HashAlgorithmName.SHA256, large), "DigestAsync of 3 MiB");
    }

    public static async Task HmacRfc4231(Env env)
    {
        foreach (var (hash, expected) in new[] { (HashAlgorithmName.SHA256, HmacSha256), (HashAlgorithmName.SHA512, HmacSha512) })
        {
            var key = await SubtleCrypto.ImportKeyAsync(KeyFormat.Raw, Utf8(HmacKey), new HmacAlgorithm(hash), KeyUsages.Sign | KeyUsages.Verify);
            var mac = await SubtleCrypto.SignAsync(key, Utf8(HmacData));
            Check.Bytes(Hex(expected), mac, $"HMAC-{hash.Name} (RFC 4231 case 2)");
            Check.True(await SubtleCrypto.VerifyAsync(key, mac, Utf8(HmacData)), $"HMAC-{hash.Name}: the MAC verifies");
            mac[^1] ^= 1;
            Check.True(!await SubtleCrypto.VerifyAsync(key, mac, Utf8(HmacData)), $"HMAC-{hash.Name}: a changed MAC does not verify");
            Check.True(!await SubtleCrypto.VerifyAsync(key, mac.AsMemory(0, 8), Utf8(HmacData)), $"HMAC-{hash.Name}: a short MAC does not verify");
        }
    }

    public static async Task AesGcmNist(Env env)
    {
        var key = await SubtleCrypto.ImportKeyAsync(KeyFormat.Raw, Hex(GcmKey), AesAlgorithm.Gcm, KeyUsages.Encrypt | KeyUsages.Decrypt);
        var options = new CipherOptions(Hex(GcmIv)) { AdditionalData = Hex(GcmAdditionalData) };
        var sealedBytes = await SubtleCrypto.EncryptAsync(key, Hex(GcmPlaintext), options);
        Check.Bytes(Hex(GcmCiphertext + GcmTag), sealedBytes, "AES-GCM encrypt (GCM test case 4): ciphertext then tag");
        Check.Bytes(Hex(GcmPlaintext), await SubtleCrypto.DecryptAsync(key, sealedBytes, options), "AES-GCM decrypt");

        var shortTag = await SubtleCrypto.EncryptAsync(key, Hex(GcmPlaintext), options with { TagLengthBits = 96 });
        Check.Bytes(Hex(GcmCiphertext + GcmTag[..24]), shortTag, "AES-GCM with a 96-bit tag: the tag's first 12 bytes");

        sealedBytes[3] ^= 0x80;
        await Fails<CryptographicException>(() => SubtleCrypto.DecryptAsync(key, sealedBytes, options), "AES-GCM decrypt of a changed ciphertext", "Decrypting with AES-GCM failed");
        sealedBytes[3] ^= 0x80;
        await Fails<CryptographicException>(() => SubtleCrypto.DecryptAsync(key, sealedBytes, options with { AdditionalData = Hex("feedface") }), "AES-GCM decrypt with other additional data", "Decrypting with AES-GCM failed");
    }

    public static async Task AesCbcSp80038a(Env env)
    {
        var key = await SubtleCrypto.ImportKeyAsync(KeyFormat.Raw, Hex(CbcKey), AesAlgorithm.Cbc, KeyUsages.Encrypt | KeyUsages.Decrypt, extractable: true);
        var options = new CipherOptions(Hex(CbcIv));
        var encrypted = await SubtleCrypto.EncryptAsync(key, Hex(CbcPlaintext), options);
        Check.Equal(80, encrypted.Length, "AES-CBC of 64 bytes: a block of PKCS#7 padding follows");
        Check.Bytes(Hex(CbcCiphertext), encrypted[..64], "AES-CBC (SP 800-38A F.2.1): the four blocks");
        Check.Bytes(Hex(CbcPlaintext), await SubtleCrypto.DecryptAsync(key, encrypted, options), "AES-CBC decrypt");
        Check.Bytes(Hex(CbcKey), await SubtleCrypto.ExportKeyAsync(KeyFormat.Raw, key), "ExportKeyAsync(Raw) of an AES key");
        var jwk = await SubtleCrypto.ExportJwkAsync(key);
        Check.Equal("oct", jwk.Kty, "an AES key's JWK: kty");
        Check.Equal("A128CBC", jwk.Alg, "an AES key's JWK: alg");
        Check.Equal(Base64Url.EncodeToString(Hex(CbcKey)), jwk.K, "an AES key's JWK: k");
    }

    public static async Task RsaPkcs1Rfc7520(Env env)
    {
        var jwk = JsonWebKey.Parse(JwkRsa);
        var algorithm = new RsaAlgorithm(RsaScheme.Pkcs1Signature, HashAlgorithmName.SHA256);
        var privateKey = await SubtleCrypto.ImportJwkAsync(jwk, algorithm, KeyUsages.Sign, extractable: true);
        var (signingInput, signature) = SplitJws(JwsRs256);
        Check.Bytes(signature, await SubtleCrypto.SignAsync(privateKey, signingInput), "RS256 signature of RFC 7520 §4.1 (PKCS#1 v1.5 is deterministic)");

        var publicKey = await SubtleCrypto.ImportJwkAsync(PublicPart(jwk), algorithm, KeyUsages.Verify);
        Check.True(await SubtleCrypto.VerifyAsync(publicKey, signature, signingInput), "RS256: RFC 7520's signature verifies");
        Check.True(!await SubtleCrypto.VerifyAsync(publicKey, signature, signingInput.AsMemory(1)), "RS256: not over other data");

        var exported = await SubtleCrypto.ExportJwkAsync(privateKey);
        Check.Equal(jwk.N, exported.N, "the RSA key's JWK export: n");
        Check.Equal(jwk.D, exported.D, "the RSA key's JWK export: d");
        Check.Equal(jwk.Qi, exported.Qi, "the RSA key's JWK export: qi");
        Check.Equal("RS256", exported.Alg, "the RSA key's JWK export: alg");

        // The same key through PKCS#8 and SPKI.
        var pkcs8 = await SubtleCrypto.ExportKeyAsync(KeyFormat.Pkcs8, privateKey);
        var again = await SubtleCrypto.ImportKeyAsync(KeyFormat.Pkcs8, pkcs8, algorithm, KeyUsages.Sign);
        Check.Bytes(signature, await SubtleCrypto.SignAsync(again, signingInput), "RS256 with the key re-imported from PKCS#8");
        var spki = await SubtleCrypto.ExportKeyAsync(KeyFormat.Spki, publicKey.Extractable ? publicKey : await SubtleCrypto.ImportJwkAsync(PublicPart(jwk), algorithm, KeyUsages.Verify, extractable: true));
        var fromSpki = await SubtleCrypto.ImportKeyAsync(KeyFormat.Spki, spki, algorithm, KeyUsages.Verify);
        Check.True(await SubtleCrypto.VerifyAsync(fromSpki, signature, signingInput), "RS256 with the public key from SPKI");
    }

    public static async Task RsaPssRfc7520(Env env)
    {
        var jwk = JsonWebKey.Parse(JwkRsa);
        var algorithm = new RsaAlgorithm(RsaScheme.PssSignature, HashAlgorithmName.SHA384);
        var (signingInput, signature) = SplitJws(JwsPs384);
        var publicKey = await SubtleCrypto.ImportJwkAsync(PublicPart(jwk), algorithm, KeyUsages.Verify);
        Check.True(await SubtleCrypto.VerifyAsync(publicKey, signature, signingInput), "PS384: RFC 7520 §4.2's signature verifies");

        var privateKey = await SubtleCrypto.ImportJwkAsync(jwk, algorithm, KeyUsages.Sign);
        var mine = await SubtleCrypto.SignAsync(privateKey, signingInput);
        Check.True(!mine.AsSpan().SequenceEqual(signature), "PS384 signatures are salted: a new one differs");
        Check.True(await SubtleCrypto.VerifyAsync(publicKey, mine, signingInput), "PS384: a new signature verifies");
    }

    public static async Task RsaOaep(Env env)
    {
        var jwk = JsonWebKey.Parse(JwkRsa);
        var algorithm = new RsaAlgorithm(RsaScheme.OaepEncryption, HashAlgorithmName.SHA256);
        var publicKey = await SubtleCrypto.ImportJwkAsync(PublicPart(jwk) with { Use = null }, algorithm, KeyUsages.Encrypt);
        var privateKey = await SubtleCrypto.ImportJwkAsync(jwk with { Use = null }, algorithm, KeyUsages.Decrypt);
        var secret = Utf8("a key for another system");
        var first = await SubtleCrypto.EncryptAsync(publicKey, secret);
        var second = await SubtleCrypto.EncryptAsync(publicKey, secret);
        Check.Equal(256, first.Length, "RSA-OAEP with a 2048-bit key: ciphertext bytes");
        Check.True(!first.AsSpan().SequenceEqual(second), "RSA-OAEP is randomized");
        Check.Bytes(secret, await SubtleCrypto.DecryptAsync(privateKey, first), "RSA-OAEP decrypt");
        first[10] ^= 1;
        await Fails<CryptographicException>(() => SubtleCrypto.DecryptAsync(privateKey, first), "RSA-OAEP decrypt of a changed ciphertext", "Decrypting with RSA-OAEP failed");
    }

    public static async Task EcdsaP256Rfc7515(Env env)
    {
        var jwk = JsonWebKey.Parse(JwkP256);
        var algorithm = new EcdsaAlgorithm(EcCurve.P256);
        var (signingInput, signature) = SplitJws(JwsEs256);
        var publicKey = await SubtleCrypto.ImportJwkAsync(PublicPart(jwk), algorithm, KeyUsages.Verify, extractable: true);
        Check.True(await SubtleCrypto.VerifyAsync(publicKey, signature, signingInput), "ES256: RFC 7515 A.3's signature verifies");
        Check.True(!await SubtleCrypto.VerifyAsync(publicKey, signature.AsMemory(0, 63), signingInput), "ES256: a short signature is false, not an error");

        var privateKey = await SubtleCrypto.ImportJwkAsync(jwk, algorithm, KeyUsages.Sign, extractable: true);
        var mine = await SubtleCrypto.SignAsync(privateKey, signingInput);
        Check.Equal(64, mine.Length, "ES256 signature: r and s, 32 bytes each");
        Check.True(await SubtleCrypto.VerifyAsync(publicKey, mine, signingInput), "ES256: a new signature verifies");

        var raw = await SubtleCrypto.ExportKeyAsync(KeyFormat.Raw, publicKey);
        Check.Bytes(new byte[] { 0x04 }.Concat(Base64Url.DecodeFromChars(jwk.X)).Concat(Base64Url.DecodeFromChars(jwk.Y)).ToArray(), raw, "ExportKeyAsync(Raw) of a P-256 public key: 04 || x || y");
        var fromRaw = await SubtleCrypto.ImportKeyAsync(KeyFormat.Raw, raw, algorithm, KeyUsages.Verify);
        Check.True(await SubtleCrypto.VerifyAsync(fromRaw, signature, signingInput), "ES256 with the public key imported raw");

        var exported = await SubtleCrypto.ExportJwkAsync(privateKey);
        Check.Equal(("EC", "P-256", jwk.X, jwk.Y, jwk.D), (exported.Kty, exported.Crv, exported.X, exported.Y, exported.D), "the P-256 key's JWK export");
    }

    public static async Task EcdsaP384Generated(Env env)
    {
        var algorithm = new EcdsaAlgorithm(EcCurve.P384);
        var pair = await SubtleCrypto.GenerateKeyPairAsync(algorithm, KeyUsages.Sign | KeyUsages.Verify, extractable: true);
        Check.Equal(KeyUsages.Verify, pair.PublicKey.Usages, "a generated pair's public key: usages");
        Check.Equal(KeyUsages.Sign, pair.PrivateKey.Usages, "a generated pair's private key: usages");
        var data = Utf8("P-384 with SHA-384");
        var signature = await SubtleCrypto.SignAsync(pair.PrivateKey, data);
        Check.Equal(96, signature.Length, "ES384 signature: 48 + 48 bytes");
        Check.True(await SubtleCrypto.VerifyAsync(pair.PublicKey, signature, data), "ES384: verifies");

        var pkcs8 = await SubtleCrypto.ExportKeyAsync(KeyFormat.Pkcs8, pair.PrivateKey);
        var spki = await SubtleCrypto.ExportKeyAsync(KeyFormat.Spki, pair.PublicKey);
        var privateAgain = await SubtleCrypto.ImportKeyAsync(KeyFormat.Pkcs8, pkcs8, algorithm, KeyUsages.Sign);
        var publicAgain = await SubtleCrypto.ImportKeyAsync(KeyFormat.Spki, spki, algorithm, KeyUsages.Verify);
        Check.True(await SubtleCrypto.VerifyAsync(publicAgain, await SubtleCrypto.SignAsync(privateAgain, data), data), "ES384 through PKCS#8 and SPKI");
        await Fails<CryptographicException>(() => SubtleCrypto.ImportKeyAsync(KeyFormat.Spki, spki, new EcdsaAlgorithm(EcCurve.P256), KeyUsages.Verify), "a P-384 SPKI imported as P-256", "Importing a SPKI ECDSA key failed");
    }

    public static async Task Ed25519Rfc8032(Env env)
    {
        foreach (var (seedHex, publicHex, message, signatureHex) in CryptoVectors.Ed25519)
        {
            var privateKey = await SubtleCrypto.ImportKeyAsync(KeyFormat.Pkcs8, Ed25519Pkcs8(Hex(seedHex)), Ed25519Algorithm.Instance, KeyUsages.Sign, extractable: true);
            Check.Bytes(Hex(signatureHex), await SubtleCrypto.SignAsync(privateKey, Hex(message)), $"Ed25519 signature of RFC 8032 (public key {publicHex[..8]}…)");
            var publicKey = await SubtleCrypto.ImportKeyAsync(KeyFormat.Raw, Hex(publicHex), Ed25519Algorithm.Instance, KeyUsages.Verify);
            Check.True(await SubtleCrypto.VerifyAsync(publicKey, Hex(signatureHex), Hex(message)), "Ed25519: RFC 8032's signature verifies");
            Check.True(!await SubtleCrypto.VerifyAsync(publicKey, Hex(signatureHex), Hex(message + "00")), "Ed25519: not over other data");
            var jwk = await SubtleCrypto.ExportJwkAsync(privateKey);
            Check.Equal(("OKP", "Ed25519", Base64Url.EncodeToString(Hex(publicHex)), Base64Url.EncodeToString(Hex(seedHex))), (jwk.Kty, jwk.Crv, jwk.X, jwk.D), "the Ed25519 key's JWK export");
        }

        var pair = await SubtleCrypto.GenerateKeyPairAsync(Ed25519Algorithm.Instance, KeyUsages.Sign | KeyUsages.Verify);
        var data = Utf8("generated");
        Check.True(await SubtleCrypto.VerifyAsync(pair.PublicKey, await SubtleCrypto.SignAsync(pair.PrivateKey, data), data), "Ed25519: a generated pair signs and verifies");
        Check.Equal(32, (await SubtleCrypto.ExportKeyAsync(KeyFormat.Raw, pair.PublicKey)).Length, "a generated Ed25519 public key: raw bytes");
    }

    public static async Task HkdfRfc5869(Env env)
    {
        var key = await SubtleCrypto.ImportKeyAsync(KeyFormat.Raw, Hex(HkdfIkm), DerivationAlgorithm.Hkdf, KeyUsages.DeriveBits);
        var okm = await SubtleCrypto.DeriveBitsAsync(key, new HkdfDerivation(HashAlgorithmName.SHA256, Hex(HkdfSalt), Hex(HkdfInfo)), 42 * 8);
        Check.Bytes(Hex(HkdfOkm), okm, "HKDF-SHA-256 (RFC 5869 A.1)");
    }

    public static async Task Pbkdf2Rfc6070(Env env)
    {
        var password = await SubtleCrypto.ImportKeyAsync(KeyFormat.Raw, Utf8("password"), DerivationAlgorithm.Pbkdf2, KeyUsages.DeriveBits);
        Check.Bytes(Hex(Pbkdf2Sha1Iterations2), await SubtleCrypto.DeriveBitsAsync(password, new Pbkdf2Derivation(HashAlgorithmName.SHA1, Utf8("salt"), 2), 160), "PBKDF2-HMAC-SHA1, 2 iterations (RFC 6070)");
        Check.Bytes(Hex(Pbkdf2Sha1Iterations4096), await SubtleCrypto.DeriveBitsAsync(password, new Pbkdf2Derivation(HashAlgorithmName.SHA1, Utf8("salt"), 4096), 160), "PBKDF2-HMAC-SHA1, 4096 iterations (RFC 6070)");
        var passwd = await SubtleCrypto.ImportKeyAsync(KeyFormat.Raw, Utf8("passwd"), DerivationAlgorithm.Pbkdf2, KeyUsages.DeriveBits);
        Check.Bytes(Hex(Pbkdf2Sha256), await SubtleCrypto.DeriveBitsAsync(passwd, new Pbkdf2Derivation(HashAlgorithmName.SHA256, Utf8("salt"), 1), 512), "PBKDF2-HMAC-SHA256 (RFC 7914 §11)");
    }

    /// <summary>A signed JWT checked the way a resource server does: the key from a JWK Set by kid, the algorithm from the header.</summary>
    public static async Task JwtFromJwk(Env env)
    {
        var set = JsonWebKeySet.Parse($$"""{"keys":[{{JwkHs256[..^1]}},"kid":"hmac"},{{JwkP256[..^1]}},"kid":"ec"},{{JwkRsa.Trim()[..^1]}}}]}""");
        Check.Equal(3, set.Keys.Count, "the JWK Set's keys");
        Check.True(await VerifyJwtAsync(JwtHs256, Check.NotNull(set.Find("hmac"), "kid hmac")), "RFC 7515 A.1's HS256 JWT verifies with its JWK");
        Check.True(await VerifyJwtAsync(JwsEs256, Check.NotNull(set.Find("ec"), "kid ec")), "RFC 7515 A.3's ES256 JWS verifies with its JWK");
        Check.True(await VerifyJwtAsync(JwsRs256, Check.NotNull(set.Find("bilbo.baggins@hobbiton.example"), "kid bilbo")), "RFC 7520 §4.1's RS256 JWS verifies with its JWK");
        var forged = JwtHs256[..^2] + (JwtHs256[^2] == 'A' ? "B" : "A") + JwtHs256[^1];
        Check.True(!await VerifyJwtAsync(forged, set.Find("hmac")!), "an HS256 JWT with a changed signature does not verify");
        Check.True(!await VerifyJwtAsync(JwsEs256.Replace("eyJpc3Mi", "eyJpc3Ni", StringComparison.Ordinal), set.Find("ec")!), "an ES256 JWS with changed claims does not verify");

        var claims = JsonDocument.Parse(Base64Url.DecodeFromChars(JwtHs256.Split('.')[1])).RootElement;
        Check.Equal("joe", claims.GetProperty("iss").GetString(), "the verified JWT's iss");
    }

    public static async Task KeyRules(Env env)
    {
        var hmac = await SubtleCrypto.ImportKeyAsync(KeyFormat.Raw, Utf8("k"), new HmacAlgorithm(HashAlgorithmName.SHA256), KeyUsages.Verify);
        await Fails<InvalidOperationException>(() => SubtleCrypto.SignAsync(hmac, Abc), "signing with a verify-only key", "may not sign", "KeyUsages.Sign");
        await Fails<InvalidOperationException>(() => SubtleCrypto.ExportKeyAsync(KeyFormat.Raw, hmac), "exporting a key that is not extractable", "not extractable");
        await Fails<ArgumentException>(() => SubtleCrypto.ImportKeyAsync(KeyFormat.Raw, Abc, new HmacAlgorithm(HashAlgorithmName.SHA256), KeyUsages.Encrypt), "an HMAC key for encryption", "usages");
        await Fails<ArgumentException>(() => SubtleCrypto.ImportJwkAsync(JsonWebKey.Parse(JwkP256), new EcdsaAlgorithm(EcCurve.P384), KeyUsages.Sign), "a P-256 JWK as P-384", "crv \"P-384\"");
        await Fails<ArgumentException>(() => SubtleCrypto.ImportJwkAsync(JsonWebKey.Parse(JwkHs256), Ed25519Algorithm.Instance, KeyUsages.Verify), "an oct JWK as Ed25519", "kty \"OKP\"");
        await Fails<ArgumentException>(() => SubtleCrypto.ImportKeyAsync(KeyFormat.Raw, Abc, new RsaAlgorithm(RsaScheme.Pkcs1Signature, HashAlgorithmName.SHA256), KeyUsages.Verify), "an RSA key in raw form", "no raw form");
        await Fails<ArgumentException>(() => SubtleCrypto.ImportKeyAsync(KeyFormat.Raw, Abc, new HmacAlgorithm(HashAlgorithmName.MD5), KeyUsages.Sign), "HMAC with MD5", "SHA1, SHA256, SHA384 or SHA512");
        var aes = SubtleCrypto.GenerateKey(AesAlgorithm.Gcm, KeyUsages.Encrypt | KeyUsages.Decrypt, lengthBits: 128);
        Check.Equal(128, aes.LengthBits, "a generated AES-128 key's length");
        await Fails<ArgumentException>(() => SubtleCrypto.EncryptAsync(aes, Abc, new CipherOptions(new byte[16])), "AES-GCM with a 16-byte IV", "12-byte IV");
        await Fails<ArgumentNullException>(() => SubtleCrypto.EncryptAsync(aes, Abc), "AES-GCM without an IV", "needs CipherOptions");
        var derived = await SubtleCrypto.ImportKeyAsync(KeyFormat.Raw, Abc, DerivationAlgorithm.Hkdf, KeyUsages.DeriveBits);
        await Fails<ArgumentException>(() => SubtleCrypto.DeriveBitsAsync(derived, new Pbkdf2Derivation(HashAlgorithmName.SHA256, Abc, 1), 256), "PBKDF2 with an HKDF key", "DerivationAlgorithm.Pbkdf2");
        var hmacGenerated = SubtleCrypto.GenerateKey(new HmacAlgorithm(HashAlgorithmName.SHA512), KeyUsages.Sign, extractable: true);
        Check.Equal(1024, hmacGenerated.LengthBits, "a generated HMAC-SHA-512 key is as long as its hash's block");
        Check.True(SubtleCrypto.FixedTimeEquals(Hex(Sha256Abc), Hex(Sha256Abc)) && !SubtleCrypto.FixedTimeEquals(Hex(Sha256Abc), Hex(Sha1Abc)), "FixedTimeEquals");
    }

    /// <summary>Wrong key bytes are a clear CryptographicException in both hosts, and the Worker goes on (the next case runs).</summary>
    public static async Task BadKeyData(Env env)
    {
        var rsa = new RsaAlgorithm(RsaScheme.Pkcs1Signature, HashAlgorithmName.SHA256);
        await Fails<CryptographicException>(() => SubtleCrypto.ImportKeyAsync(KeyFormat.Spki, Utf8("-----BEGIN PUBLIC KEY-----"), rsa, KeyUsages.Verify), "PEM text given as SPKI DER", "Importing a SPKI RSASSA-PKCS1-v1_5 key failed");
        await Fails<CryptographicException>(() => SubtleCrypto.ImportKeyAsync(KeyFormat.Pkcs8, RandomNumberGenerator.GetBytes(100), new EcdsaAlgorithm(EcCurve.P256), KeyUsages.Sign), "random bytes as PKCS#8", "Importing a PKCS#8 ECDSA key failed");
        await Fails<CryptographicException>(() => SubtleCrypto.ImportKeyAsync(KeyFormat.Raw, new byte[15], AesAlgorithm.Gcm, KeyUsages.Encrypt), "a 15-byte AES key", "16, 24 or 32 bytes");
        await Fails<CryptographicException>(() => SubtleCrypto.ImportKeyAsync(KeyFormat.Raw, new byte[64], new EcdsaAlgorithm(EcCurve.P256), KeyUsages.Verify), "a P-256 point without its 04 prefix", "Importing a raw ECDSA key failed");
        await Fails<CryptographicException>(() => SubtleCrypto.ImportKeyAsync(KeyFormat.Raw, new byte[31], Ed25519Algorithm.Instance, KeyUsages.Verify), "a 31-byte Ed25519 key", "Importing a raw Ed25519 key failed");
        await Fails<CryptographicException>(() => SubtleCrypto.ImportJwkAsync(JsonWebKey.Parse("""{"kty":"RSA","e":"AQAB"}"""), rsa, KeyUsages.Verify), "an RSA JWK without n", "Importing a JWK RSASSA-PKCS1-v1_5 key failed");
        await Fails<CryptographicException>(() => SubtleCrypto.ImportJwkAsync(JsonWebKey.Parse("""{"kty":"oct","k":"***"}"""), new HmacAlgorithm(HashAlgorithmName.SHA256), KeyUsages.Sign), "an oct JWK whose k is not base64url", "not base64url");
        Fails<FormatException>(() => JsonWebKey.Parse("{not json"), "a JWK that is not JSON", "not a JSON Web Key");

        // And the same code then works: nothing was left broken.
        var key = await SubtleCrypto.ImportKeyAsync(KeyFormat.Raw, Utf8(HmacKey), new HmacAlgorithm(HashAlgorithmName.SHA256), KeyUsages.Sign);
        Check.Bytes(Hex(HmacSha256), await SubtleCrypto.SignAsync(key, Utf8(HmacData)), "HMAC after the failures");
    }

    private static async Task<bool> VerifyJwtAsync(string jwt, JsonWebKey jwk)
    {
        var header = JsonDocument.Parse(Base64Url.DecodeFromChars(jwt.AsSpan(0, jwt.IndexOf('.', StringComparison.Ordinal)))).RootElement;
        KeyAlgorithm algorithm = header.GetProperty("alg").GetString() switch
        {
            "HS256" => new HmacAlgorithm(HashAlgorithmName.SHA256),
            "RS256" => new RsaAlgorithm(RsaScheme.Pkcs1Signature, HashAlgorithmName.SHA256),
            "PS384" => new RsaAlgorithm(RsaScheme.PssSignature, HashAlgorithmName.SHA384),
            "ES256" => new EcdsaAlgorithm(EcCurve.P256),
            "EdDSA" => Ed25519Algorithm.Instance,
            var other => throw new ContractFailure($"no JWS algorithm {other} in this check"),
        };
        var key = await SubtleCrypto.ImportJwkAsync(jwk.Kty == "oct" ? jwk : PublicPart(jwk), algorithm, KeyUsages.Verify);
        var (signingInput, signature) = SplitJws(jwt);
        return await SubtleCrypto.VerifyAsync(key, signature, signingInput);
    }

    private static (byte[] SigningInput, byte[] Signature) SplitJws(string compact)
    {
        var last = compact.LastIndexOf('.');
        return (Encoding.ASCII.GetBytes(compact[..last]), Base64Url.DecodeFromChars(compact.AsSpan(last + 1)));
    }

    private static JsonWebKey PublicPart(JsonWebKey jwk) => jwk with { D = null, P = null, Q = null, Dp = null, Dq = null, Qi = null };

    /// <summary>The call must fail with <typeparamref name="T"/> whose message holds every one of <paramref name="parts"/>.</summary>
    private static async Task Fails<T>(Func<Task> action, string what, params string[] parts)
        where T : Exception
    {
        try
        {
            await action();
        }
        catch (T e)
        {
            foreach (var part in parts)
            {
                Check.Contains(part, e.Message, $"{what}: the {typeof(T).Name}'s message");
            }

            return;
        }
        catch (Exception e)
        {
            throw new ContractFailure($"{what}: expected {typeof(T).Name}, got {e.GetType().Name}: {e.Message}", e);
        }

        throw new ContractFailure($"{what}: expected {typeof(T).Name}, but the call succeeded.");
    }

    private static void Fails<T>(Action action, string what, params string[] parts)
        where T : Exception =>
        Fails<T>(() =>
        {
            action();
            return Task.CompletedTask;
        }, what, parts).GetAwaiter().GetResult();
}
