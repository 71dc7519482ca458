using System.Text;

namespace Pmcp.Workers.Auth;

/// <summary>
/// <c>WWW-Authenticate: Bearer …</c> values (RFC 6750 §3, RFC 9728 §5.1). Every parameter value is the server's own
/// text (error codes, fixed descriptions, the configured metadata URL, scope names): never anything of the token.
/// </summary>
internal static class BearerChallenge
{
    public static string Of(string resourceMetadata, IEnumerable<string>? scopes, string? error = null, string? description = null)
    {
        var text = new StringBuilder("Bearer ");
        if (error is not null)
        {
            Append(text, "error", error);
            if (description is not null)
            {
                Append(text, "error_description", description);
            }
        }

        if (scopes is not null && string.Join(' ', scopes) is { Length: > 0 } scope)
        {
            Append(text, "scope", scope);
        }

        Append(text, "resource_metadata", resourceMetadata);
        return text.ToString();
    }

    private static void Append(StringBuilder text, string name, string value)
    {
        if (text.Length > "Bearer ".Length)
        {
            text.Append(", ");
        }

        text.Append(name).Append("=\"");
        foreach (var c in value)
        {
            // A quoted-string: escape quote and backslash; drop controls, which no value of ours should hold.
            if (c is '"' or '\\')
            {
                text.Append('\\');
            }

            if (!char.IsControl(c))
            {
                text.Append(c);
            }
        }

        text.Append('"');
    }
}
