using System.ComponentModel;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using Pmcp.Json;

namespace Pmcp.Server.Generated;

/// <summary>
/// Called by the code Pmcp's source generator writes; not part of the API you call.
/// Finds the JSON metadata of a tool's types in the server's options when the server is built, and checks that it
/// agrees with schemas made at compile time, so a mismatch fails at <see cref="McpServerBuilder.Build"/> with the fix
/// rather than at a call.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class ToolJsonMetadata
{
    /// <summary>Parses a schema computed at compile time, once, when the server is built. Used by generated code; not meant to be called directly.</summary>
    public static JsonElement Schema(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }

    /// <summary>
    /// The metadata of <typeparamref name="T"/> from the server's JSON contexts, else from
    /// <paramref name="fallback"/> (the generator passes System.Text.Json's built-in converter for primitives).
    /// Used by generated code; not meant to be called directly.
    /// </summary>
    public static JsonTypeInfo<T> Resolve<T>(JsonSerializerOptions options, string tool, string typeName, JsonConverter<T>? fallback = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.TryGetTypeInfo(typeof(T), out var info) && info is JsonTypeInfo<T> typed)
        {
            return typed;
        }

        if (fallback is not null)
        {
            return JsonMetadataServices.CreateValueInfo<T>(options, fallback);
        }

        throw new InvalidOperationException(
            $"Tool '{tool}': no JSON metadata for {typeof(T).FullName}. Add [JsonSerializable(typeof({typeName}))] "
            + "to your JsonSerializerContext and pass it to McpServerBuilder.WithJsonContext(...).");
    }

    /// <summary>The compile-time schema names <paramref name="names"/> as <paramref name="type"/>'s JSON properties; so must its metadata. Used by generated code; not meant to be called directly.</summary>
    public static void CheckPropertyNames(JsonSerializerOptions options, string tool, Type type, string typeName, string[] names)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(names);
        if (!options.TryGetTypeInfo(type, out var info) || info.Kind != JsonTypeInfoKind.Object)
        {
            return;
        }

        var actual = info.Properties.Select(p => p.Name).ToHashSet(StringComparer.Ordinal);
        if (!names.All(actual.Contains))
        {
            throw new InvalidOperationException(
                $"Tool '{tool}': the JSON properties of {typeName} are [{string.Join(", ", info.Properties.Select(p => p.Name))}], "
                + $"but its schema, made at compile time, names [{string.Join(", ", names)}]. The schema follows System.Text.Json's "
                + "rules with camelCase names: rename members with [JsonPropertyName], not with a custom resolver or naming policy.");
        }
    }

    /// <summary>The compile-time schema lists an enum's values by name; its metadata must read and write those names. Used by generated code; not meant to be called directly.</summary>
    public static void CheckEnumNames(JsonSerializerOptions options, string tool, Type type, string typeName, string[] names)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(names);
        if (!options.TryGetTypeInfo(type, out var info))
        {
            return;
        }

        foreach (var name in names)
        {
            var json = JsonSerializer.Serialize(name, PmcpJsonContext.Default.String);
            string? written;
            try
            {
                var value = JsonSerializer.Deserialize(json, info);
                written = JsonSerializer.Deserialize(JsonSerializer.Serialize(value, info), PmcpJsonContext.Default.String);
            }
            catch (JsonException)
            {
                written = null;
            }

            if (written != name)
            {
                throw new InvalidOperationException(
                    $"Tool '{tool}': the schema lists the values of {typeName} by name ({json}), but its JSON metadata does not read "
                    + $"and write them so. Add [JsonConverter(typeof(JsonStringEnumConverter<{typeName}>))] to {typeName}, "
                    + "or UseStringEnumConverter = true to your [JsonSourceGenerationOptions].");
            }
        }
    }
}
