using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Pmcp.FakeCloudflare;

/// <summary>
/// The server side of a tail WebSocket, framed by hand (RFC 6455) over the upgraded connection. wrangler sends its
/// first tail message unmasked (<c>mask: false</c>), which Cloudflare accepts but .NET's WebSocket rejects as a
/// protocol error; this reader takes masked and unmasked frames alike.
/// </summary>
internal sealed class TailSocket : IAsyncDisposable
{
    public const byte Continuation = 0x0;
    public const byte Text = 0x1;
    public const byte Binary = 0x2;
    public const byte Close = 0x8;
    public const byte Ping = 0x9;
    public const byte Pong = 0xA;

    private const string AcceptGuid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

    private readonly Stream _stream;
    private readonly SemaphoreSlim _writeLock = new(1, 1);

    private TailSocket(Stream stream) => _stream = stream;

    /// <summary>Completes the opening handshake with <paramref name="subprotocol"/>; null when the request is no WebSocket upgrade for it.</summary>
    public static async Task<TailSocket?> AcceptAsync(HttpContext context, string subprotocol)
    {
        var request = context.Request;
        var upgrade = context.Features.Get<IHttpUpgradeFeature>();
        var key = request.Headers["Sec-WebSocket-Key"].ToString();
        var protocols = request.Headers["Sec-WebSocket-Protocol"].ToString().Split(',', StringSplitOptions.TrimEntries);
        if (upgrade is not { IsUpgradableRequest: true } || key.Length == 0 || !protocols.Contains(subprotocol)
            || !request.Headers.Upgrade.ToString().Equals("websocket", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        context.Response.Headers.Connection = "Upgrade";
        context.Response.Headers.Upgrade = "websocket";
        context.Response.Headers["Sec-WebSocket-Accept"] = Convert.ToBase64String(SHA1.HashData(Encoding.ASCII.GetBytes(key + AcceptGuid)));
        context.Response.Headers["Sec-WebSocket-Protocol"] = subprotocol;
        return new TailSocket(await upgrade.UpgradeAsync());
    }

    /// <summary>The next whole message (continuation frames joined), or null once the connection has ended.</summary>
    public async Task<(byte Opcode, byte[] Payload)?> ReceiveAsync(CancellationToken cancellationToken)
    {
        byte opcode = 0;
        var message = new MemoryStream();
        while (await ReadFrameAsync(cancellationToken) is { } frame)
        {
            if (frame.Opcode >= Close)
            {
                // Control frames may arrive between the fragments of a message.
                return (frame.Opcode, frame.Payload);
            }

            if (frame.Opcode != Continuation)
            {
                opcode = frame.Opcode;
            }

            message.Write(frame.Payload);
            if (frame.Final)
            {
                return (opcode, message.ToArray());
            }
        }

        return null;
    }

    public Task SendTextAsync(string text, CancellationToken cancellationToken) => WriteFrameAsync(Text, Encoding.UTF8.GetBytes(text), cancellationToken);

    public Task SendPongAsync(byte[] payload, CancellationToken cancellationToken) => WriteFrameAsync(Pong, payload, cancellationToken);

    public Task SendCloseAsync(ushort status, string reason, CancellationToken cancellationToken)
    {
        var payload = new byte[2 + Encoding.UTF8.GetByteCount(reason)];
        BinaryPrimitives.WriteUInt16BigEndian(payload, status);
        Encoding.UTF8.GetBytes(reason, payload.AsSpan(2));
        return WriteFrameAsync(Close, payload, cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        await _stream.DisposeAsync();
        _writeLock.Dispose();
    }

    private async Task<(bool Final, byte Opcode, byte[] Payload)?> ReadFrameAsync(CancellationToken cancellationToken)
    {
        var header = new byte[2];
        if (!await ReadExactlyAsync(header, cancellationToken))
        {
            return null;
        }

        var final = (header[0] & 0x80) != 0;
        var opcode = (byte)(header[0] & 0x0F);
        var masked = (header[1] & 0x80) != 0;
        long length = header[1] & 0x7F;
        if (length >= 126)
        {
            var extended = new byte[length == 126 ? 2 : 8];
            if (!await ReadExactlyAsync(extended, cancellationToken))
            {
                return null;
            }

            length = extended.Length == 2 ? BinaryPrimitives.ReadUInt16BigEndian(extended) : (long)BinaryPrimitives.ReadUInt64BigEndian(extended);
        }

        var mask = new byte[masked ? 4 : 0];
        var payload = new byte[length];
        if (!await ReadExactlyAsync(mask, cancellationToken) || !await ReadExactlyAsync(payload, cancellationToken))
        {
            return null;
        }

        for (var i = 0; masked && i < payload.Length; i++)
        {
            payload[i] ^= mask[i % 4];
        }

        return (final, opcode, payload);
    }

    private async Task<bool> ReadExactlyAsync(byte[] buffer, CancellationToken cancellationToken)
    {
        try
        {
            await _stream.ReadExactlyAsync(buffer, cancellationToken);
            return true;
        }
        catch (Exception e) when (e is EndOfStreamException or IOException)
        {
            return false;
        }
    }

    /// <summary>One unmasked frame (servers never mask); one writer at a time.</summary>
    private async Task WriteFrameAsync(byte opcode, byte[] payload, CancellationToken cancellationToken)
    {
        var header = new List<byte> { (byte)(0x80 | opcode) };
        if (payload.Length < 126)
        {
            header.Add((byte)payload.Length);
        }
        else if (payload.Length <= ushort.MaxValue)
        {
            header.Add(126);
            header.AddRange([(byte)(payload.Length >> 8), (byte)payload.Length]);
        }
        else
        {
            header.Add(127);
            var length = new byte[8];
            BinaryPrimitives.WriteUInt64BigEndian(length, (ulong)payload.Length);
            header.AddRange(length);
        }

        await _writeLock.WaitAsync(cancellationToken);
        try
        {
            await _stream.WriteAsync(header.ToArray(), cancellationToken);
            await _stream.WriteAsync(payload, cancellationToken);
            await _stream.FlushAsync(cancellationToken);
        }
        finally
        {
            _writeLock.Release();
        }
    }
}
