using System.Buffers.Text;
using System.Security.Cryptography;
using Pmcp.Workers.Interop;

namespace Pmcp.Workers.Crypto;

/// <summary>
/// WebCrypto's <c>crypto.subtle</c> for C#, the same in both hosts: inside workerd it calls workerd's own
/// <c>crypto.subtle</c> (BoringSSL, native speed, where browser-wasm .NET has no AES, RSA, ECDSA or Ed25519); natively
/// it uses .NET's System.Security.Cryptography (and, for Ed25519, a library the native host registers).
/// Failures of the cryptography itself (a key that does not parse, a ciphertext that does not authenticate) are
/// <see cref="CryptographicException"/>s that say what was being done; misuse (a usage the key lacks, a parameter out
/// of range) is an <see cref="ArgumentException"/> or <see cref="InvalidOperationException"/>.
/// </summary>
public static class SubtleCrypto
{
    private static readonly ICryptoBackend Backend = OperatingSystem.IsBrowser() ? new JsCryptoBackend() : new NativeCryptoBackend();

    /// <summary>The hash of <paramref name="data"/> (SHA-1, SHA-256, SHA-384 or SHA-512).</summary>
    public static Task<byte[]> DigestAsync(HashAlgorithmName hash, ReadOnlyMemory<byte> data)
    {
        CryptoNames.Hash(hash);
        return RunAsync($"{hash.Name} digest", () => Backend.DigestAsync(hash, data));
    }

    /// <summary>Signs with a private key (or an HMAC key): RSASSA-PKCS1-v1_5, RSA-PSS, ECDSA (r‖s, as JWS), Ed25519 or HMAC.</summary>
    public static Task<byte[]> SignAsync(CryptoKey key, ReadOnlyMemory<byte> data)
    {
        Require(key, KeyUsages.Sign);
        return RunAsync($"Signing with {key.Algorithm.Name}", () => Backend.SignAsync(key, data));
    }

    /// <summary>Whether <paramref name="signature"/> is <paramref name="data"/>'s under the key; a malformed signature is false, not an error.</summary>
    public static Task<bool> VerifyAsync(CryptoKey key, ReadOnlyMemory<byte> signature, ReadOnlyMemory<byte> data)
    {
        Require(key, KeyUsages.Verify);
        return RunAsync($"Verifying with {key.Algorithm.Name}", () => Backend.VerifyAsync(key, signature, data));
    }

    /// <summary>Encrypts with AES-GCM (ciphertext then tag), AES-CBC (PKCS#7 padded) or RSA-OAEP (no <paramref name="options"/>).</summary>
    public static Task<byte[]> EncryptAsync(CryptoKey key, ReadOnlyMemory<byte> data, CipherOptions? options = null)
    {
        Require(key, KeyUsages.Encrypt);
        CheckCipher(key, options);
        return RunAsync($"Encrypting with {key.Algorithm.Name}", () => Backend.EncryptAsync(key, options, data));
    }

    /// <summary>Decrypts what <see cref="EncryptAsync"/> made; a wrong key, IV or tampered data is a <see cref="CryptographicException"/>.</summary>
    public static Task<byte[]> DecryptAsync(CryptoKey key, ReadOnlyMemory<byte> data, CipherOptions? options = null)
    {
        Require(key, KeyUsages.Decrypt);
        CheckCipher(key, options);
        return RunAsync($"Decrypting with {key.Algorithm.Name}", () => Backend.DecryptAsync(key, options, data));
    }

