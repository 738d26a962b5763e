using System.Text.Json.Nodes;
using Amazon.CDK.AWS.IAM;
using LlmHosting.Constructs.Bedrock;
using LlmHosting.Constructs.Bedrock.OnDemand;
using LlmHosting.Constructs.Directories;
using LlmHosting.Constructs.Sagemaker;
using LlmHosting.Constructs.Sagemaker.Components;
using LlmHosting.Constructs.Storage;
using LlmHosting.Tests.Shared;
using Client = LlmHosting.Client;

namespace LlmHosting.Constructs.Tests.Directories;

/// <summary>A dev-like environment with one model of every kind and a directory of them, synthesized once.</summary>
public sealed class DirectoryFixture
{
    public DirectoryFixture()
    {
        var stack = TestStacks.New();
        var bucket = new ModelBucket(stack, "Weights");
        var shared = new InferenceComponentEndpoint(stack, "Shared", new InferenceComponentEndpointProps
        {
            EndpointName = "llm-dev-shared",
            InstanceType = GpuInstanceType.G6E_12XLARGE,
        });
        var component = shared.AddComponent("GptOss20b", new InferenceComponentOptions
        {
            InferenceComponentName = "llm-dev-shared-gpt-oss-20b",
            Model = KnownModel.GptOss20b,
            Source = ModelSource.FromBucket(bucket, "models/gpt-oss-20b/"),
        });
        var endpoint = new VllmEndpoint(stack, "Qwen", new VllmEndpointProps
        {
            EndpointName = "llm-dev-qwen3-4b",
            Model = KnownModel.Qwen3_4B,
            Source = ModelSource.FromHuggingFace("Qwen/Qwen3-4B"),
            InstanceType = GpuInstanceType.G6E_XLARGE,
        });
        var elsewhere = VllmEndpoint.FromEndpointName(stack, "Elsewhere", "team-x-llama");
        var import = new BedrockModelImport(stack, "Imported", new BedrockModelImportProps { ModelBucket = bucket, ModelPrefix = "models/gpt-oss-20b/", ModelName = "llm-dev-gpt-oss-20b" });
        var onDemand = new BedrockOnDemandModel(stack, "GptOss120b", new BedrockOnDemandModelProps { Model = BedrockFoundationModel.GptOss120b, ResponsesApi = true });
        Directory = new ModelDirectory(stack, "ModelDirectory", new ModelDirectoryProps
        {
            Environment = "dev",
            NamePrefix = "llm-dev",
            Entries =
            [
                ModelDirectoryEntry.ForServedModel(component),
                ModelDirectoryEntry.ForServedModel(endpoint),
                ModelDirectoryEntry.ForServedModel(elsewhere, name: "llama-3-8b", modelId: "meta-llama/Llama-3.1-8B-Instruct"),
                ModelDirectoryEntry.ForImportedModel(import, "gpt-oss-20b-imported"),
                ModelDirectoryEntry.ForOnDemandModel(onDemand, allowBearerKeys: true),
            ],
        });
        Reader = new Role(stack, "App", new RoleProps { AssumedBy = new AccountRootPrincipal() });
        Directory.GrantRead(Reader);
        Template = TestStacks.Json(stack);
        var (_, parameter) = Assert.Single(TestStacks.Resources(Template, "AWS::SSM::Parameter"));
        Parameter = parameter;
        RenderedJson = new ArnRenderer(Template).Render(parameter["Value"]);
    }

    public ModelDirectory Directory { get; }

    public Role Reader { get; }

    public JsonObject Template { get; }

    public JsonObject Parameter { get; }

    /// <summary>The parameter's value as deployed, with sample values for what only a deployment knows.</summary>
    public string RenderedJson { get; }
}

public sealed class ModelDirectoryTests(DirectoryFixture fixture) : IClassFixture<DirectoryFixture>
{
    private const string ImportedArnSample = "arn:aws:bedrock:us-east-1:123456789012:imported-model/abcdef123456";

    [Fact]
    public void Parameter_RenderedWithSampleValues_ParsesWithTheClientsParser()
    {
        var directory = Client.ModelDirectory.Parse(fixture.RenderedJson, "template");

        Assert.Equal("dev", directory.Environment);
        Assert.Equal(["gpt-oss-20b", "Qwen3-4B", "llama-3-8b", "gpt-oss-20b-imported", "gpt-oss-120b"], directory.Models.Select(m => m.Name));
        Assert.Equal(
            [Client.ModelKind.SageMakerInferenceComponent, Client.ModelKind.SageMakerEndpoint, Client.ModelKind.SageMakerEndpoint, Client.ModelKind.BedrockImported, Client.ModelKind.BedrockOnDemand],
            directory.Models.Select(m => m.Kind));
        Assert.All(directory.Models, m => Assert.Equal("us-east-1", m.Region));
        Assert.Equal(ImportedArnSample, directory.Get("gpt-oss-20b-imported").ModelId);
    }

