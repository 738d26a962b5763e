using System.Text.Json.Nodes;
using Amazon.Runtime;
using Amazon.SimpleSystemsManagement;

namespace LlmHosting.Client.Tests;

public sealed class ModelDirectoryTests : IDisposable
{
    // The contract document of the brief, with a field this client does not know.
    private const string Example = """
        {
          "schemaVersion": 1,
          "environment": "dev",
          "publishedBy": "a newer construct",
          "models": [
            {
              "name": "gpt-oss-20b",
              "kind": "sagemaker-inference-component",
              "region": "us-east-1",
              "modelId": "gpt-oss-20b",
              "chatCompletionsBaseUrl": "https://runtime.sagemaker.us-east-1.amazonaws.com/endpoints/llm-dev-shared/inference-components/llm-dev-shared-gpt-oss-20b/openai/v1",
              "responsesBaseUrl": null,
              "runtimeEndpoint": null,
              "auth": "sagemaker-bearer-token",
              "mayBeCold": true,
              "note": "Scales to zero: the first request after idle fails for 5-15 minutes while a copy starts; retry.",
              "futureField": { "x": 1 }
            },
            {
              "name": "gpt-oss-120b",
              "kind": "bedrock-on-demand",
              "region": "us-west-2",
              "modelId": "openai.gpt-oss-120b-1:0",
              "chatCompletionsBaseUrl": "https://bedrock-runtime.us-west-2.amazonaws.com/openai/v1",
              "responsesBaseUrl": "https://bedrock-mantle.us-west-2.api.aws/v1",
              "responsesModelId": "openai.gpt-oss-120b",
              "runtimeEndpoint": null,
              "auth": "bedrock-api-key",
              "mayBeCold": false
            },
            {
              "name": "gpt-oss-20b-imported",
              "kind": "bedrock-imported",
              "region": "us-east-1",
              "modelId": "arn:aws:bedrock:us-east-1:111111111111:imported-model/abc123def456",
              "chatCompletionsBaseUrl": null,
              "responsesBaseUrl": null,
              "runtimeEndpoint": "https://bedrock-runtime.us-east-1.amazonaws.com",
              "auth": "sigv4",
              "mayBeCold": true
            }
          ]
        }
        """;

    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("llmhost-directory-");

    public void Dispose() => _folder.Delete(recursive: true);

    [Fact]
    public void Parse_ContractDocument_ReadsEveryFieldAndIgnoresUnknownOnes()
    {
        var directory = ModelDirectory.Parse(Example, "example.json");

        Assert.Equal((1, "dev", "example.json", Example), (directory.SchemaVersion, directory.Environment, directory.Source, directory.Json));
        Assert.Equal(["gpt-oss-20b", "gpt-oss-120b", "gpt-oss-20b-imported"], directory.Models.Select(m => m.Name));
        var component = directory.Get("gpt-oss-20b");
        Assert.Same(ModelKind.SageMakerInferenceComponent, component.Kind);
        Assert.Same(ModelAuth.SageMakerBearerToken, component.Auth);
        Assert.Equal(("us-east-1", "gpt-oss-20b", true), (component.Region, component.ModelId, component.MayBeCold));
        Assert.StartsWith("Scales to zero", component.Note);
        Assert.Null(component.ResponsesBaseUrl);
        Assert.Null(component.ResponsesModelId);
        var onDemand = directory.Get("gpt-oss-120b");
        Assert.Equal(new Uri("https://bedrock-mantle.us-west-2.api.aws/v1"), onDemand.ResponsesBaseUrl);
        Assert.Equal(("openai.gpt-oss-120b-1:0", "openai.gpt-oss-120b", "openai.gpt-oss-120b"), (onDemand.ModelId, onDemand.ResponsesModelId, onDemand.ResponsesModel));
        Assert.Same(ModelAuth.BedrockApiKey, onDemand.Auth);
        var imported = directory.Get("gpt-oss-20b-imported");
        Assert.Equal(new Uri("https://bedrock-runtime.us-east-1.amazonaws.com"), imported.RuntimeEndpoint);
        Assert.Null(imported.ChatCompletionsBaseUrl);
        Assert.Same(ModelAuth.SigV4, imported.Auth);
    }

