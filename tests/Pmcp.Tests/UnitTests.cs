using System.Text.Json;
using Pmcp.Http;
using Pmcp.Protocol;
using Pmcp.Server;
using Pmcp.Schema;

namespace Pmcp.Tests;

public sealed class UriTemplateTests
{
    [Fact]
    public void SimpleVariableMatchesOneSegment()
    {
        var template = UriTemplate.Parse("test://template/{id}/data");

        Assert.True(template.TryMatch("test://template/42/data", out var variables));
        Assert.Equal("42", Assert.Single(variables).Value);
        Assert.Equal(["id"], template.VariableNames);

        Assert.False(template.TryMatch("test://template/4/2/data", out _));
        Assert.False(template.TryMatch("test://template//data", out _));
        Assert.False(template.TryMatch("test://template/42/data/", out _));
        Assert.False(template.TryMatch("test://other/42/data", out _));
        Assert.False(template.TryMatch("test://template/42", out _));
    }

    [Fact]
    public void VariablesArePercentDecoded()
    {
        Assert.True(UriTemplate.Parse("notes://{id}").TryMatch("notes://a%2Fb%20c", out var variables));
        Assert.Equal("a/b c", variables["id"]);
    }

    [Fact]
    public void SeveralVariables()
    {
        var template = UriTemplate.Parse("db://{table}/rows/{row}");

        Assert.True(template.TryMatch("db://users/rows/7", out var variables));
        Assert.Equal("users", variables["table"]);
        Assert.Equal("7", variables["row"]);
        Assert.Equal(["table", "row"], template.VariableNames);
    }

    [Fact]
    public void AdjacentLiteralsAfterAVariableBacktrack()
    {
        Assert.True(UriTemplate.Parse("file://{name}.{ext}").TryMatch("file://archive.tar.gz", out var variables));
        Assert.Equal("archive.tar", variables["name"]);
        Assert.Equal("gz", variables["ext"]);
    }

    [Fact]
    public void ReservedExpansionSpansSlashes()
    {
        var template = UriTemplate.Parse("file:///{+path}");

        Assert.True(template.TryMatch("file:///home/user/notes.txt", out var variables));
        Assert.Equal("home/user/notes.txt", variables["path"]);
        Assert.Equal(["path"], template.VariableNames);
    }

    [Fact]
    public void QueryVariablesAreOptional()
    {
        var template = UriTemplate.Parse("search://items{?q,limit}");

        Assert.True(template.TryMatch("search://items?q=red%20shoes&limit=5&other=1", out var variables));
        Assert.Equal("red shoes", variables["q"]);
        Assert.Equal("5", variables["limit"]);
        Assert.False(variables.ContainsKey("other"));

        Assert.True(template.TryMatch("search://items", out var none));
        Assert.Empty(none);
        Assert.Equal(["q", "limit"], template.VariableNames);
    }

    [Fact]
    public void TemplateWithoutVariablesMatchesOnlyItself()
    {
        var template = UriTemplate.Parse("test://fixed");
        Assert.True(template.TryMatch("test://fixed", out var variables));
        Assert.Empty(variables);
        Assert.False(template.TryMatch("test://fixed2", out _));
    }

    [Fact]
    public void UnclosedBraceIsRefused()
    {
        Assert.Throws<ArgumentException>(() => UriTemplate.Parse("test://{id"));
    }
}

public sealed class HttpRulesTests
{
    [Theory]
    [InlineData(null, true, true)]
    [InlineData("", true, true)]
    [InlineData("application/json", true, false)]
    [InlineData("text/event-stream", false, true)]
    [InlineData("application/json, text/event-stream", true, true)]
    [InlineData("APPLICATION/JSON", true, false)]
    [InlineData("*/*", true, true)]
    [InlineData("application/*", true, false)]
    [InlineData("text/*", false, true)]
    [InlineData("text/html", false, false)]
    [InlineData("text/html, application/xhtml+xml", false, false)]
    [InlineData("application/json;q=0.9, text/event-stream;q=0.1", true, true)]
    [InlineData("application/json; q=0, text/event-stream", false, true)]
    [InlineData("application/json, text/event-stream;q=0.000", true, false)]
    [InlineData("application/json; charset=utf-8", true, false)]
    [InlineData(" , ,application/json", true, false)]
    public void ParseAccept(string? accept, bool json, bool sse)
    {
        Assert.Equal((json, sse), HttpRules.ParseAccept(accept));
    }

