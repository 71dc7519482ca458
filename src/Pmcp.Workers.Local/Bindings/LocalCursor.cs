using System.Buffers.Text;
using System.Text;

namespace Pmcp.Workers.Local.Bindings;

/// <summary>
/// Opaque list cursors: the position to resume after, base64url-encoded behind a version tag, so callers pass them back
/// unchanged (as with Cloudflare's) and a cursor from elsewhere is refused rather than misread.
/// </summary>
internal static class LocalCursor
{
    private const string Tag = "pmcp1:";

    public static string Encode(string position) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(Tag + position));

    public static string? Decode(string? cursor, string what)
    {
        if (string.IsNullOrEmpty(cursor))
        {
            return null;
        }

        try
        {
            var text = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(cursor));
            if (text.StartsWith(Tag, StringComparison.Ordinal))
            {
                return text[Tag.Length..];
            }
        }
        catch (FormatException)
        {
        }

        throw new WorkerException($"{what} list cursor '{(cursor.Length > 40 ? cursor[..40] + "…" : cursor)}' is not one this binding returned; pass the cursor from the previous page, or none to start over.");
    }
}
