using LlmHosting.Cli.Commands;

namespace LlmHosting.Cli.Tests;

public sealed class StackOutputsTests : IDisposable
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("llmhost-outputs-");

    public void Dispose() => _directory.Delete(recursive: true);

    private string ConfigDirectory => Path.Combine(_directory.FullName, "cdk", "config");

    [Fact]
    public void Select_SeveralEndpoints_AsksForTargetOrEnvAndNamesThem()
    {
        var path = Write("""{ "llm-dev-model-hosting": { "AOpenAiBaseUrl": "https://a.test/openai/v1" }, "llm-prod-model-hosting": { "BOpenAiBaseUrl": "https://b.test/openai/v1" } }""");

        var error = Assert.Throws<CliException>(() => StackOutputs.Select(path, null, null, ConfigDirectory));

        Assert.Equal($"Several endpoints in {path}: llm-dev-model-hosting.AOpenAiBaseUrl, llm-prod-model-hosting.BOpenAiBaseUrl. Pick one with --target <part of the output name> or --env <environment>.", error.Message);
    }

    [Fact]
    public void Select_EnvMatchesADashSeparatedPartOfTheStackName()
    {
        var path = Write("""{ "llm-preprod-model-hosting": { "AOpenAiBaseUrl": "https://pre.test/openai/v1" }, "llm-prod-model-hosting": { "AOpenAiBaseUrl": "https://prod.test/openai/v1" } }""");

        var chosen = StackOutputs.Select(path, "prod", null, ConfigDirectory);

        Assert.Equal("llm-prod-model-hosting", chosen.Stack);
        Assert.Equal(new Uri("https://prod.test/openai/v1"), chosen.BaseUrl);
        Assert.Null(chosen.ServedModelName);
    }

    [Fact]
    public void Select_EnvWithAConfigFile_UsesItsNamePrefix()
    {
        Directory.CreateDirectory(ConfigDirectory);
        File.WriteAllText(Path.Combine(ConfigDirectory, "staging.json"), """{ "namePrefix": "acme-stg" }""");
        var path = Write("""{ "acme-stg-model-hosting": { "XOpenAiBaseUrl": "https://stg.test/openai/v1", "XServedModelName": "qwen" }, "llm-staging-model-hosting": { "XOpenAiBaseUrl": "https://other.test/openai/v1" } }""");

        var chosen = StackOutputs.Select(path, "staging", null, ConfigDirectory);

        Assert.Equal("acme-stg-model-hosting", chosen.Stack);
        Assert.Equal("qwen", chosen.ServedModelName);
    }

    [Fact]
    public void Select_EnvWithAConfigFile_AcceptsTheServingStackOfTheSplitApp()
    {
        Directory.CreateDirectory(ConfigDirectory);
        File.WriteAllText(Path.Combine(ConfigDirectory, "dev.json"), """{ "namePrefix": "llm-dev" }""");
        var path = Write("""{ "llm-dev-storage": { "ModelBucketName": "b" }, "llm-dev-serving": { "XOpenAiBaseUrl": "https://dev.test/openai/v1" }, "llm-prod-serving": { "XOpenAiBaseUrl": "https://prod.test/openai/v1" } }""");

        var chosen = StackOutputs.Select(path, "dev", null, ConfigDirectory);

        Assert.Equal(("llm-dev-serving", new Uri("https://dev.test/openai/v1")), (chosen.Stack, chosen.BaseUrl));
    }

    [Fact]
    public void Select_NoMatch_ListsTheStacks()
    {
        var path = Write("""{ "llm-dev-model-hosting": { "ModelBucketName": "b" } }""");

        var error = Assert.Throws<CliException>(() => StackOutputs.Select(path, "dev", "gpt", ConfigDirectory));

        Assert.Equal($"No stack output ending with 'OpenAiBaseUrl' of environment 'dev' matching --target 'gpt' in {path} (stacks: llm-dev-model-hosting). Deploy an endpoint with `cdk deploy --outputs-file {path}`, or pass --base-url.", error.Message);
    }

    [Theory]
    [InlineData("[1, 2]", "is not a `cdk deploy --outputs-file` file: the top level is not an object")]
    [InlineData("{ \"s\": 3 }", "is not a `cdk deploy --outputs-file` file: stack 's' is not an object of outputs")]
    [InlineData("{ \"s\": { \"AOpenAiBaseUrl\": \"not a url\" } }", "is not an http(s) URL: 'not a url'")]
    public void Select_MalformedFile_Explains(string json, string expected)
    {
        var path = Write(json);

        Assert.Contains(expected, Assert.Throws<CliException>(() => StackOutputs.Select(path, null, null, ConfigDirectory)).Message);
    }

    [Fact]
    public void Select_MissingFile_Explains()
    {
        var error = Assert.Throws<CliException>(() => StackOutputs.Select(Path.Combine(_directory.FullName, "nope.json"), null, null, ConfigDirectory));

        Assert.StartsWith("Cannot read the outputs file", error.Message);
        Assert.Contains("cdk deploy --outputs-file", error.Message);
    }

    private string Write(string json)
    {
        var path = Path.Combine(_directory.FullName, "outputs.json");
        File.WriteAllText(path, json);
        return path;
    }
}
