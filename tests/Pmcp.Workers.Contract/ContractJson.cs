using System.Text.Json;
using System.Text.Json.Serialization;

namespace Pmcp.Workers.Contract;

/// <summary>A value stored as JSON in KV.</summary>
public sealed record ContractNote(string Title, int Stars, IReadOnlyList<string> Tags, ContractNote? Reply);

/// <summary>A D1 row read into a record: columns are matched to properties by name.</summary>
public sealed record ContractItem(long Id, string Name, double? Score);

/// <summary>A row with one column of each of D1's types.</summary>
public sealed record ContractTyped(long? Absent, long Whole, double Fraction, string Text, long Flag, long Unflag);

/// <summary>A row with a BLOB column read into a byte array.</summary>
public sealed record ContractBlob(long Id, byte[] Data);

/// <summary>A Durable Object's SQL row.</summary>
public sealed record ContractHit(long Id, string Path, long Weight);

/// <summary>Source-generated, as the bindings require in a trimmed Worker (no reflection-based serialization).</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(ContractNote))]
[JsonSerializable(typeof(ContractItem))]
[JsonSerializable(typeof(ContractTyped))]
[JsonSerializable(typeof(ContractBlob))]
[JsonSerializable(typeof(ContractHit))]
[JsonSerializable(typeof(long))]
[JsonSerializable(typeof(string))]
internal sealed partial class ContractJson : JsonSerializerContext;
