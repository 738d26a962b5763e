using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using Amazon.Runtime.EventStreams;

namespace LlmHosting.Client;

/// <summary>
/// Reads an <c>application/vnd.amazon.eventstream</c> answer of <c>InvokeModelWithResponseStream</c> and yields the
/// server-sent events of an OpenAI chat-completions stream: each <c>chunk</c> event carries <c>{"bytes": base64}</c>
/// whose bytes are one OpenAI chunk JSON, which becomes <c>data: &lt;json&gt;</c>; the end of the stream becomes
/// <c>data: [DONE]</c>. Frames are decoded (and their CRCs checked) by AWSSDK.Core's <see cref="EventStreamMessage"/>.
/// </summary>
internal sealed class EventStreamSseStream(Stream inner) : Stream
{
    private static readonly byte[] Done = "data: [DONE]\n\n"u8.ToArray();

    // Prelude: total length, headers length, prelude CRC (each 4 bytes, big-endian).
    private const int PreludeLength = 12;

    // A frame is at most 16 MiB (eventstream's limit); PayloadPart bytes are at most 1,000,000 (botocore's PartBody).
    private const int MaxFrameLength = 16 * 1024 * 1024;

    private byte[] _pending = [];
    private int _offset;
    private bool _finished;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        while (_offset == _pending.Length)
        {
            if (_finished)
            {
                return 0;
            }

            NextAsync(async: false, CancellationToken.None).AsTask().GetAwaiter().GetResult();
        }

        return Copy(buffer);
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        while (_offset == _pending.Length)
        {
            if (_finished)
            {
                return 0;
            }

            await NextAsync(async: true, cancellationToken).ConfigureAwait(false);
        }

        return Copy(buffer.Span);
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }

        base.Dispose(disposing);
    }

    private int Copy(Span<byte> buffer)
    {
        var count = Math.Min(buffer.Length, _pending.Length - _offset);
        _pending.AsSpan(_offset, count).CopyTo(buffer);
        _offset += count;
        return count;
    }

    /// <summary>Reads the next frame and sets what it yields (possibly nothing, for events this stream does not know).</summary>
    private async ValueTask NextAsync(bool async, CancellationToken cancellationToken)
    {
        var prelude = new byte[PreludeLength];
        var read = async
            ? await inner.ReadAtLeastAsync(prelude, PreludeLength, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false)
            : inner.ReadAtLeast(prelude, PreludeLength, throwOnEndOfStream: false);
        if (read == 0)
        {
            Yield(Done);
            _finished = true;
            return;
        }

        var total = read < PreludeLength ? 0 : BinaryPrimitives.ReadInt32BigEndian(prelude);
        if (total is < PreludeLength + 4 or > MaxFrameLength)
        {
            throw new ModelStreamException("a damaged event stream", read < PreludeLength ? "it ended inside a message" : $"a message claims {total} bytes");
        }

        var frame = new byte[total];
        prelude.CopyTo(frame, 0);
        var rest = async
            ? await inner.ReadAtLeastAsync(frame.AsMemory(PreludeLength), total - PreludeLength, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false)
            : inner.ReadAtLeast(frame.AsSpan(PreludeLength), total - PreludeLength, throwOnEndOfStream: false);
        if (rest < total - PreludeLength)
        {
            throw new ModelStreamException("a damaged event stream", "it ended inside a message");
        }

        EventStreamMessage message;
        try
        {
            message = EventStreamMessage.FromBuffer(frame, 0, total);
        }
        catch (Exception e) when (e is EventStreamChecksumFailureException or EventStreamParseException)
        {
            throw new ModelStreamException("a damaged event stream", e.Message, e);
        }

        Yield(Translate(message));
    }

    private void Yield(byte[] bytes)
    {
        _pending = bytes;
        _offset = 0;
    }

    private static byte[] Translate(EventStreamMessage message)
    {
        switch (Header(message, ":message-type"))
        {
            case "event" when Header(message, ":event-type") == "chunk":
                return Sse(ChunkBytes(message.Payload));
            case "event":
                // Events this client does not know are skipped, as botocore skips unknown event types.
                return [];
            case "exception":
                throw new ModelStreamException(Header(message, ":exception-type") ?? "an exception", PayloadMessage(message.Payload));
            default:
                throw new ModelStreamException(
                    Header(message, ":error-code") ?? "an error", Header(message, ":error-message") ?? PayloadMessage(message.Payload));
        }
    }

    private static byte[] ChunkBytes(byte[] payload)
    {
        try
        {
            using var json = JsonDocument.Parse(payload);
            return json.RootElement.GetProperty("bytes").GetBytesFromBase64();
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw new ModelStreamException("a damaged event stream", "a chunk event without base64 bytes", e);
        }
    }

    private static byte[] Sse(byte[] chunk)
    {
        var line = new byte[6 + chunk.Length + 2];
        "data: "u8.CopyTo(line);
        chunk.CopyTo(line, 6);
        line[^2] = (byte)'\n';
        line[^1] = (byte)'\n';
        return line;
    }

    private static string? Header(EventStreamMessage message, string name) =>
        message.Headers.TryGetValue(name, out var header) ? header.AsString() : null;

    private static string PayloadMessage(byte[] payload)
    {
        var text = Encoding.UTF8.GetString(payload);
        try
        {
            using var json = JsonDocument.Parse(payload);
            if (json.RootElement.ValueKind == JsonValueKind.Object
                && (json.RootElement.TryGetProperty("message", out var message) || json.RootElement.TryGetProperty("Message", out message)))
            {
                return message.ToString();
            }
        }
        catch (JsonException)
        {
        }

        return text;
    }
}
