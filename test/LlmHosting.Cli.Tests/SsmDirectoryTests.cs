using System.Text.Json.Nodes;
using Amazon.Runtime;
using Amazon.SimpleSystemsManagement;
using Amazon.SimpleSystemsManagement.Model;
using LlmHosting.TestSupport;

namespace LlmHosting.Cli.Tests;

/// <summary>The model directory in SSM (moto_server emulates SSM's GetParameter and PutParameter on loopback).</summary>
[Collection(MotoCollection.Name)]
public sealed class SsmDirectoryTests(MotoServer moto) : IDisposable
{
    private const string Region = "us-east-1";
    private const string Document = """
        {"schemaVersion":1,"environment":"dev","models":[{"name":"gpt-oss-120b","kind":"bedrock-on-demand","region":"us-east-1",
         "modelId":"openai.gpt-oss-120b-1:0","chatCompletionsBaseUrl":"https://bedrock-runtime.us-east-1.amazonaws.com/openai/v1",
         "responsesBaseUrl":"https://bedrock-mantle.us-east-1.api.aws/v1","runtimeEndpoint":null,"auth":"bedrock-api-key","mayBeCold":false}]}
        """;

    private readonly Workspace _workspace = new();

    public void Dispose() => _workspace.Dispose();

    [Fact]
    public async Task Models_EnvWithoutOutputsFile_ReadsTheSsmParameterOfTheEnvironment()
    {
        var prefix = await PublishAsync();

        var (code, output, error) = await Cli.RunAsync(Dependencies(), "models", "--env", "dev");

        Assert.True(code == 0, error);
        Assert.StartsWith($"Models of environment dev (SSM parameter /{prefix}/model-directory in {Region}):", output);
        Assert.Contains("gpt-oss-120b", output);
    }

    [Fact]
    public async Task Models_OutputsNameOnlyTheParameter_ReadsItFromSsm()
    {
        var prefix = await PublishAsync();
        _workspace.Write("cdk-outputs.json", new JsonObject { [$"{prefix}-serving"] = new JsonObject { ["ModelDirectoryParameterName"] = $"/{prefix}/model-directory" } }.ToJsonString());

        var (code, output, error) = await Cli.RunAsync(Dependencies(), "models", "--env", "dev", "--json");

        Assert.True(code == 0, error);
        Assert.Equal(Document + Environment.NewLine, output);
    }

    [Fact]
    public async Task Models_NeitherOutputsNorParameter_NamesEveryPlaceItLookedAndExitsWith2()
    {
        _workspace.Environment("dev", "llm-unpublished", Region);
        _workspace.Write("cdk-outputs.json", """{ "llm-prod-serving": {} }""");

        var (code, output, error) = await Cli.RunAsync(Dependencies(), "models", "--env", "dev");

        Assert.Equal(2, code);
        Assert.Equal("error: No model directory for environment 'dev'. Looked in: "
            + $"{_workspace.Root}/cdk-outputs.json has no stack llm-unpublished-serving or llm-unpublished-model-hosting (stacks: llm-prod-serving); "
            + $"SSM parameter /llm-unpublished/model-directory in {Region} does not exist. "
            + "Deploy the environment (cdk deploy --outputs-file cdk-outputs.json), or pass --directory <file>." + Environment.NewLine, error);
        Assert.Empty(output);
    }

    [Fact]
    public async Task LlmhostProcess_SsmEndpointFromTheEnvironmentVariable_PrintsTheDirectory()
    {
        await PublishAsync();

        var (code, output, error) = await LlmhostProcessTests.RunAsync(["models", "--env", "dev", "--json"], stdin: null, _workspace.Root,
            ("AWS_ACCESS_KEY_ID", "testing"), ("AWS_SECRET_ACCESS_KEY", "testing"), ("AWS_ENDPOINT_URL_SSM", moto.Endpoint));

        Assert.True(code == 0, error);
        Assert.Equal(Document, output.TrimEnd());
        Assert.Empty(error);
    }

    /// <summary>Publishes the document under a prefix of its own (the emulator is shared by the tests) and writes the environment file.</summary>
    private async Task<string> PublishAsync()
    {
        var prefix = "llm-" + Guid.NewGuid().ToString("N")[..8];
        _workspace.Environment("dev", prefix, Region);
        using var ssm = new AmazonSimpleSystemsManagementClient(
            new BasicAWSCredentials("testing", "testing"),
            new AmazonSimpleSystemsManagementConfig { ServiceURL = moto.Endpoint, AuthenticationRegion = Region });
        await ssm.PutParameterAsync(new PutParameterRequest { Name = $"/{prefix}/model-directory", Value = Document, Type = ParameterType.String });
        return prefix;
    }

    private LlmHosting.Cli.Commands.ClientDependencies Dependencies() => Cli.Dependencies(workingDirectory: _workspace.Root, ssmEndpoint: moto.Endpoint);
}
