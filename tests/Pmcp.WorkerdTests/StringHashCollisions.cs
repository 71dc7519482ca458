using System.Reflection;

namespace Pmcp.WorkerdTests;

/// <summary>
/// Strings that collide under .NET's non-randomized string hash (<c>string.GetNonRandomizedHashCode</c>), the hash a
/// <c>Dictionary&lt;string, …&gt;</c> starts with: the keys a hash-flooding request would send. Six characters each:
/// the first four are chosen freely and the last two are solved for, so every key has the same 32-bit hash.
/// </summary>
internal static class StringHashCollisions
{
    private const uint Start = (5381 << 16) + 5381;
    private const uint Multiplier = 1566083941;

    public static List<string> Generate(int count, uint target = 0x12345678)
    {
        var inverse = Inverse(Multiplier);
        var keys = new List<string>(count);
        const string letters = "abcdefghijklmnopqrstuvwxyz";
        for (var i = 0; keys.Count < count; i++)
        {
            var head = new string([letters[i / 17576 % 26], letters[i / 676 % 26], letters[i / 26 % 26], letters[i % 26]]);
            var hash1 = Step(Start) ^ (head[0] | ((uint)head[1] << 16));
            var hash2 = Step(Start) ^ (head[2] | ((uint)head[3] << 16));
            var tail = unchecked((target - hash1) * inverse) ^ Step(hash2);
            var (low, high) = ((char)(tail & 0xFFFF), (char)(tail >> 16));
            if (!char.IsSurrogate(low) && !char.IsSurrogate(high))
            {
                keys.Add(head + low + high);
            }
        }

        // Checked against the runtime's own function, so that a change to it fails here rather than silently.
        var hash = typeof(string).GetMethod("GetNonRandomizedHashCode", BindingFlags.NonPublic | BindingFlags.Instance)
            ?? throw new InvalidOperationException("string.GetNonRandomizedHashCode is gone: .NET changed its string hashing.");
        Assert.All(keys, key => Assert.Equal(unchecked((int)target), (int)hash.Invoke(key, null)!));
        return keys;
    }

    private static uint Step(uint hash) => unchecked(((hash << 5) | (hash >> 27)) + hash);

    /// <summary>The multiplicative inverse modulo 2^32 of an odd number (Newton's iteration).</summary>
    private static uint Inverse(uint odd)
    {
        var x = odd;
        for (var i = 0; i < 5; i++)
        {
            x = unchecked(x * (2 - (odd * x)));
        }

        return x;
    }
}
