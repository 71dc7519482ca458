using System.Text;
using Pmcp.Workers;
using Pmcp.Workers.Postgres;
using static Pmcp.Tests.PostgresMessageTests;

namespace Pmcp.Tests;

/// <summary>
/// Issue 15: the PostgreSQL client does not trust the server. A scripted server (the wire protocol played back, since a
/// real one never misbehaves) skips SCRAM's proof, downgrades mid-exchange, asks for a million iterations, sends a
/// 20 MiB message or endless rows, or goes silent; each is refused with an error naming the rule or the limit.
/// </summary>
public sealed class PostgresHostileServerTests
{
    private static readonly byte[] SaslScram = Message('R', [0, 0, 0, 10, .. "SCRAM-SHA-256\0\0"u8]);

    private static readonly byte[] Ready =
    [
        .. Message('R', [0, 0, 0, 0]),
        .. Message('Z', "I"u8),
    ];

    [Fact]
    public async Task AuthenticationOkWithoutTheScramProofIsRefused()
    {
        var stream = new ScriptedStream([.. SaslScram, .. Ready]);

        var e = await Assert.ThrowsAsync<WorkerException>(() => PostgresConnection.OpenAsync(stream, "app", "secret", "db"));

        Assert.Contains("never proved it knows the password", e.Message, StringComparison.Ordinal);
        Assert.True(stream.Disposed);
    }

    [Theory]
    [InlineData(3, "cleartext")]
    [InlineData(5, "md5")]
    public async Task APasswordRequestInTheMiddleOfScramIsRefusedAndThePasswordNotSent(byte code, string kind)
    {
        byte[] request = code == 5 ? [0, 0, 0, code, 1, 2, 3, 4] : [0, 0, 0, code];
        var stream = new ScriptedStream([.. SaslScram, .. Message('R', request), .. Ready]);

        var e = await Assert.ThrowsAsync<WorkerException>(() => PostgresConnection.OpenAsync(stream, "app", "secret", "db"));

        Assert.Contains($"asked for a {kind} password in the middle of SCRAM-SHA-256", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("secret", Encoding.UTF8.GetString(stream.Written), StringComparison.Ordinal);
        Assert.DoesNotContain("\0\0\0\u000a" + "secret", Encoding.UTF8.GetString(stream.Written), StringComparison.Ordinal);
    }

    [Fact]
    public async Task CleartextAndMd5WithoutScramStillWork()
    {
        await using (var cleartext = await PostgresConnection.OpenAsync(new ScriptedStream([.. Message('R', [0, 0, 0, 3]), .. Ready]), "app", "p", "db"))
        {
        }

        await using var md5 = await PostgresConnection.OpenAsync(new ScriptedStream([.. Message('R', [0, 0, 0, 5, 1, 2, 3, 4]), .. Ready]), "app", "p", "db");
    }

    [Fact]
    public async Task TooManyScramIterationsAreRefusedBeforeAnyWork()
    {
        var scram = new ScramSha256("secret", clientNonce: "abc");

        var e = await Assert.ThrowsAsync<WorkerException>(() => scram.ClientFinalMessageAsync("r=abcdef,s=c2FsdA==,i=1000000"));

        Assert.Contains("asks for 1000000 iterations, more than this client's limit of 100000", e.Message, StringComparison.Ordinal);
        Assert.Equal(100_000, PgLimits.Default.MaxScramIterations);
    }

    [Fact]
    public async Task AMessageOverTheLimitIsRefusedNamingIt()
    {
        // A DataRow header announcing 20 MiB: refused from the header, before anything is allocated for it.
        byte[] header = [(byte)'D', .. Int32(20 * 1024 * 1024)];
        var stream = new ScriptedStream([.. Ready, .. Message('1', []), .. Message('2', []), .. header]);
        await using var connection = await PostgresConnection.OpenAsync(stream, "app", "p", "db");

        var e = await Assert.ThrowsAsync<WorkerException>(() => connection.QueryRawAsync("select 1", []));

        Assert.Contains("more than this client's limit of 16 MiB per message", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RowsOverTheResultLimitAreRefusedNamingIt()
    {
        var row = Message('D', DataRow(new string('x', 1000)));
        var answer = new List<byte>([.. Ready, .. Message('1', []), .. Message('2', []), .. Message('T', RowDescription(("v", 25)))]);
        for (var i = 0; i < 20; i++)
        {
            answer.AddRange(row);
        }

        answer.AddRange([.. Message('C', "SELECT 20\0"u8), .. Message('Z', "I"u8)]);
        var limits = PgLimits.Default with { MaxResultBytes = 10_000 };
        await using var connection = await PostgresConnection.OpenAsync(new ScriptedStream([.. answer]), "app", "p", "db", limits, CancellationToken.None);

        var e = await Assert.ThrowsAsync<WorkerException>(() => connection.QueryRawAsync("select v from big", []));

        Assert.Contains("more than this client's limit of 10000 bytes per result", e.Message, StringComparison.Ordinal);
        Assert.Equal(32L * 1024 * 1024, PgLimits.Default.MaxResultBytes);
    }

    [Fact]
    public async Task ASilentServerTimesOutAtStartUp()
    {
        var limits = PgLimits.Default with { StartupTimeout = TimeSpan.FromMilliseconds(200) };

        var e = await Assert.ThrowsAsync<WorkerException>(() => PostgresConnection.OpenAsync(new SilentStream([]), "app", "p", "db", limits, CancellationToken.None));

        Assert.Contains("start-up timeout", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AServerSilentInTheMiddleOfAnAnswerTimesOut()
    {
        var limits = PgLimits.Default with { ReadTimeout = TimeSpan.FromMilliseconds(200) };
        await using var connection = await PostgresConnection.OpenAsync(new SilentStream([.. Ready, .. Message('1', [])]), "app", "p", "db", limits, CancellationToken.None);

        var e = await Assert.ThrowsAsync<WorkerException>(() => connection.QueryRawAsync("select pg_sleep(3600)", []));

        Assert.Contains("read timeout", e.Message, StringComparison.Ordinal);
    }

    /// <summary>Plays back its answer, then waits forever (until cancelled) instead of ending.</summary>
    private sealed class SilentStream(byte[] answer) : Stream
    {
        private int _position;

        public override bool CanRead => true;

        public override bool CanWrite => true;

        public override bool CanSeek => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (_position == answer.Length)
            {
                await Task.Delay(Timeout.Infinite, cancellationToken);
            }

            var n = Math.Min(buffer.Length, answer.Length - _position);
            answer.AsMemory(_position, n).CopyTo(buffer);
            _position += n;
            return n;
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count)
        {
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => Task.CompletedTask;

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) => ValueTask.CompletedTask;

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
