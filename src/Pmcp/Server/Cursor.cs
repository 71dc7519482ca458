using System.Buffers.Text;
using System.Globalization;
using System.Text;
using Pmcp.Protocol;

namespace Pmcp.Server;

/// <summary>Opaque pagination cursors. A cursor the server did not issue is -32602.</summary>
internal static class Cursor
{
    private const string Prefix = "pmcp1:";

    public static string Encode(int offset) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(Prefix + offset.ToString(CultureInfo.InvariantCulture)));

    public static int Decode(string? cursor, int count)
    {
        if (cursor is null)
        {
            return 0;
        }

        try
        {
            var text = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(cursor));
            if (text.StartsWith(Prefix, StringComparison.Ordinal)
                && int.TryParse(text.AsSpan(Prefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var offset)
                && offset <= count)
            {
                return offset;
            }
        }
        catch (FormatException)
        {
        }

        throw McpException.InvalidParams("Invalid params: 'cursor' is not a cursor this server issued");
    }
}
