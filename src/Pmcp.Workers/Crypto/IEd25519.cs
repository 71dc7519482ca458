namespace Pmcp.Workers.Crypto;

/// <summary>
/// Ed25519 outside workerd: .NET has none, so the native host (Pmcp.Workers.Local) registers a library's in
/// <see cref="NativeCryptoBackend.Ed25519"/>, and the Worker's WebAssembly bundle never carries it.
/// </summary>
internal interface IEd25519
{
    byte[] PublicKey(ReadOnlySpan<byte> seed);

    byte[] Sign(ReadOnlySpan<byte> seed, ReadOnlySpan<byte> data);

    /// <summary>False for a wrong signature, a signature of the wrong length or a public key that is no curve point.</summary>
    bool Verify(ReadOnlySpan<byte> publicKey, ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature);
}
