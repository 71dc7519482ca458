using System.Text.RegularExpressions;

namespace Pmcp.Cli.Tests;

/// <summary>
/// How wrangler dev reads an <c>--env-file</c>: <c>dotenv</c> 16.3.1's <c>parse</c>, then <c>dotenv-expand</c> 12.0.2's
/// <c>expand</c> with an empty process environment (wrangler's <c>loadDotEnv</c>), ported line by line from the code
/// the pinned wrangler bundles (wrangler-dist/cli.js) so the tests hold our writer to the reader's real rules.
/// </summary>
internal static partial class WranglerEnvFile
{
    public static Dictionary<string, string> Read(string text) => Expand(Parse(text));

    // dotenv/lib/main.js: LINE, then parse().
    [GeneratedRegex("""(?:^|^)\s*(?:export\s+)?([\w.-]+)(?:\s*=\s*?|:\s+?)(\s*'(?:\\'|[^'])*'|\s*"(?:\\"|[^"])*"|\s*`(?:\\`|[^`])*`|[^#\r\n]+)?\s*(?:#.*)?(?:$|$)""", RegexOptions.Multiline | RegexOptions.ECMAScript)]
    private static partial Regex Line();

    [GeneratedRegex("""^(['"`])([\s\S]*)\1$""", RegexOptions.Multiline | RegexOptions.ECMAScript)]
    private static partial Regex Quoted();

    // dotenv-expand/lib/main.js: expandValue()'s regex.
    [GeneratedRegex("""(?<!\\)\${([^{}]+)}|(?<!\\)\$([A-Za-z_][A-Za-z0-9_]*)""")]
    private static partial Regex Reference();

    public static Dictionary<string, string> Parse(string text)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        text = text.Replace("\r\n", "\n", StringComparison.Ordinal).Replace('\r', '\n');
        foreach (Match match in Line().Matches(text))
        {
            var value = match.Groups[2].Value.Trim();
            var maybeQuote = value.Length > 0 ? value[0] : '\0';
            value = Quoted().Replace(value, "$2");
            if (maybeQuote == '"')
            {
                value = value.Replace("\\n", "\n", StringComparison.Ordinal).Replace("\\r", "\r", StringComparison.Ordinal);
            }

            result[match.Groups[1].Value] = value;
        }

        return result;
    }

    private static Dictionary<string, string> Expand(Dictionary<string, string> parsed)
    {
        var running = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var key in parsed.Keys.ToList())
        {
            var value = ResolveEscapes(ExpandValue(parsed[key], running));
            parsed[key] = value;
            running[key] = value;
        }

        return parsed;
    }

    private static string ResolveEscapes(string value) => value.Replace("\\$", "$", StringComparison.Ordinal);

    private static string ExpandValue(string value, Dictionary<string, string> running)
    {
        var result = value;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var match = Reference().Match(result); match.Success; match = Reference().Match(result))
        {
            seen.Add(result);
            var expression = match.Groups[1].Success ? match.Groups[1].Value : match.Groups[2].Value;
            var op = Regex.Match(expression, ":\\+|\\+|:-|-");
            string key, defaultValue;
            string? found;
            if (op.Success)
            {
                var parts = expression.Split(op.Value);
                key = parts[0];
                var rest = string.Join(op.Value, parts.Skip(1));
                if (op.Value is ":+" or "+")
                {
                    defaultValue = running.GetValueOrDefault(key) is { Length: > 0 } ? rest : "";
                    found = null;
                }
                else
                {
                    defaultValue = rest;
                    found = running.GetValueOrDefault(key);
                }
            }
            else
            {
                key = expression;
                defaultValue = "";
                found = running.GetValueOrDefault(key);
            }

            var replacement = found is { Length: > 0 } ? (seen.Contains(found) ? defaultValue : found) : defaultValue;
            var at = result.IndexOf(match.Value, StringComparison.Ordinal);
            result = string.Concat(result.AsSpan(0, at), replacement, result.AsSpan(at + match.Value.Length));
            if (running.TryGetValue(key, out var previous) && result == previous)
            {
                break;
            }
        }

        return result;
    }
}
