using System.Buffers.Binary;
using System.Text;

namespace Pmcp.Workers.Postgres;

/// <summary>
/// Builds frontend messages (PostgreSQL protocol 3.0) into one buffer, so a whole exchange — Parse, Bind, Describe,
/// Execute, Sync — leaves in a single write. Each message is a type byte and a big-endian length that counts itself.
/// </summary>
internal sealed class PgMessageWriter
{
    public const int ProtocolVersion = 3 << 16;

    private byte[] _buffer = new byte[1024];
    private int _length;
    private int _messageStart;

    public ReadOnlyMemory<byte> Written => _buffer.AsMemory(0, _length);

    public void Clear() => _length = 0;

    /// <summary>The startup message: no type byte; user, database and UTF-8 as the client encoding.</summary>
    public void Startup(string user, string database)
    {
        var start = _length;
        Int32(0);
        Int32(ProtocolVersion);
        CString("user");
        CString(user);
        CString("database");
        CString(database);
        CString("client_encoding");
        CString("UTF8");
        Byte(0);
        BinaryPrimitives.WriteInt32BigEndian(_buffer.AsSpan(start), _length - start);
    }

    /// <summary>A cleartext or md5 password.</summary>
    public void Password(string password)
    {
        Begin('p');
        CString(password);
        End();
    }

    public void SaslInitialResponse(string mechanism, string data)
    {
        Begin('p');
        CString(mechanism);
        var bytes = Encoding.UTF8.GetBytes(data);
        Int32(bytes.Length);
        Bytes(bytes);
        End();
    }

    public void SaslResponse(string data)
    {
        Begin('p');
        Bytes(Encoding.UTF8.GetBytes(data));
        End();
    }

    /// <summary>Parses into the unnamed statement, every parameter's type left to the server to infer.</summary>
    public void Parse(string sql)
    {
        Begin('P');
        CString("");
        CString(sql);
        Int16(0);
        End();
    }

    /// <summary>Binds the unnamed portal: every parameter and every result column in text format.</summary>
    public void Bind(IReadOnlyList<string?> parameters)
    {
        if (parameters.Count > ushort.MaxValue)
        {
            throw new WorkerException($"A PostgreSQL statement takes at most {ushort.MaxValue} parameters; this one has {parameters.Count}.");
        }

        Begin('B');
        CString("");
        CString("");
        Int16(0);
        Int16((short)(ushort)parameters.Count);
        foreach (var parameter in parameters)
        {
            if (parameter is null)
            {
                Int32(-1);
                continue;
            }

            var count = Encoding.UTF8.GetByteCount(parameter);
            Int32(count);
            Ensure(count);
            _length += Encoding.UTF8.GetBytes(parameter, _buffer.AsSpan(_length));
        }

        Int16(0);
        End();
    }

    public void DescribePortal()
    {
        Begin('D');
        Byte((byte)'P');
        CString("");
        End();
    }

    /// <summary>Runs the unnamed portal; <paramref name="maxRows"/> 0 means every row.</summary>
    public void Execute(int maxRows)
    {
        Begin('E');
        CString("");
        Int32(maxRows);
        End();
    }

    public void Sync()
    {
        Begin('S');
        End();
    }

    /// <summary>The simple query protocol: one or more statements, no parameters.</summary>
    public void Query(string sql)
    {
        Begin('Q');
        CString(sql);
        End();
    }

    public void Terminate()
    {
        Begin('X');
        End();
    }

    private void Begin(char type)
    {
        _messageStart = _length;
        Byte((byte)type);
        Int32(0);
    }

    private void End() => BinaryPrimitives.WriteInt32BigEndian(_buffer.AsSpan(_messageStart + 1), _length - _messageStart - 1);

    private void CString(string text)
    {
        if (text.Contains('\0', StringComparison.Ordinal))
        {
            throw new WorkerException("PostgreSQL text sent outside a parameter (SQL, user, database, password) cannot contain a NUL character.");
        }

        var count = Encoding.UTF8.GetByteCount(text);
        Ensure(count + 1);
        _length += Encoding.UTF8.GetBytes(text, _buffer.AsSpan(_length));
        _buffer[_length++] = 0;
    }

    private void Bytes(ReadOnlySpan<byte> bytes)
    {
        Ensure(bytes.Length);
        bytes.CopyTo(_buffer.AsSpan(_length));
        _length += bytes.Length;
    }

    private void Byte(byte value)
    {
        Ensure(1);
        _buffer[_length++] = value;
    }

    private void Int16(short value)
    {
        Ensure(2);
        BinaryPrimitives.WriteInt16BigEndian(_buffer.AsSpan(_length), value);
        _length += 2;
    }

    private void Int32(int value)
    {
        Ensure(4);
        BinaryPrimitives.WriteInt32BigEndian(_buffer.AsSpan(_length), value);
        _length += 4;
    }

    private void Ensure(int count)
    {
        if (_length + count > _buffer.Length)
        {
            Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, _length + count));
        }
    }
}
