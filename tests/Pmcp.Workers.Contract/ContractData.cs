using System.Text.Json;

namespace Pmcp.Workers.Contract;

/// <summary>Test values the cases share.</summary>
internal static class ContractData
{
    /// <summary>Bytes that do not compress and do not repeat, reproducible from the seed (a failure can be replayed).</summary>
    public static byte[] Random(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    public static JsonElement Json(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }
}
