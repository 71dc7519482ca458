using System.Text.Json;
using System.Text.Json.Serialization;

namespace Pmcp.Workers.Contract;

/// <summary>A PostgreSQL row read into a record: columns are matched to properties by name.</summary>
public sealed record PgNote(long Id, string Title, int Stars, string? Body);

/// <summary>A row with one column of each common PostgreSQL type, as the record types they read into.</summary>
public sealed record PgTyped(
    bool Flag, short Small, int Medium, long Big, double Real, decimal Exact, JsonElement Doc,
    DateTimeOffset At, DateTime Local, DateOnly Day, Guid Id, string Text, byte[] Data);

public sealed record PgBytes(long Id, byte[] Data);

public sealed record PgText(string Text, int Chars, int Bytes);

public sealed record PgCount(long N);

/// <summary>The Hyperdrive cases' records, source-generated as a trimmed Worker requires.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(PgNote))]
[JsonSerializable(typeof(PgTyped))]
[JsonSerializable(typeof(PgBytes))]
[JsonSerializable(typeof(PgText))]
[JsonSerializable(typeof(PgCount))]
internal sealed partial class HyperdriveJson : JsonSerializerContext;
