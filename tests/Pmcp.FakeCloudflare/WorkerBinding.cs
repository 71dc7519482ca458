using System.Text.Json.Nodes;

namespace Pmcp.FakeCloudflare;

/// <summary>One entry of the upload metadata's <c>bindings</c>, e.g. <c>{ "type": "kv_namespace", "name": "CACHE", "id": "…" }</c>.</summary>
public sealed class WorkerBinding(JsonObject json)
{
    public string Type => Property("type") ?? "";

    public string Name => Property("name") ?? "";

    /// <summary>The binding exactly as uploaded.</summary>
    public JsonObject Json => (JsonObject)json.DeepClone();

    /// <summary>A string property of the binding (<c>id</c>, <c>database_id</c>, <c>bucket_name</c>, <c>text</c>…), or null.</summary>
    public string? Property(string name) =>
        json[name] is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;

    public override string ToString() => json.ToJsonString();
}
