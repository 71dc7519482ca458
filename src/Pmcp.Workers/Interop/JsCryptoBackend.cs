using System.Buffers;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Runtime.Versioning;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Pmcp.Workers.Crypto;

namespace Pmcp.Workers.Interop;

/// <summary>
/// <see cref="SubtleCrypto"/> inside workerd: each operation is one <see cref="JsCrypto.Call"/> with a JSON description
/// in WebCrypto's own terms (algorithm dictionaries, usages), the key's bytes and the data. See host/crypto.mjs for why
/// keys cross as bytes and why the returned promise is safe under concurrent requests.
/// </summary>
[SupportedOSPlatform("browser")]
internal sealed class JsCryptoBackend : ICryptoBackend
{
    public async Task<byte[]> DigestAsync(HashAlgorithmName hash, ReadOnlyMemory<byte> data) =>
        JsCrypto.Take(int.Parse(await JsCrypto.Call("digest", Spec(w => w.WriteString("hash", CryptoNames.Hash(hash))), Empty, Segment(data)).ConfigureAwait(false), CultureInfo.InvariantCulture));

    public Task<byte[]> SignAsync(CryptoKey key, ReadOnlyMemory<byte> data) =>
        BytesAsync("sign", key, w => WriteParameters(w, key.Algorithm, null), data);

    public async Task<bool> VerifyAsync(CryptoKey key, ReadOnlyMemory<byte> signature, ReadOnlyMemory<byte> data)
    {
        // One view for both: the signature, then the data.
        var both = new byte[signature.Length + data.Length];
        signature.CopyTo(both);
        data.CopyTo(both.AsMemory(signature.Length));
        var spec = Spec(w =>
        {
            WriteKey(w, key);
            WriteParameters(w, key.Algorithm, null);
            w.WriteNumber("signatureLength", signature.Length);
        });
        return await JsCrypto.Call("verify", spec, key.Material, both).ConfigureAwait(false) == "true";
    }

    public Task<byte[]> EncryptAsync(CryptoKey key, CipherOptions? options, ReadOnlyMemory<byte> data) =>
        BytesAsync("encrypt", key, w => WriteParameters(w, key.Algorithm, options), data);

    public Task<byte[]> DecryptAsync(CryptoKey key, CipherOptions? options, ReadOnlyMemory<byte> data) =>
        BytesAsync("decrypt", key, w => WriteParameters(w, key.Algorithm, options), data);

    public Task<byte[]> DeriveBitsAsync(CryptoKey key, KeyDerivation derivation, int lengthBits) =>
        BytesAsync("deriveBits", key, w =>
        {
            w.WriteStartObject("params");
            w.WriteString("name", derivation.Algorithm.Name);
            w.WriteString("hash", CryptoNames.Hash(derivation.Hash));
            switch (derivation)
            {
                case Pbkdf2Derivation p:
                    w.WriteBase64String("salt", p.Salt.Span);
                    w.WriteNumber("iterations", p.Iterations);
                    break;
                case HkdfDerivation h:
                    w.WriteBase64String("salt", h.Salt.Span);
                    w.WriteBase64String("info", h.Info.Span);
                    break;
            }

            w.WriteEndObject();
            w.WriteNumber("length", lengthBits);
        }, ReadOnlyMemory<byte>.Empty);

    public async Task<byte[]> ImportAsync(KeyAlgorithm algorithm, KeyFormat format, ReadOnlyMemory<byte> data)
    {
        var isPrivate = format == KeyFormat.Pkcs8;
        var spec = Spec(w =>
        {
            w.WriteString("format", FormatName(format));
            WriteAlgorithm(w, "alg", algorithm);
            WriteUsages(w, AllUsages(algorithm, isPrivate));
        });
        return Slot(await JsCrypto.Call("import", spec, Empty, Segment(data)).ConfigureAwait(false));
    }

    public async Task<byte[]> ImportJwkAsync(KeyAlgorithm algorithm, JsonWebKey jwk, bool isPrivate)
    {
        var spec = Spec(w =>
        {
            w.WriteString("format", "jwk");
            w.WritePropertyName("jwk");
            JsonSerializer.Serialize(w, jwk, CryptoJsonContext.Default.JsonWebKey);
            WriteAlgorithm(w, "alg", algorithm);
            WriteUsages(w, AllUsages(algorithm, isPrivate));
        });
        return Slot(await JsCrypto.Call("import", spec, Empty, Empty).ConfigureAwait(false));
    }

    public async Task<byte[]> ExportRawPublicAsync(CryptoKey key) =>
        Slot(await JsCrypto.Call("exportRaw", Spec(w => WriteKey(w, key)), key.Material, Empty).ConfigureAwait(false));

    public async Task<JsonWebKey> ExportJwkAsync(CryptoKey key) =>
        JsonWebKey.Parse(await JsCrypto.Call("exportJwk", Spec(w => WriteKey(w, key)), key.Material, Empty).ConfigureAwait(false));

