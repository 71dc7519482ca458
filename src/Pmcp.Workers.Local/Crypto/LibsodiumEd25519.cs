using Pmcp.Workers.Crypto;
using NSecEd25519 = NSec.Cryptography.SignatureAlgorithm;

namespace Pmcp.Workers.Local.Crypto;

/// <summary>
/// Ed25519 for <see cref="SubtleCrypto"/> outside workerd, from libsodium through NSec (.NET 10 has no Ed25519).
/// It lives here, in the native host, so the Worker's WebAssembly bundle never carries it: workerd signs with its own.
/// </summary>
internal sealed class LibsodiumEd25519 : IEd25519
{
    private static readonly NSecEd25519 Algorithm = NSecEd25519.Ed25519;

    /// <summary>Makes SubtleCrypto's Ed25519 work in this process; every native Env (LocalEnvSource) calls it.</summary>
    public static void Register() => NativeCryptoBackend.Ed25519 ??= new LibsodiumEd25519();

    public byte[] PublicKey(ReadOnlySpan<byte> seed)
    {
        using var key = NSec.Cryptography.Key.Import(Algorithm, seed, NSec.Cryptography.KeyBlobFormat.RawPrivateKey);
        return key.PublicKey.Export(NSec.Cryptography.KeyBlobFormat.RawPublicKey);
    }

    public byte[] Sign(ReadOnlySpan<byte> seed, ReadOnlySpan<byte> data)
    {
        using var key = NSec.Cryptography.Key.Import(Algorithm, seed, NSec.Cryptography.KeyBlobFormat.RawPrivateKey);
        return Algorithm.Sign(key, data);
    }

    public bool Verify(ReadOnlySpan<byte> publicKey, ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature) =>
        signature.Length == Algorithm.SignatureSize
        && NSec.Cryptography.PublicKey.TryImport(Algorithm, publicKey, NSec.Cryptography.KeyBlobFormat.RawPublicKey, out var key)
        && Algorithm.Verify(key!, data, signature);
}
