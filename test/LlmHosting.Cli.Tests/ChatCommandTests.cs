namespace LlmHosting.Cli.Tests;

public sealed class ChatCommandTests : IAsyncLifetime
{
    private FakeOpenAiServer _server = null!;

    public async Task InitializeAsync() => _server = await FakeOpenAiServer.StartAsync("us-west-2");

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Chat_BaseUrl_StreamsTheReplyWithAValidTokenForTheRegion()
    {
        var (code, output, error) = await Cli.RunAsync(Cli.Dependencies(),
            "chat", "Say hello", "--base-url", _server.BaseUrl("ok").ToString(), "--region", "us-west-2",
            "--model", "openai/gpt-oss-20b", "--reasoning-effort", "low", "--max-tokens", "64");

        Assert.True(code == 0, error);
        Assert.Equal(FakeOpenAiServer.Reply + Environment.NewLine, output);
        Assert.Empty(_server.Rejections);
        var seen = Assert.Single(_server.Requests);
        Assert.Equal("/endpoints/ok/openai/v1/chat/completions", seen.Path);
        Assert.Equal("us-west-2", seen.TokenRegion);
        Assert.Equal(Cli.AccessKey, seen.AccessKey);
        Assert.Equal("openai/gpt-oss-20b", seen.Body!["model"]!.GetValue<string>());
        Assert.True(seen.Body["stream"]!.GetValue<bool>());
        Assert.Equal("low", seen.Body["reasoning_effort"]!.GetValue<string>());
        Assert.Equal("Say hello", seen.Body["messages"]![0]!["content"]!.ToString());
    }

