using System.Buffers;
using System.Text;
using System.Text.Json;

namespace LlmHosting.Cli.Commands.Bench;

/// <summary>
/// The chat-completion bodies of a run. Each prompt is a different random sequence of common English words, so that the
/// server's prefix cache (on by default in vLLM) cannot serve one request from another. Common short words with their
/// leading space are mostly single tokens in the large BPE vocabularies of current models, so a prompt of N words is
/// about N tokens; no tokenizer is at hand to confirm it per model, so the report gives the server's own count
/// (usage.prompt_tokens) whenever it sends one.
/// </summary>
internal static class RequestBodies
{
    private static readonly string[] Words =
    [
        "time", "year", "people", "way", "day", "man", "thing", "woman", "life", "child", "world", "school", "state",
        "family", "student", "group", "country", "problem", "hand", "part", "place", "case", "week", "company", "system",
        "program", "question", "work", "number", "night", "point", "home", "water", "room", "mother", "area", "money",
        "story", "fact", "month", "lot", "right", "study", "book", "eye", "job", "word", "business", "issue", "side",
        "kind", "head", "house", "service", "friend", "father", "power", "hour", "game", "line", "end", "member", "law",
        "car", "city", "name", "team", "minute", "idea", "body", "back", "parent", "face", "level", "office", "door",
        "health", "person", "art", "war", "history", "party", "result", "change", "morning", "reason", "girl", "moment",
        "air", "teacher", "force", "river", "garden", "music", "market", "table", "paper", "window", "road", "field",
    ];

    /// <summary>The instruction after the words: without <c>ignore_eos</c> it asks for a long answer.</summary>
    private const string Instruction = "\n\nWrite a long story that uses the words above.";

    /// <summary>
    /// The body of request <paramref name="index"/> of level <paramref name="level"/> (0-based), made when it is about to
    /// be sent (before its clock starts), so that a long run does not hold every prompt in memory. Its random words and
    /// lengths depend only on the seed, the level and the index: the same seed sends the same requests.
    /// </summary>
    public static BinaryData Create(BenchSettings settings, int level, int index, string model, bool ignoreEos)
    {
        var random = new Random(unchecked((settings.Seed * 1_000_003) + (level * 7_919) + index));
        return Body(model, Prompt(random, settings.PromptTokens.Sample(random)), settings.OutputTokens.Sample(random), ignoreEos, settings.ReasoningEffort);
    }

    /// <summary>
    /// The body of warm-up request <paramref name="index"/>: shaped like the shortest measured request, with its own
    /// words, so that it warms the server and a connection without putting a measured prompt into the prefix cache.
    /// </summary>
    public static BinaryData Warmup(BenchSettings settings, int index, string model, bool ignoreEos)
    {
        var random = new Random(unchecked((~settings.Seed * 1_000_003) + index));
        return Body(model, Prompt(random, settings.PromptTokens.Min), settings.OutputTokens.Min, ignoreEos, settings.ReasoningEffort);
    }

    /// <summary>A prompt of <paramref name="words"/> random words (about as many tokens) and the instruction.</summary>
    internal static string Prompt(Random random, int words)
    {
        var text = new StringBuilder(words * 7 + Instruction.Length);
        for (var i = 0; i < words; i++)
        {
            if (i > 0)
            {
                text.Append(' ');
            }

            text.Append(Words[random.Next(Words.Length)]);
        }

        return text.Append(Instruction).ToString();
    }

    /// <summary>
    /// The body: streamed, with usage in the stream (<c>stream_options.include_usage</c>, OpenAI Chat Completions; vLLM
    /// reads it), at most <paramref name="outputTokens"/> tokens (<c>max_completion_tokens</c>), and with vLLM's
    /// <c>ignore_eos</c> (vllm/entrypoints/openai/chat_completion/protocol.py) so that every answer has exactly that length.
    /// </summary>
    internal static BinaryData Body(string model, string prompt, int outputTokens, bool ignoreEos, string? reasoningEffort)
    {
        var buffer = new ArrayBufferWriter<byte>(prompt.Length + 256);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("model", model);
            json.WriteStartArray("messages");
            json.WriteStartObject();
            json.WriteString("role", "user");
            json.WriteString("content", prompt);
            json.WriteEndObject();
            json.WriteEndArray();
            json.WriteBoolean("stream", true);
            json.WriteStartObject("stream_options");
            json.WriteBoolean("include_usage", true);
            json.WriteEndObject();
            json.WriteNumber("max_completion_tokens", outputTokens);
            if (ignoreEos)
            {
                json.WriteBoolean("ignore_eos", true);
            }

            if (reasoningEffort is not null)
            {
                json.WriteString("reasoning_effort", reasoningEffort);
            }

            json.WriteEndObject();
        }

        return new BinaryData(buffer.WrittenMemory);
    }
}
