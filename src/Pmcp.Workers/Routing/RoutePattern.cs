using Pmcp.Http;

namespace Pmcp.Workers.Routing;

/// <summary>A path pattern such as <c>/notes/:id</c> or <c>/files/*path</c> (the rest of the path).</summary>
internal sealed class RoutePattern
{
    private readonly string[] _segments;

    public RoutePattern(string pattern)
    {
        if (!pattern.StartsWith('/'))
        {
            throw new ArgumentException($"Route patterns start with '/': '{pattern}'.", nameof(pattern));
        }

        Text = pattern;
        _segments = pattern.Split('/', StringSplitOptions.RemoveEmptyEntries);
    }

    public string Text { get; }

    public bool TryMatch(string path, out Dictionary<string, string> parameters)
    {
        parameters = new Dictionary<string, string>(StringComparer.Ordinal);
        var parts = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        for (var i = 0; i < _segments.Length; i++)
        {
            var segment = _segments[i];
            if (segment.StartsWith('*'))
            {
                parameters[segment[1..]] = string.Join('/', parts.Skip(i).Select(UrlText.Unescape));
                return true;
            }

            if (i >= parts.Length)
            {
                return false;
            }

            if (segment.StartsWith(':'))
            {
                parameters[segment[1..]] = UrlText.Unescape(parts[i]);
            }
            else if (!string.Equals(segment, parts[i], StringComparison.Ordinal))
            {
                return false;
            }
        }

        return parts.Length == _segments.Length;
    }
}
