using System.ClientModel.Primitives;
using System.Net;
using System.Text;
using OpenAI;
using OpenAI.Chat;

namespace LlmHosting.Client.Tests;

public sealed class SageMakerChatClientTests
{
    private static readonly DateTimeOffset Start = new(2026, 6, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task CreateChatClient_EveryCall_SendsAFreshBearerTokenNeverThePlaceholder()
    {
        var clock = new ManualClock(Start);
        var transport = new RecordingHandler();
        var generator = new BearerTokenGenerator(new BearerTokenGeneratorOptions
        {
            Region = "us-east-1",
            Expiry = TimeSpan.FromHours(1),
            Credentials = new TestCredentials(TestCredentials.SessionToken),
            TimeProvider = clock,
        });
        var client = SageMakerOpenAi.CreateChatClient(
            SageMakerOpenAi.BaseUrl("us-east-1", "llm-dev-gpt", "gpt-oss-20b"), "gpt-oss-20b", generator,
            new OpenAIClientOptions { Transport = new HttpClientPipelineTransport(new HttpClient(transport)) });

        var first = await client.CompleteChatAsync([new UserChatMessage("Hi")]);
        clock.Advance(TimeSpan.FromMinutes(56));
        await client.CompleteChatAsync([new UserChatMessage("Hi again")]);

        Assert.Equal("pong", first.Value.Content[0].Text);
        Assert.Equal(2, transport.Requests.Count);
        Assert.All(transport.Requests, r => Assert.Equal(
            "https://runtime.sagemaker.us-east-1.amazonaws.com/endpoints/llm-dev-gpt/inference-components/gpt-oss-20b/openai/v1/chat/completions", r.Url));
        var tokens = transport.Requests.Select(r => r.Authorization).ToList();
        Assert.All(tokens, t => Assert.StartsWith("Bearer sagemaker-api-key-", t));
        Assert.NotEqual(tokens[0], tokens[1]);
        Assert.Equal("20260601T005600Z", BearerTokenGeneratorTests.Decode(tokens[1]["Bearer ".Length..], "sagemaker-api-key-")["X-Amz-Date"]);
    }

    private sealed class RecordingHandler : HttpMessageHandler
    {
        public List<(string Url, string Authorization)> Requests { get; } = [];

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Requests.Add((request.RequestUri!.ToString(), request.Headers.Authorization!.ToString()));
            const string body = """
                {"id":"c1","object":"chat.completion","created":1767225600,"model":"gpt-oss-20b",
                 "choices":[{"index":0,"message":{"role":"assistant","content":"pong"},"finish_reason":"stop"}],
                 "usage":{"prompt_tokens":1,"completion_tokens":1,"total_tokens":2}}
                """;
            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK)
            {
                Content = new StringContent(body, Encoding.UTF8, "application/json"),
            });
        }
    }
}
