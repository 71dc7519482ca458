using System.Buffers.Text;
using System.Security.Cryptography;

namespace Pmcp.Workers.Crypto;

/// <summary>
/// <see cref="SubtleCrypto"/> outside workerd, on .NET's System.Security.Cryptography (OpenSSL on Linux). Keys are
/// parsed per operation from their canonical bytes, so nothing here holds native handles between calls. Trimmed out
/// of the Worker: <see cref="SubtleCrypto"/> only reaches it when <see cref="OperatingSystem.IsBrowser"/> is false.
/// </summary>
internal sealed class NativeCryptoBackend : ICryptoBackend
{
    private const string P256Oid = "1.2.840.10045.3.1.7";
    private const string P384Oid = "1.3.132.0.34";

    /// <summary>Set by the native host (Pmcp.Workers.Local); null where nobody registered one.</summary>
    public static IEd25519? Ed25519 { get; set; }

    private static IEd25519 Ed =>
        Ed25519 ?? throw new PlatformNotSupportedException("Ed25519 outside workerd comes from the native host: reference Pmcp.Workers.Local (as dotnet pmcp dev --native does) and open an Env through its LocalEnvSource, or run the Worker in workerd.");

    public Task<byte[]> DigestAsync(HashAlgorithmName hash, ReadOnlyMemory<byte> data) =>
        Task.FromResult(CryptographicOperations.HashData(hash, data.Span));

    public Task<byte[]> SignAsync(CryptoKey key, ReadOnlyMemory<byte> data) => Task.FromResult<byte[]>(key.Algorithm switch
    {
        HmacAlgorithm hmac => CryptographicOperations.HmacData(hmac.Hash, key.Material, data.Span),
        RsaAlgorithm rsa => WithRsa(key, r => r.SignData(data.Span, rsa.Hash, SignaturePadding(rsa))),
        EcdsaAlgorithm ecdsa => WithEcdsa(key, e => e.SignData(data.Span, ecdsa.Hash, DSASignatureFormat.IeeeP1363FixedFieldConcatenation)),
        Ed25519Algorithm => Ed.Sign(Ed25519Keys.SeedOf(key.Material), data.Span),
        _ => throw new InvalidOperationException($"{key.Algorithm.Name} keys do not sign."),
    });

    public Task<bool> VerifyAsync(CryptoKey key, ReadOnlyMemory<byte> signature, ReadOnlyMemory<byte> data) => Task.FromResult(key.Algorithm switch
    {
        HmacAlgorithm hmac => CryptographicOperations.FixedTimeEquals(CryptographicOperations.HmacData(hmac.Hash, key.Material, data.Span), signature.Span),
        RsaAlgorithm rsa => WithRsa(key, r => r.VerifyData(data.Span, signature.Span, rsa.Hash, SignaturePadding(rsa))),
        EcdsaAlgorithm ecdsa => WithEcdsa(key, e => e.VerifyData(data.Span, signature.Span, ecdsa.Hash, DSASignatureFormat.IeeeP1363FixedFieldConcatenation)),
        Ed25519Algorithm => Ed.Verify(Ed25519Keys.PublicKeyOf(key.Material), data.Span, signature.Span),
        _ => throw new InvalidOperationException($"{key.Algorithm.Name} keys do not verify."),
    });

    public Task<byte[]> EncryptAsync(CryptoKey key, CipherOptions? options, ReadOnlyMemory<byte> data)
    {
        switch (key.Algorithm)
        {
            case AesAlgorithm { IsGcm: true }:
                {
                    var tagBytes = options!.TagLengthBits / 8;
                    using var gcm = new AesGcm(key.Material, tagBytes);
                    var output = new byte[data.Length + tagBytes];
                    gcm.Encrypt(options.Iv.Span, data.Span, output.AsSpan(0, data.Length), output.AsSpan(data.Length), options.AdditionalData.Span);
                    return Task.FromResult(output);
                }

            case AesAlgorithm:
                {
                    using var aes = Aes.Create();
                    aes.Key = key.Material;
                    return Task.FromResult(aes.EncryptCbc(data.Span, options!.Iv.Span, PaddingMode.PKCS7));
                }

            case RsaAlgorithm rsa:
                return Task.FromResult(WithRsa(key, r => r.Encrypt(data.Span, RSAEncryptionPadding.CreateOaep(rsa.Hash))));
            default:
                throw new InvalidOperationException($"{key.Algorithm.Name} keys do not encrypt.");
        }
    }