    /// <summary>Derives <paramref name="lengthBits"/> bits (a multiple of 8) with PBKDF2 or HKDF from a <see cref="DerivationAlgorithm"/> key.</summary>
    public static Task<byte[]> DeriveBitsAsync(CryptoKey key, KeyDerivation derivation, int lengthBits)
    {
        ArgumentNullException.ThrowIfNull(derivation);
        Require(key, KeyUsages.DeriveBits);
        if (!Equals(key.Algorithm, derivation.Algorithm))
        {
            throw new ArgumentException($"This key is for {key.Algorithm.Name}; import the input for {derivation.Algorithm.Name} with DerivationAlgorithm.{(derivation is Pbkdf2Derivation ? "Pbkdf2" : "Hkdf")}.", nameof(derivation));
        }

        CryptoNames.Hash(derivation.Hash);
        if (lengthBits <= 0 || lengthBits % 8 != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(lengthBits), lengthBits, "Derive a positive whole number of bytes: a multiple of 8 bits.");
        }

        if (derivation is Pbkdf2Derivation { Iterations: <= 0 } pbkdf2)
        {
            throw new ArgumentOutOfRangeException(nameof(derivation), pbkdf2.Iterations, "PBKDF2 needs at least one iteration.");
        }

        if (derivation is HkdfDerivation hkdf && lengthBits > 255 * 8 * CryptoNames.HashBytes(hkdf.Hash))
        {
            throw new ArgumentOutOfRangeException(nameof(lengthBits), lengthBits, $"HKDF with {hkdf.Hash.Name} yields at most {255 * CryptoNames.HashBytes(hkdf.Hash)} bytes.");
        }

