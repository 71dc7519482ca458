using System.Globalization;
using System.Reflection;
using System.Security.Cryptography;
using System.Text.Json;

namespace RoutesWorker;

/// <summary>
/// What a request sees of the runtime's randomness, for the tests that compare two isolates (booted or restored from
/// one start-up image): values drawn in a request must differ between isolates.
/// </summary>
internal static class RandomProbe
{
    /// <summary>A Guid, a fresh <see cref="Random"/>'s first value, <see cref="Random.Shared"/>'s and 16 cryptographic bytes.</summary>
    public static string Draw() => string.Join(' ',
        Guid.NewGuid().ToString("N"),
        new Random().Next().ToString(CultureInfo.InvariantCulture),
        Random.Shared.Next().ToString(CultureInfo.InvariantCulture),
        Convert.ToHexString(RandomNumberGenerator.GetBytes(16)));

    /// <summary>
    /// Fills a <c>Dictionary&lt;string, int&gt;</c> with the body's property names, as a deserializer would with a
    /// request's JSON object, and reports the comparer it ended with and what that comparer makes of "probe". Keys
    /// that collide under .NET's non-randomized string hash make it switch to a randomized comparer with its own seed.
    /// </summary>
    public static string Flood(string body)
    {
        using var document = JsonDocument.Parse(body);
        var keys = new Dictionary<string, int>();
        foreach (var property in document.RootElement.EnumerateObject())
        {
            keys[property.Name] = keys.Count;
        }

        var comparer = (IEqualityComparer<string>)typeof(Dictionary<string, int>).GetField("_comparer", BindingFlags.NonPublic | BindingFlags.Instance)!.GetValue(keys)!;
        return string.Join(' ', keys.Count.ToString(CultureInfo.InvariantCulture), comparer.GetType().FullName, comparer.GetHashCode("probe").ToString(CultureInfo.InvariantCulture));
    }
}
