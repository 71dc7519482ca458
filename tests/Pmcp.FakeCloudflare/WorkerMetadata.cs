using System.Text.Json.Nodes;

namespace Pmcp.FakeCloudflare;

/// <summary>The <c>metadata</c> part of a Worker upload (main module, bindings, compatibility settings…), parsed.</summary>
public sealed class WorkerMetadata(JsonObject json)
{
    /// <summary>The metadata exactly as uploaded.</summary>
    public JsonObject Json => (JsonObject)json.DeepClone();

    public string? MainModule => String("main_module");

    public string? CompatibilityDate => String("compatibility_date");

    public IReadOnlyList<string> CompatibilityFlags =>
        json["compatibility_flags"] is JsonArray flags ? [.. flags.Select(flag => flag!.GetValue<string>())] : [];

    public IReadOnlyList<WorkerBinding> Bindings =>
        json["bindings"] is JsonArray bindings ? [.. bindings.OfType<JsonObject>().Select(binding => new WorkerBinding(binding))] : [];

    /// <summary>The <c>vars</c> of the wrangler config: wrangler uploads them as <c>plain_text</c> bindings (JSON values as <c>json</c>).</summary>
    public IReadOnlyDictionary<string, string> Vars =>
        Bindings.Where(binding => binding.Type == "plain_text").ToDictionary(binding => binding.Name, binding => binding.Property("text") ?? "");

    /// <summary>The binding types the upload asked to keep from the previous version (wrangler keeps secrets).</summary>
    public IReadOnlyList<string> KeepBindings =>
        json["keep_bindings"] is JsonArray keep ? [.. keep.Select(type => type!.GetValue<string>())] : [];

    public WorkerBinding? Binding(string name) => Bindings.FirstOrDefault(binding => binding.Name == name);

    private string? String(string name) =>
        json[name] is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;

    public override string ToString() => json.ToJsonString();
}
