using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Pmcp.Protocol;

namespace Pmcp.Server;

/// <summary>
/// A handler's result and its source-generated metadata (nothing is reflected over), so the stateless revision's
/// fields can be set on the value before it is written once.
/// </summary>
internal readonly record struct ResultReply(Result Value, JsonTypeInfo Info)
{
    public static ResultReply Of<T>(T value, JsonTypeInfo<T> info)
        where T : Result => new(value, info);

    /// <summary>Writes <paramref name="result"/>, this reply's value or a copy of it, with the value's own metadata.</summary>
    public void Write(Utf8JsonWriter writer, Result result)
    {
        if (result is CallToolResult call && CallToolResultWriter.TryWrite(writer, call))
        {
            return;
        }

        JsonSerializer.Serialize(writer, result, Info);
    }
}
