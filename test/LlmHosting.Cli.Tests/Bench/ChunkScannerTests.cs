using System.Text;
using LlmHosting.Cli.Commands.Bench;

namespace LlmHosting.Cli.Tests.Bench;

public sealed class ChunkScannerTests
{
    private const string Head = """{"id":"chatcmpl-1","object":"chat.completion.chunk","created":1767225600,"model":"m","choices":[{"index":0,"delta":""";

    [Theory]
    [InlineData(Head + """{"content":" Hello"},"logprobs":null,"finish_reason":null}]}""", true)]
    [InlineData(Head + """{"reasoning_content":"Let me think"},"finish_reason":null}]}""", true)]
    [InlineData(Head + """{"reasoning":"Let me think"},"finish_reason":null}]}""", true)]
    [InlineData(Head + """{"tool_calls":[{"index":0,"id":"call_1","function":{"name":"f","arguments":""}}]},"finish_reason":null}]}""", true)]
    [InlineData(Head + """{"role":"assistant","content":""},"finish_reason":null}]}""", false)]
    [InlineData(Head + """{"content":null,"tool_calls":[]},"finish_reason":"stop"}]}""", false)]
    [InlineData(Head + """{},"finish_reason":"length"}]}""", false)]
    [InlineData("""{"id":"x","choices":[],"usage":{"prompt_tokens":12,"total_tokens":140,"completion_tokens":128}}""", false)]
    [InlineData("""{"content":"not in a delta","choices":[{"message":{"content":"nor in a message"}}]}""", false)]
    public void Parse_Chunk_TellsWhetherItCarriesOutput(string json, bool output)
    {
        var chunk = ChunkScanner.Parse("message", Encoding.UTF8.GetBytes(json));

        Assert.Equal(output, chunk.HasOutput);
        Assert.False(chunk.Done);
        Assert.Null(chunk.Error);
    }

    [Fact]
    public void Parse_UsageChunk_ReadsCompletionAndPromptTokens()
    {
        var chunk = ChunkScanner.Parse("message", """{"id":"x","choices":[],"usage":{"prompt_tokens":12,"total_tokens":140,"completion_tokens":128}}"""u8);

        Assert.Equal((128, 12), (chunk.CompletionTokens, chunk.PromptTokens));
    }

    [Fact]
    public void Parse_ContentChunk_HasNoUsage()
    {
        var chunk = ChunkScanner.Parse("message", Encoding.UTF8.GetBytes(Head + """{"content":"x"},"finish_reason":null}],"usage":null}"""));

        Assert.Equal((-1, -1), (chunk.CompletionTokens, chunk.PromptTokens));
    }

    [Fact]
    public void Parse_Done_EndsTheStream() => Assert.True(ChunkScanner.Parse("message", "[DONE]"u8).Done);

    [Theory]
    [InlineData("""{"error":{"message":"CUDA out of memory","type":"InternalServerError","code":500}}""", "the server sent an error in the stream: CUDA out of memory")]
    [InlineData("""{"object":"error","message":"Engine died","type":"InternalServerError","code":500}""", "the server sent an error in the stream: Engine died")]
    [InlineData("""{"error":"overloaded"}""", "the server sent an error in the stream: overloaded")]
    public void Parse_ErrorEvent_IsAnError(string json, string expected) =>
        Assert.Equal(expected, ChunkScanner.Parse("message", Encoding.UTF8.GetBytes(json)).Error);

    [Fact]
    public void Parse_NotJson_IsAnErrorNotAnException() =>
        Assert.StartsWith("the stream sent an event that is not JSON", ChunkScanner.Parse("message", "{\"choices\": [tru"u8).Error);
}
