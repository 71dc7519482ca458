using System.Text;

namespace Pmcp.Generators;

/// <summary>The names the generator derives from C# names.</summary>
internal static class Names
{
    /// <summary>System.Text.Json's <c>JsonNamingPolicy.CamelCase</c>, exactly: "URLValue" becomes "urlValue".</summary>
    public static string CamelCase(string name)
    {
        if (string.IsNullOrEmpty(name) || !char.IsUpper(name[0]))
        {
            return name;
        }

        var chars = name.ToCharArray();
        for (var i = 0; i < chars.Length; i++)
        {
            if (i == 1 && !char.IsUpper(chars[i]))
            {
                break;
            }

            var hasNext = i + 1 < chars.Length;
            if (i > 0 && hasNext && !char.IsUpper(chars[i + 1]))
            {
                if (chars[i + 1] == ' ')
                {
                    chars[i] = char.ToLowerInvariant(chars[i]);
                }

                break;
            }

            chars[i] = char.ToLowerInvariant(chars[i]);
        }

        return new string(chars);
    }

    /// <summary>
    /// The default tool name of a method: snake_case, as MCP tools are usually named, without an <c>Async</c>
    /// suffix: "GetWeatherAsync" becomes "get_weather", "HTTPGet" becomes "http_get".
    /// </summary>
    public static string ToolName(string methodName)
    {
        const string AsyncSuffix = "Async";
        var name = methodName.Length > AsyncSuffix.Length && methodName.EndsWith(AsyncSuffix, StringComparison.Ordinal)
            ? methodName.Substring(0, methodName.Length - AsyncSuffix.Length)
            : methodName;

        var builder = new StringBuilder(name.Length + 4);
        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            if (char.IsUpper(c) && i > 0 && name[i - 1] != '_')
            {
                var previous = name[i - 1];
                var nextIsLower = i + 1 < name.Length && char.IsLower(name[i + 1]);
                if (char.IsLower(previous) || char.IsDigit(previous) || (char.IsUpper(previous) && nextIsLower))
                {
                    builder.Append('_');
                }
            }

            builder.Append(char.ToLowerInvariant(c));
        }

        return builder.ToString();
    }

    /// <summary>MCP's rule for tool names (2025-11-25): 1 to 128 characters of A-Z, a-z, 0-9, '_', '-' and '.'.</summary>
    public static bool IsValidToolName(string name) =>
        name.Length is > 0 and <= 128
        && name.All(c => c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9') or '_' or '-' or '.');
}