    /// <summary>The in-place reader answers every header as the string-splitting one it replaced (kept here as the reference).</summary>
    [Theory]
    [InlineData("application/json, text/event-stream")]
    [InlineData("APPLICATION/JSON,TEXT/EVENT-STREAM")]
    [InlineData("\tapplication/json\t;\tq=0\t, text/*")]
    [InlineData("application/json;q = 0 ,text/event-stream; q=0.0")]
    [InlineData("application/json;Q=0, text/event-stream;q=0.0000")]
    [InlineData("application/json;q=\t0, */*;;q=0.00")]
    [InlineData("application/json;charset=utf-8;q=0.001")]
    [InlineData(";q=0, , ;, application/*  ;  q=1")]
    [InlineData("*/*;q=0, */*")]
    [InlineData("application/json;q=0   .   0   ")]
    [InlineData("application/jsonx, text/event-streams, text/ *")]
    [InlineData("applİcation/json, text/event-stream")]
    [InlineData("application/json\u00a0, text/event-stream;\u00a0q=0")]
    [InlineData("\r\napplication/json\r\n")]
    public void ParseAcceptMatchesTheTextReading(string accept)
    {
        accept = System.Text.RegularExpressions.Regex.Unescape(accept);
        // The in-place reading of ASCII headers must answer as the text reading does.
        Assert.Equal(HttpRules.ParseAcceptText(accept), HttpRules.ParseAccept(accept));
    }

    [Theory]
    [InlineData("https://app.example.com", null, true)]
    [InlineData("https://APP.example.com", null, true)]
    [InlineData("https://app.example.com:8443", null, false)]
    [InlineData("http://app.example.com", null, false)]
    [InlineData("https://mcp.example.com", "mcp.example.com", true)]
    [InlineData("http://localhost:8787", "localhost:8787", true)]
    [InlineData("http://localhost:3000", "localhost:8787", false)]
    [InlineData("https://evil.example", "mcp.example.com", false)]
    [InlineData("null", "mcp.example.com", false)]
    [InlineData("file://", null, false)]
    [InlineData("chrome-extension://abcdef", null, false)]
    [InlineData("not an origin", null, false)]
    public void OriginAllowedWithAListedOrigin(string origin, string? host, bool allowed)
    {
        var options = new StreamableHttpOptions();
        options.AllowedOrigins.Add("https://app.example.com");
        Assert.Equal(allowed, HttpRules.OriginAllowed(origin, host, options));
    }

    [Theory]
    [InlineData("http://localhost:3000", true)]
    [InlineData("http://127.0.0.1", true)]
    [InlineData("http://[::1]:5173", true)]
    [InlineData("https://localhost", true)]
    [InlineData("http://localhost.evil.example", false)]
    [InlineData("http://127.0.0.1.nip.io", false)]
    [InlineData("http://evil.example", false)]
    public void OriginAllowedOnLoopbackHosts(string origin, bool allowed)
    {
        var options = new StreamableHttpOptions();
        foreach (var host in StreamableHttpOptions.LoopbackHosts)
        {
            options.AllowedHosts.Add(host);
        }

        Assert.Equal(allowed, HttpRules.OriginAllowed(origin, "localhost:8787", options));
    }

    [Fact]
    public void WildcardAllowsAnyOrigin()
    {
        var options = new StreamableHttpOptions();
        options.AllowedOrigins.Add("*");
        Assert.True(HttpRules.OriginAllowed("https://anything.example", null, options));
    }