    public Task<byte[]> DecryptAsync(CryptoKey key, CipherOptions? options, ReadOnlyMemory<byte> data)
    {
        switch (key.Algorithm)
        {
            case AesAlgorithm { IsGcm: true }:
                {
                    var tagBytes = options!.TagLengthBits / 8;
                    if (data.Length < tagBytes)
                    {
                        throw new CryptographicException($"the data is shorter than the {tagBytes}-byte tag");
                    }

                    using var gcm = new AesGcm(key.Material, tagBytes);
                    var plaintext = new byte[data.Length - tagBytes];
                    gcm.Decrypt(options.Iv.Span, data.Span[..plaintext.Length], data.Span[plaintext.Length..], plaintext, options.AdditionalData.Span);
                    return Task.FromResult(plaintext);
                }

            case AesAlgorithm:
                {
                    using var aes = Aes.Create();
                    aes.Key = key.Material;
                    return Task.FromResult(aes.DecryptCbc(data.Span, options!.Iv.Span, PaddingMode.PKCS7));
                }

            case RsaAlgorithm rsa:
                return Task.FromResult(WithRsa(key, r => r.Decrypt(data.Span, RSAEncryptionPadding.CreateOaep(rsa.Hash))));
            default:
                throw new InvalidOperationException($"{key.Algorithm.Name} keys do not decrypt.");
        }
    }

    public Task<byte[]> DeriveBitsAsync(CryptoKey key, KeyDerivation derivation, int lengthBits) => Task.FromResult(derivation switch
    {
        Pbkdf2Derivation p => Rfc2898DeriveBytes.Pbkdf2(key.Material, p.Salt.Span, p.Iterations, p.Hash, lengthBits / 8),
        HkdfDerivation h => HKDF.DeriveKey(h.Hash, key.Material, lengthBits / 8, h.Salt.ToArray(), h.Info.ToArray()),
        _ => throw new InvalidOperationException($"Unknown derivation {derivation.GetType().Name}."),
    });

    public Task<byte[]> ImportAsync(KeyAlgorithm algorithm, KeyFormat format, ReadOnlyMemory<byte> data)
    {
        var bytes = data.Span;
        return Task.FromResult(algorithm switch
        {
            Ed25519Algorithm => format switch
            {
                KeyFormat.Raw => Ed25519Keys.Spki(bytes),
                KeyFormat.Spki => Ed25519Keys.Spki(Ed25519Keys.PublicKeyOf(bytes)),
                _ => Ed25519Keys.Pkcs8(Ed25519Keys.SeedOf(bytes)),
            },
            RsaAlgorithm => Canonical(RSA.Create(), format, bytes),
            EcdsaAlgorithm ecdsa when format == KeyFormat.Raw => ImportEcPoint(ecdsa, bytes),
            EcdsaAlgorithm ecdsa => CanonicalEc(ecdsa, format, bytes),
            _ => throw new InvalidOperationException($"{algorithm.Name} keys are not imported here."),
        });
    }

    public Task<byte[]> ImportJwkAsync(KeyAlgorithm algorithm, JsonWebKey jwk, bool isPrivate)
    {
        switch (algorithm)
        {
            case RsaAlgorithm:
                {
                    var modulus = Member(jwk.N, "n");
                    var half = (modulus.Length + 1) / 2;
                    var parameters = new RSAParameters { Modulus = modulus, Exponent = Member(jwk.E, "e") };
                    if (isPrivate)
                    {
                        parameters.D = Pad(Member(jwk.D, "d"), modulus.Length);
                        parameters.P = Pad(Member(jwk.P, "p"), half);
                        parameters.Q = Pad(Member(jwk.Q, "q"), half);
                        parameters.DP = Pad(Member(jwk.Dp, "dp"), half);
                        parameters.DQ = Pad(Member(jwk.Dq, "dq"), half);
                        parameters.InverseQ = Pad(Member(jwk.Qi, "qi"), half);
                    }

                    using var rsa = RSA.Create();
                    rsa.ImportParameters(parameters);
                    return Task.FromResult(isPrivate ? rsa.ExportPkcs8PrivateKey() : rsa.ExportSubjectPublicKeyInfo());
                }

            case EcdsaAlgorithm ecdsa:
                {
                    var size = FieldBytes(ecdsa);
                    var parameters = new ECParameters
                    {
                        Curve = Curve(ecdsa),
                        Q = new ECPoint { X = Exact(Member(jwk.X, "x"), size, "x"), Y = Exact(Member(jwk.Y, "y"), size, "y") },
                        D = isPrivate ? Exact(Member(jwk.D, "d"), size, "d") : null,
                    };
                    using var key = ECDsa.Create(parameters);
                    return Task.FromResult(isPrivate ? key.ExportPkcs8PrivateKey() : key.ExportSubjectPublicKeyInfo());
                }

            case Ed25519Algorithm:
                {
                    var x = Member(jwk.X, "x");
                    if (!isPrivate)
                    {
                        return Task.FromResult(Ed25519Keys.Spki(x));
                    }

                    var seed = Member(jwk.D, "d");
                    var pkcs8 = Ed25519Keys.Pkcs8(seed);
                    if (!CryptographicOperations.FixedTimeEquals(Ed.PublicKey(seed), x))
                    {
                        throw new CryptographicException("the JWK's \"x\" is not the public key of its \"d\"");
                    }

                    return Task.FromResult(pkcs8);
                }

            default:
                throw new InvalidOperationException($"{algorithm.Name} JWKs are not imported here.");
        }
    }

