using System.ClientModel;
using System.Text;
using LlmHosting.Cli.Tests;
using OpenAI.Chat;
using OpenAI.Responses;

// The Responses API and reasoning_effort are experimental in OpenAI 2.x; the version is pinned centrally.
#pragma warning disable OPENAI001

namespace LlmHosting.Client.Tests;

/// <summary>One client per kind of door, against the loopback fakes of SageMaker and Bedrock.</summary>
public sealed class ModelClientsTests : IAsyncLifetime
{
    private const string Region = "us-west-2";
    private FakeOpenAiServer _server = null!;
    private ModelDirectory _directory = null!;

    public async Task InitializeAsync()
    {
        _server = await FakeOpenAiServer.StartAsync(Region);
        _directory = ModelDirectory.Parse(FakeDirectory.Json(_server, Region), "fake directory");
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task ChatClient_SageMakerEndpoint_StreamsFromItsOpenAiPathWithASageMakerTokenForItsRegion()
    {
        var text = await StreamAsync("gpt-oss-20b-endpoint", "low");

        Assert.Equal(FakeOpenAiServer.Reply, text);
        var seen = SingleRequest();
        Assert.Equal("/endpoints/ok/openai/v1/chat/completions", seen.Path);
        Assert.Equal(("sagemaker", "bearer", Region, TestCredentials.AccessKey, TestCredentials.SessionToken), (seen.Service, seen.Scheme, seen.TokenRegion, seen.AccessKey, seen.SessionToken));
        Assert.Equal("gpt-oss-20b", seen.Body!["model"]!.GetValue<string>());
        Assert.Equal("low", seen.Body["reasoning_effort"]!.GetValue<string>());
    }

    [Fact]
    public async Task ChatClient_InferenceComponent_StreamsFromTheComponentPath()
    {
        var text = await StreamAsync("qwen3-4b", effort: null);

        Assert.Equal(FakeOpenAiServer.Reply, text);
        var seen = SingleRequest();
        Assert.Equal("/endpoints/ok/inference-components/llm-dev-shared-qwen3-4b/openai/v1/chat/completions", seen.Path);
        Assert.Equal(("sagemaker", "bearer"), (seen.Service, seen.Scheme));
        Assert.Equal("qwen3-4b", seen.Body!["model"]!.GetValue<string>());
        Assert.Null(seen.Body["reasoning_effort"]);
    }

    [Fact]
    public async Task ChatClient_BedrockOnDemand_StreamsFromRuntimeOpenAiPathWithABedrockApiKey()
    {
        var text = await StreamAsync("gpt-oss-120b", "high");

        Assert.Equal(FakeOpenAiServer.Reply, text);
        var seen = SingleRequest();
        Assert.Equal("/openai/v1/chat/completions", seen.Path);
        Assert.Equal(("bedrock", "bearer", Region), (seen.Service, seen.Scheme, seen.TokenRegion));
        Assert.Equal("openai.gpt-oss-120b-1:0", seen.Body!["model"]!.GetValue<string>());
        Assert.Equal("high", seen.Body["reasoning_effort"]!.GetValue<string>());
    }

    [Fact]
    public async Task ChatClient_BedrockOnDemandWithSigV4_SignsEveryRequestForBedrockInItsRegion()
    {
        var text = await StreamAsync("gpt-oss-20b-signed", "medium");

        Assert.Equal(FakeOpenAiServer.Reply, text);
        var seen = SingleRequest();
        Assert.Equal(("bedrock", "sigv4", Region, TestCredentials.AccessKey, TestCredentials.SessionToken), (seen.Service, seen.Scheme, seen.TokenRegion, seen.AccessKey, seen.SessionToken));
        Assert.Equal("openai.gpt-oss-20b-1:0", seen.Body!["model"]!.GetValue<string>());
    }

    [Fact]
    public async Task ResponsesClient_BedrockOnDemand_StreamsFromV1ResponsesWithMantlesModelIdAndABedrockApiKey()
    {
        var model = _directory.Get("gpt-oss-120b");

        var text = await RespondAsync(model, ResponseReasoningEffortLevel.Low);

        Assert.Equal(FakeOpenAiServer.Reply, text);
        var seen = SingleRequest();
        Assert.Equal("/v1/responses", seen.Path);
        Assert.Equal(("bedrock", "bearer", Region, TestCredentials.AccessKey), (seen.Service, seen.Scheme, seen.TokenRegion, seen.AccessKey));
        Assert.Equal("openai.gpt-oss-120b", seen.Body!["model"]!.GetValue<string>());
        Assert.Equal("low", seen.Body["reasoning"]!["effort"]!.GetValue<string>());
    }

    [Fact]
    public async Task ResponsesClient_BedrockOnDemandWithSigV4_SignsForServiceBedrockMantle()
    {
        var text = await RespondAsync(_directory.Get("gpt-oss-20b-signed"), effort: null);

        Assert.Equal(FakeOpenAiServer.Reply, text);
        var seen = SingleRequest();
        Assert.Equal(("/v1/responses", "bedrock-mantle", "sigv4", Region, TestCredentials.SessionToken), (seen.Path, seen.Service, seen.Scheme, seen.TokenRegion, seen.SessionToken));
        Assert.Equal("openai.gpt-oss-20b", seen.Body!["model"]!.GetValue<string>());
    }

    [Fact]
    public async Task ResponsesClient_EntryWithoutResponsesModelId_SendsItsModelId()
    {
        // A hand-written entry whose model has the same name on both doors: the construct then leaves responsesModelId out.
        var listed = _directory.Get("gpt-oss-120b");
        var model = new ModelEntry
        {
            Name = "mantle-only", Kind = listed.Kind, Region = Region, ModelId = "openai.gpt-oss-120b", Auth = listed.Auth, MayBeCold = false,
            ChatCompletionsBaseUrl = listed.ChatCompletionsBaseUrl, ResponsesBaseUrl = listed.ResponsesBaseUrl,
        };

        await RespondAsync(model, effort: null);

        Assert.Equal("openai.gpt-oss-120b", SingleRequest().Body!["model"]!.GetValue<string>());
    }

    [Fact]
    public async Task FakeMantle_BedrockRuntimeModelId_IsRefused()
    {
        var model = _directory.Get("gpt-oss-120b");
        var client = ModelClients.CreateResponsesClient(model, Options());

        var error = await Assert.ThrowsAsync<ClientResultException>(() => client.CreateResponseAsync(model.ModelId, "Say hello"));

        Assert.Equal(404, error.Status);
        Assert.Equal("Mantle got Bedrock runtime's model id openai.gpt-oss-120b-1:0", Assert.Single(_server.Rejections));
    }

    [Fact]
    public async Task ResponsesClient_NotStreaming_AnswersAsInTheReadme()
    {
        var model = _directory.Get("gpt-oss-120b");
        ResponsesClient responses = ModelClients.CreateResponsesClient(model, Options());

        ResponseResult result = await responses.CreateResponseAsync(model.ResponsesModel, "Say hello");

        Assert.Equal(FakeOpenAiServer.Reply, result.GetOutputText());
        Assert.Equal("/v1/responses", SingleRequest().Path);
    }

    [Fact]
    public void ResponsesClient_ModelWithoutResponsesApi_IsNotSupportedAndSaysWhichModelsOfferIt()
    {
        var error = Assert.Throws<NotSupportedException>(() => ModelClients.CreateResponsesClient(_directory.Get("qwen3-4b"), Options()));

        Assert.Equal("Model qwen3-4b (sagemaker-inference-component) offers no Responses API: only Bedrock on-demand models with a responsesBaseUrl (Bedrock's Mantle endpoint) do. Use chat completions.", error.Message);
    }

    [Fact]
    public async Task ChatClient_BedrockImportedStreaming_MapsToInvokeModelWithResponseStreamSignedWithSigV4()
    {
        var text = await StreamAsync("gpt-oss-20b-imported", "low");

        Assert.Equal(FakeOpenAiServer.Reply, text);
        var seen = SingleRequest();
        Assert.Equal($"/model/arn%3Aaws%3Abedrock%3A{Region}%3A{FakeDirectory.Account}%3Aimported-model%2Fabc123def456/invoke-with-response-stream", seen.RawTarget);
        Assert.Equal(("bedrock", "sigv4", Region), (seen.Service, seen.Scheme, seen.TokenRegion));
        // The body is the OpenAI chat-completions body, unchanged.
        Assert.Equal(FakeDirectory.ImportedArn(Region, "abc123def456"), seen.Body!["model"]!.GetValue<string>());
        Assert.True(seen.Body["stream"]!.GetValue<bool>());
        Assert.Equal("low", seen.Body["reasoning_effort"]!.GetValue<string>());
        Assert.Equal("Say hello", seen.Body["messages"]![0]!["content"]!.ToString());
    }

    [Fact]
    public async Task ChatClient_BedrockImportedNotStreaming_MapsToInvokeModel()
    {
        var client = ModelClients.CreateChatClient(_directory, "gpt-oss-20b-imported", Options());

        ChatCompletion answer = await client.CompleteChatAsync([new UserChatMessage("Say hello")]);

        Assert.Equal(FakeOpenAiServer.Reply, answer.Content[0].Text);
        Assert.EndsWith("%2Fabc123def456/invoke", SingleRequest().RawTarget);
    }

    [Fact]
    public async Task ChatClient_ImportedModelNotReady_AnswersAfterTwoRefusals()
    {
        var text = await StreamAsync("imported-cold", effort: null);

        Assert.Equal(FakeOpenAiServer.Reply, text);
        Assert.Equal(FakeOpenAiServer.ColdRefusals + 1, _server.Requests.Count);
        Assert.Empty(_server.Rejections);
    }

    [Fact]
    public async Task ChatClient_ComponentStillStartingWhenRetriesRunOut_ThrowsModelStartingExceptionNamingTheModel()
    {
        var options = Options(new ColdStartRetryOptions { MaxRetries = 1, InitialDelay = TimeSpan.FromMilliseconds(10), MaxDelay = TimeSpan.FromMilliseconds(10) });

        var error = await Assert.ThrowsAsync<ModelStartingException>(() => StreamAsync("gpt-oss-20b-cold", effort: null, options));

        Assert.Equal("model gpt-oss-20b-cold is starting (scale to zero); retried 1 times over 0 s", error.Message);
        Assert.Equal(400, error.Status);
        Assert.Equal(2, _server.Requests.Count);
    }

    [Fact]
    public async Task ChatClient_ColdStartBudgetSpent_StopsRetryingBeforeMaxRetries()
    {
        // Every reading of this clock is 10 seconds later, so the 2-minute budget is spent after a few attempts.
        var clock = new SteppingClock(new DateTimeOffset(2026, 6, 1, 0, 0, 0, TimeSpan.Zero), TimeSpan.FromSeconds(10));
        var options = Options(new ColdStartRetryOptions { MaxElapsed = TimeSpan.FromMinutes(2), InitialDelay = TimeSpan.FromMilliseconds(10), MaxDelay = TimeSpan.FromMilliseconds(10) }, clock);

        var error = await Assert.ThrowsAsync<ModelStartingException>(() => StreamAsync("gpt-oss-20b-starting", effort: null, options));

        Assert.InRange(error.Retries, 1, 10);
        Assert.True(error.Elapsed <= TimeSpan.FromMinutes(2), error.Message);
        Assert.Equal(error.Retries + 1, _server.Requests.Count);
    }

    [Fact]
    public async Task ChatClient_ImportedStreamEndsWithAnErrorEvent_ThrowsModelStreamException()
    {
        var error = await Assert.ThrowsAsync<ModelStreamException>(() => StreamAsync("imported-broken", effort: null));

        Assert.Equal("modelStreamErrorException", error.ErrorType);
        Assert.Equal("The response stream failed with modelStreamErrorException: The model stopped unexpectedly.", error.Message);
        Assert.Equal(("bedrock", "bearer"), (SingleRequest().Service, SingleRequest().Scheme));
    }

    private static ModelClientOptions Options(ColdStartRetryOptions? coldStart = null, TimeProvider? clock = null) => new()
    {
        Credentials = new TestCredentials(TestCredentials.SessionToken),
        TimeProvider = clock ?? new ManualClock(new DateTimeOffset(2026, 6, 1, 0, 0, 0, TimeSpan.Zero)),
        // No retries of other failures: a cold model must be rescued by the cold-start retries alone (429 is also throttling).
        ColdStart = coldStart ?? new ColdStartRetryOptions { InitialDelay = TimeSpan.FromMilliseconds(10), MaxDelay = TimeSpan.FromMilliseconds(20), TransientRetries = 0 },
    };

    private async Task<string> StreamAsync(string name, string? effort, ModelClientOptions? options = null)
    {
        var client = ModelClients.CreateChatClient(_directory, name, options ?? Options());
        var completion = new ChatCompletionOptions();
        if (effort is not null)
        {
            completion.ReasoningEffortLevel = new ChatReasoningEffortLevel(effort);
        }

        var text = new StringBuilder();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        await foreach (var update in client.CompleteChatStreamingAsync([new UserChatMessage("Say hello")], completion, timeout.Token))
        {
            foreach (var part in update.ContentUpdate)
            {
                text.Append(part.Text);
            }
        }

        return text.ToString();
    }

    private static async Task<string> RespondAsync(ModelEntry model, ResponseReasoningEffortLevel? effort)
    {
        var client = ModelClients.CreateResponsesClient(model, Options());
        var options = new CreateResponseOptions { Model = model.ResponsesModel, StreamingEnabled = true };
        if (effort is not null)
        {
            options.ReasoningOptions = new ResponseReasoningOptions { ReasoningEffortLevel = effort };
        }

        options.InputItems.Add(ResponseItem.CreateUserMessageItem("Say hello"));
        var text = new StringBuilder();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        await foreach (var update in await client.CreateResponseStreamingAsync(options, timeout.Token))
        {
            if (update is StreamingResponseOutputTextDeltaUpdate delta)
            {
                text.Append(delta.Delta);
            }
        }

        return text.ToString();
    }

    private SeenRequest SingleRequest()
    {
        Assert.Empty(_server.Rejections);
        return Assert.Single(_server.Requests);
    }

    private sealed class SteppingClock(DateTimeOffset start, TimeSpan step) : TimeProvider
    {
        private DateTimeOffset _now = start;

        public override DateTimeOffset GetUtcNow() => _now += step;
    }
}