    [Theory]
    [InlineData("localhost:8787", "localhost")]
    [InlineData("localhost", "localhost")]
    [InlineData("[::1]:8787", "[::1]")]
    [InlineData("[::1]", "[::1]")]
    [InlineData("example.com:443", "example.com")]
    public void HostName(string authority, string host)
    {
        Assert.Equal(host, HttpRules.HostName(authority));
    }

    [Theory]
    [InlineData("tools/call", "tools/call")]
    [InlineData("  tools/call\t", "tools/call")]
    [InlineData("=?base64?ZWNobw==?=", "echo")]
    [InlineData(" =?base64?dGVzdDovL3RlbXBsYXRlL2NhZsOpL2RhdGE=?= ", "test://template/café/data")]
    [InlineData("=?base64??=", "")]
    [InlineData("", "")]
    [InlineData("=?base64?", "=?base64?")]
    public void DecodeHeaderValue(string value, string expected)
    {
        Assert.Equal(expected, HttpRules.DecodeHeaderValue(value));
    }

    [Theory]
    [InlineData("=?base64?***?=")]
    [InlineData("=?base64?ZWNobw?=")]
    [InlineData("=?base64?/w==?=")]
    [InlineData("café")]
    [InlineData("a\u0001b")]
    [InlineData("line\nbreak")]
    public void DecodeHeaderValueRefusesMalformedValues(string value)
    {
        Assert.Null(HttpRules.DecodeHeaderValue(value));
    }

    [Theory]
    [InlineData("Bearer key", true)]
    [InlineData("bearer key", true)]
    [InlineData("Bearer  key ", true)]
    [InlineData("Bearer Key", false)]
    [InlineData("Bearer key2", false)]
    [InlineData("Bearer ", false)]
    [InlineData("Basic key", false)]
    [InlineData(null, false)]
    public void BearerMatches(string? authorization, bool matches)
    {
        Assert.Equal(matches, HttpRules.BearerMatches(authorization, "key"));
    }
}

public sealed class SchemaValidatorTests
{
    private const string Schema = """
        {
          "type": "object",
          "properties": {
            "name": { "type": "string" },
            "count": { "type": ["integer", "null"] },
            "ratio": { "type": "number" },
            "flag": { "type": "boolean" },
            "color": { "enum": ["red", "green"] },
            "tags": { "type": "array", "items": { "type": "string" } },
            "rows": { "type": "array", "items": { "type": "object", "properties": { "v": { "type": "string" } }, "required": ["v"] } },
            "address": {
              "type": "object",
              "properties": { "city": { "type": "string" } },
              "required": ["city"]
            }
          },
          "required": ["name"]
        }
        """;

    private static string? Validate(string value, string schema = Schema)
    {
        using var v = JsonDocument.Parse(value);
        using var s = JsonDocument.Parse(schema);
        return SchemaValidator.Validate(v.RootElement, s.RootElement);
    }

    [Theory]
    [InlineData("""{"name":"x"}""")]
    [InlineData("""{"name":"x","count":3,"ratio":0.5,"flag":true,"color":"red","tags":["a","b"],"address":{"city":"Oslo"}}""")]
    [InlineData("""{"name":"x","count":null}""")]
    [InlineData("""{"name":"x","count":3.0}""")]
    [InlineData("""{"name":"x","count":1e2}""")]
    [InlineData("""{"name":"x","ratio":7}""")]
    [InlineData("""{"name":"x","unknown":{"anything":[1,2,3]}}""")]
    [InlineData("""{"name":"x","count":123456789012345678901234567890}""")]
    [InlineData("""{"na\u006de":"x"}""")]
    [InlineData("""{"name":"x","rows":[{"v":"a"},{"v":"b","w":1}]}""")]
    public void ValidValuesPass(string value)
    {
        Assert.Null(Validate(value));
    }

