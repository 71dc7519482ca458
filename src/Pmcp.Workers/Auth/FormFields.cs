using System.Text;

namespace Pmcp.Workers.Auth;

/// <summary>
/// The fields of a query string or an <c>application/x-www-form-urlencoded</c> body, percent-decoded (<c>+</c> as a
/// space). A name given twice is remembered as ambiguous: OAuth parameters "MUST NOT be included more than once"
/// (RFC 6749 §3.1), so <see cref="Get"/> refuses to pick one.
/// </summary>
internal sealed class FormFields
{
    private readonly Dictionary<string, string?> _fields = new(StringComparer.Ordinal);

    private FormFields()
    {
    }

    /// <summary>The first name that was given more than once; null when none was.</summary>
    public string? Duplicate { get; private set; }

    /// <summary>Parses <paramref name="text"/> (without the leading <c>?</c>).</summary>
    public static FormFields Parse(string? text)
    {
        var fields = new FormFields();
        foreach (var pair in (text ?? "").TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = pair.IndexOf('=', StringComparison.Ordinal);
            var name = Unescape(eq < 0 ? pair : pair[..eq]);
            var value = Unescape(eq < 0 ? "" : pair[(eq + 1)..]);
            if (!fields._fields.TryAdd(name, value))
            {
                fields._fields[name] = null;
                fields.Duplicate ??= name;
            }
        }

        return fields;
    }

    /// <summary>Parses a form body, UTF-8.</summary>
    public static FormFields Parse(ReadOnlySpan<byte> body) => Parse(Encoding.UTF8.GetString(body));

    /// <summary>The value of <paramref name="name"/>; null when absent or given more than once.</summary>
    public string? Get(string name) => _fields.GetValueOrDefault(name);

    /// <summary>The value of <paramref name="name"/> when present and not blank; null otherwise.</summary>
    public string? NonEmpty(string name) => Get(name) is { Length: > 0 } value && !string.IsNullOrWhiteSpace(value) ? value : null;

    private static string Unescape(string text)
    {
        try
        {
            return Uri.UnescapeDataString(text.Replace('+', ' '));
        }
        catch (UriFormatException)
        {
            return text;
        }
    }
}
