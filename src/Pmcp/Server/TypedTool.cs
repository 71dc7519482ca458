using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Pmcp.Protocol;
using Pmcp.Schema;
using Pmcp.Server.Generated;

namespace Pmcp.Server;

/// <summary>
/// Turns a handler over C# types into a <see cref="ToolRegistration"/>: the input schema comes from
/// the handler's input type, arguments are validated before the handler runs, and the result becomes
/// text (<c>string</c>), content (<see cref="ContentBlock"/>s), a raw <see cref="CallToolResult"/>,
/// or structured content with an output schema (any other type).
/// </summary>
internal static class TypedTool
{
    public static ToolRegistration Create<TIn, TOut>(
        string name,
        string? description,
        ToolOptions? options,
        Func<TIn, McpRequestContext, ValueTask<TOut>> handler,
        JsonSerializerOptions json)
    {
        var input = Resolve<TIn>(json, name);
        var inputSchema = ToolSchemas.For(input);
        if (!ToolSchemas.IsObjectSchema(inputSchema))
        {
            throw new InvalidOperationException(
                $"Tool '{name}': its input type {typeof(TIn).Name} must be an object (a record or class with properties), as MCP requires.");
        }

        var inputSchemaElement = ToolSchemas.ToElement(inputSchema);
        Func<TOut, CallToolResult> toResult;
        JsonElement? outputSchema = null;
        if (typeof(TOut) == typeof(string))
        {
            toResult = o => ToolResults.Text((string)(object)o!);
        }
        else if (typeof(TOut) == typeof(CallToolResult))
        {
            toResult = o => (CallToolResult)(object)o!;
        }
        else if (typeof(ContentBlock).IsAssignableFrom(typeof(TOut)))
        {
            toResult = o => ToolResults.Content((ContentBlock)(object)o!);
        }
        else if (typeof(IEnumerable<ContentBlock>).IsAssignableFrom(typeof(TOut)))
        {
            toResult = o => ToolResults.Content((IEnumerable<ContentBlock>)o!);
        }
        else
        {
            var output = Resolve<TOut>(json, name);
            var schema = ToolSchemas.For(output);
            var wrap = !ToolSchemas.IsObjectSchema(schema);
            outputSchema = ToolSchemas.ToElement(wrap ? ToolSchemas.WrapAsResult(schema) : schema);
            toResult = o => ToolResults.Structured(o, output, wrap);
        }

        var tool = new Tool
        {
            Name = name,
            Title = options?.Title,
            Description = description,
            InputSchema = inputSchemaElement,
            OutputSchema = outputSchema,
            Annotations = options?.Annotations,
            Meta = options?.Meta,
        };

        return new ToolRegistration(tool, async (arguments, context) =>
        {
            ToolArguments.Validate(arguments, inputSchemaElement, name);
            var value = ToolArguments.Read(arguments, input, name, "");
            return toResult(await handler(value, context).ConfigureAwait(false));
        })
        {
            RequiredScopes = options?.RequiredScopes is { Count: > 0 } scopes ? [.. scopes] : [],
        };
    }

    /// <summary>A tool without arguments: its schema admits only an empty object, as MCP 2025-11-25 recommends.</summary>
    public static ToolRegistration CreateWithoutInput<TOut>(
        string name, string? description, ToolOptions? options, Func<McpRequestContext, ValueTask<TOut>> handler, JsonSerializerOptions json)
    {
        var registration = Create<NoArguments, TOut>(name, description, options, (_, context) => handler(context), json);
        return registration with { Tool = registration.Tool with { InputSchema = NoArgumentsSchema } };
    }

    private static readonly JsonElement NoArgumentsSchema =
        JsonDocument.Parse("""{"type":"object","additionalProperties":false}""").RootElement;

    private static JsonTypeInfo<T> Resolve<T>(JsonSerializerOptions options, string tool) =>
        ToolJsonMetadata.Resolve<T>(options, tool, typeof(T).Name);
}