    [Theory]
    [InlineData("""{}""", "missing required property 'name'")]
    [InlineData("""{"name":1}""", "'name' must be string, not number")]
    [InlineData("""{"name":null}""", "'name' must be string, not null")]
    [InlineData("""{"name":"x","count":1.5}""", "'count' must be integer or null, not number")]
    [InlineData("""{"name":"x","count":"3"}""", "'count' must be integer or null, not string")]
    [InlineData("""{"name":"x","ratio":"0.5"}""", "'ratio' must be number, not string")]
    [InlineData("""{"name":"x","flag":"true"}""", "'flag' must be boolean, not string")]
    [InlineData("""{"name":"x","color":"blue"}""", "'color' must be one of [\"red\", \"green\"]")]
    [InlineData("""{"name":"x","tags":["a",2]}""", "'tags[1]' must be string, not number")]
    [InlineData("""{"name":"x","tags":"a"}""", "'tags' must be array, not string")]
    [InlineData("""{"name":"x","address":{}}""", "missing required property 'address.city'")]
    [InlineData("""{"name":"x","address":{"city":false}}""", "'address.city' must be string, not boolean")]
    [InlineData("""[]""", "arguments must be object, not array")]
    [InlineData("""null""", "arguments must be object, not null")]
    [InlineData("""{"na\u006de":1}""", "'name' must be string, not number")]
    [InlineData("""{"name":"x","rows":[{"v":"a"},{}]}""", "missing required property 'rows[1].v'")]
    [InlineData("""{"name":"x","rows":[{"v":2}]}""", "'rows[0].v' must be string, not number")]
    [InlineData("""{"name":"x","address":{"c\u0069ty":3}}""", "'address.city' must be string, not number")]
    public void InvalidValuesNameTheField(string value, string message)
    {
        Assert.Equal(message, Validate(value));
    }

    [Fact]
    public void DeepSchemasStopAtTheDepthLimit()
    {
        // A schema 100 levels deep and a value that breaks it at the bottom: validation gives up past 64 levels
        // instead of recursing without bound.
        var schema = string.Concat(Enumerable.Repeat("""{"type":"object","properties":{"a":""", 100)) + """{"type":"string"}""" + new string('}', 200);
        var value = string.Concat(Enumerable.Repeat("""{"a":""", 100)) + "1" + new string('}', 100);
        using var v = JsonDocument.Parse(value, new JsonDocumentOptions { MaxDepth = 200 });
        using var s = JsonDocument.Parse(schema, new JsonDocumentOptions { MaxDepth = 300 });
        Assert.Null(SchemaValidator.Validate(v.RootElement, s.RootElement));
    }
}

public sealed class CursorTests
{
    [Theory]
    [InlineData(0, 0)]
    [InlineData(2, 5)]
    [InlineData(5, 5)]
    public void RoundTrips(int offset, int count)
    {
        Assert.Equal(offset, Cursor.Decode(Cursor.Encode(offset), count));
    }

    [Fact]
    public void NoCursorStartsAtZero()
    {
        Assert.Equal(0, Cursor.Decode(null, 10));
    }

    [Theory]
    [InlineData("")]
    [InlineData("garbage!")]
    [InlineData("cG1jcDE6LTE")]
    [InlineData("cG1jcDE6OTk5OTk5OTk5OTk5")]
    [InlineData("MTIz")]
    public void ForeignCursorsAreInvalidParams(string cursor)
    {
        var e = Assert.Throws<McpException>(() => Cursor.Decode(cursor, 10));
        Assert.Equal(McpErrorCodes.InvalidParams, e.Code);
    }

    [Fact]
    public void CursorPastTheEndIsInvalidParams()
    {
        var e = Assert.Throws<McpException>(() => Cursor.Decode(Cursor.Encode(11), 10));
        Assert.Equal(McpErrorCodes.InvalidParams, e.Code);
    }
}
