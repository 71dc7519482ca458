using System.Globalization;
using System.Text.Json;
using Pmcp.Workers.Bindings;
using Pmcp.Workers.Local.Bindings;

namespace Pmcp.Workers.Local.FaultHelper;

/// <summary>
/// Generation N of each store, written by the helper and checked by the tests: every byte of a value is N % 251 and
/// its metadata says N, so a value mixing two generations shows.
/// </summary>
public abstract class Generations : IAsyncDisposable
{
    public const int KvBytes = 256 * 1024;
    public const int D1Bytes = 256 * 1024;
    public const int R2Bytes = 4 * 1024 * 1024;

    /// <summary>The generation whose R2 put stops halfway (see <see cref="PausingStream"/>), or null.</summary>
    public long? PauseAt { get; init; }

    public static Generations Open(string kind, string folder, long? pauseAt = null) => kind switch
    {
        "kv" => new Kv(new SqliteKvBackend(Path.Combine(folder, "kv.sqlite"))),
        "d1" => new D1(new SqliteD1Backend(Path.Combine(folder, "d1.sqlite"))),
        "r2" => new R2(new FileR2Backend(Path.Combine(folder, "r2"))) { PauseAt = pauseAt },
        _ => throw new ArgumentException($"Unknown kind '{kind}': use kv, d1 or r2.", nameof(kind)),
    };

    public static byte[] Body(long generation, int length)
    {
        var body = new byte[length];
        Array.Fill(body, (byte)(generation % 251));
        return body;
    }

    public abstract Task WriteAsync(long generation);

    public abstract ValueTask DisposeAsync();

    private sealed class Kv(SqliteKvBackend backend) : Generations
    {
        public override Task WriteAsync(long generation) =>
            backend.PutAsync("value", Body(generation, KvBytes), null, JsonSerializer.Serialize(generation), CancellationToken.None);

        public override ValueTask DisposeAsync()
        {
            backend.Dispose();
            return ValueTask.CompletedTask;
        }
    }

    private sealed class D1(SqliteD1Backend backend) : Generations
    {
        private bool _created;

        public override async Task WriteAsync(long generation)
        {
            if (!_created)
            {
                await backend.ExecAsync("CREATE TABLE IF NOT EXISTS pair (id INTEGER PRIMARY KEY, generation INTEGER NOT NULL, payload BLOB NOT NULL)", CancellationToken.None);
                _created = true;
            }

            // Two rows in one batch (one transaction): both the old generation or both the new one.
            var payload = Body(generation, D1Bytes);
            await backend.BatchAsync(
            [
                new D1Statement("INSERT OR REPLACE INTO pair (id, generation, payload) VALUES (1, ?, ?)", [generation, payload]),
                new D1Statement("INSERT OR REPLACE INTO pair (id, generation, payload) VALUES (2, ?, ?)", [generation, payload]),
            ], CancellationToken.None);
        }

        public override ValueTask DisposeAsync()
        {
            backend.Dispose();
            return ValueTask.CompletedTask;
        }
    }

    private sealed class R2(FileR2Backend backend) : Generations
    {
        private readonly R2Bucket _bucket = new("BUCKET", backend);

        public override async Task WriteAsync(long generation)
        {
            var options = new R2PutOptions
            {
                CustomMetadata = new Dictionary<string, string> { ["generation"] = generation.ToString(CultureInfo.InvariantCulture) },
            };
            var body = Body(generation, R2Bytes);
            if (generation == PauseAt)
            {
                await _bucket.PutAsync("object", new PausingStream(body, generation), body.Length, options);
            }
            else
            {
                await _bucket.PutAsync("object", body, options);
            }
        }

        public override ValueTask DisposeAsync()
        {
            backend.Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
