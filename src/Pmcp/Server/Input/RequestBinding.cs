using System.Buffers;
using System.Buffers.Text;
using System.Text.Json;

namespace Pmcp.Server.Input;

/// <summary>What a request state is bound to: the method, the tool's or prompt's name (a resource's URI), and the arguments.</summary>
/// <param name="Method">The JSON-RPC method (<c>tools/call</c>, <c>prompts/get</c>, <c>resources/read</c>).</param>
/// <param name="Name">The tool's or prompt's name, or the resource's URI.</param>
/// <param name="ArgumentsDigest">SHA-256 of the arguments written compactly (member order kept), base64url.</param>
internal readonly record struct RequestBinding(string Method, string Name, string ArgumentsDigest)
{
    /// <summary>The binding of a request with these <paramref name="arguments"/> (an object, or undefined for none).</summary>
    public static RequestBinding For(string method, string name, JsonElement arguments)
    {
        var compact = new ArrayBufferWriter<byte>(128);
        using (var writer = new Utf8JsonWriter(compact))
        {
            if (arguments.ValueKind == JsonValueKind.Undefined)
            {
                writer.WriteStartObject();
                writer.WriteEndObject();
            }
            else
            {
                arguments.WriteTo(writer);
            }
        }

        Span<byte> digest = stackalloc byte[Sha256.HashSize];
        Sha256.Hash(compact.WrittenSpan, [], digest);
        return new RequestBinding(method, name, Base64Url.EncodeToString(digest));
    }
}
