using System.Text.Json;

namespace LlmHosting.Cli.Commands.Bench;

/// <summary>What one server-sent event of a streamed chat completion tells the benchmark.</summary>
internal readonly record struct Chunk
{
    /// <summary>The <c>data: [DONE]</c> event that ends an OpenAI stream.</summary>
    public bool Done { get; init; }

    /// <summary>The chunk carries output: text, reasoning text or a tool call.</summary>
    public bool HasOutput { get; init; }

    /// <summary><c>usage.completion_tokens</c> when the chunk reports usage, else -1.</summary>
    public int CompletionTokens { get; init; }

    /// <summary><c>usage.prompt_tokens</c> when the chunk reports usage, else -1.</summary>
    public int PromptTokens { get; init; }

    /// <summary>An error the server sent inside the stream, else null.</summary>
    public string? Error { get; init; }
}

/// <summary>
/// Reads the fields the benchmark needs from a chat-completion chunk without building a document: whether
/// <c>choices[].delta</c> carries <c>content</c>, <c>reasoning_content</c> or <c>reasoning</c> (vLLM's reasoning text,
/// named either way by its versions: vllm/entrypoints/openai/chat_completion/protocol.py) or <c>tool_calls</c>; the
/// <c>usage</c> object that <c>stream_options.include_usage</c> asks for; and an error sent as an event, which vLLM does
/// when generation fails part-way (<c>{"error": {"message": ...}}</c>, or <c>{"object": "error", "message": ...}</c> in
/// older versions).
/// </summary>
internal static class ChunkScanner
{
    private enum Name : byte
    {
        Other,
        Root,
        Delta,
        Usage,
        Error,
        Content,
        ToolCalls,
        CompletionTokens,
        PromptTokens,
        Message,
        Object,
    }

    public static Chunk Parse(string eventType, ReadOnlySpan<byte> data)
    {
        if (data.SequenceEqual("[DONE]"u8))
        {
            return new Chunk { Done = true, CompletionTokens = -1, PromptTokens = -1 };
        }

        try
        {
            return Scan(data);
        }
        catch (JsonException e)
        {
            return new Chunk { CompletionTokens = -1, PromptTokens = -1, Error = $"the stream sent an event that is not JSON ({e.Message})" };
        }
    }

    private static Chunk Scan(ReadOnlySpan<byte> data)
    {
        var reader = new Utf8JsonReader(data);
        // The name of each open object or array (an array's elements are unnamed); deeper levels are never matched.
        Span<Name> containers = stackalloc Name[16];
        var depth = 0;
        var pending = Name.Root;
        bool output = false, error = false, toolCallsOpened = false;
        int completion = -1, prompt = -1;
        string? message = null;
        while (reader.Read())
        {
            var top = depth is 0 or > 16 ? Name.Other : containers[depth - 1];
            if (toolCallsOpened)
            {
                // A tool call is output when the array holds one.
                output |= reader.TokenType == JsonTokenType.StartObject;
                toolCallsOpened = false;
            }

            switch (reader.TokenType)
            {
                case JsonTokenType.StartObject or JsonTokenType.StartArray:
                    toolCallsOpened = reader.TokenType == JsonTokenType.StartArray && pending == Name.ToolCalls;
                    error |= pending == Name.Error;
                    if (depth < containers.Length)
                    {
                        containers[depth] = pending;
                    }

                    depth++;
                    break;
                case JsonTokenType.EndObject or JsonTokenType.EndArray:
                    depth--;
                    break;
                case JsonTokenType.PropertyName:
                    pending = NameOf(ref reader, top);
                    continue;
                case JsonTokenType.String when pending == Name.Content:
                    output |= !reader.ValueSpan.IsEmpty;
                    break;
                case JsonTokenType.String when pending is Name.Message or Name.Error:
                    error |= pending == Name.Error;
                    message = reader.GetString();
                    break;
                case JsonTokenType.String when pending == Name.Object:
                    error |= reader.ValueTextEquals("error"u8);
                    break;
                case JsonTokenType.Number when pending == Name.CompletionTokens && reader.TryGetInt32(out var tokens):
                    completion = tokens;
                    break;
                case JsonTokenType.Number when pending == Name.PromptTokens && reader.TryGetInt32(out var tokens):
                    prompt = tokens;
                    break;
            }

            pending = Name.Other;
        }

        return new Chunk
        {
            HasOutput = output,
            CompletionTokens = completion,
            PromptTokens = prompt,
            Error = error ? "the server sent an error in the stream: " + (message ?? "no message") : null,
        };
    }

    private static Name NameOf(ref Utf8JsonReader reader, Name container) => container switch
    {
        Name.Root when reader.ValueTextEquals("usage"u8) => Name.Usage,
        Name.Root when reader.ValueTextEquals("error"u8) => Name.Error,
        Name.Root when reader.ValueTextEquals("object"u8) => Name.Object,
        Name.Root or Name.Error when reader.ValueTextEquals("message"u8) => Name.Message,
        _ when reader.ValueTextEquals("delta"u8) => Name.Delta,
        Name.Delta when reader.ValueTextEquals("content"u8) || reader.ValueTextEquals("reasoning_content"u8) || reader.ValueTextEquals("reasoning"u8) => Name.Content,
        Name.Delta when reader.ValueTextEquals("tool_calls"u8) => Name.ToolCalls,
        Name.Usage when reader.ValueTextEquals("completion_tokens"u8) => Name.CompletionTokens,
        Name.Usage when reader.ValueTextEquals("prompt_tokens"u8) => Name.PromptTokens,
        _ => Name.Other,
    };
}
