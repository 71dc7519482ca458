using System.Globalization;

namespace Pmcp.Workers.Contract;

/// <summary>
/// The contract's assertions: each takes a description of what is being checked (the operation, in the words of the
/// binding API) and throws <see cref="ContractFailure"/> with the expected and actual values, so a failure read from a
/// Worker's 500 response is as clear as one from xunit.
/// </summary>
internal static class Check
{
    public static void True(bool condition, string what)
    {
        if (!condition)
        {
            throw new ContractFailure(what);
        }
    }

    public static void Equal<T>(T expected, T actual, string what)
    {
        if (!EqualityComparer<T>.Default.Equals(expected, actual))
        {
            throw new ContractFailure($"{what}: expected {Show(expected)}, got {Show(actual)}.");
        }
    }

    public static void Sequence<T>(IEnumerable<T> expected, IEnumerable<T> actual, string what)
    {
        var e = expected.ToList();
        var a = actual.ToList();
        if (!e.SequenceEqual(a))
        {
            throw new ContractFailure($"{what}: expected [{string.Join(", ", e.Select(x => Show(x)))}], got [{string.Join(", ", a.Select(x => Show(x)))}].");
        }
    }

    public static void Bytes(ReadOnlyMemory<byte> expectedBytes, byte[]? actual, string what)
    {
        var expected = expectedBytes.Span;
        if (actual is null)
        {
            throw new ContractFailure($"{what}: expected {expected.Length} bytes, got null.");
        }

        if (expected.SequenceEqual(actual))
        {
            return;
        }

        var length = Math.Min(expected.Length, actual.Length);
        var first = 0;
        while (first < length && expected[first] == actual[first])
        {
            first++;
        }

        throw new ContractFailure(first < length
            ? $"{what}: {actual.Length} bytes (expected {expected.Length}); they first differ at byte {first}: expected 0x{expected[first]:x2}, got 0x{actual[first]:x2}."
            : $"{what}: expected {expected.Length} bytes, got {actual.Length} (equal up to the shorter length).");
    }

    public static T NotNull<T>(T? value, string what)
        where T : class =>
        value ?? throw new ContractFailure($"{what}: expected a value, got null.");

    public static T HasValue<T>(T? value, string what)
        where T : struct =>
        value ?? throw new ContractFailure($"{what}: expected a value, got null.");

    public static void Null(object? value, string what)
    {
        if (value is not null)
        {
            throw new ContractFailure($"{what}: expected null, got {Show(value)}.");
        }
    }

    public static void Contains(string part, string? text, string what)
    {
        if (text is null || !text.Contains(part, StringComparison.Ordinal))
        {
            throw new ContractFailure($"{what}: expected text containing {Show(part)}, got {Show(text)}.");
        }
    }

    public static void Between(long low, long high, long? actual, string what)
    {
        if (actual is not { } value || value < low || value > high)
        {
            throw new ContractFailure($"{what}: expected a value from {low} to {high}, got {Show(actual)}.");
        }
    }

    /// <summary>The call must fail with a <see cref="WorkerException"/> whose message holds every one of <paramref name="messageParts"/>.</summary>
    public static async Task<WorkerException> ThrowsAsync(Func<Task> action, string what, params string[] messageParts)
    {
        try
        {
            await action().ConfigureAwait(false);
        }
        catch (WorkerException e)
        {
            foreach (var part in messageParts)
            {
                if (!e.Message.Contains(part, StringComparison.Ordinal))
                {
                    throw new ContractFailure($"{what}: the WorkerException's message should contain {Show(part)}; it is {Show(e.Message)}.", e);
                }
            }

            return e;
        }
        catch (ContractFailure)
        {
            throw;
        }
        catch (Exception e)
        {
            throw new ContractFailure($"{what}: expected a WorkerException, got {e.GetType().Name}: {e.Message}", e);
        }

        throw new ContractFailure($"{what}: expected a WorkerException, but the call succeeded.");
    }

    /// <summary>The synchronous form, for binding accessors such as <c>env.Kv(name)</c>.</summary>
    public static WorkerException Throws(Action action, string what, params string[] messageParts) =>
        ThrowsAsync(() =>
        {
            action();
            return Task.CompletedTask;
        }, what, messageParts).GetAwaiter().GetResult();

    private static string Show(object? value) => value switch
    {
        null => "null",
        string s => s.Length > 200 ? $"\"{s[..200]}…\" ({s.Length} chars)" : $"\"{s}\"",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? value.GetType().Name,
    };
}
