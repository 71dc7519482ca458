namespace Pmcp.Workers.Interop;

/// <summary>What a host operation that may deliver bytes ended with: its value, and the bytes (null when it sent none).</summary>
internal readonly record struct HostOutcome(int Value, byte[]? Bytes);