    public Task<byte[]> ExportRawPublicAsync(CryptoKey key)
    {
        if (key.Algorithm is Ed25519Algorithm)
        {
            return Task.FromResult(Ed25519Keys.PublicKeyOf(key.Material));
        }

        using var ecdsa = ECDsa.Create();
        ecdsa.ImportSubjectPublicKeyInfo(key.Material, out _);
        var q = ecdsa.ExportParameters(includePrivateParameters: false).Q;
        return Task.FromResult<byte[]>([0x04, .. q.X!, .. q.Y!]);
    }

    public Task<JsonWebKey> ExportJwkAsync(CryptoKey key)
    {
        var isPrivate = key.Type == CryptoKeyType.Private;
        switch (key.Algorithm)
        {
            case RsaAlgorithm:
                {
                    var p = WithRsa(key, r => r.ExportParameters(isPrivate));
                    return Task.FromResult(new JsonWebKey
                    {
                        Kty = "RSA",
                        N = B64(p.Modulus),
                        E = B64(p.Exponent),
                        D = B64(p.D),
                        P = B64(p.P),
                        Q = B64(p.Q),
                        Dp = B64(p.DP),
                        Dq = B64(p.DQ),
                        Qi = B64(p.InverseQ),
                    });
                }

            case EcdsaAlgorithm ecdsa:
                {
                    var p = WithEcdsa(key, e => e.ExportParameters(isPrivate));
                    return Task.FromResult(new JsonWebKey { Kty = "EC", Crv = ecdsa.CurveName, X = B64(p.Q.X), Y = B64(p.Q.Y), D = B64(p.D) });
                }

            default:
                {
                    var seed = isPrivate ? Ed25519Keys.SeedOf(key.Material) : null;
                    var publicKey = seed is null ? Ed25519Keys.PublicKeyOf(key.Material) : Ed.PublicKey(seed);
                    return Task.FromResult(new JsonWebKey { Kty = "OKP", Crv = "Ed25519", X = B64(publicKey), D = B64(seed) });
                }
        }
    }

    public Task<(byte[] Public, byte[] Private)> GenerateKeyPairAsync(KeyAlgorithm algorithm, int modulusBits)
    {
        switch (algorithm)
        {
            case RsaAlgorithm:
                {
                    using var rsa = RSA.Create(modulusBits);
                    return Task.FromResult((rsa.ExportSubjectPublicKeyInfo(), rsa.ExportPkcs8PrivateKey()));
                }

            case EcdsaAlgorithm ecdsa:
                {
                    using var key = ECDsa.Create(Curve(ecdsa));
                    return Task.FromResult((key.ExportSubjectPublicKeyInfo(), key.ExportPkcs8PrivateKey()));
                }

            default:
                {
                    var seed = RandomNumberGenerator.GetBytes(Ed25519Keys.KeyBytes);
                    return Task.FromResult((Ed25519Keys.Spki(Ed.PublicKey(seed)), Ed25519Keys.Pkcs8(seed)));
                }
        }
    }

    private static RSASignaturePadding SignaturePadding(RsaAlgorithm rsa) => rsa.Scheme switch
    {
        RsaScheme.Pkcs1Signature => RSASignaturePadding.Pkcs1,
        RsaScheme.PssSignature => RSASignaturePadding.Pss, // salt as long as the hash, as JWS PS256/384/512
        _ => throw new InvalidOperationException("RSA-OAEP keys do not sign; import the key as RsaScheme.Pkcs1Signature or PssSignature."),
    };

