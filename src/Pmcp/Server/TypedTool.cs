using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;
using Pmcp.Protocol;
using Pmcp.Schema;

namespace Pmcp.Server;

/// <summary>
/// Turns a handler over C# types into a <see cref="ToolRegistration"/>: the input schema comes from
/// <typeparamref name="TIn"/>, arguments are validated before the handler runs, and the result becomes
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
            toResult = o => CallToolResult.FromText((string)(object)o!);
        }
        else if (typeof(TOut) == typeof(CallToolResult))
        {
            toResult = o => (CallToolResult)(object)o!;
        }
        else if (typeof(ContentBlock).IsAssignableFrom(typeof(TOut)))
        {
            toResult = o => new CallToolResult { Content = [(ContentBlock)(object)o!] };
        }
        else if (typeof(IEnumerable<ContentBlock>).IsAssignableFrom(typeof(TOut)))
        {
            toResult = o => new CallToolResult { Content = [.. (IEnumerable<ContentBlock>)o!] };
        }
        else
        {
            var output = Resolve<TOut>(json, name);
            var schema = ToolSchemas.For(output);
            var wrap = !ToolSchemas.IsObjectSchema(schema);
            outputSchema = ToolSchemas.ToElement(wrap ? ToolSchemas.WrapAsResult(schema) : schema);
            toResult = o => Structured(o, output, wrap);
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
            if (SchemaValidator.Validate(arguments, inputSchemaElement) is { } problem)
            {
                throw new ToolInputException($"Invalid arguments for tool '{name}': {problem}");
            }

            TIn value;
            try
            {
                value = arguments.Deserialize(input)!;
            }
            catch (JsonException e)
            {
                var where = string.IsNullOrEmpty(e.Path) || e.Path == "$" ? "" : $" at '{e.Path.TrimStart('$', '.')}'";
                throw new ToolInputException($"Invalid arguments for tool '{name}'{where}: {FirstSentence(e.Message)}");
            }

            return toResult(await handler(value, context).ConfigureAwait(false));
        });
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

    private static CallToolResult Structured<TOut>(TOut value, JsonTypeInfo<TOut> info, bool wrap)
    {
        var element = JsonSerializer.SerializeToElement(value, info);
        if (wrap)
        {
            var obj = new JsonObject { ["result"] = JsonSerializer.SerializeToNode(value, info) };
            element = ToolSchemas.ToElement(obj);
        }

        // Older clients read only content, so the same JSON goes there as text.
        return new CallToolResult { Content = [new TextContent(element.GetRawText())], StructuredContent = element };
    }

    private static JsonTypeInfo<T> Resolve<T>(JsonSerializerOptions options, string tool)
    {
        if (options.TryGetTypeInfo(typeof(T), out var info) && info is JsonTypeInfo<T> typed)
        {
            return typed;
        }

        throw new InvalidOperationException(
            $"Tool '{tool}': no JSON metadata for {typeof(T).FullName}. Add [JsonSerializable(typeof({typeof(T).Name}))] "
            + "to your JsonSerializerContext and pass it to McpServerBuilder.WithJsonContext(...).");
    }

    private static string FirstSentence(string message)
    {
        var end = message.IndexOf(". ", StringComparison.Ordinal);
        return end < 0 ? message : message[..(end + 1)];
    }
}
