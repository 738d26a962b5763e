using System.Text.Json.Nodes;

namespace LlmHosting.Cli.Tests;

/// <summary><c>llmhost chat --model &lt;name&gt;</c> with a model directory: every kind of door, against the loopback fakes.</summary>
public sealed class ChatDirectoryTests : IAsyncLifetime, IDisposable
{
    private const string Region = "us-west-2";
    private readonly Workspace _workspace = new();
    private FakeOpenAiServer _server = null!;

    public async Task InitializeAsync()
    {
        _server = await FakeOpenAiServer.StartAsync(Region);
        _workspace.Write("directory.json", FakeDirectory.Json(_server, Region));
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    public void Dispose() => _workspace.Dispose();

    [Theory]
    [InlineData("gpt-oss-20b-endpoint", "/endpoints/ok/openai/v1/chat/completions", "gpt-oss-20b", "sagemaker", "bearer")]
    [InlineData("qwen3-4b", "/endpoints/ok/inference-components/llm-dev-shared-qwen3-4b/openai/v1/chat/completions", "qwen3-4b", "sagemaker", "bearer")]
    [InlineData("gpt-oss-120b", "/openai/v1/chat/completions", "openai.gpt-oss-120b-1:0", "bedrock", "bearer")]
    [InlineData("gpt-oss-20b-imported", "/model/arn%3Aaws%3Abedrock%3Aus-west-2%3A111111111111%3Aimported-model%2Fabc123def456/invoke-with-response-stream", "arn:aws:bedrock:us-west-2:111111111111:imported-model/abc123def456", "bedrock", "sigv4")]
    public async Task Chat_ModelOfEachKind_StreamsTheReplyWithTheRightCredentialAndReasoningEffort(string name, string target, string modelId, string service, string scheme)
    {
        var (code, output, error) = await Chat("Say hello", "--directory", "directory.json", "--model", name, "--reasoning-effort", "low");

        Assert.True(code == 0, error);
        Assert.Equal(FakeOpenAiServer.Reply + Environment.NewLine, output);
        Assert.Empty(_server.Rejections);
        var seen = Assert.Single(_server.Requests);
        Assert.Equal((target, service, scheme, Region, Cli.AccessKey), (seen.RawTarget, seen.Service, seen.Scheme, seen.TokenRegion, seen.AccessKey));
        Assert.Equal(modelId, seen.Body!["model"]!.GetValue<string>());
        Assert.Equal("low", seen.Body["reasoning_effort"]!.GetValue<string>());
        Assert.Equal("Say hello", seen.Body["messages"]![0]!["content"]!.ToString());
    }

    [Fact]
    public async Task Chat_ResponsesApi_SendsMantlesModelIdToV1ResponsesWithReasoningEffort()
    {
        var (code, output, error) = await Chat("Say hello", "--directory", "directory.json", "--model", "gpt-oss-120b", "--api", "responses", "--reasoning-effort", "high", "--max-tokens", "64");

        Assert.True(code == 0, error);
        Assert.Equal(FakeOpenAiServer.Reply + Environment.NewLine, output);
        Assert.Empty(_server.Rejections);
        var seen = Assert.Single(_server.Requests);
        Assert.Equal(("/v1/responses", "bedrock", "bearer", Region), (seen.Path, seen.Service, seen.Scheme, seen.TokenRegion));
        Assert.Equal("openai.gpt-oss-120b", seen.Body!["model"]!.GetValue<string>());
        Assert.Equal("high", seen.Body["reasoning"]!["effort"]!.GetValue<string>());
        Assert.Equal(64, seen.Body["max_output_tokens"]!.GetValue<int>());
    }

    [Fact]
    public async Task Chat_ResponsesApiWithSigV4_SignsForBedrockMantle()
    {
        var (code, output, error) = await Chat("Say hello", "--directory", "directory.json", "--model", "gpt-oss-20b-signed", "--api", "responses");

        Assert.True(code == 0, error);
        Assert.Equal(FakeOpenAiServer.Reply + Environment.NewLine, output);
        Assert.Empty(_server.Rejections);
        var seen = Assert.Single(_server.Requests);
        Assert.Equal(("/v1/responses", "bedrock-mantle", "sigv4", "openai.gpt-oss-20b"), (seen.Path, seen.Service, seen.Scheme, seen.Body!["model"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Chat_ResponsesApiDenied_ExplainsMantlesPermissions()
    {
        _workspace.Write("elsewhere.json", FakeDirectory.Json(_server, "eu-west-1"));

        var (code, _, error) = await Chat("Say hello", "--directory", "elsewhere.json", "--model", "gpt-oss-120b", "--api", "responses");

        Assert.Equal(1, code);
        Assert.Equal("error: Access denied (HTTP 403) (fake server: token is for region eu-west-1, expected us-west-2): the identity needs bedrock-mantle:CreateInference on the "
            + "account's Mantle projects in eu-west-1 and bedrock-mantle:CallWithBearerToken (Resource \"*\"), and Mantle must serve openai.gpt-oss-120b in eu-west-1." + Environment.NewLine, error);
    }

    [Fact]
    public async Task Chat_ColdComponent_AnswersAfterTwoRefusals()
    {
        var (code, output, error) = await Chat("Say hello", "--directory", "directory.json", "--model", "gpt-oss-20b-cold");

        Assert.True(code == 0, error);
        Assert.Equal(FakeOpenAiServer.Reply + Environment.NewLine, output);
        Assert.Equal(FakeOpenAiServer.ColdRefusals + 1, _server.Requests.Count);
        Assert.All(_server.Requests, r => Assert.Equal("/endpoints/cold/inference-components/llm-dev-shared-gpt-oss-20b/openai/v1/chat/completions", r.Path));
    }

    [Fact]
    public async Task Chat_ComponentStillStartingAtTheTimeout_SaysSoAndExitsWith1()
    {
        var (code, _, error) = await Chat("Say hello", "--directory", "directory.json", "--model", "gpt-oss-20b-starting", "--timeout", "2");

        Assert.Equal(1, code);
        Assert.Matches(@"^error: Model gpt-oss-20b-starting is starting \(scale to zero\); retried \d+ times over \d s: a cold model needs 5-15 minutes; retry later, or raise --timeout\.\r?\n$", error);
        Assert.True(_server.Requests.Count > 2);
    }

    [Fact]
    public async Task Chat_EnvAndModel_FindsTheDirectoryInTheOutputsFile()
    {
        _workspace.Environment("dev", "llm-dev", Region);
        var outputs = new JsonObject { ["llm-dev-serving"] = new JsonObject { ["ModelDirectory"] = FakeDirectory.Json(_server, Region) } };
        _workspace.Write("cdk-outputs.json", outputs.ToJsonString());

        var (code, output, error) = await Chat("Say hello", "--env", "dev", "--model", "gpt-oss-20b-signed");

        Assert.True(code == 0, error);
        Assert.Equal(FakeOpenAiServer.Reply + Environment.NewLine, output);
        Assert.Equal(("bedrock", "sigv4"), (Assert.Single(_server.Requests).Service, _server.Requests.Single().Scheme));
    }

    [Fact]
    public async Task Chat_UnknownModel_ListsTheNamesTheDirectoryHasAndExitsWith2()
    {
        var (code, _, error) = await Chat("Say hello", "--directory", "directory.json", "--model", "gpt-oss-12b");

        Assert.Equal(2, code);
        Assert.Equal($"error: No model named 'gpt-oss-12b' in the model directory ({_workspace.Root}/directory.json). Its models: gpt-oss-20b-endpoint, qwen3-4b, "
            + "gpt-oss-20b-cold, gpt-oss-20b-starting, gpt-oss-120b, gpt-oss-20b-signed, gpt-oss-20b-imported, imported-cold, imported-broken." + Environment.NewLine, error);
        Assert.Empty(_server.Requests);
    }

    [Fact]
    public async Task Chat_BedrockModelDeniedForTheRegion_ExplainsBedrocksPermissions()
    {
        _workspace.Write("elsewhere.json", FakeDirectory.Json(_server, "eu-west-1"));

        var (code, _, error) = await Chat("Say hello", "--directory", "elsewhere.json", "--model", "gpt-oss-120b");

        Assert.Equal(1, code);
        Assert.Equal("error: Access denied (HTTP 403) (fake server: token is for region eu-west-1, expected us-west-2): the identity needs bedrock:InvokeModel and "
            + "bedrock:InvokeModelWithResponseStream on the model and bedrock:CallWithBearerToken (Resource \"*\"), and the model must be offered to the account in eu-west-1." + Environment.NewLine, error);
    }

    [Fact]
    public async Task Chat_ImportedStreamBreaks_ExplainsAfterThePartialAnswer()
    {
        var (code, output, error) = await Chat("Say hello", "--directory", "directory.json", "--model", "imported-broken");

        Assert.Equal(1, code);
        Assert.Equal("Hello" + Environment.NewLine, output);
        Assert.Equal("error: The response stream failed with modelStreamErrorException: The model stopped unexpectedly: the answer stopped part-way; retry." + Environment.NewLine, error);
    }

    [Theory]
    [InlineData(new[] { "--directory", "directory.json", "--model", "qwen3-4b", "--api", "responses" },
        "error: Model qwen3-4b (sagemaker-inference-component) offers no Responses API: only Bedrock on-demand models with a responsesBaseUrl do. Use --api chat.")]
    [InlineData(new[] { "--directory", "directory.json", "--model", "qwen3-4b", "--region", "us-east-1" },
        "error: --region does not apply with a model directory: each model's region comes from the directory.")]
    [InlineData(new[] { "--directory", "directory.json" },
        "error: Which model? Pass --model <name>; `llmhost models` lists the names of the directory.")]
    [InlineData(new[] { "--base-url", "http://127.0.0.1:1/openai/v1", "--region", "us-east-1", "--api", "responses" },
        "error: --api responses needs a model directory: pass --env <environment> --model <name>, or --directory <file> --model <name>.")]
    public async Task Chat_DirectoryMistakes_ExplainedWithoutSendingAndExitWith2(string[] args, string expected)
    {
        var (code, _, error) = await Chat(["Say hello", .. args]);

        Assert.Equal(2, code);
        Assert.Equal(expected + Environment.NewLine, error);
        Assert.Empty(_server.Requests);
    }

    private Task<(int ExitCode, string Output, string Error)> Chat(params string[] args) =>
        Cli.RunAsync(Cli.Dependencies(workingDirectory: _workspace.Root), ["chat", .. args]);
}