    private static T WithRsa<T>(CryptoKey key, Func<RSA, T> use)
    {
        using var rsa = RSA.Create();
        if (key.Type == CryptoKeyType.Private)
        {
            rsa.ImportPkcs8PrivateKey(key.Material, out _);
        }
        else
        {
            rsa.ImportSubjectPublicKeyInfo(key.Material, out _);
        }

        return use(rsa);
    }

    private static T WithEcdsa<T>(CryptoKey key, Func<ECDsa, T> use)
    {
        using var ecdsa = ECDsa.Create();
        if (key.Type == CryptoKeyType.Private)
        {
            ecdsa.ImportPkcs8PrivateKey(key.Material, out _);
        }
        else
        {
            ecdsa.ImportSubjectPublicKeyInfo(key.Material, out _);
        }

        return use(ecdsa);
    }

    private static byte[] Canonical(RSA rsa, KeyFormat format, ReadOnlySpan<byte> bytes)
    {
        using (rsa)
        {
            int read;
            if (format == KeyFormat.Pkcs8)
            {
                rsa.ImportPkcs8PrivateKey(bytes, out read);
            }
            else
            {
                rsa.ImportSubjectPublicKeyInfo(bytes, out read);
            }

            CheckWhole(read, bytes.Length);
            return format == KeyFormat.Pkcs8 ? rsa.ExportPkcs8PrivateKey() : rsa.ExportSubjectPublicKeyInfo();
        }
    }

    private static byte[] CanonicalEc(EcdsaAlgorithm algorithm, KeyFormat format, ReadOnlySpan<byte> bytes)
    {
        using var ecdsa = ECDsa.Create();
        int read;
        if (format == KeyFormat.Pkcs8)
        {
            ecdsa.ImportPkcs8PrivateKey(bytes, out read);
        }
        else
        {
            ecdsa.ImportSubjectPublicKeyInfo(bytes, out read);
        }

        CheckWhole(read, bytes.Length);
        var oid = ecdsa.ExportParameters(includePrivateParameters: false).Curve.Oid.Value;
        if (oid != (algorithm.Curve == EcCurve.P384 ? P384Oid : P256Oid))
        {
            throw new CryptographicException($"the key is on another curve than {algorithm.CurveName}");
        }

        return format == KeyFormat.Pkcs8 ? ecdsa.ExportPkcs8PrivateKey() : ecdsa.ExportSubjectPublicKeyInfo();
    }

    private static byte[] ImportEcPoint(EcdsaAlgorithm algorithm, ReadOnlySpan<byte> point)
    {
        var size = FieldBytes(algorithm);
        if (point.Length != 1 + (2 * size) || point[0] != 0x04)
        {
            throw new CryptographicException($"a raw {algorithm.CurveName} public key is an uncompressed point: 0x04 and {2 * size} bytes ({1 + (2 * size)} in all); this one is {point.Length} bytes");
        }

        using var ecdsa = ECDsa.Create(new ECParameters
        {
            Curve = Curve(algorithm),
            Q = new ECPoint { X = point.Slice(1, size).ToArray(), Y = point.Slice(1 + size, size).ToArray() },
        });
        return ecdsa.ExportSubjectPublicKeyInfo();
    }

    private static void CheckWhole(int read, int length)
    {
        if (read != length)
        {
            throw new CryptographicException($"{length - read} bytes follow the key's DER");
        }
    }

    private static ECCurve Curve(EcdsaAlgorithm algorithm) => algorithm.Curve == EcCurve.P384 ? ECCurve.NamedCurves.nistP384 : ECCurve.NamedCurves.nistP256;

    private static int FieldBytes(EcdsaAlgorithm algorithm) => algorithm.Curve == EcCurve.P384 ? 48 : 32;

    private static byte[] Member(string? value, string name) => SubtleCrypto.JwkMember(value, name);

    /// <summary>JWK integers drop leading zeros; .NET's RSAParameters wants them at their full width.</summary>
    private static byte[] Pad(byte[] value, int length)
    {
        if (value.Length >= length)
        {
            return value;
        }

        var padded = new byte[length];
        value.CopyTo(padded.AsSpan(length - value.Length));
        return padded;
    }

    private static byte[] Exact(byte[] value, int length, string name) =>
        value.Length == length ? value : throw new CryptographicException($"the JWK's \"{name}\" is {value.Length} bytes; on this curve it is {length}");

    private static string? B64(byte[]? value) => value is null ? null : Base64Url.EncodeToString(value);
}