    [Theory]
    [InlineData("kind", "\"sagemaker-serverless\"", "$.models[0].kind 'sagemaker-serverless' is not one of sagemaker-endpoint, sagemaker-inference-component, bedrock-imported, bedrock-on-demand")]
    [InlineData("auth", "\"iam\"", "$.models[0].auth 'iam' is not one of sagemaker-bearer-token, bedrock-api-key, sigv4")]
    [InlineData("auth", "\"sigv4\"", "$.models[0].auth 'sigv4' is not accepted by kind sagemaker-inference-component (allowed: sagemaker-bearer-token)")]
    [InlineData("region", "\"US_EAST\"", "$.models[0].region 'US_EAST' is not an AWS region name such as us-east-1")]
    [InlineData("mayBeCold", "\"yes\"", "$.models[0].mayBeCold must be true or false, not \"yes\"")]
    [InlineData("chatCompletionsBaseUrl", "\"ftp://x/openai/v1\"", "$.models[0].chatCompletionsBaseUrl 'ftp://x/openai/v1' is not an http(s) URL")]
    [InlineData("modelId", null, "$.models[0].modelId is missing")]
    [InlineData("chatCompletionsBaseUrl", null, "$.models[0].chatCompletionsBaseUrl is missing")]
    public void Parse_BadModelField_NamesTheSourceAndTheJsonPath(string field, string? value, string expected)
    {
        var document = JsonNode.Parse(Example)!;
        var model = document["models"]![0]!.AsObject();
        if (value is null)
        {
            model.Remove(field);
        }
        else
        {
            model[field] = JsonNode.Parse(value);
        }

        var error = Assert.Throws<ModelDirectoryException>(() => ModelDirectory.Parse(document.ToJsonString(), "config/dev-directory.json"));

        Assert.Equal($"Invalid model directory (config/dev-directory.json): {expected}.", error.Message);
    }

    [Fact]
    public void Parse_ResponsesModelIdAbsent_ResponsesCallsSendTheModelId()
    {
        var document = JsonNode.Parse(Example)!;
        document["models"]![1]!.AsObject().Remove("responsesModelId");

        var onDemand = ModelDirectory.Parse(document.ToJsonString(), "example.json").Get("gpt-oss-120b");

        Assert.Null(onDemand.ResponsesModelId);
        Assert.Equal("openai.gpt-oss-120b-1:0", onDemand.ResponsesModel);
    }

    [Theory]
    [InlineData("responsesModelId", "42", "$.models[1].responsesModelId must be a non-empty string, not 42")]
    [InlineData("responsesModelId", "\"  \"", "$.models[1].responsesModelId must be a non-empty string, not \"  \"")]
    [InlineData("responsesModelId", "[\"openai.gpt-oss-120b\"]", "$.models[1].responsesModelId must be a non-empty string, not an array")]
    [InlineData("responsesBaseUrl", "null", "$.models[1].responsesModelId 'openai.gpt-oss-120b' is set without $.models[1].responsesBaseUrl")]
    public void Parse_BadResponsesModelId_NamesTheJsonPath(string field, string value, string expected)
    {
        var document = JsonNode.Parse(Example)!;
        document["models"]![1]![field] = JsonNode.Parse(value);

        var error = Assert.Throws<ModelDirectoryException>(() => ModelDirectory.Parse(document.ToJsonString(), "config/dev-directory.json"));

        Assert.Equal($"Invalid model directory (config/dev-directory.json): {expected}.", error.Message);
    }

    [Fact]
    public void Parse_SeveralProblems_ListsEachInOneMessage()
    {
        var document = JsonNode.Parse(Example)!;
        document["schemaVersion"] = 2;
        document["models"]![1]!["name"] = "gpt-oss-20b";
        document["models"]![2]!.AsObject().Remove("runtimeEndpoint");

        var error = Assert.Throws<ModelDirectoryException>(() => ModelDirectory.Parse(document.ToJsonString(), "ssm"));

        Assert.Equal("Invalid model directory (ssm): $.schemaVersion 2 is not supported (this client reads version 1); "
            + "$.models[1].name 'gpt-oss-20b' is also the name of $.models[0]; names must be unique; "
            + "$.models[2].runtimeEndpoint is missing.", error.Message);
    }

