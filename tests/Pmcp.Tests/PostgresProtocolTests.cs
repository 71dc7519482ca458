using System.Buffers;
using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Pmcp.Workers;
using Pmcp.Workers.Postgres;

namespace Pmcp.Tests;

/// <summary>
/// The PostgreSQL client behind Hyperdrive, piece by piece and against scripted servers. The contract suite
/// (Pmcp.Workers.Contract, "hyperdrive.*") runs it against a real server, natively and inside workerd.
/// </summary>
public sealed class PostgresAuthenticationTests
{
    [Fact]
    public async Task ScramSha256MatchesRfc7677()
    {
        // RFC 7677, section 3: user "user", password "pencil".
        var scram = new ScramSha256("pencil", user: "user", clientNonce: "rOprNGfwEbeRWgbNEkqO");
        Assert.Equal("n,,n=user,r=rOprNGfwEbeRWgbNEkqO", scram.ClientFirstMessage());

        var final = await scram.ClientFinalMessageAsync("r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096");
        Assert.Equal("c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=", final);

        scram.VerifyServerFinal("v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=");
        Assert.Throws<WorkerException>(() => scram.VerifyServerFinal("v=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="));
        Assert.Contains("invalid-proof", Assert.Throws<WorkerException>(() => scram.VerifyServerFinal("e=invalid-proof")).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ScramSha256RefusesAServerThatDoesNotExtendTheNonce()
    {
        var scram = new ScramSha256("pencil", clientNonce: "abc");
        await Assert.ThrowsAsync<WorkerException>(() => scram.ClientFinalMessageAsync("r=xyz123,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096"));
        await Assert.ThrowsAsync<WorkerException>(() => scram.ClientFinalMessageAsync("r=abc,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096"));
        await Assert.ThrowsAsync<WorkerException>(() => scram.ClientFinalMessageAsync("r=abcdef,s=W22ZaJ0SNY7soEsUEjb6gQ=="));
        Assert.Throws<WorkerException>(() => new ScramSha256("pencil").VerifyServerFinal("v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4="));
    }

    [Fact]
    public void ScramSha256NoncesAreFresh()
    {
        Assert.NotEqual(new ScramSha256("p").ClientFirstMessage(), new ScramSha256("p").ClientFirstMessage());
        Assert.StartsWith("n,,n=*,r=", new ScramSha256("p").ClientFirstMessage(), StringComparison.Ordinal);
    }

    [Fact]
    public void Md5MatchesKnownDigestsAndDotNets()
    {
        Assert.Equal("d41d8cd98f00b204e9800998ecf8427e", Convert.ToHexStringLower(Md5.Hash([])));
        Assert.Equal("900150983cd24fb0d6963f7d28e17f72", Convert.ToHexStringLower(Md5.Hash("abc"u8)));
        Assert.Equal("9e107d9d372bb6826bd81d3542a419d6", Convert.ToHexStringLower(Md5.Hash("The quick brown fox jumps over the lazy dog"u8)));

        var random = new Random(7);
        foreach (var length in new[] { 1, 55, 56, 57, 63, 64, 65, 119, 120, 128, 1000 })
        {
            var data = new byte[length];
            random.NextBytes(data);
#pragma warning disable CA5351 // .NET's MD5 is the reference our browser-safe one is checked against
            Assert.Equal(MD5.HashData(data), Md5.Hash(data));
#pragma warning restore CA5351
        }
    }

    [Fact]
    public void Md5PasswordIsWhatPostgresExpects()
    {
        byte[] salt = [0x01, 0x02, 0x03, 0x04];
#pragma warning disable CA5351 // computing the expected answer as the PostgreSQL documentation describes it
        var inner = Convert.ToHexStringLower(MD5.HashData(Encoding.UTF8.GetBytes("secret" + "app")));
        var expected = "md5" + Convert.ToHexStringLower(MD5.HashData([.. Encoding.ASCII.GetBytes(inner), .. salt]));
#pragma warning restore CA5351

        Assert.Equal(expected, Md5Password.Compute("app", "secret", salt));
        Assert.Equal(35, expected.Length);
    }
}

public sealed class PostgresMessageTests
{
    [Fact]
    public void StartupNamesUserDatabaseAndUtf8()
    {
        var writer = new PgMessageWriter();
        writer.Startup("app", "notes");
        var bytes = writer.Written.ToArray();

        Assert.Equal(bytes.Length, BinaryPrimitives.ReadInt32BigEndian(bytes));
        Assert.Equal(3 << 16, BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(4)));
        Assert.Equal("user\0app\0database\0notes\0client_encoding\0UTF8\0\0", Encoding.UTF8.GetString(bytes.AsSpan(8)));
    }

    [Fact]
    public void AStatementIsParseBindDescribeExecuteSyncInTextFormat()
    {
        var writer = new PgMessageWriter();
        writer.Parse("select $1, $2");
        writer.Bind(["héllo", null]);
        writer.DescribePortal();
        writer.Execute(0);
        writer.Sync();
        var messages = Split(writer.Written.ToArray());

        Assert.Equal("PBDES", string.Concat(messages.Select(m => m.Type)));
        Assert.Equal("\0select $1, $2\0\0\0", Encoding.UTF8.GetString(messages[0].Body));

        // Bind: portal "", statement "", 0 parameter formats (all text), 2 values, 0 result formats (all text).
        byte[] hello = Encoding.UTF8.GetBytes("héllo");
        byte[] bind = [0, 0, 0, 0, 0, 2, .. Int32(hello.Length), .. hello, .. Int32(-1), 0, 0];
        Assert.Equal(bind, messages[1].Body);
        Assert.Equal("P\0"u8.ToArray(), messages[2].Body);
        Assert.Equal(new byte[] { 0, 0, 0, 0, 0 }, messages[3].Body);
        Assert.Empty(messages[4].Body);
    }

    [Fact]
    public void SqlWithANulIsRefusedBeforeAnythingIsSent()
    {
        var writer = new PgMessageWriter();
        Assert.Throws<WorkerException>(() => writer.Parse("select 1\0; drop table x"));
    }

    [Fact]
    public async Task TheReaderReassemblesMessagesFromAnyChunking()
    {
        var stream = new ScriptedStream([.. Message('Z', "I"u8), .. Message('C', "SELECT 1\0"u8)], maxRead: 1);
        var reader = new PgMessageReader(stream);

        var first = await reader.ReadAsync(CancellationToken.None);
        Assert.Equal('Z', first.Type);
        Assert.Equal("I"u8.ToArray(), first.Body);
        Assert.Equal('C', (await reader.ReadAsync(CancellationToken.None)).Type);
        Assert.Contains("closed", (await Assert.ThrowsAsync<WorkerException>(() => reader.ReadAsync(CancellationToken.None).AsTask())).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheReaderRefusesWhatIsNotThePostgresProtocol()
    {
        var reader = new PgMessageReader(new ScriptedStream("Too many connections\n"u8.ToArray()));
        var e = await Assert.ThrowsAsync<WorkerException>(() => reader.ReadAsync(CancellationToken.None).AsTask());
        Assert.Contains("not the PostgreSQL protocol", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AnErrorResponseCarriesItsFields()
    {
        var e = PgBackend.Error("SERREUR\0VERROR\0C23505\0Mduplicate key value violates unique constraint \"notes_pkey\"\0DKey (id)=(1) already exists.\0P14\0snotes_schema\0tnotes\0nnotes_pkey\0\0"u8);

        Assert.Equal("23505", e.SqlState);
        Assert.Equal("ERROR", e.Severity);
        Assert.Equal("23505: duplicate key value violates unique constraint \"notes_pkey\"", e.Message);
        Assert.Equal("Key (id)=(1) already exists.", e.Detail);
        Assert.DoesNotContain("already exists", e.Message, StringComparison.Ordinal);
        Assert.Equal(14, e.Position);
        Assert.Equal("notes", e.TableName);
        Assert.Equal("notes_pkey", e.ConstraintName);
        Assert.IsAssignableFrom<WorkerException>(e);
    }

    [Theory]
    [InlineData("INSERT 0 5", 5)]
    [InlineData("UPDATE 3", 3)]
    [InlineData("DELETE 0", 0)]
    [InlineData("SELECT 12", 12)]
    [InlineData("MERGE 2", 2)]
    [InlineData("COPY 7", 7)]
    [InlineData("CREATE TABLE", 0)]
    [InlineData("BEGIN", 0)]
    [InlineData("", 0)]
    public void RowsAffectedComesFromTheCommandTag(string tag, long rows) => Assert.Equal(rows, PgBackend.RowsAffected(tag));

    [Fact]
    public void RowsBecomeJsonByColumnType()
    {
        var columns = PgBackend.RowDescription(RowDescription(("id", 23), ("name", 25), ("score", 1700), ("doc", 3802), ("data", 17), ("gone", 25)));
        Assert.Equal([new PostgresColumn("id", 23), new PostgresColumn("name", 25), new PostgresColumn("score", 1700), new PostgresColumn("doc", 3802), new PostgresColumn("data", 17), new PostgresColumn("gone", 25)], columns);

        var rows = new PgRows(columns, [DataRow("7", "sévèn", "1.50", "{\"a\": [1]}", @"\x00ff", null)], "SELECT 1");
        var result = rows.ToResult();

        Assert.Equal("SELECT 1", result.CommandTag);
        Assert.Equal(1, result.RowsAffected);
        Assert.Equal("""[7,"s\u00E9v\u00E8n",1.50,{"a":[1]},"AP8=",null]""", JsonSerializer.Serialize(result.Rows[0]));
    }

    [Theory]
    [InlineData(16u, "t", "true")]
    [InlineData(16u, "f", "false")]
    [InlineData(20u, "-9223372036854775808", "-9223372036854775808")]
    [InlineData(21u, "12", "12")]
    [InlineData(700u, "1.5", "1.5")]
    [InlineData(701u, "1e+100", "1e+100")]
    [InlineData(701u, "-Infinity", "\"-Infinity\"")]
    [InlineData(701u, "NaN", "\"NaN\"")]
    [InlineData(1700u, "12345678901234567890.000000000001", "12345678901234567890.000000000001")]
    [InlineData(114u, "[1, {\"b\": null}]", "[1, {\"b\": null}]")]
    [InlineData(17u, @"\x", "\"\"")]
    [InlineData(1184u, "2024-05-01 12:00:00.5+02", "\"2024-05-01T12:00:00.5+02:00\"")]
    [InlineData(1184u, "2024-05-01 12:00:00+05:30", "\"2024-05-01T12:00:00+05:30\"")]
    [InlineData(1184u, "2024-05-01 12:00:00-08", "\"2024-05-01T12:00:00-08:00\"")]
    [InlineData(1114u, "2024-05-01 12:00:00", "\"2024-05-01T12:00:00\"")]
    [InlineData(1114u, "infinity", "\"infinity\"")]
    [InlineData(1114u, "0044-03-15 12:00:00 BC", "\"0044-03-15 12:00:00 BC\"")]
    [InlineData(1082u, "2024-02-29", "\"2024-02-29\"")]
    [InlineData(2950u, "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11", "\"a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11\"")]
    [InlineData(1007u, "{1,2,3}", "\"{1,2,3}\"")]
    public void AValueBecomesJson(uint type, string text, string json)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            PgValues.Write(writer, type, Encoding.UTF8.GetBytes(text));
        }

        Assert.Equal(json, Encoding.UTF8.GetString(buffer.WrittenSpan));
    }

    [Theory]
    [InlineData("0", true)]
    [InlineData("-0.5", true)]
    [InlineData("12e-3", true)]
    [InlineData("1E+10", true)]
    [InlineData("01", false)]
    [InlineData(".5", false)]
    [InlineData("5.", false)]
    [InlineData("NaN", false)]
    [InlineData("1e", false)]
    [InlineData("", false)]
    public void JsonNumbersAreRecognised(string text, bool number) => Assert.Equal(number, PgValues.IsJsonNumber(Encoding.UTF8.GetBytes(text)));

    [Fact]
    public void ParametersBecomeTheTextPostgresReads()
    {
        Assert.Null(PgParameters.ToText(null));
        Assert.Equal("true", PgParameters.ToText(true));
        Assert.Equal("-42", PgParameters.ToText(-42));
        Assert.Equal("9007199254740993", PgParameters.ToText(9007199254740993L));
        Assert.Equal("0.1", PgParameters.ToText(0.1));
        Assert.Equal("1.1", PgParameters.ToText(1.1f));
        Assert.Equal("NaN", PgParameters.ToText(double.NaN));
        Assert.Equal("-Infinity", PgParameters.ToText(float.NegativeInfinity));
        Assert.Equal("12345678901234567.125", PgParameters.ToText(12345678901234567.125m));
        Assert.Equal("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11", PgParameters.ToText(Guid.Parse("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11")));
        Assert.Equal("2024-02-29T13:14:15.5+02:00", PgParameters.ToText(new DateTimeOffset(2024, 2, 29, 13, 14, 15, 500, TimeSpan.FromHours(2))));
        Assert.Equal("2024-02-29T13:14:15Z", PgParameters.ToText(new DateTime(2024, 2, 29, 13, 14, 15, DateTimeKind.Utc)));
        Assert.Equal("2024-02-29T13:14:15", PgParameters.ToText(new DateTime(2024, 2, 29, 13, 14, 15)));
        Assert.Equal("2024-02-29", PgParameters.ToText(new DateOnly(2024, 2, 29)));
        Assert.Equal("13:14:15.25", PgParameters.ToText(new TimeOnly(13, 14, 15, 250)));
        Assert.Equal("P1DT2H3M4.5S", PgParameters.ToText(new TimeSpan(1, 2, 3, 4, 500)));
        Assert.Equal("P-1DT-2H-3M-4.5S", PgParameters.ToText(-new TimeSpan(1, 2, 3, 4, 500)));
        Assert.Equal(@"\x00ff10", PgParameters.ToText(new byte[] { 0x00, 0xff, 0x10 }));
        Assert.Equal(@"\x", PgParameters.ToText(ReadOnlyMemory<byte>.Empty));
        Assert.Equal("""{"a":1}""", PgParameters.ToText(JsonDocument.Parse("""{"a":1}""").RootElement));
        Assert.Equal("Friday", PgParameters.ToText(DayOfWeek.Friday));
        Assert.Contains("cannot bind a Uri", Assert.Throws<WorkerException>(() => PgParameters.ToText(new Uri("https://example.com"))).Message, StringComparison.Ordinal);
    }

    internal static byte[] Message(char type, ReadOnlySpan<byte> body) => [(byte)type, .. Int32(body.Length + 4), .. body];

    internal static byte[] Int32(int value)
    {
        var bytes = new byte[4];
        BinaryPrimitives.WriteInt32BigEndian(bytes, value);
        return bytes;
    }

    internal static byte[] RowDescription(params (string Name, uint Type)[] columns)
    {
        var body = new List<byte> { 0, (byte)columns.Length };
        foreach (var (name, type) in columns)
        {
            body.AddRange(Encoding.UTF8.GetBytes(name + "\0"));
            body.AddRange(new byte[6]); // table OID, attribute number
            var oid = new byte[4];
            BinaryPrimitives.WriteUInt32BigEndian(oid, type);
            body.AddRange(oid);
            body.AddRange(new byte[8]); // size, modifier, format
        }

        return [.. body];
    }

    internal static byte[] DataRow(params string?[] values)
    {
        var body = new List<byte> { 0, (byte)values.Length };
        foreach (var value in values)
        {
            var bytes = value is null ? null : Encoding.UTF8.GetBytes(value);
            body.AddRange(Int32(bytes?.Length ?? -1));
            body.AddRange(bytes ?? []);
        }

        return [.. body];
    }

    private static List<(char Type, byte[] Body)> Split(byte[] bytes)
    {
        var messages = new List<(char, byte[])>();
        for (var i = 0; i < bytes.Length;)
        {
            var length = BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(i + 1));
            messages.Add(((char)bytes[i], bytes.AsSpan(i + 5, length - 4).ToArray()));
            i += 1 + length;
        }

        return messages;
    }
}

public sealed class PostgresConnectionTests
{
    private static readonly byte[] Ready =
    [
        .. PostgresMessageTests.Message('R', [0, 0, 0, 0]),
        .. PostgresMessageTests.Message('S', "server_version\018.0\0"u8),
        .. PostgresMessageTests.Message('K', [0, 0, 0, 1, 0, 0, 0, 2]),
        .. PostgresMessageTests.Message('Z', "I"u8),
    ];

    [Fact]
    public async Task AQueryRoundTripsAgainstAScriptedServer()
    {
        byte[] answer =
        [
            .. Ready,
            .. PostgresMessageTests.Message('1', []),
            .. PostgresMessageTests.Message('2', []),
            .. PostgresMessageTests.Message('T', PostgresMessageTests.RowDescription(("id", 20), ("title", 25))),
            .. PostgresMessageTests.Message('D', PostgresMessageTests.DataRow("1", "first")),
            .. PostgresMessageTests.Message('D', PostgresMessageTests.DataRow("2", null)),
            .. PostgresMessageTests.Message('C', "SELECT 2\0"u8),
            .. PostgresMessageTests.Message('Z', "I"u8),
        ];
        var stream = new ScriptedStream(answer, maxRead: 7);

        await using (var connection = await PostgresConnection.OpenAsync(stream, "app", "secret", "notes"))
        {
            Assert.Equal("18.0", connection.ServerParameters["server_version"]);
            var result = await connection.QueryRawAsync("select id, title from notes where id > $1", [0]);
            Assert.Equal(2, result.RowsAffected);
            Assert.Equal("""[[1,"first"],[2,null]]""", JsonSerializer.Serialize(result.Rows));
        }

        var written = Encoding.UTF8.GetString(stream.Written);
        Assert.Contains("select id, title from notes where id > $1", written, StringComparison.Ordinal);
        Assert.EndsWith("X\0\0\0\u0004", written, StringComparison.Ordinal); // Terminate on dispose
        Assert.True(stream.Disposed);
    }

    [Fact]
    public async Task AnErrorKeepsTheSessionUsable()
    {
        byte[] answer =
        [
            .. Ready,
            .. PostgresMessageTests.Message('E', "SERROR\0VERROR\0C42P01\0Mrelation \"nope\" does not exist\0\0"u8),
            .. PostgresMessageTests.Message('Z', "I"u8),
            .. PostgresMessageTests.Message('1', []),
            .. PostgresMessageTests.Message('2', []),
            .. PostgresMessageTests.Message('n', []),
            .. PostgresMessageTests.Message('C', "DELETE 3\0"u8),
            .. PostgresMessageTests.Message('Z', "I"u8),
        ];
        await using var connection = await PostgresConnection.OpenAsync(new ScriptedStream(answer), "app", "secret", "notes");

        var e = await Assert.ThrowsAsync<PostgresException>(() => connection.ExecuteAsync("select * from nope", []));
        Assert.Equal("42P01: relation \"nope\" does not exist", e.Message);
        Assert.Equal(3, await connection.ExecuteAsync("delete from notes", []));
    }

    [Fact]
    public async Task AWrongPasswordIsThePostgresError()
    {
        byte[] answer =
        [
            .. PostgresMessageTests.Message('R', [0, 0, 0, 3]),
            .. PostgresMessageTests.Message('E', "SFATAL\0VFATAL\0C28P01\0Mpassword authentication failed for user \"app\"\0\0"u8),
        ];
        var stream = new ScriptedStream(answer);

        var e = await Assert.ThrowsAsync<PostgresException>(() => PostgresConnection.OpenAsync(stream, "app", "wrong", "notes"));
        Assert.Equal("28P01", e.SqlState);
        Assert.Equal("FATAL", e.Severity);
        Assert.Contains("p\0\0\0\u000awrong\0", Encoding.UTF8.GetString(stream.Written), StringComparison.Ordinal); // the cleartext password message
        Assert.True(stream.Disposed);
    }

    [Fact]
    public async Task AServerThatIsNotPostgresIsNamedSo()
    {
        var e = await Assert.ThrowsAsync<WorkerException>(() => PostgresConnection.OpenAsync(new ScriptedStream("HTTP/1.1 400 Bad Request\r\n\r\n"u8.ToArray()), "app", "p", "db"));
        Assert.Contains("PostgreSQL", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnsupportedAuthenticationIsNamed()
    {
        var e = await Assert.ThrowsAsync<WorkerException>(() => PostgresConnection.OpenAsync(new ScriptedStream(PostgresMessageTests.Message('R', [0, 0, 0, 7])), "app", "p", "db"));
        Assert.Contains("GSSAPI", e.Message, StringComparison.Ordinal);

        var sasl = PostgresMessageTests.Message('R', [0, 0, 0, 10, .. "SCRAM-SHA-256-PLUS\0\0"u8]);
        var plus = await Assert.ThrowsAsync<WorkerException>(() => PostgresConnection.OpenAsync(new ScriptedStream(sasl), "app", "p", "db"));
        Assert.Contains("SCRAM-SHA-256-PLUS", plus.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AConnectionThatBrokeRefusesFurtherUse()
    {
        await using var connection = await PostgresConnection.OpenAsync(new ScriptedStream([.. Ready, .. PostgresMessageTests.Message('1', [])]), "app", "p", "db");
        await Assert.ThrowsAsync<WorkerException>(() => connection.ExecuteAsync("select 1", []));
        Assert.Contains("open a new one", (await Assert.ThrowsAsync<WorkerException>(() => connection.ExecuteAsync("select 1", []))).Message, StringComparison.Ordinal);
    }
}

/// <summary>A server's answer played back, at most <c>maxRead</c> bytes a read; what the client writes is kept.</summary>
internal sealed class ScriptedStream(byte[] answer, int maxRead = int.MaxValue) : Stream
{
    private readonly MemoryStream _written = new();
    private int _position;

    public byte[] Written => _written.ToArray();

    public bool Disposed { get; private set; }

    public override bool CanRead => true;

    public override bool CanWrite => true;

    public override bool CanSeek => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count)
    {
        var n = Math.Min(Math.Min(count, maxRead), answer.Length - _position);
        answer.AsSpan(_position, n).CopyTo(buffer.AsSpan(offset));
        _position += n;
        return n;
    }

    public override void Write(byte[] buffer, int offset, int count) => _written.Write(buffer, offset, count);

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        Disposed = true;
        base.Dispose(disposing);
    }
}
