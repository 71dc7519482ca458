using System.Runtime.CompilerServices;
using System.Text.Json;

namespace Pmcp.Server;

/// <summary>
/// A tool's structured result as it was serialized, once: the answer carries these bytes as they are
/// (<see cref="CallToolResultWriter"/>), and they are parsed only for code that reads
/// <see cref="Protocol.CallToolResult.StructuredContent"/>.
/// </summary>
internal sealed class StructuredJson(byte[] utf8)
{
    private StrongBox<JsonElement>? _element;

    /// <summary>The serialized value: one JSON value, checked when it was made.</summary>
    public byte[] Utf8 { get; } = utf8;

    /// <summary>The value as a <see cref="JsonElement"/>, parsed the first time it is asked for (two threads at once may both parse; either result is the same).</summary>
    public JsonElement Element => (_element ??= new StrongBox<JsonElement>(Parse(Utf8))).Value;

    private static JsonElement Parse(byte[] utf8)
    {
        using var document = JsonDocument.Parse(utf8);
        return document.RootElement.Clone();
    }
}