        return RunAsync($"Deriving bits with {key.Algorithm.Name}", () => Backend.DeriveBitsAsync(key, derivation, lengthBits));
    }

    /// <summary>
    /// Imports a key: <see cref="KeyFormat.Raw"/> for secret keys (HMAC, AES, PBKDF2, HKDF) and ECDSA or Ed25519 public
    /// keys, <see cref="KeyFormat.Spki"/> for public keys, <see cref="KeyFormat.Pkcs8"/> for private keys.
    /// </summary>
    public static async Task<CryptoKey> ImportKeyAsync(KeyFormat format, ReadOnlyMemory<byte> keyData, KeyAlgorithm algorithm, KeyUsages usages, bool extractable = false)
    {
        ArgumentNullException.ThrowIfNull(algorithm);
        if (!algorithm.IsAsymmetric)
        {
            if (format != KeyFormat.Raw)
            {
                throw new ArgumentException($"A {algorithm.Name} key is secret: import it as KeyFormat.Raw (or a JWK with kty \"oct\"), not {format}.", nameof(format));
            }

            return NewSecret(algorithm, keyData.ToArray(), usages, extractable);
        }

        var type = format switch
        {
            KeyFormat.Spki => CryptoKeyType.Public,
            KeyFormat.Pkcs8 => CryptoKeyType.Private,
            _ when algorithm is RsaAlgorithm => throw new ArgumentException("An RSA key has no raw form: import it as SPKI (public), PKCS#8 (private) or a JWK.", nameof(format)),
            _ => CryptoKeyType.Public,
        };
        CheckUsages(algorithm, type, usages);
        var material = await RunAsync($"Importing a {Describe(format)} {algorithm.Name} key", () => Backend.ImportAsync(algorithm, format, keyData)).ConfigureAwait(false);
        return new CryptoKey(type, algorithm, usages, extractable, material);
    }

    /// <summary>Imports a JSON Web Key; its kty (and crv) must fit <paramref name="algorithm"/>, and a <c>d</c> member makes it private.</summary>
    public static async Task<CryptoKey> ImportJwkAsync(JsonWebKey jwk, KeyAlgorithm algorithm, KeyUsages usages, bool extractable = false)
    {
        ArgumentNullException.ThrowIfNull(jwk);
        ArgumentNullException.ThrowIfNull(algorithm);
        var (kty, crv) = CryptoNames.JwkType(algorithm);
        if (!string.Equals(jwk.Kty, kty, StringComparison.Ordinal) || (crv is not null && !string.Equals(jwk.Crv, crv, StringComparison.Ordinal)))
        {
            throw new ArgumentException($"A JWK for {algorithm.Name} has kty \"{kty}\"{(crv is null ? "" : $" and crv \"{crv}\"")}; this one has kty {Quote(jwk.Kty)}{(crv is null ? "" : $" and crv {Quote(jwk.Crv)}")}.", nameof(jwk));
        }

        if (!algorithm.IsAsymmetric)
        {
            var secret = await RunAsync($"Importing a JWK {algorithm.Name} key", () => Task.FromResult(JwkMember(jwk.K, "k"))).ConfigureAwait(false);
            return NewSecret(algorithm, secret, usages, extractable);
        }

        var type = jwk.D is null ? CryptoKeyType.Public : CryptoKeyType.Private;
        CheckUsages(algorithm, type, usages);
        var material = await RunAsync($"Importing a JWK {algorithm.Name} key", () => Backend.ImportJwkAsync(algorithm, jwk, type == CryptoKeyType.Private)).ConfigureAwait(false);
        return new CryptoKey(type, algorithm, usages, extractable, material);
    }

    /// <summary>Exports an extractable key as raw bytes (secret keys, ECDSA and Ed25519 public keys), SPKI (public) or PKCS#8 (private).</summary>
    public static async Task<byte[]> ExportKeyAsync(KeyFormat format, CryptoKey key)
    {
        CheckExtractable(key);
        if (format == key.MaterialFormat)
        {
            return key.Material.ToArray();
        }

        if (format == KeyFormat.Raw && key.Type == CryptoKeyType.Public && key.Algorithm is not RsaAlgorithm)
        {
            return await RunAsync($"Exporting a raw {key.Algorithm.Name} key", () => Backend.ExportRawPublicAsync(key)).ConfigureAwait(false);
        }

        throw new ArgumentException($"A {key.Type.ToString().ToLowerInvariant()} {key.Algorithm.Name} key exports as {key.MaterialFormat}{(key.Type == CryptoKeyType.Public && key.Algorithm is not RsaAlgorithm ? " or Raw" : "")} (or a JWK), not {format}.", nameof(format));
    }

    /// <summary>Exports an extractable key as a JSON Web Key.</summary>
    public static async Task<JsonWebKey> ExportJwkAsync(CryptoKey key)
    {
        CheckExtractable(key);
        if (key.Type == CryptoKeyType.Secret)
        {
            return new JsonWebKey { Kty = "oct", K = Base64Url.EncodeToString(key.Material), Alg = CryptoNames.JwsAlgorithm(key.Algorithm, key.Material.Length), Ext = true };
        }

        var jwk = await RunAsync($"Exporting a JWK {key.Algorithm.Name} key", () => Backend.ExportJwkAsync(key)).ConfigureAwait(false);
        return jwk with { Alg = CryptoNames.JwsAlgorithm(key.Algorithm, 0), Ext = true };
    }

    /// <summary>A new random secret key: AES of <paramref name="lengthBits"/> 128, 192 or 256 (default 256); HMAC by default as long as its hash's block.</summary>
    public static CryptoKey GenerateKey(KeyAlgorithm algorithm, KeyUsages usages, bool extractable = false, int? lengthBits = null)
    {
        ArgumentNullException.ThrowIfNull(algorithm);
        var bits = algorithm switch
        {
            AesAlgorithm => lengthBits ?? 256,
            HmacAlgorithm hmac => lengthBits ?? 8 * CryptoNames.HashBlockBytes(hmac.Hash),
            _ => throw new ArgumentException($"{algorithm.Name} keys are {(algorithm.IsAsymmetric ? "pairs: use GenerateKeyPairAsync" : "imported from a password or key material, not generated")}.", nameof(algorithm)),
        };
        if (bits <= 0 || bits % 8 != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(lengthBits), bits, "A key is a whole number of bytes: give a positive multiple of 8 bits.");
        }

        return NewSecret(algorithm, RandomNumberGenerator.GetBytes(bits / 8), usages, extractable);
    }

    /// <summary>
    /// A new key pair for RSA (<paramref name="modulusBits"/>, default 2048, public exponent 65537), ECDSA or Ed25519.
    /// <paramref name="usages"/> is split as WebCrypto splits it: the public key gets Verify and Encrypt, the private key
    /// Sign and Decrypt. The public key is always extractable.
    /// </summary>
    public static async Task<CryptoKeyPair> GenerateKeyPairAsync(KeyAlgorithm algorithm, KeyUsages usages, bool extractable = false, int modulusBits = 2048)
    {
        ArgumentNullException.ThrowIfNull(algorithm);
        if (!algorithm.IsAsymmetric)
        {
            throw new ArgumentException($"{algorithm.Name} keys are secret: use GenerateKey.", nameof(algorithm));
        }

        if (algorithm is RsaAlgorithm && (modulusBits < 1024 || modulusBits > 8192 || modulusBits % 8 != 0))
        {
            throw new ArgumentOutOfRangeException(nameof(modulusBits), modulusBits, "An RSA modulus of 1024 to 8192 bits, a multiple of 8 (2048 or more for new keys).");
        }

        var (_, publicUsages, privateUsages) = algorithm.AllowedUsages;
        if ((usages & ~(publicUsages | privateUsages)) != 0 || (usages & privateUsages) == 0)
        {
            throw new ArgumentException($"A {algorithm.Name} pair's usages are among {publicUsages | privateUsages}, and the private key needs one of {privateUsages}; got {usages}.", nameof(usages));
        }

        var (publicKey, privateKey) = await RunAsync($"Generating a {algorithm.Name} key pair", () => Backend.GenerateKeyPairAsync(algorithm, modulusBits)).ConfigureAwait(false);
        return new CryptoKeyPair(
            new CryptoKey(CryptoKeyType.Public, algorithm, usages & publicUsages, extractable: true, publicKey),
            new CryptoKey(CryptoKeyType.Private, algorithm, usages & privateUsages, extractable, privateKey));
    }

    /// <summary>Whether two byte strings are equal, in a time that depends on their length only (compare MACs and tokens with this).</summary>
    public static bool FixedTimeEquals(ReadOnlySpan<byte> left, ReadOnlySpan<byte> right) => CryptographicOperations.FixedTimeEquals(left, right);

    private static CryptoKey NewSecret(KeyAlgorithm algorithm, byte[] bytes, KeyUsages usages, bool extractable)
    {
        CheckUsages(algorithm, CryptoKeyType.Secret, usages);
        switch (algorithm)
        {
            case AesAlgorithm when bytes.Length is not (16 or 24 or 32):
                throw new CryptographicException($"An AES key is 16, 24 or 32 bytes (128, 192 or 256 bits); this one is {bytes.Length} bytes.");
            case HmacAlgorithm hmac when bytes.Length == 0:
                CryptoNames.Hash(hmac.Hash);
                throw new CryptographicException("An HMAC key cannot be empty.");
            case HmacAlgorithm hmac:
                CryptoNames.Hash(hmac.Hash);
                break;
            case DerivationAlgorithm when extractable:
                throw new ArgumentException($"{algorithm.Name} input keys cannot be extractable (as in WebCrypto): pass extractable: false.", nameof(extractable));
        }

        return new CryptoKey(CryptoKeyType.Secret, algorithm, usages, extractable, bytes);
    }

    private static void CheckUsages(KeyAlgorithm algorithm, CryptoKeyType type, KeyUsages usages)
    {
        var (secret, publicUsages, privateUsages) = algorithm.AllowedUsages;
        var allowed = type switch
        {
            CryptoKeyType.Secret => secret,
            CryptoKeyType.Public => publicUsages,
            _ => privateUsages,
        };
        if ((usages & ~allowed) != 0 || (usages == KeyUsages.None && type != CryptoKeyType.Public))
        {
            throw new ArgumentException($"A {type.ToString().ToLowerInvariant()} {algorithm.Name} key's usages are among {allowed}; got {usages}.", nameof(usages));
        }

        if (algorithm is EcdsaAlgorithm ecdsa)
        {
            CryptoNames.Hash(ecdsa.Hash);
        }
        else if (algorithm is RsaAlgorithm rsa)
        {
            CryptoNames.Hash(rsa.Hash);
        }
    }

    private static void Require(CryptoKey key, KeyUsages usage)
    {
        ArgumentNullException.ThrowIfNull(key);
        if ((key.Usages & usage) == 0)
        {
            throw new InvalidOperationException($"This {key.Type.ToString().ToLowerInvariant()} {key.Algorithm.Name} key may not {usage.ToString().ToLowerInvariant()}: its usages are {key.Usages}. Import or generate it with KeyUsages.{usage}.");
        }
    }

    private static void CheckExtractable(CryptoKey key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (!key.Extractable)
        {
            throw new InvalidOperationException($"This {key.Algorithm.Name} key is not extractable; import or generate it with extractable: true to export it.");
        }
    }

    private static void CheckCipher(CryptoKey key, CipherOptions? options)
    {
        switch (key.Algorithm)
        {
            case AesAlgorithm aes when options is null:
                throw new ArgumentNullException(nameof(options), $"{aes.Name} needs CipherOptions with the IV.");
            case AesAlgorithm { IsGcm: true } when options!.Iv.Length != 12:
                throw new ArgumentException($"AES-GCM takes a 12-byte IV (never reused with one key); this one is {options.Iv.Length} bytes.", nameof(options));
            case AesAlgorithm { IsGcm: true } when options!.TagLengthBits is not (96 or 104 or 112 or 120 or 128):
                throw new ArgumentOutOfRangeException(nameof(options), options.TagLengthBits, "AES-GCM's tag is 96, 104, 112, 120 or 128 bits.");
            case AesAlgorithm { IsGcm: false } when options!.Iv.Length != 16:
                throw new ArgumentException($"AES-CBC takes a 16-byte IV; this one is {options.Iv.Length} bytes.", nameof(options));
            case AesAlgorithm { IsGcm: false } when !options!.AdditionalData.IsEmpty:
                throw new ArgumentException("AES-CBC authenticates nothing: AdditionalData is for AES-GCM.", nameof(options));
            case RsaAlgorithm when options is not null:
                throw new ArgumentException("RSA-OAEP takes no CipherOptions (no label).", nameof(options));
        }
    }

    /// <summary>A base64url member of a JWK, for both hosts' importers; a missing or malformed one says which.</summary>
    internal static byte[] JwkMember(string? value, string member)
    {
        if (value is null)
        {
            throw new CryptographicException($"the JWK lacks its \"{member}\" member");
        }

        try
        {
            return Base64Url.DecodeFromChars(value);
        }
        catch (FormatException e)
        {
            throw new CryptographicException($"the JWK's \"{member}\" member is not base64url", e);
        }
    }

    private static async Task<T> RunAsync<T>(string what, Func<Task<T>> operation)
    {
        try
        {
            return await operation().ConfigureAwait(false);
        }
        catch (Exception e) when (e is not (ArgumentException or InvalidOperationException or OperationCanceledException or PlatformNotSupportedException))
        {
            // The hosts word their failures differently (OpenSSL, BoringSSL through a DOMException); say what failed the same way.
            throw new CryptographicException($"{what} failed: {e.Message}", e);
        }
    }

    private static string Describe(KeyFormat format) => format switch
    {
        KeyFormat.Spki => "SPKI",
        KeyFormat.Pkcs8 => "PKCS#8",
        _ => "raw",
    };

    private static string Quote(string? value) => value is null ? "none" : $"\"{value}\"";
}
