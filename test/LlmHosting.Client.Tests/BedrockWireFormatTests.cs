using System.ClientModel;
using System.ClientModel.Primitives;
using System.Globalization;
using System.Text;
using LlmHosting.Cli.Tests;

namespace LlmHosting.Client.Tests;

/// <summary>What goes over the wire to Bedrock, checked against botocore: the InvokeModel URL, SigV4, the event stream.</summary>
public sealed class BedrockWireFormatTests
{
    private const string Region = "eu-central-1";
    private static readonly string ImportedArn = FakeDirectory.ImportedArn(Region, "abc123def456");

    [Theory]
    [InlineData(false, "invoke")]
    [InlineData(true, "invoke-with-response-stream")]
    public async Task InvokeModelPolicy_MapsChatCompletionsToTheUrlBotocoreBuilds(bool stream, string operation)
    {
        var expected = Botocore.Bedrock(["url", Region, ImportedArn, operation])["url"]!.GetValue<string>();
        var runtime = new Uri($"https://bedrock-runtime.{Region}.amazonaws.com");
        var message = ChatMessage(new Uri(runtime, "/chat/completions"), $$"""{"model":"{{ImportedArn}}","stream":{{(stream ? "true" : "false")}},"messages":[]}""");

        var policy = new InvokeModelPipelinePolicy(runtime, ImportedArn);
        await policy.ProcessAsync(message, [policy, new NoTransport()], 0);

        Assert.Equal(expected, message.Request.Uri!.AbsoluteUri);
    }

    // Bedrock runtime's InvokeModel, and Mantle's Responses API (signing name bedrock-mantle, see ModelClients).
    [Theory]
    [InlineData("bedrock", "https://bedrock-runtime.eu-central-1.amazonaws.com/model/{arn}/invoke", """{"messages":[{"role":"user","content":"Say hello"}],"reasoning_effort":"low"}""")]
    [InlineData("bedrock-mantle", "https://bedrock-mantle.eu-central-1.api.aws/v1/responses", """{"model":"openai.gpt-oss-120b","input":"Say hello","reasoning":{"effort":"low"}}""")]
    public async Task SigV4Policy_SignsLikeBotocoreForTheService(string service, string target, string body)
    {
        var signedAt = new DateTimeOffset(2026, 6, 1, 12, 30, 45, TimeSpan.Zero);
        var url = new Uri(target.Replace("{arn}", Uri.EscapeDataString(ImportedArn), StringComparison.Ordinal));
        var message = ChatMessage(url, body);
        var policy = new SigV4PipelinePolicy(service, Region, new TestCredentials(TestCredentials.SessionToken), new ManualClock(signedAt));

        await policy.ProcessAsync(message, [policy, new NoTransport()], 0);

        var reference = Botocore.Bedrock(
            ["sign", service, "POST", url.AbsoluteUri, "application/json", signedAt.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture), Region,
                TestCredentials.AccessKey, TestCredentials.SecretKey, TestCredentials.SessionToken],
            Encoding.UTF8.GetBytes(body));
        foreach (var header in new[] { "Authorization", "X-Amz-Date", "X-Amz-Content-SHA256", "X-Amz-Security-Token" })
        {
            Assert.True(message.Request.Headers.TryGetValue(header, out var value), $"{header} is missing");
            Assert.Equal(reference[header]!.GetValue<string>(), value);
        }
    }

    [Fact]
    public void FakeEventStream_BotocoreReadsChunkEventsAndTheStreamError()
    {
        var chunk = """{"object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":"Hi"}}]}""";
        var bytes = EventStreamFrames.Chunk(Encoding.UTF8.GetBytes(chunk))
            .Concat(EventStreamFrames.Exception("modelStreamErrorException", "The model stopped unexpectedly."))
            .ToArray();

        var events = Botocore.Bedrock(["decode"], bytes).AsArray();

        Assert.Equal(2, events.Count);
        Assert.Equal("chunk", events[0]!["event"]!.GetValue<string>());
        Assert.Equal(chunk, events[0]!["bytes"]!.GetValue<string>());
        Assert.Equal("modelStreamErrorException", events[1]!["error"]!.GetValue<string>());
        Assert.Equal("The model stopped unexpectedly.", events[1]!["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task EventStreamSseStream_TurnsChunkEventsIntoServerSentEventsEndingWithDone()
    {
        var first = """{"choices":[{"delta":{"content":"Hel"}}]}""";
        var second = """{"choices":[{"delta":{"content":"lo"}}]}""";
        var frames = EventStreamFrames.Chunk(Encoding.UTF8.GetBytes(first)).Concat(EventStreamFrames.Chunk(Encoding.UTF8.GetBytes(second))).ToArray();

        using var sse = new EventStreamSseStream(new TrickleStream(frames));
        var text = await new StreamReader(sse).ReadToEndAsync();

        Assert.Equal($"data: {first}\n\ndata: {second}\n\ndata: [DONE]\n\n", text);
    }

    [Theory]
    [InlineData(-1, "a damaged event stream")]
    [InlineData(7, "it ended inside a message")]
    public async Task EventStreamSseStream_DamagedFrame_ThrowsModelStreamException(int cut, string expected)
    {
        var frame = EventStreamFrames.Chunk("{}"u8.ToArray());
        if (cut < 0)
        {
            frame[^1] ^= 0xFF;   // breaks the message CRC
        }
        else
        {
            frame = frame[..cut];
        }

        using var sse = new EventStreamSseStream(new MemoryStream(frame));
        var error = await Assert.ThrowsAsync<ModelStreamException>(() => new StreamReader(sse).ReadToEndAsync());

        Assert.Contains(expected, error.Message);
    }

    private static PipelineMessage ChatMessage(Uri uri, string body)
    {
        var message = ClientPipeline.Create().CreateMessage();
        message.Request.Method = "POST";
        message.Request.Uri = uri;
        message.Request.Headers.Set("Content-Type", "application/json");
        message.Request.Content = BinaryContent.Create(BinaryData.FromString(body));
        return message;
    }

    /// <summary>Ends the pipeline without sending anything.</summary>
    private sealed class NoTransport : PipelinePolicy
    {
        public override void Process(PipelineMessage message, IReadOnlyList<PipelinePolicy> pipeline, int currentIndex)
        {
        }

        public override ValueTask ProcessAsync(PipelineMessage message, IReadOnlyList<PipelinePolicy> pipeline, int currentIndex) => ValueTask.CompletedTask;
    }

    /// <summary>Hands out at most 5 bytes per read, as a network does, so that frames arrive in pieces.</summary>
    private sealed class TrickleStream(byte[] data) : MemoryStream(data)
    {
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            base.ReadAsync(buffer[..Math.Min(buffer.Length, 5)], cancellationToken);
    }
}
