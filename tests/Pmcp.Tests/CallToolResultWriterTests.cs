using System.Buffers;
using System.Text;
using System.Text.Json;
using Pmcp.Json;
using Pmcp.Protocol;
using Pmcp.Server;
using Pmcp.Server.Generated;

namespace Pmcp.Tests;

/// <summary>The results written by hand or written once come out byte for byte as the serializer and the old write-then-parse paths wrote them.</summary>
public sealed class CallToolResultWriterTests
{
    private static readonly JsonElement ServerMeta = Parse("""{"io.modelcontextprotocol/serverInfo":{"name":"s","version":"1"}}""");

    public static TheoryData<string> Texts() =>
    [
        "",
        "hello, benchmark",
        "quotes \" and \\ backslashes, <html> & 'apostrophes', é, 😀, \u0001 control",
        new string('x', 20_000) + "😀" + new string('é', 9_000),
    ];

    [Theory]
    [MemberData(nameof(Texts))]
    public void TextResultsMatchTheSerializer(string text)
    {
        AssertSameAsSerializer(CallToolResult.FromText(text));
        AssertSameAsSerializer(CallToolResult.Error(text));
        AssertSameAsSerializer(new CallToolResult { Content = [new TextContent(text), new TextContent("second")] });
        AssertSameAsSerializer(new CallToolResult());
        AssertSameAsSerializer(CallToolResult.FromText(text) with { ResultType = "complete", Meta = ServerMeta });
        AssertSameAsSerializer(CallToolResult.FromText(text) with { ResultType = "complete", TtlMs = 0, CacheScope = "private", Meta = ServerMeta, IsError = false });
    }

    [Fact]
    public void StructuredResultsMatchTheSerializerAndTheOldParsedElement()
    {
        var value = new Dictionary<string, object?> { ["name"] = "Ada \"the\" first", ["é"] = 1.5, ["list"] = new[] { 1, 2, 3 }, ["none"] = null };
        var info = (System.Text.Json.Serialization.Metadata.JsonTypeInfo<Dictionary<string, object?>>)
            new JsonSerializerOptions(JsonSerializerDefaults.Web) { TypeInfoResolver = new System.Text.Json.Serialization.Metadata.DefaultJsonTypeInfoResolver() }
                .GetTypeInfo(typeof(Dictionary<string, object?>));
        foreach (var wrap in new[] { false, true })
        {
            var result = ToolResults.Structured(value, info, wrap);
            var handWritten = HandWritten(result);

            // The serializer reads StructuredContent, which parses the kept bytes: the same answer.
            Assert.Equal(Serialized(result), handWritten);

            // As before: the element parsed from the bytes, and its raw text as the text block.
            var element = result.StructuredContent!.Value;
            var old = new CallToolResult { Content = [new TextContent(element.GetRawText())], StructuredContent = element };
            Assert.Equal(Serialized(old), handWritten);
            Assert.Equal(HandWritten(old), handWritten);
            Assert.Equal(element.GetRawText(), ((TextContent)result.Content[0]).Text);
            Assert.Equal(wrap, element.TryGetProperty("result", out _));

            // A copy (the stateless revision's fields) keeps the bytes.
            var stateless = result with { ResultType = "complete", Meta = ServerMeta };
            Assert.Equal(Serialized(stateless), HandWritten(stateless));
        }
    }

    [Fact]
    public void OtherShapesAreLeftToTheSerializer()
    {
        Assert.False(TryHandWrite(new CallToolResult { Content = [new ImageContent("aGk=", "image/png")] }));
        Assert.False(TryHandWrite(new CallToolResult { Content = [new TextContent("x") { Annotations = new ContentAnnotations { Priority = 1 } }] }));
        Assert.False(TryHandWrite(new CallToolResult { Content = [new TextContent("x") { Meta = ServerMeta }] }));
        Assert.False(TryHandWrite(new CallToolResult { StructuredContent = default(JsonElement) }));
    }

    [Fact]
    public void NotificationsMatchTheParamsWrittenThenParsed()
    {
        using var token = JsonDocument.Parse("\"tok-1\"");
        Assert.Equal(
            OldNotification("notifications/progress", w =>
            {
                w.WritePropertyName("progressToken");
                token.RootElement.WriteTo(w);
                w.WriteNumber("progress", 0.25);
                w.WriteNumber("total", 4);
                w.WriteString("message", "a \"quarter\" é 😀");
            }),
            JsonRpcWriter.Progress(token.RootElement, 0.25, 4, "a \"quarter\" é 😀"));
        Assert.Equal(
            OldNotification("notifications/progress", w =>
            {
                w.WritePropertyName("progressToken");
                token.RootElement.WriteTo(w);
                w.WriteNumber("progress", 1e-7);
            }),
            JsonRpcWriter.Progress(token.RootElement, 1e-7, null, null));
        Assert.Equal(
            OldNotification("notifications/message", w =>
            {
                w.WriteString("level", "warning");
                w.WriteString("logger", "db");
                w.WriteString("data", "slow <query> & more");
            }),
            JsonRpcWriter.Log(LoggingLevel.Warning, "slow <query> & more", "db"));
        Assert.True(JsonRpcWriter.IsNotification(JsonRpcWriter.Log(LoggingLevel.Info, "x", null)));
    }

    private static void AssertSameAsSerializer(CallToolResult result) => Assert.Equal(Serialized(result), HandWritten(result));

    private static string Serialized(CallToolResult result)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, JsonWriting.Options))
        {
            JsonSerializer.Serialize(writer, result, PmcpJsonContext.Default.CallToolResult);
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static string HandWritten(CallToolResult result)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, JsonWriting.Options))
        {
            Assert.True(CallToolResultWriter.TryWrite(writer, result));
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static bool TryHandWrite(CallToolResult result)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using var writer = new Utf8JsonWriter(buffer, JsonWriting.Options);
        var written = CallToolResultWriter.TryWrite(writer, result);
        writer.Flush();
        Assert.Equal(written, buffer.WrittenCount > 0);
        return written;
    }

    /// <summary>The old way: the params written, parsed and cloned, then written again inside the message.</summary>
    private static byte[] OldNotification(string method, Action<Utf8JsonWriter> body)
    {
        var buffer = new ArrayBufferWriter<byte>(128);
        using (var w = new Utf8JsonWriter(buffer, JsonWriting.Options))
        {
            w.WriteStartObject();
            body(w);
            w.WriteEndObject();
        }

        using var doc = JsonDocument.Parse(buffer.WrittenMemory);
        return JsonRpcWriter.Notification(method, doc.RootElement.Clone());
    }

    private static JsonElement Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }
}
