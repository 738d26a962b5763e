using System.Text.Json.Nodes;

namespace LlmHosting.Cli.Tests;

public sealed class ModelsCommandTests : IAsyncLifetime, IDisposable
{
    private readonly Workspace _workspace = new();
    private FakeOpenAiServer _server = null!;
    private string _json = null!;

    public async Task InitializeAsync()
    {
        _server = await FakeOpenAiServer.StartAsync("us-east-1");
        _json = FakeDirectory.Json(_server, "us-east-1");
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    public void Dispose() => _workspace.Dispose();

    [Fact]
    public async Task Models_DirectoryFile_PrintsATableWithEveryModel()
    {
        var path = _workspace.Write("directory.json", """
            {"schemaVersion":1,"environment":"dev","models":[
              {"name":"qwen3-4b","kind":"sagemaker-inference-component","region":"us-east-1","modelId":"qwen3-4b",
               "chatCompletionsBaseUrl":"https://runtime.sagemaker.us-east-1.amazonaws.com/endpoints/e/inference-components/c/openai/v1","auth":"sagemaker-bearer-token","mayBeCold":true},
              {"name":"gpt-oss-120b","kind":"bedrock-on-demand","region":"us-west-2","modelId":"openai.gpt-oss-120b-1:0",
               "chatCompletionsBaseUrl":"https://bedrock-runtime.us-west-2.amazonaws.com/openai/v1",
               "responsesBaseUrl":"https://bedrock-mantle.us-west-2.api.aws/v1","responsesModelId":"openai.gpt-oss-120b","auth":"bedrock-api-key","mayBeCold":false},
              {"name":"gpt-oss-20b-imported","kind":"bedrock-imported","region":"us-east-1","modelId":"arn:aws:bedrock:us-east-1:111111111111:imported-model/abc123def456",
               "runtimeEndpoint":"https://bedrock-runtime.us-east-1.amazonaws.com","auth":"sigv4","mayBeCold":true}]}
            """);

        var (code, output, error) = await Cli.RunAsync(Cli.Dependencies(workingDirectory: _workspace.Root), "models", "--directory", "directory.json");

        Assert.True(code == 0, error);
        Assert.Equal(
            [
                $"Models of environment dev ({path}):",
                "NAME                  KIND                           REGION     MODEL ID                                                            RESPONSES MODEL ID   AUTH                    MAY BE COLD",
                "qwen3-4b              sagemaker-inference-component  us-east-1  qwen3-4b                                                            -                    sagemaker-bearer-token  yes",
                "gpt-oss-120b          bedrock-on-demand              us-west-2  openai.gpt-oss-120b-1:0                                             openai.gpt-oss-120b  bedrock-api-key         no",
                "gpt-oss-20b-imported  bedrock-imported               us-east-1  arn:aws:bedrock:us-east-1:111111111111:imported-model/abc123def456  -                    sigv4                   yes",
            ],
            output.TrimEnd().Split(Environment.NewLine));
    }

    [Fact]
    public async Task Models_NoModelOffersTheResponsesApi_LeavesItsColumnOut()
    {
        var path = _workspace.Write("directory.json", """
            {"schemaVersion":1,"environment":"dev","models":[
              {"name":"qwen3-4b","kind":"sagemaker-endpoint","region":"us-east-1","modelId":"qwen3-4b",
               "chatCompletionsBaseUrl":"https://runtime.sagemaker.us-east-1.amazonaws.com/endpoints/e/openai/v1","auth":"sagemaker-bearer-token","mayBeCold":false}]}
            """);

        var (code, output, error) = await Cli.RunAsync(Cli.Dependencies(workingDirectory: _workspace.Root), "models", "--directory", "directory.json");

        Assert.True(code == 0, error);
        Assert.Equal(
            [
                $"Models of environment dev ({path}):",
                "NAME      KIND                REGION     MODEL ID  AUTH                    MAY BE COLD",
                "qwen3-4b  sagemaker-endpoint  us-east-1  qwen3-4b  sagemaker-bearer-token  no",
            ],
            output.TrimEnd().Split(Environment.NewLine));
    }

    [Fact]
    public async Task Models_Json_PrintsTheDocumentAsItIs()
    {
        _workspace.Write("directory.json", _json);

        var (code, output, error) = await Cli.RunAsync(Cli.Dependencies(workingDirectory: _workspace.Root), "models", "--directory", "directory.json", "--json");

        Assert.True(code == 0, error);
        Assert.Equal(_json + Environment.NewLine, output);
    }

    [Fact]
    public async Task Models_EnvWithOutputsFile_ReadsTheServingStacksOutput()
    {
        _workspace.Environment("dev", "acme-dev", "us-east-1");
        var outputs = new JsonObject
        {
            ["acme-dev-storage"] = new JsonObject { ["ModelBucketName"] = "b" },
            ["acme-dev-serving"] = new JsonObject { ["ModelDirectory"] = _json, ["ModelDirectoryParameterName"] = "/acme-dev/model-directory" },
        };
        var path = _workspace.Write("deployed.json", outputs.ToJsonString());

        var (code, output, error) = await Cli.RunAsync(Cli.Dependencies(workingDirectory: _workspace.Root), "models", "--env", "dev", "--outputs-file", "deployed.json");

        Assert.True(code == 0, error);
        Assert.StartsWith($"Models of environment dev ({path}, output acme-dev-serving.ModelDirectory):", output);
    }

    [Theory]
    [InlineData(new[] { "models", "--directory", "missing.json" }, "error: Cannot read the model directory file {root}/missing.json: Could not find file '{root}/missing.json'.")]
    [InlineData(new[] { "models", "--env", "dev", "--outputs-file", "outputs.json" }, "error: {root}/outputs.json has no stack llm-dev-serving or llm-dev-model-hosting (stacks: llm-prod-serving).")]
    [InlineData(new[] { "models", "--env", "qa" }, "error: Unknown environment 'qa'. Known environments: dev (the files of {root}/cdk/config); or pass --directory <file>.")]
    [InlineData(new[] { "models" }, "error: Which model directory? Pass --env <environment> (cdk-outputs.json, else the SSM parameter), --outputs-file <file> --env <environment>, or --directory <file>.")]
    public async Task Models_DirectoryCannotBeRead_NamesWhereItLookedAndExitsWith2(string[] args, string expected)
    {
        _workspace.Environment("dev", "llm-dev", "us-east-1");
        _workspace.Write("outputs.json", """{ "llm-prod-serving": { "ModelDirectory": "{}" } }""");

        var (code, output, error) = await Cli.RunAsync(Cli.Dependencies(workingDirectory: _workspace.Root), args);

        Assert.Equal(2, code);
        Assert.Equal(expected.Replace("{root}", _workspace.Root) + Environment.NewLine, error);
        Assert.Empty(output);
    }

    [Fact]
    public async Task Models_InvalidDocument_NamesTheFileAndTheJsonPath()
    {
        _workspace.Write("directory.json", _json.Replace("\"sigv4\"", "\"sig-v4\""));

        var (code, _, error) = await Cli.RunAsync(Cli.Dependencies(workingDirectory: _workspace.Root), "models", "--directory", "directory.json");

        Assert.Equal(2, code);
        Assert.StartsWith($"error: Invalid model directory ({_workspace.Root}/directory.json): $.models[5].auth 'sig-v4' is not one of sagemaker-bearer-token, bedrock-api-key, sigv4; ", error);
    }

    [Fact]
    public async Task Models_OutputsFileWithoutEnv_IsAParseError()
    {
        var (code, _, error) = await Cli.RunAsync(Cli.Dependencies(workingDirectory: _workspace.Root), "models", "--outputs-file", "x.json");

        Assert.NotEqual(0, code);
        Assert.Contains("--outputs-file needs --env: the environment names the stack to read.", error);
    }
}
