namespace Pmcp.Workers.Crypto;

/// <summary>
/// The per-message parameters of AES encryption: the <paramref name="Iv"/> (12 bytes for AES-GCM, never reused with
/// one key; 16 bytes for AES-CBC) and, for AES-GCM, data authenticated but not encrypted and the tag length.
/// RSA-OAEP takes none.
/// </summary>
public sealed record CipherOptions(ReadOnlyMemory<byte> Iv)
{
    /// <summary>AES-GCM: bytes the tag covers that are not encrypted (a header, an id).</summary>
    public ReadOnlyMemory<byte> AdditionalData { get; init; }

    /// <summary>AES-GCM: the tag's length in bits, 96 to 128; it follows the ciphertext.</summary>
    public int TagLengthBits { get; init; } = 128;
}
