using System.Text;

namespace Pmcp.Server;

/// <summary>
/// Matches URIs against RFC 6570 templates of the forms MCP servers use: <c>{var}</c> (one segment, no '/'),
/// <c>{+var}</c> and <c>{/var*}</c>-free reserved expansion (may span '/'). Query expressions <c>{?a,b}</c> are matched
/// as optional query parameters.
/// </summary>
internal sealed class UriTemplate
{
    private readonly List<Part> _parts;
    private readonly string[] _queryNames;

    private UriTemplate(List<Part> parts, string[] queryNames)
    {
        _parts = parts;
        _queryNames = queryNames;
    }

    private readonly record struct Part(string? Literal, string? Variable, bool Reserved);

    public static UriTemplate Parse(string template)
    {
        var parts = new List<Part>();
        var query = Array.Empty<string>();
        var literal = new StringBuilder();
        for (var i = 0; i < template.Length; i++)
        {
            if (template[i] != '{')
            {
                literal.Append(template[i]);
                continue;
            }

            var end = template.IndexOf('}', i);
            if (end < 0)
            {
                throw new ArgumentException($"Unclosed '{{' in URI template '{template}'.", nameof(template));
            }

            if (literal.Length > 0)
            {
                parts.Add(new Part(literal.ToString(), null, false));
                literal.Clear();
            }

            var expression = template[(i + 1)..end];
            if (expression.StartsWith('?'))
            {
                query = expression[1..].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            }
            else
            {
                var reserved = expression.StartsWith('+') || expression.StartsWith('#');
                var name = reserved ? expression[1..] : expression;
                parts.Add(new Part(null, name.TrimEnd('*'), reserved));
            }

            i = end;
        }

        if (literal.Length > 0)
        {
            parts.Add(new Part(literal.ToString(), null, false));
        }

        return new UriTemplate(parts, query);
    }

    public IReadOnlyList<string> VariableNames =>
        [.. _parts.Where(p => p.Variable is not null).Select(p => p.Variable!), .. _queryNames];

    public bool TryMatch(string uri, out Dictionary<string, string> variables)
    {
        variables = new Dictionary<string, string>(StringComparer.Ordinal);
        var path = uri;
        string? queryString = null;
        if (_queryNames.Length > 0 && uri.IndexOf('?', StringComparison.Ordinal) is var q and >= 0)
        {
            path = uri[..q];
            queryString = uri[(q + 1)..];
        }

        if (!Match(path, 0, 0, variables))
        {
            return false;
        }

        if (queryString is not null)
        {
            foreach (var pair in queryString.Split('&', StringSplitOptions.RemoveEmptyEntries))
            {
                var eq = pair.IndexOf('=', StringComparison.Ordinal);
                var name = Http.UrlText.Unescape(eq < 0 ? pair : pair[..eq]);
                if (_queryNames.Contains(name, StringComparer.Ordinal))
                {
                    variables[name] = Http.UrlText.Unescape(eq < 0 ? "" : pair[(eq + 1)..]);
                }
            }
        }

        return true;
    }

    private bool Match(string uri, int position, int partIndex, Dictionary<string, string> variables)
    {
        if (partIndex == _parts.Count)
        {
            return position == uri.Length;
        }

        var part = _parts[partIndex];
        if (part.Literal is { } literal)
        {
            return position + literal.Length <= uri.Length
                && string.CompareOrdinal(uri, position, literal, 0, literal.Length) == 0
                && Match(uri, position + literal.Length, partIndex + 1, variables);
        }

        // A variable takes the longest run that lets the rest match; simple variables stop at '/', '?' and '#'.
        var limit = position;
        while (limit < uri.Length && (part.Reserved || uri[limit] is not ('/' or '?' or '#')))
        {
            limit++;
        }

        for (var end = limit; end > position; end--)
        {
            if (Match(uri, end, partIndex + 1, variables))
            {
                variables[part.Variable!] = Http.UrlText.Unescape(uri[position..end]);
                return true;
            }
        }

        return false;
    }
}