    [Theory]
    [InlineData("[]", "Invalid model directory (d.json): $ must be an object, not an array.")]
    [InlineData("{\"schemaVersion\":1,\"environment\":\"dev\"}", "Invalid model directory (d.json): $.models is missing.")]
    [InlineData("{", "Invalid model directory (d.json): not JSON (")]
    public void Parse_NotADirectory_Explains(string json, string expected)
    {
        Assert.StartsWith(expected, Assert.Throws<ModelDirectoryException>(() => ModelDirectory.Parse(json, "d.json")).Message);
    }

    [Fact]
    public void Get_UnknownName_ListsTheNamesTheDirectoryHas()
    {
        var directory = ModelDirectory.Parse(Example, "example.json");

        var error = Assert.Throws<UnknownModelException>(() => directory.Get("gpt-oss-12b"));

        Assert.Equal("No model named 'gpt-oss-12b' in the model directory (example.json). Its models: gpt-oss-20b, gpt-oss-120b, gpt-oss-20b-imported.", error.Message);
    }

    [Fact]
    public async Task FromFileAsync_MissingFile_NamesThePath()
    {
        var path = Path.Combine(_folder.FullName, "nope.json");

        var error = await Assert.ThrowsAsync<ModelDirectoryException>(() => ModelDirectory.FromFileAsync(path));

        Assert.StartsWith($"Cannot read the model directory file {path}: ", error.Message);
    }

    [Fact]
    public async Task FromStackOutputsAsync_ServingStackOutput_ReadsTheDocumentWithoutCallingSsm()
    {
        var path = Write(new JsonObject { ["llm-dev-serving"] = new JsonObject { ["ModelDirectory"] = Example, ["InvokerRoleArn"] = "arn" } });

        var directory = await ModelDirectory.FromStackOutputsAsync(path, ["llm-dev-serving", "llm-dev-model-hosting"], UnreachableSsm());

        Assert.Equal($"{path}, output llm-dev-serving.ModelDirectory", directory.Source);
        Assert.Equal(3, directory.Models.Count);
    }

    [Fact]
    public async Task FromStackOutputsAsync_NoSuchStack_NamesTheStacksLookedForAndPresent()
    {
        var path = Write(new JsonObject { ["llm-prod-serving"] = new JsonObject { ["ModelDirectory"] = Example } });

        var error = await Assert.ThrowsAsync<ModelDirectoryException>(() => ModelDirectory.FromStackOutputsAsync(path, ["llm-dev-serving", "llm-dev-model-hosting"], UnreachableSsm()));

        Assert.Equal($"{path} has no stack llm-dev-serving or llm-dev-model-hosting (stacks: llm-prod-serving)", error.Message);
    }

    [Fact]
    public async Task FromStackOutputsAsync_StackWithoutDirectoryOutputs_SaysWhichOutputsItLookedFor()
    {
        var path = Write(new JsonObject { ["llm-dev-model-hosting"] = new JsonObject { ["ModelBucketName"] = "b" } });

        var error = await Assert.ThrowsAsync<ModelDirectoryException>(() => ModelDirectory.FromStackOutputsAsync(path, ["llm-dev-serving", "llm-dev-model-hosting"], UnreachableSsm()));

        Assert.Equal($"Stack llm-dev-model-hosting in {path} has neither the output ModelDirectory nor ModelDirectoryParameterName", error.Message);
    }

    [Fact]
    public void ParameterName_IsUnderTheNamePrefix() => Assert.Equal("/llm-dev/model-directory", ModelDirectory.ParameterName("llm-dev"));

    private string Write(JsonObject outputs)
    {
        var path = Path.Combine(_folder.FullName, "cdk-outputs.json");
        File.WriteAllText(path, outputs.ToJsonString());
        return path;
    }

    /// <summary>An SSM client that must not be called: nothing listens on its loopback port.</summary>
    private static AmazonSimpleSystemsManagementClient UnreachableSsm() =>
        new(new BasicAWSCredentials("a", "b"), new AmazonSimpleSystemsManagementConfig { ServiceURL = "http://127.0.0.1:9", AuthenticationRegion = "us-east-1" });
}
