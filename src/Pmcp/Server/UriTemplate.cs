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

        if (!Match(path, variables))
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

    /// <summary>
    /// Matches the path part. Each variable takes the longest run that lets the rest match (simple variables stop at
    /// '/', '?' and '#'), decided in linear time: a backtracking matcher is quadratic or worse in the URI's length
    /// (a URI of dots against <c>{name}.{ext}</c>), which a client controls.
    /// </summary>
    private bool Match(string uri, Dictionary<string, string> variables)
    {
        var length = uri.Length;

        // stop[p]: the first '/', '?' or '#' at or after p, where a simple variable's run must end.
        var stop = new int[length + 1];
        stop[length] = length;
        for (var p = length - 1; p >= 0; p--)
        {
            stop[p] = uri[p] is '/' or '?' or '#' ? p : stop[p + 1];
        }

        // lastFit[i][x]: the largest position y <= x from which parts i.. match the rest of the URI, or -1. Filled from
        // the last part back, so each variable's greedy choice is one lookup.
        var lastFit = new int[_parts.Count + 1][];
        lastFit[_parts.Count] = new int[length + 1];
        Array.Fill(lastFit[_parts.Count], -1);
        lastFit[_parts.Count][length] = length;
        for (var i = _parts.Count - 1; i >= 0; i--)
        {
            var next = lastFit[i + 1];
            var fits = new int[length + 1];
            for (var p = 0; p <= length; p++)
            {
                fits[p] = Fits(uri, p, _parts[i], next, stop) ? p : (p > 0 ? fits[p - 1] : -1);
            }

            lastFit[i] = fits;
        }

        if (lastFit[0][0] != 0)
        {
            return false;
        }

        var position = 0;
        for (var i = 0; i < _parts.Count; i++)
        {
            var part = _parts[i];
            if (part.Literal is { } literal)
            {
                position += literal.Length;
                continue;
            }

            var end = lastFit[i + 1][part.Reserved ? length : stop[position]];
            variables[part.Variable!] = Http.UrlText.Unescape(uri[position..end]);
            position = end;
        }

        return true;
    }

    /// <summary>Whether <paramref name="part"/> can start at <paramref name="position"/> with the parts after it matching.</summary>
    private static bool Fits(string uri, int position, Part part, int[] next, int[] stop)
    {
        if (part.Literal is { } literal)
        {
            return position + literal.Length <= uri.Length
                && string.CompareOrdinal(uri, position, literal, 0, literal.Length) == 0
                && next[position + literal.Length] == position + literal.Length;
        }

        // A variable is never empty: it needs a fitting end after its start, within its run.
        if (position == uri.Length)
        {
            return false;
        }

        var end = next[part.Reserved ? uri.Length : stop[position]];
        return end > position;
    }
}