    public async Task<(byte[] Public, byte[] Private)> GenerateKeyPairAsync(KeyAlgorithm algorithm, int modulusBits)
    {
        var spec = Spec(w =>
        {
            w.WriteStartObject("alg");
            WriteAlgorithmMembers(w, algorithm);
            if (algorithm is RsaAlgorithm)
            {
                w.WriteNumber("modulusLength", modulusBits);
                w.WriteBase64String("publicExponent", [0x01, 0x00, 0x01]);
            }

            w.WriteEndObject();
            WriteUsages(w, AllUsages(algorithm, isPrivate: true) | AllUsages(algorithm, isPrivate: false));
        });
        var slots = (await JsCrypto.Call("generate", spec, Empty, Empty).ConfigureAwait(false)).Split(',');
        return (Slot(slots[0]), Slot(slots[1]));
    }

    private static async Task<byte[]> BytesAsync(string operation, CryptoKey key, Action<Utf8JsonWriter> parameters, ReadOnlyMemory<byte> data)
    {
        var spec = Spec(w =>
        {
            WriteKey(w, key);
            parameters(w);
        });
        return Slot(await JsCrypto.Call(operation, spec, key.Material, Segment(data)).ConfigureAwait(false));
    }

    private static ArraySegment<byte> Empty => ArraySegment<byte>.Empty;

    private static byte[] Slot(string slot) => JsCrypto.Take(int.Parse(slot, CultureInfo.InvariantCulture));

    private static ArraySegment<byte> Segment(ReadOnlyMemory<byte> bytes) =>
        MemoryMarshal.TryGetArray(bytes, out var segment) ? segment : new ArraySegment<byte>(bytes.ToArray());

    private static string Spec(Action<Utf8JsonWriter> write) => JsBinding.Arguments(write);

    /// <summary>What the host needs to import the key into its cache: its id, bytes' format, algorithm and usages.</summary>
    private static void WriteKey(Utf8JsonWriter w, CryptoKey key)
    {
        w.WriteStartObject("key");
        w.WriteNumber("id", key.Id);
        w.WriteString("format", FormatName(key.MaterialFormat));
        WriteAlgorithm(w, "alg", key.Algorithm);
        WriteUsages(w, key.Type == CryptoKeyType.Secret ? key.Algorithm.AllowedUsages.Secret : AllUsages(key.Algorithm, key.Type == CryptoKeyType.Private));
        w.WriteEndObject();
    }

    /// <summary>The algorithm dictionary of importKey: name, and hash or namedCurve.</summary>
    private static void WriteAlgorithm(Utf8JsonWriter w, string property, KeyAlgorithm algorithm)
    {
        w.WriteStartObject(property);
        WriteAlgorithmMembers(w, algorithm);
        w.WriteEndObject();
    }

    private static void WriteAlgorithmMembers(Utf8JsonWriter w, KeyAlgorithm algorithm)
    {
        w.WriteString("name", algorithm.Name);
        switch (algorithm)
        {
            case HmacAlgorithm hmac:
                w.WriteString("hash", CryptoNames.Hash(hmac.Hash));
                break;
            case RsaAlgorithm rsa:
                w.WriteString("hash", CryptoNames.Hash(rsa.Hash));
                break;
            case EcdsaAlgorithm ecdsa:
                w.WriteString("namedCurve", ecdsa.CurveName);
                break;
        }
    }

    /// <summary>The algorithm dictionary of sign, verify, encrypt and decrypt.</summary>
    private static void WriteParameters(Utf8JsonWriter w, KeyAlgorithm algorithm, CipherOptions? options)
    {
        w.WriteStartObject("params");
        w.WriteString("name", algorithm.Name);
        switch (algorithm)
        {
            case RsaAlgorithm { Scheme: RsaScheme.PssSignature } rsa:
                w.WriteNumber("saltLength", CryptoNames.HashBytes(rsa.Hash));
                break;
            case EcdsaAlgorithm ecdsa:
                w.WriteString("hash", CryptoNames.Hash(ecdsa.Hash));
                break;
            case AesAlgorithm aes when options is not null:
                w.WriteBase64String("iv", options.Iv.Span);
                if (aes.IsGcm)
                {
                    w.WriteNumber("tagLength", options.TagLengthBits);
                    if (!options.AdditionalData.IsEmpty)
                    {
                        w.WriteBase64String("additionalData", options.AdditionalData.Span);
                    }
                }

                break;
        }

        w.WriteEndObject();
    }

    private static KeyUsages AllUsages(KeyAlgorithm algorithm, bool isPrivate) =>
        isPrivate ? algorithm.AllowedUsages.Private : algorithm.AllowedUsages.Public;

    private static void WriteUsages(Utf8JsonWriter w, KeyUsages usages)
    {
        w.WriteStartArray("usages");
        foreach (var (flag, name) in UsageNames)
        {
            if ((usages & flag) != 0)
            {
                w.WriteStringValue(name);
            }
        }

        w.WriteEndArray();
    }

    private static readonly (KeyUsages Flag, string Name)[] UsageNames =
    [
        (KeyUsages.Encrypt, "encrypt"), (KeyUsages.Decrypt, "decrypt"), (KeyUsages.Sign, "sign"), (KeyUsages.Verify, "verify"), (KeyUsages.DeriveBits, "deriveBits"),
    ];

    private static string FormatName(KeyFormat format) => format switch
    {
        KeyFormat.Spki => "spki",
        KeyFormat.Pkcs8 => "pkcs8",
        _ => "raw",
    };
}
