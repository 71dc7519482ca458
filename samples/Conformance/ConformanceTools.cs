using System.Text.Json;
using Pmcp.Protocol;
using Pmcp.Server;
using static Conformance.ConformanceServer;

namespace Conformance;

internal static class ConformanceTools
{
    public static void Add(McpServerBuilder builder) => builder
        .Tool<string>("test_simple_text", "Returns a simple text response",
            _ => ValueTask.FromResult("This is a simple text response for testing."))
        .Tool<ContentBlock>("test_image_content", "Returns an image",
            _ => ValueTask.FromResult<ContentBlock>(new ImageContent(Fixtures.ImageBase64, "image/png")))
        .Tool<ContentBlock>("test_audio_content", "Returns audio",
            _ => ValueTask.FromResult<ContentBlock>(new AudioContent(Fixtures.AudioBase64, "audio/wav")))
        .Tool<ContentBlock>("test_embedded_resource", "Returns an embedded resource",
            _ => ValueTask.FromResult<ContentBlock>(new EmbeddedResourceContent(
                new TextResourceContents("test://embedded-resource", "This is an embedded resource content.") { MimeType = "text/plain" })))
        .Tool<ContentBlock[]>("test_multiple_content_types", "Returns text, an image and a resource",
            _ => ValueTask.FromResult<ContentBlock[]>(
            [
                new TextContent("Multiple content types test:"),
                new ImageContent(Fixtures.ImageBase64, "image/png"),
                new EmbeddedResourceContent(new TextResourceContents("test://mixed-content-resource", """{"test":"data","value":123}""") { MimeType = "application/json" }),
            ]))
        .Tool<string>("test_tool_with_logging", "Sends three log messages while it runs", async context =>
        {
            await context.LogAsync(LoggingLevel.Info, "Tool execution started");
            await Task.Delay(50, context.CancellationToken);
            await context.LogAsync(LoggingLevel.Info, "Tool processing data");
            await Task.Delay(50, context.CancellationToken);
            await context.LogAsync(LoggingLevel.Info, "Tool execution completed");
            return "Tool with logging executed successfully";
        })
        .Tool<string>("test_tool_with_progress", "Reports progress three times while it runs", async context =>
        {
            for (var step = 0; step <= 100; step += 50)
            {
                await context.ReportProgressAsync(step, 100, $"Completed step {step} of 100");
                if (step < 100)
                {
                    await Task.Delay(50, context.CancellationToken);
                }
            }

            return context.ProgressToken?.ToString() ?? "no progress token";
        })
        .Tool<string>("test_error_handling", "Always fails, to show how tool errors are reported",
            _ => throw new InvalidOperationException("This tool intentionally returns an error for testing"))
        .Tool<UpdateResourceInput, string>("test_update_resource", "Tells the sessions subscribed to a resource that it changed (sessions on)", async (input, context) =>
        {
            var told = await context.NotifyResourceUpdatedAsync(input.Uri);
            return $"{told} session(s) told that {input.Uri} changed";
        })
        .Tool<SamplingInput, string>("test_sampling", "Asks the client's model to answer a prompt", async (input, context) =>
        {
            var request = Json($$$"""
                {"messages":[{"role":"user","content":{"type":"text","text":{{{JsonString(input.Prompt)}}}}}],"maxTokens":100}
                """);
            var result = await context.RequestAsync("sampling/createMessage", request);
            return "LLM response: " + result.GetProperty("content").GetProperty("text").GetString();
        })
        .Tool<ElicitationInput, string>("test_elicitation", "Asks the user for a username and an email address", async (input, context) =>
        {
            var request = Json($$$"""
                {"message":{{{JsonString(input.Message)}}},
                 "requestedSchema":{"type":"object","properties":{
                   "username":{"type":"string","description":"User's response"},
                   "email":{"type":"string","description":"User's email address"}},"required":["username","email"]}}
                """);
            return Describe("User response", await context.RequestAsync("elicitation/create", request));
        })
        .Tool<string>("test_elicitation_sep1034_defaults", "Asks the user for fields that have default values", async context =>
        {
            var request = Json("""
                {"message":"Please review and update the form fields with defaults","requestedSchema":{"type":"object","properties":{
                  "name":{"type":"string","description":"User name","default":"John Doe"},
                  "age":{"type":"integer","description":"User age","default":30},
                  "score":{"type":"number","description":"User score","default":95.5},
                  "status":{"type":"string","description":"User status","enum":["active","inactive","pending"],"default":"active"},
                  "verified":{"type":"boolean","description":"Verification status","default":true}},"required":[]}}
                """);
            return Describe("Elicitation completed", await context.RequestAsync("elicitation/create", request));
        })
        .Tool<string>("test_elicitation_sep1330_enums", "Asks the user to pick from every kind of enum", async context =>
        {
            var request = Json("""
                {"message":"Please select options from the enum fields","requestedSchema":{"type":"object","properties":{
                  "untitledSingle":{"type":"string","description":"Select one option","enum":["option1","option2","option3"]},
                  "titledSingle":{"type":"string","description":"Select one option with titles","oneOf":[{"const":"value1","title":"First Option"},{"const":"value2","title":"Second Option"},{"const":"value3","title":"Third Option"}]},
                  "legacyEnum":{"type":"string","description":"Select one option (legacy)","enum":["opt1","opt2","opt3"],"enumNames":["Option One","Option Two","Option Three"]},
                  "untitledMulti":{"type":"array","description":"Select multiple options","minItems":1,"maxItems":3,"items":{"type":"string","enum":["option1","option2","option3"]}},
                  "titledMulti":{"type":"array","description":"Select multiple options with titles","minItems":1,"maxItems":3,"items":{"anyOf":[{"const":"value1","title":"First Choice"},{"const":"value2","title":"Second Choice"},{"const":"value3","title":"Third Choice"}]}}},"required":[]}}
                """);
            return Describe("Elicitation completed", await context.RequestAsync("elicitation/create", request));
        })
        .Tool(
            new Tool
            {
                Name = "json_schema_2020_12_tool",
                Description = "Tool with JSON Schema 2020-12 features for conformance testing (SEP-1613)",
                // Written by hand and sent verbatim: $anchor, allOf/anyOf and if/then/else reach tools/list unchanged.
                InputSchema = Json("""
                    {"$schema":"https://json-schema.org/draft/2020-12/schema","type":"object",
                     "$defs":{"address":{"$anchor":"addressDef","type":"object","properties":{"street":{"type":"string"},"city":{"type":"string"}}}},
                     "properties":{"name":{"type":"string"},"address":{"$ref":"#/$defs/address"},"contactMethod":{"type":"string","enum":["phone","email"]},"phone":{"type":"string"},"email":{"type":"string"}},
                     "allOf":[{"anyOf":[{"required":["phone"]},{"required":["email"]}]}],
                     "if":{"properties":{"contactMethod":{"const":"phone"}},"required":["contactMethod"]},"then":{"required":["phone"]},"else":{"required":["email"]},
                     "additionalProperties":false}
                    """),
            },
            (arguments, _) => ValueTask.FromResult(WrongTypes(arguments) is { } wrong
                ? CallToolResult.Error($"'{wrong}' must be a string.")
                : CallToolResult.FromText("JSON Schema 2020-12 tool called with: " + arguments.GetRawText())));

    /// <summary>
    /// The first of json_schema_2020_12_tool's properties (all strings, but for the address) that is given another
    /// type: its schema is sent verbatim, so the handler checks what it reads itself.
    /// </summary>
    private static string? WrongTypes(JsonElement arguments)
    {
        if (arguments.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        foreach (var property in arguments.EnumerateObject())
        {
            if (property.Name is "name" or "contactMethod" or "phone" or "email" && property.Value.ValueKind != JsonValueKind.String)
            {
                return property.Name;
            }
        }

        return null;
    }

    private static string JsonString(string value) => JsonSerializer.Serialize(value, ConformanceJsonContext.Default.String);

    private static string Describe(string prefix, JsonElement result) =>
        $"{prefix}: action={(result.TryGetProperty("action", out var a) ? a.GetString() : "?")}, content={(result.TryGetProperty("content", out var c) ? c.GetRawText() : "{}")}";
}
