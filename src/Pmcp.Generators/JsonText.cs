using System.Globalization;
using System.Text;

namespace Pmcp.Generators;

/// <summary>
/// A JSON object under construction whose values are JSON text: schemas are small, and building them as ordered
/// key/value pairs keeps the keyword order of the engine's runtime schemas (description first).
/// </summary>
internal sealed class JsonObjectText
{
    private readonly List<KeyValuePair<string, string>> _members = [];

    public JsonObjectText Add(string key, string json)
    {
        _members.Add(new(key, json));
        return this;
    }

    public int Count => _members.Count;

    public JsonObjectText Insert(int index, string key, string json)
    {
        _members.Insert(index, new(key, json));
        return this;
    }

    public override string ToString()
    {
        var builder = new StringBuilder("{");
        for (var i = 0; i < _members.Count; i++)
        {
            if (i > 0)
            {
                builder.Append(',');
            }

            builder.Append(JsonText.String(_members[i].Key)).Append(':').Append(_members[i].Value);
        }

        return builder.Append('}').ToString();
    }
}

/// <summary>JSON literals.</summary>
internal static class JsonText
{
    public static string String(string value)
    {
        var builder = new StringBuilder(value.Length + 2).Append('"');
        foreach (var c in value)
        {
            switch (c)
            {
                case '"': builder.Append("\\\""); break;
                case '\\': builder.Append("\\\\"); break;
                case '\n': builder.Append("\\n"); break;
                case '\r': builder.Append("\\r"); break;
                case '\t': builder.Append("\\t"); break;
                case '\b': builder.Append("\\b"); break;
                case '\f': builder.Append("\\f"); break;
                default:
                    if (c < ' ')
                    {
                        builder.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        builder.Append(c);
                    }

                    break;
            }
        }

        return builder.Append('"').ToString();
    }

    public static string Array(IEnumerable<string> jsonItems) => "[" + string.Join(",", jsonItems) + "]";

    public static string StringArray(IEnumerable<string> values) => Array(values.Select(String));

    /// <summary>A constant as JSON, or null when it has no JSON form the schema could show.</summary>
    public static string? Constant(object? value) => value switch
    {
        null => "null",
        string s => String(s),
        char c => String(c.ToString()),
        bool b => b ? "true" : "false",
        float f => float.IsNaN(f) || float.IsInfinity(f) ? null : f.ToString("R", CultureInfo.InvariantCulture),
        double d => double.IsNaN(d) || double.IsInfinity(d) ? null : d.ToString("R", CultureInfo.InvariantCulture),
        decimal m => m.ToString(CultureInfo.InvariantCulture),
        IConvertible i => i.ToString(CultureInfo.InvariantCulture),
        _ => null,
    };
}