    [Fact]
    public void Json_SageMakerEntries_HaveTheirOpenAiPathBearerTokensAndColdness()
    {
        var component = Model("gpt-oss-20b");
        Assert.Equal("gpt-oss-20b", (string)component["modelId"]!);
        Assert.Equal("https://runtime.sagemaker.us-east-1.amazonaws.com/endpoints/llm-dev-shared/inference-components/llm-dev-shared-gpt-oss-20b/openai/v1", (string)component["chatCompletionsBaseUrl"]!);
        Assert.Equal("sagemaker-bearer-token", (string)component["auth"]!);
        Assert.True((bool)component["mayBeCold"]!, "a component with a minimum of 0 copies scales to zero");
        Assert.Equal(ModelDirectoryEntry.ScaleToZeroNote, (string)component["note"]!);

        var endpoint = Model("Qwen3-4B");
        Assert.Equal("sagemaker-endpoint", (string)endpoint["kind"]!);
        Assert.Equal("https://runtime.sagemaker.us-east-1.amazonaws.com/endpoints/llm-dev-qwen3-4b/openai/v1", (string)endpoint["chatCompletionsBaseUrl"]!);
        Assert.False((bool)endpoint["mayBeCold"]!);
        Assert.False(endpoint.ContainsKey("note"));
        Assert.False(endpoint.ContainsKey("responsesBaseUrl"));
        Assert.False(endpoint.ContainsKey("runtimeEndpoint"));

        var elsewhere = Model("llama-3-8b");
        Assert.Equal("meta-llama/Llama-3.1-8B-Instruct", (string)elsewhere["modelId"]!);
        Assert.Equal("https://runtime.sagemaker.us-east-1.amazonaws.com/endpoints/team-x-llama/openai/v1", (string)elsewhere["chatCompletionsBaseUrl"]!);
    }

    [Fact]
    public void Json_BedrockEntries_HaveTheirDoorsAuthAndColdness()
    {
        var imported = Model("gpt-oss-20b-imported");
        Assert.Equal("bedrock-imported", (string)imported["kind"]!);
        Assert.Equal(ImportedArnSample, (string)imported["modelId"]!);
        Assert.Equal("https://bedrock-runtime.us-east-1.amazonaws.com", (string)imported["runtimeEndpoint"]!);
        Assert.False(imported.ContainsKey("chatCompletionsBaseUrl"));
        Assert.Equal("sigv4", (string)imported["auth"]!);
        Assert.True((bool)imported["mayBeCold"]!);

        var onDemand = Model("gpt-oss-120b");
        Assert.Equal("bedrock-on-demand", (string)onDemand["kind"]!);
        Assert.Equal("openai.gpt-oss-120b-1:0", (string)onDemand["modelId"]!);
        Assert.Equal("https://bedrock-runtime.us-east-1.amazonaws.com/openai/v1", (string)onDemand["chatCompletionsBaseUrl"]!);
        Assert.Equal("https://bedrock-mantle.us-east-1.api.aws/v1", (string)onDemand["responsesBaseUrl"]!);
        Assert.Equal("openai.gpt-oss-120b", (string)onDemand["responsesModelId"]!);
        Assert.Equal("bedrock-api-key", (string)onDemand["auth"]!);
        Assert.False((bool)onDemand["mayBeCold"]!);
    }

    [Fact]
    public void Parameter_IsAStandardStringUnderTheNameTheClientLooksFor()
    {
        Assert.Equal(Client.ModelDirectory.ParameterName("llm-dev"), (string)fixture.Parameter["Name"]!);
        Assert.Equal("String", (string)fixture.Parameter["Type"]!);
        Assert.Equal("Standard", (string)fixture.Parameter["Tier"]!);
    }

    [Fact]
    public void Outputs_HoldTheDocumentAndTheParameterName_UnderTheClientsKeys()
    {
        var outputs = fixture.Template["Outputs"]!.AsObject();

        Assert.Equal(Client.ModelDirectory.OutputName, ModelDirectory.OutputName);
        Assert.Equal(Client.ModelDirectory.ParameterNameOutputName, ModelDirectory.ParameterNameOutputName);
        Assert.Equal(fixture.Parameter["Value"]!.ToJsonString(), outputs["ModelDirectory"]!["Value"]!.ToJsonString());
        Assert.Equal("/llm-dev/model-directory", new ArnRenderer(fixture.Template).Render(outputs["ModelDirectoryParameterName"]!["Value"]));
        Assert.True(fixture.Directory.HasJsonOutput);
    }

    [Fact]
    public void GrantRead_GrantsGetParameterOnThisParameterOnly()
    {
        var roleId = TestStacks.Resources(fixture.Template, "AWS::IAM::Role").Single(r => r.Id.StartsWith("App", StringComparison.Ordinal)).Id;
        var statement = Assert.Single(TestStacks.Resources(fixture.Template, "AWS::IAM::Policy")
            .Where(p => p.Properties["Roles"]!.AsArray().Any(r => (string?)r!["Ref"] == roleId))
            .SelectMany(p => p.Properties["PolicyDocument"]!["Statement"]!.AsArray()))!.AsObject();

        Assert.Equal(["ssm:GetParameter"], TestStacks.Actions(statement));
        Assert.Equal("arn:aws:ssm:us-east-1:123456789012:parameter/llm-dev/model-directory", new ArnRenderer(fixture.Template).Render(statement["Resource"]));
    }

    [Fact]
    public void KindsAndAuths_AreTheClientsNamesAndRules()
    {
        Assert.Equal(Client.ModelKind.All.Select(k => k.Name), ModelDirectoryKind.All.Select(k => k.Name));
        Assert.Equal(Client.ModelAuth.All.Select(a => a.Name), ModelDirectoryAuth.All.Select(a => a.Name));
        foreach (var kind in ModelDirectoryKind.All)
        {
            foreach (var auth in ModelDirectoryAuth.All)
            {
                Assert.Equal(Client.ModelAuth.Find(auth.Name)!.IsAcceptedBy(Client.ModelKind.Find(kind.Name)!), auth.IsAcceptedBy(kind));
            }
        }
    }

    private JsonObject Model(string name)
        => JsonNode.Parse(fixture.RenderedJson)!["models"]!.AsArray().Single(m => (string)m!["name"]! == name)!.AsObject();
}
