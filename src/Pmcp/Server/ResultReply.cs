using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Pmcp.Protocol;

namespace Pmcp.Server;

/// <summary>
/// A handler's result and how to write it, with its own source-generated metadata (nothing is reflected over), so the
/// stateless revision's fields can be set on the value before it is written once.
/// </summary>
internal readonly record struct ResultReply(Result Value, Action<Utf8JsonWriter, Result> Write)
{
    public static ResultReply Of<T>(T value, JsonTypeInfo<T> info)
        where T : Result => new(value, (writer, result) => JsonSerializer.Serialize(writer, (T)result, info));
}
