using System.Text;

namespace Pmcp.Workers.DurableObjects;

/// <summary>A message a client sent on a WebSocket the object accepted (<see cref="DurableObject.WebSocketMessageAsync"/>).</summary>
public sealed class WebSocketMessage
{
    internal WebSocketMessage(bool isText, ReadOnlyMemory<byte> bytes)
    {
        IsText = isText;
        Bytes = bytes;
    }

    /// <summary>True for a text message, false for a binary one.</summary>
    public bool IsText { get; }

    /// <summary>The message's bytes (UTF-8 for a text message).</summary>
    public ReadOnlyMemory<byte> Bytes { get; }

    /// <summary>The message as text (a binary message's bytes read as UTF-8).</summary>
    public string Text => Encoding.UTF8.GetString(Bytes.Span);

    /// <inheritdoc />
    public override string ToString() => IsText ? Text : $"binary message of {Bytes.Length} bytes";
}