    [Fact]
    public async Task Chat_OutputsFileWithEnvAndTarget_CallsTheInferenceComponentWithItsServedModelAndTheStdinPrompt()
    {
        var directory = Directory.CreateTempSubdirectory("llmhost-chat-");
        try
        {
            var outputs = $$"""
            {
              "llm-dev-model-hosting": {
                "ModelBucketName": "bucket",
                "GptOssOpenAiBaseUrl": "{{_server.BaseUrl("ok", "gpt-oss-20b")}}",
                "GptOssServedModelName": "gpt-oss-20b",
                "QwenOpenAiBaseUrl": "{{_server.BaseUrl("ok", "qwen3-4b")}}"
              },
              "llm-prod-model-hosting": {
                "GptOssOpenAiBaseUrl": "{{_server.BaseUrl("denied", "gpt-oss-20b")}}"
              }
            }
            """;
            File.WriteAllText(Path.Combine(directory.FullName, "cdk-outputs.json"), outputs);

            var (code, output, error) = await Cli.RunAsync(
                Cli.Dependencies(stdin: "  What is 2+2?\n", workingDirectory: directory.FullName, awsRegion: "us-west-2"),
                "chat", "--env", "dev", "--target", "gptoss");

            Assert.True(code == 0, error);
            Assert.Equal(FakeOpenAiServer.Reply + Environment.NewLine, output);
            var seen = Assert.Single(_server.Requests);
            Assert.Equal("/endpoints/ok/inference-components/gpt-oss-20b/openai/v1/chat/completions", seen.Path);
            Assert.Equal("gpt-oss-20b", seen.Body!["model"]!.GetValue<string>());
            Assert.Equal("What is 2+2?", seen.Body["messages"]![0]!["content"]!.ToString());
            Assert.Null(seen.Body["reasoning_effort"]);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task Chat_NoModelGiven_SendsTheVllmDefaultName()
    {
        var (code, _, error) = await Cli.RunAsync(Cli.Dependencies(awsRegion: "us-west-2"),
            "chat", "Hi", "--base-url", _server.BaseUrl("ok").ToString());

        Assert.True(code == 0, error);
        Assert.Equal("/opt/ml/model", Assert.Single(_server.Requests).Body!["model"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("denied", "Access denied (HTTP 403) (User: arn:aws:sts::123456789012:assumed-role/dev/me is not authorized to perform: sagemaker:InvokeEndpoint): the identity needs sagemaker:CallWithBearerToken (Resource \"*\") and sagemaker:InvokeEndpoint on the endpoint, and the endpoint must be in the account of the credentials and in us-west-2 (--region).")]
    [InlineData("missing", "Not found (HTTP 404) at {base} (Endpoint missing of account 123456789012 not found.): check the endpoint and inference component names, the region (us-west-2), and that the deployment finished (aws sagemaker describe-endpoint).")]
    [InlineData("validation", "Not found (HTTP 400) at {base} (Endpoint validation of account 123456789012 not found.): check the endpoint and inference component names, the region (us-west-2), and that the deployment finished (aws sagemaker describe-endpoint).")]
    [InlineData("unknown-model", "The server does not serve a model named 'mistyped' (HTTP 404) (The model `mistyped` does not exist.): pass --model with the served model name (SM_VLLM_SERVED_MODEL_NAME, else the model path such as /opt/ml/model).")]
    [InlineData("busy", "Throttled (HTTP 429) (Rate exceeded): too many requests for this endpoint or account; wait and retry, or add instances or inference component copies.")]
    [InlineData("expired", "The bearer token or the credentials behind it have expired (HTTP 403) (The security token included in the request is expired): refresh the AWS credentials (aws sso login, new session credentials) and retry.")]
    public async Task Chat_EndpointFails_ExplainsInOneLineAndExitsWith1(string endpoint, string expected)
    {
        var baseUrl = _server.BaseUrl(endpoint).ToString();

        var (code, output, error) = await Cli.RunAsync(Cli.Dependencies(),
            "chat", "Hi", "--base-url", baseUrl, "--region", "us-west-2", "--model", "mistyped");

        Assert.Equal(1, code);
        Assert.Equal("error: " + expected.Replace("{base}", baseUrl) + Environment.NewLine, error);
        Assert.Empty(output);
        Assert.Empty(_server.Rejections);
        Assert.Single(_server.Requests);
    }

    [Fact]
    public async Task Chat_NoAnswerWithinTheTimeout_ExplainsAndExitsWith1()
    {
        var started = DateTime.UtcNow;

        var (code, _, error) = await Cli.RunAsync(Cli.Dependencies(),
            "chat", "Hi", "--base-url", _server.BaseUrl("slow").ToString(), "--region", "us-west-2", "--timeout", "1");

        Assert.Equal(1, code);
        Assert.Equal("error: No complete answer within 1 s: the model may still be loading or scaling out from zero, or the answer is long; retry, or raise --timeout." + Environment.NewLine, error);
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(15));
    }

    [Fact]
    public async Task Chat_CredentialsExpired_ExplainsWithoutSendingAndExitsWith2()
    {
        var expiredAt = new DateTimeOffset(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);

        var (code, _, error) = await Cli.RunAsync(Cli.Dependencies(credentials: new ExpiringCredentials(expiredAt)),
            "chat", "Hi", "--base-url", _server.BaseUrl("ok").ToString(), "--region", "us-west-2");

        Assert.Equal(2, code);
        Assert.Equal("error: The AWS credentials expired at 2026-01-01 12:00:00Z: refresh them (aws sso login, a new aws sts assume-role, or new AWS_* environment variables) and retry." + Environment.NewLine, error);
        Assert.Empty(_server.Requests);
    }

    [Fact]
    public async Task Chat_NothingListens_ExplainsTheConnectionFailure()
    {
        var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();

        var (code, _, error) = await Cli.RunAsync(Cli.Dependencies(),
            "chat", "Hi", "--base-url", $"http://127.0.0.1:{port}/endpoints/ok/openai/v1", "--region", "us-west-2", "--timeout", "10");

        Assert.Equal(1, code);
        Assert.StartsWith("error: Cannot reach 127.0.0.1: ", error);
        Assert.EndsWith("Check the base URL and region, the network, and any proxy (HTTPS_PROXY)." + Environment.NewLine, error);
    }

    [Fact]
    public async Task Chat_WrongRegion_ServerRejectsTheToken()
    {
        var (code, _, error) = await Cli.RunAsync(Cli.Dependencies(),
            "chat", "Hi", "--base-url", _server.BaseUrl("ok").ToString(), "--region", "eu-west-1");

        Assert.Equal(1, code);
        Assert.Contains("Access denied (HTTP 401)", error);
        Assert.Equal("token is for region eu-west-1, expected us-west-2", Assert.Single(_server.Rejections));
    }

    [Theory]
    [InlineData(new[] { "chat", "Hi", "--base-url", "http://127.0.0.1:1/endpoints/x/openai/v1" },
        "error: No AWS region: pass --region, use a https://runtime.sagemaker.<region>.amazonaws.com/... URL, or set AWS_REGION.")]
    [InlineData(new[] { "chat", "--base-url", "http://127.0.0.1:1/endpoints/x/openai/v1", "--region", "us-east-1" },
        "error: No prompt: pass it as an argument (llmhost chat \"Hello\") or on standard input.")]
    [InlineData(new[] { "chat", "Hi" },
        "error: Nothing to call: pass --base-url <url>, or --outputs-file <file> written by `cdk deploy --outputs-file cdk-outputs.json`.")]
    [InlineData(new[] { "chat", "Hi", "--base-url", "http://127.0.0.1:1/x", "--region", "US_EAST" },
        "error: Invalid BearerTokenGeneratorOptions: Region 'US_EAST' is not an AWS region name such as us-east-1. (Parameter 'options')")]
    public async Task Chat_UsageMistakes_ExplainedAndExitWith2(string[] args, string expected)
    {
        var (code, output, error) = await Cli.RunAsync(Cli.Dependencies(workingDirectory: Path.Combine(Path.GetTempPath(), "llmhost-no-such-dir")), args);

        Assert.Equal(2, code);
        Assert.Equal(expected + Environment.NewLine, error);
        Assert.Empty(output);
    }

    [Fact]
    public async Task Chat_ReasoningEffortNotAllowed_ParseErrorExitsNonZero()
    {
        var (code, _, error) = await Cli.RunAsync(Cli.Dependencies(),
            "chat", "Hi", "--base-url", _server.BaseUrl("ok").ToString(), "--region", "us-west-2", "--reasoning-effort", "extreme");

        Assert.NotEqual(0, code);
        Assert.Contains("extreme", error);
        Assert.Empty(_server.Requests);
    }
}
