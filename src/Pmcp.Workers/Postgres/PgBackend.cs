using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace Pmcp.Workers.Postgres;

/// <summary>Reads the bodies of backend messages (PostgreSQL protocol 3.0).</summary>
internal static class PgBackend
{
    /// <summary>An ErrorResponse ('E'): fields tagged by a byte, each a NUL-terminated string, ended by a NUL.</summary>
    public static PostgresException Error(ReadOnlySpan<byte> body)
    {
        var fields = Fields(body);
        var severity = fields.GetValueOrDefault('V') ?? fields.GetValueOrDefault('S') ?? "ERROR";
        return new PostgresException(fields.GetValueOrDefault('C') ?? "XX000", severity, fields.GetValueOrDefault('M') ?? "(no message)")
        {
            Detail = fields.GetValueOrDefault('D'),
            Hint = fields.GetValueOrDefault('H'),
            Position = int.TryParse(fields.GetValueOrDefault('P'), NumberStyles.None, CultureInfo.InvariantCulture, out var position) ? position : null,
            SchemaName = fields.GetValueOrDefault('s'),
            TableName = fields.GetValueOrDefault('t'),
            ColumnName = fields.GetValueOrDefault('c'),
            ConstraintName = fields.GetValueOrDefault('n'),
        };
    }

    public static Dictionary<char, string> Fields(ReadOnlySpan<byte> body)
    {
        var fields = new Dictionary<char, string>();
        var offset = 0;
        while (offset < body.Length && body[offset] != 0)
        {
            var code = (char)body[offset++];
            fields[code] = CString(body, ref offset);
        }

        return fields;
    }

    /// <summary>A RowDescription ('T'): per column its name, table, attribute, type OID, size, modifier and format.</summary>
    public static PostgresColumn[] RowDescription(ReadOnlySpan<byte> body)
    {
        var count = BinaryPrimitives.ReadInt16BigEndian(body);
        var offset = 2;
        var columns = new PostgresColumn[count];
        for (var i = 0; i < count; i++)
        {
            var name = CString(body, ref offset);
            var type = BinaryPrimitives.ReadUInt32BigEndian(body[(offset + 6)..]);
            offset += 18; // table OID 4, attribute 2, type OID 4, size 2, modifier 4, format 2
            columns[i] = new PostgresColumn(name, type);
        }

        return columns;
    }

    /// <summary>A DataRow ('D'): where each value's text is in the body; a length of -1 is NULL.</summary>
    public static void DataRow(ReadOnlySpan<byte> body, Span<Range> values, Span<bool> nulls)
    {
        var count = BinaryPrimitives.ReadInt16BigEndian(body);
        if (count != values.Length)
        {
            throw new WorkerException($"PostgreSQL sent a row of {count} values for {values.Length} columns.");
        }

        var offset = 2;
        for (var i = 0; i < count; i++)
        {
            var length = BinaryPrimitives.ReadInt32BigEndian(body[offset..]);
            offset += 4;
            nulls[i] = length < 0;
            values[i] = length < 0 ? default : offset..(offset + length);
            offset += Math.Max(length, 0);
        }
    }

    /// <summary>The rows a command tag reports: <c>INSERT 0 5</c>, <c>UPDATE 3</c>, <c>SELECT 2</c>; 0 for tags without a count.</summary>
    public static long RowsAffected(string tag)
    {
        var space = tag.LastIndexOf(' ');
        return space > 0 && tag.AsSpan(0, tag.IndexOf(' ')) is "INSERT" or "UPDATE" or "DELETE" or "SELECT" or "MERGE" or "COPY" or "FETCH" or "MOVE"
            && long.TryParse(tag.AsSpan(space + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var rows)
            ? rows
            : 0;
    }

    public static string CString(ReadOnlySpan<byte> body, ref int offset)
    {
        var end = body[offset..].IndexOf((byte)0);
        if (end < 0)
        {
            throw new WorkerException("PostgreSQL sent a string without its terminating NUL.");
        }

        var text = Encoding.UTF8.GetString(body.Slice(offset, end));
        offset += end + 1;
        return text;
    }

    /// <summary>The mechanisms of an AuthenticationSASL request (after its code): NUL-terminated names, then a NUL.</summary>
    public static List<string> SaslMechanisms(ReadOnlySpan<byte> list)
    {
        var names = new List<string>();
        var offset = 0;
        while (offset < list.Length && list[offset] != 0)
        {
            names.Add(CString(list, ref offset));
        }

        return names;
    }
}
