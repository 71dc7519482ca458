using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using Pmcp.Workers.Bindings;
using Pmcp.Workers.Local.Bindings;
using Pmcp.Workers.Local.FaultHelper;

namespace Pmcp.Workers.Local.Tests;

/// <summary>
/// Issue 15's fault tests: a process writing local KV, D1 or R2 is killed with SIGKILL mid-write, again and again; each
/// restart finds the old value or the new one, whole, never a mix, and (R2) no file that the index does not name.
/// </summary>
public sealed class CrashSafetyTests : IDisposable
{
    private const int Rounds = 6;
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task KillingAKvWriteLeavesTheOldValueOrTheNew() =>
        await KillMidWritesAsync("kv", async low =>
        {
            using var backend = new SqliteKvBackend(_folder.File("kv.sqlite"));
            var stored = await backend.GetAsync("value", CancellationToken.None);
            Assert.NotNull(stored);
            var generation = JsonSerializer.Deserialize<long>(stored.MetadataJson!);
            AssertWhole(stored.Value, generation, Generations.KvBytes);
            return generation;
        });

    [Fact]
    public async Task KillingAD1BatchLeavesBothRowsOldOrBothNew() =>
        await KillMidWritesAsync("d1", async low =>
        {
            using var backend = new SqliteD1Backend(_folder.File("d1.sqlite"));
            var result = await backend.QueryAsync(new D1Statement("SELECT id, generation, payload FROM pair ORDER BY id", []), CancellationToken.None);
            Assert.Equal(2, result.Rows.Count);
            var generations = result.Rows.Select(r => r[1].GetInt64()).ToArray();
            Assert.Equal(generations[0], generations[1]);
            foreach (var row in result.Rows)
            {
                AssertWhole(Payload(row[2]), generations[0], Generations.D1Bytes);
            }

            return generations[0];
        });

    [Fact]
    public async Task KillingAnR2PutLeavesTheOldObjectOrTheNewAndNoLeftovers() =>
        await KillMidWritesAsync("r2", async low =>
        {
            using var backend = new FileR2Backend(_folder.File("r2"));
            await using var got = await backend.GetAsync("object", null, CancellationToken.None);
            Assert.NotNull(got);
            var generation = long.Parse(got.CustomMetadata["generation"], CultureInfo.InvariantCulture);
            var bytes = await got.ReadAllBytesAsync();
            AssertWhole(bytes, generation, Generations.R2Bytes);
            Assert.Equal(bytes.Length, got.Size);
            Assert.Equal(Convert.ToHexStringLower(MD5.HashData(bytes)), got.ETag);
            Assert.Single(Directory.GetFiles(_folder.File("r2/objects"), "*", SearchOption.AllDirectories));
            return generation;
        });

    [Fact]
    public async Task OpeningABucketRemovesFilesTheIndexDoesNotName()
    {
        using (var backend = new FileR2Backend(_folder.File("r2")))
        {
            await backend.PutAsync("kept", "kept"u8.ToArray(), new R2PutOptions(), CancellationToken.None);
        }

        var objects = _folder.File("r2/objects");
        var kept = Directory.GetFiles(objects, "*", SearchOption.AllDirectories).Single();
        var hash = LocalNames.Hash("kept");
        File.WriteAllText(Path.Combine(objects, hash[..2], hash + ".0123456789abcdef0123456789abcdef.tmp"), "half a put");
        File.WriteAllText(Path.Combine(objects, hash[..2], hash + "-00000000000000000000000000000000"), "a put never committed");
        Directory.CreateDirectory(Path.Combine(objects, "zz"));
        File.WriteAllText(Path.Combine(objects, "zz", "stray"), "?");

        using (var backend = new FileR2Backend(_folder.File("r2")))
        {
            Assert.Equal([kept], Directory.GetFiles(objects, "*", SearchOption.AllDirectories));
            await using var got = await backend.GetAsync("kept", null, CancellationToken.None);
            Assert.Equal("kept"u8.ToArray(), await got!.ReadAllBytesAsync());
        }
    }

    /// <summary>
    /// Runs the helper <see cref="Rounds"/> times, killing it at a random moment after it finished at least two writes,
    /// and checks after each kill that the store holds the last finished generation or the one being written.
    /// </summary>
    private async Task KillMidWritesAsync(string kind, Func<long, Task<long>> readGeneration)
    {
        var random = new Random(20261125);
        for (var round = 0; round < Rounds; round++)
        {
            var first = (round + 1) * 1000L;
            // Every other R2 round stops the third put halfway through its body, to kill it there for sure.
            var pauseAt = kind == "r2" && round % 2 == 0 ? first + 2 : (long?)null;
            var finished = await RunAndKillAsync(kind, first, random.Next(0, 40), pauseAt);
            var found = await readGeneration(finished);
            Assert.True(found == finished || found == finished + 1,
                $"Round {round}: after 'wrote {finished}' the {kind} store holds generation {found}, neither the last written one nor the next.");
        }
    }

    private async Task<long> RunAndKillAsync(string kind, long first, int delayMilliseconds, long? pauseAt)
    {
        var helper = Path.Combine(AppContext.BaseDirectory, "Pmcp.Workers.Local.FaultHelper.dll");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in new[] { helper, kind, _folder.Path, first.ToString(CultureInfo.InvariantCulture) })
        {
            start.ArgumentList.Add(argument);
        }

        if (pauseAt is { } pause)
        {
            start.ArgumentList.Add(pause.ToString(CultureInfo.InvariantCulture));
        }

        using var process = Process.Start(start)!;
        var last = -1L;
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        try
        {
            while (true)
            {
                var line = await process.StandardOutput.ReadLineAsync(timeout.Token)
                    ?? throw new InvalidOperationException($"The fault helper ({kind}) stopped: {await process.StandardError.ReadToEndAsync(timeout.Token)}");
                if (line.StartsWith("midway ", StringComparison.Ordinal))
                {
                    break; // killed with half the body written
                }

                last = long.Parse(line["wrote ".Length..], CultureInfo.InvariantCulture);
                if (pauseAt is null && last >= first + 1)
                {
                    await Task.Delay(delayMilliseconds, timeout.Token);
                    break;
                }
            }
        }
        finally
        {
            process.Kill(); // SIGKILL on Unix: no finally blocks, no disposal, no flush
            await process.WaitForExitAsync(CancellationToken.None);
        }

        // Lines printed before the kill name generations that finished.
        while (await process.StandardOutput.ReadLineAsync(CancellationToken.None) is { } more)
        {
            if (more.StartsWith("wrote ", StringComparison.Ordinal))
            {
                last = long.Parse(more["wrote ".Length..], CultureInfo.InvariantCulture);
            }
        }

        return last;
    }

    private static void AssertWhole(ReadOnlySpan<byte> value, long generation, int length)
    {
        Assert.Equal(length, value.Length);
        var expected = (byte)(generation % 251);
        var stray = value.IndexOfAnyExcept(expected);
        Assert.True(stray < 0, $"Generation {generation}'s value holds byte {(stray < 0 ? 0 : value[stray])} at {stray}: a torn write.");
    }

    private static byte[] Payload(JsonElement element) => element.ValueKind == JsonValueKind.Array
        ? [.. element.EnumerateArray().Select(e => e.GetByte())]
        : element.GetBytesFromBase64();
}
