namespace KvD1R2Worker;

/// <summary>Tiny assertions for scenarios that run inside the Worker.</summary>
internal static class Expect
{
    public static void Equal<T>(T expected, T actual, string what)
    {
        if (!EqualityComparer<T>.Default.Equals(expected, actual))
        {
            throw new InvalidOperationException($"{what}: expected {expected?.ToString() ?? "null"}, got {actual?.ToString() ?? "null"}");
        }
    }

    public static void True(bool condition, string what)
    {
        if (!condition)
        {
            throw new InvalidOperationException(what);
        }
    }
}
