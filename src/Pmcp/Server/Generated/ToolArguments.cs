using System.ComponentModel;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Pmcp.Protocol;
using Pmcp.Schema;

namespace Pmcp.Server.Generated;

/// <summary>
/// Called by the code Pmcp's source generator writes; not part of the API you call.
/// Checks and reads a tool's JSON arguments, for <see cref="McpToolAttribute"/> methods and the builder's typed tools
/// alike, so both answer a bad call alike.
/// The readers run after <see cref="Validate"/>, so the JSON kind is already right; they only fail on values
/// out of the C# type's range or format, naming the field.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class ToolArguments
{
    /// <summary>Throws <see cref="ToolInputException"/> naming the first field that does not fit <paramref name="schema"/>. Used by generated code; not meant to be called directly.</summary>
    public static void Validate(JsonElement arguments, JsonElement schema, string tool)
    {
        if (SchemaValidator.Validate(arguments, schema) is { } problem)
        {
            throw new ToolInputException($"Invalid arguments for tool '{tool}': {problem}");
        }
    }

    /// <summary>Reads a value of a type the generator does not bind itself, with the server's JSON metadata. Used by generated code; not meant to be called directly.</summary>
    public static T Read<T>(JsonElement value, JsonTypeInfo<T> info, string tool, string path)
    {
        try
        {
            return value.Deserialize(info)!;
        }
        catch (JsonException e)
        {
            var inner = string.IsNullOrEmpty(e.Path) || e.Path == "$" ? "" : e.Path[1..];
            throw InvalidAt(tool, (path + inner).TrimStart('.'), FirstSentence(e.Message));
        }
    }

    /// <summary>Reads a validated argument as <see cref="string"/>. Used by generated code; not meant to be called directly.</summary>
    /// <exception cref="ToolInputException">The value does not fit <see cref="string"/>; the message names the tool and <paramref name="path"/>.</exception>
    public static string ReadString(JsonElement value, string tool, string path) =>
        value.GetString() ?? throw NotConvertible(tool, path, "System.String");

    /// <summary>Reads a validated argument as <see cref="bool"/>. Used by generated code; not meant to be called directly.</summary>
    /// <exception cref="ToolInputException">The value does not fit <see cref="bool"/>; the message names the tool and <paramref name="path"/>.</exception>
    public static bool ReadBoolean(JsonElement value, string tool, string path) =>
        value.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw NotConvertible(tool, path, "System.Boolean"),
        };

    /// <summary>Reads a validated argument as <see cref="byte"/>. Used by generated code; not meant to be called directly.</summary>
    /// <exception cref="ToolInputException">The value does not fit <see cref="byte"/>; the message names the tool and <paramref name="path"/>.</exception>
    public static byte ReadByte(JsonElement value, string tool, string path) =>
        value.ValueKind == JsonValueKind.Number && value.TryGetByte(out var v) ? v : throw NotConvertible(tool, path, "System.Byte");

    /// <summary>Reads a validated argument as <see cref="sbyte"/>. Used by generated code; not meant to be called directly.</summary>
    /// <exception cref="ToolInputException">The value does not fit <see cref="sbyte"/>; the message names the tool and <paramref name="path"/>.</exception>
    public static sbyte ReadSByte(JsonElement value, string tool, string path) =>
        value.ValueKind == JsonValueKind.Number && value.TryGetSByte(out var v) ? v : throw NotConvertible(tool, path, "System.SByte");

    /// <summary>Reads a validated argument as <see cref="short"/>. Used by generated code; not meant to be called directly.</summary>
    /// <exception cref="ToolInputException">The value does not fit <see cref="short"/>; the message names the tool and <paramref name="path"/>.</exception>
    public static short ReadInt16(JsonElement value, string tool, string path) =>
        value.ValueKind == JsonValueKind.Number && value.TryGetInt16(out var v) ? v : throw NotConvertible(tool, path, "System.Int16");

    /// <summary>Reads a validated argument as <see cref="ushort"/>. Used by generated code; not meant to be called directly.</summary>
    /// <exception cref="ToolInputException">The value does not fit <see cref="ushort"/>; the message names the tool and <paramref name="path"/>.</exception>
    public static ushort ReadUInt16(JsonElement value, string tool, string path) =>
        value.ValueKind == JsonValueKind.Number && value.TryGetUInt16(out var v) ? v : throw NotConvertible(tool, path, "System.UInt16");

    /// <summary>Reads a validated argument as <see cref="int"/>. Used by generated code; not meant to be called directly.</summary>
    /// <exception cref="ToolInputException">The value does not fit <see cref="int"/>; the message names the tool and <paramref name="path"/>.</exception>
    public static int ReadInt32(JsonElement value, string tool, string path) =>
        value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var v) ? v : throw NotConvertible(tool, path, "System.Int32");

    /// <summary>Reads a validated argument as <see cref="uint"/>. Used by generated code; not meant to be called directly.</summary>
    /// <exception cref="ToolInputException">The value does not fit <see cref="uint"/>; the message names the tool and <paramref name="path"/>.</exception>
    public static uint ReadUInt32(JsonElement value, string tool, string path) =>
        value.ValueKind == JsonValueKind.Number && value.TryGetUInt32(out var v) ? v : throw NotConvertible(tool, path, "System.UInt32");

    /// <summary>Reads a validated argument as <see cref="long"/>. Used by generated code; not meant to be called directly.</summary>
    /// <exception cref="ToolInputException">The value does not fit <see cref="long"/>; the message names the tool and <paramref name="path"/>.</exception>
    public static long ReadInt64(JsonElement value, string tool, string path) =>
        value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var v) ? v : throw NotConvertible(tool, path, "System.Int64");

    /// <summary>Reads a validated argument as <see cref="ulong"/>. Used by generated code; not meant to be called directly.</summary>
    /// <exception cref="ToolInputException">The value does not fit <see cref="ulong"/>; the message names the tool and <paramref name="path"/>.</exception>
    public static ulong ReadUInt64(JsonElement value, string tool, string path) =>
        value.ValueKind == JsonValueKind.Number && value.TryGetUInt64(out var v) ? v : throw NotConvertible(tool, path, "System.UInt64");

    /// <summary>Reads a validated argument as <see cref="float"/>. Used by generated code; not meant to be called directly.</summary>
    /// <exception cref="ToolInputException">The value does not fit <see cref="float"/>; the message names the tool and <paramref name="path"/>.</exception>
    public static float ReadSingle(JsonElement value, string tool, string path) =>
        value.ValueKind == JsonValueKind.Number && value.TryGetSingle(out var v) && float.IsFinite(v) ? v : throw NotConvertible(tool, path, "System.Single");

    /// <summary>Reads a validated argument as <see cref="double"/>. Used by generated code; not meant to be called directly.</summary>
    /// <exception cref="ToolInputException">The value does not fit <see cref="double"/>; the message names the tool and <paramref name="path"/>.</exception>
    public static double ReadDouble(JsonElement value, string tool, string path) =>
        value.ValueKind == JsonValueKind.Number && value.TryGetDouble(out var v) && double.IsFinite(v) ? v : throw NotConvertible(tool, path, "System.Double");

    /// <summary>Reads a validated argument as <see cref="decimal"/>. Used by generated code; not meant to be called directly.</summary>
    /// <exception cref="ToolInputException">The value does not fit <see cref="decimal"/>; the message names the tool and <paramref name="path"/>.</exception>
    public static decimal ReadDecimal(JsonElement value, string tool, string path) =>
        value.ValueKind == JsonValueKind.Number && value.TryGetDecimal(out var v) ? v : throw NotConvertible(tool, path, "System.Decimal");

    /// <summary>Reads a validated argument as <see cref="Guid"/>. Used by generated code; not meant to be called directly.</summary>
    /// <exception cref="ToolInputException">The value does not fit <see cref="Guid"/>; the message names the tool and <paramref name="path"/>.</exception>
    public static Guid ReadGuid(JsonElement value, string tool, string path) =>
        value.ValueKind == JsonValueKind.String && value.TryGetGuid(out var v) ? v : throw NotConvertible(tool, path, "System.Guid");

    /// <summary>Reads a validated argument as <see cref="DateTime"/>. Used by generated code; not meant to be called directly.</summary>
    /// <exception cref="ToolInputException">The value does not fit <see cref="DateTime"/>; the message names the tool and <paramref name="path"/>.</exception>
    public static DateTime ReadDateTime(JsonElement value, string tool, string path) =>
        value.ValueKind == JsonValueKind.String && value.TryGetDateTime(out var v) ? v : throw NotConvertible(tool, path, "System.DateTime");

    /// <summary>Reads a validated argument as <see cref="DateTimeOffset"/>. Used by generated code; not meant to be called directly.</summary>
    /// <exception cref="ToolInputException">The value does not fit <see cref="DateTimeOffset"/>; the message names the tool and <paramref name="path"/>.</exception>
    public static DateTimeOffset ReadDateTimeOffset(JsonElement value, string tool, string path) =>
        value.ValueKind == JsonValueKind.String && value.TryGetDateTimeOffset(out var v) ? v : throw NotConvertible(tool, path, "System.DateTimeOffset");

    /// <summary>Any JSON, kept as it came (detached from the request's document). Used by generated code; not meant to be called directly.</summary>
    public static JsonElement ReadJson(JsonElement value, string tool, string path) => value.Clone();

    /// <summary>Reads a JSON array with <paramref name="read"/> for each item, whose path is <c>path[i]</c>. Used by generated code; not meant to be called directly.</summary>
    public static T[] ReadArray<T>(JsonElement value, string tool, string path, Func<JsonElement, string, string, T> read)
    {
        ArgumentNullException.ThrowIfNull(read);
        if (value.ValueKind != JsonValueKind.Array)
        {
            throw NotConvertible(tool, path, typeof(T).Name + "[]");
        }

        var items = new T[value.GetArrayLength()];
        var i = 0;
        foreach (var item in value.EnumerateArray())
        {
            items[i] = read(item, tool, $"{path}[{i}]");
            i++;
        }

        return items;
    }

    /// <summary>Reads a JSON array into a <see cref="List{T}"/>, as <see cref="ReadArray"/> does. Used by generated code; not meant to be called directly.</summary>
    public static List<T> ReadList<T>(JsonElement value, string tool, string path, Func<JsonElement, string, string, T> read) =>
        [.. ReadArray(value, tool, path, read)];

    /// <summary>The error for a value that fits the schema but not the C# type (a number out of range, a malformed date). Used by generated code; not meant to be called directly.</summary>
    public static ToolInputException NotConvertible(string tool, string path, string typeName) =>
        InvalidAt(tool, path, $"The JSON value could not be converted to {typeName}.");

    private static ToolInputException InvalidAt(string tool, string path, string problem) =>
        new(path.Length == 0
            ? $"Invalid arguments for tool '{tool}': {problem}"
            : $"Invalid arguments for tool '{tool}' at '{path}': {problem}");

    private static string FirstSentence(string message)
    {
        var end = message.IndexOf(". ", StringComparison.Ordinal);
        return end < 0 ? message : message[..(end + 1)];
    }
}
