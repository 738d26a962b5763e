using System.Text;
using System.Text.Json.Nodes;
using Amazon.CDK;
using Amazon.CDK.AWS.SSM;
using LlmHosting.Constructs.Bedrock;
using LlmHosting.Constructs.Bedrock.OnDemand;
using LlmHosting.Constructs.Directories;
using LlmHosting.Constructs.Sagemaker;
using LlmHosting.Constructs.Storage;
using LlmHosting.Constructs.Validation;
using LlmHosting.Tests.Shared;
using Client = LlmHosting.Client;

namespace LlmHosting.Constructs.Tests.Directories;

/// <summary>Sizes, tokens and bad entries, with entries made by hand (no serving construct, so each stack synthesizes fast).</summary>
public sealed class ModelDirectoryLimitsTests
{
    [Fact]
    public void EstimatedBytes_LiteralDocument_IsExactlyTheSynthesizedValuesSize()
    {
        var stack = TestStacks.New();
        var directory = Directory(stack, Entries(3, note: "Größe \"quoted\" <tag> & \\ tab\t"));

        var value = (string)Parameter(TestStacks.Json(stack))["Value"]!;

        Assert.Equal(Encoding.UTF8.GetByteCount(value), directory.EstimatedBytes);
        Client.ModelDirectory.Parse(value, "template");
    }

    [Fact]
    public void EstimatedBytes_Tokens_CountAtTheirLongestValues_AndTheDeployedValueIsValidJson()
    {
        var stack = TestStacks.New(agnostic: true);
        var bucket = new ModelBucket(stack, "Weights");
        var import = new BedrockModelImport(stack, "Imported", new BedrockModelImportProps { ModelBucket = bucket, ModelPrefix = "models/gpt-oss-20b/", ModelName = "gpt-oss-20b" });
        var onDemand = new BedrockOnDemandModel(stack, "GptOss", new BedrockOnDemandModelProps { Model = BedrockFoundationModel.GptOss20b, ResponsesApi = true });
        var directory = Directory(stack, [ModelDirectoryEntry.ForImportedModel(import, "imported"), ModelDirectoryEntry.ForOnDemandModel(onDemand, allowBearerKeys: false)]);

        var template = TestStacks.Json(stack);
        var value = Parameter(template)["Value"]!;
        // The independent count: literal parts of the template's Fn::Join as written, each reference at its bound.
        var parts = value["Fn::Join"]![1]!.AsArray();
        var expected = parts.Sum(p => p switch
        {
            JsonValue literal => Encoding.UTF8.GetByteCount((string)literal!),
            JsonObject o when (string?)o["Ref"] is "AWS::Region" or "AWS::URLSuffix" or "AWS::Partition" => 16,
            _ => 128,
        });
        Assert.Equal(expected, directory.EstimatedBytes);
        Assert.Contains(parts, p => p is JsonObject o && (string?)o["Ref"] == "AWS::Region");
        Assert.Contains(parts, p => p is JsonObject o && o["Fn::GetAtt"] is not null);

        var parsed = Client.ModelDirectory.Parse(new ArnRenderer(template).Render(value), "template");
        Assert.Equal("https://bedrock-mantle.us-east-1.api.aws/v1", parsed.Get("gpt-oss-20b").ResponsesBaseUrl!.ToString());
        Assert.Equal(Client.ModelAuth.SigV4, parsed.Get("gpt-oss-20b").Auth);
    }

    [Fact]
    public void Ctor_DocumentOverTheStandardTier_ThrowsWithTheSizeAndTheRemedy()
    {
        var e = Assert.Throws<PropsValidationException>(() => Directory(TestStacks.New(), Entries(30, note: new string('n', 100))));

        Assert.Matches(@"the document of 30 models may be up to \d{4,5} bytes at deploy time, more than the 4096 bytes of a standard SSM parameter; set Tier to ADVANCED", e.Message);
        Assert.Equal("Entries", Assert.Single(e.Problems).Property);
    }

    [Fact]
    public void Ctor_AdvancedTier_HoldsUpTo8KB_AndLeavesTheJsonOutputOut()
    {
        var stack = TestStacks.New();
        var directory = Directory(stack, Entries(20, note: new string('n', 100)), ParameterTier.ADVANCED);

        var template = TestStacks.Json(stack);
        Assert.InRange(directory.EstimatedBytes, ModelDirectory.MaxJsonOutputBytes + 1, ModelDirectory.AdvancedTierMaxBytes);
        Assert.Equal("Advanced", (string)Parameter(template)["Tier"]!);
        Assert.False(directory.HasJsonOutput);
        var outputs = template["Outputs"]!.AsObject();
        Assert.False(outputs.ContainsKey(ModelDirectory.OutputName));
        Assert.True(outputs.ContainsKey(ModelDirectory.ParameterNameOutputName));
        Assert.Single(Amazon.CDK.Assertions.Annotations.FromStack(stack).FindInfo("*", Amazon.CDK.Assertions.Match.StringLikeRegexp(".*it is not output as ModelDirectory.*")));
    }

    [Fact]
    public void Ctor_DocumentOverTheAdvancedTier_Throws()
    {
        var e = Assert.Throws<PropsValidationException>(() => Directory(TestStacks.New(), Entries(60, note: new string('n', 100)), ParameterTier.ADVANCED));

        Assert.Contains("more than the 8192 bytes of an advanced SSM parameter; 8 KB is the most an SSM parameter holds", e.Message);
    }

    [Fact]
    public void Ctor_JsonOutputOff_LeavesOnlyTheParameterName()
    {
        var stack = TestStacks.New();
        _ = new ModelDirectory(stack, "Directory", new ModelDirectoryProps { Environment = "dev", NamePrefix = "llm-dev", Entries = Entries(1), JsonOutput = false });

        var outputs = TestStacks.Json(stack)["Outputs"]!.AsObject();
        Assert.Equal([ModelDirectory.ParameterNameOutputName], outputs.Select(o => o.Key));
    }

    [Fact]
    public void Ctor_BadEntries_ThrowsNamingEveryProblemByItsPath()
    {
        var entries = new[]
        {
            Entries(1)[0],
            new ModelDirectoryEntry { Name = "model-00", Kind = ModelDirectoryKind.SageMakerEndpoint, Region = "virginia", ModelId = "m", ChatCompletionsBaseUrl = "https://x/openai/v1", Auth = ModelDirectoryAuth.SigV4, MayBeCold = false },
            new ModelDirectoryEntry { Name = "b", Kind = ModelDirectoryKind.BedrockImported, Region = "us-east-1", ModelId = "arn", Auth = ModelDirectoryAuth.SigV4, MayBeCold = true, ResponsesBaseUrl = "ftp://x" },
        };

        var e = Assert.Throws<PropsValidationException>(() => Directory(TestStacks.New(), entries));

        Assert.Contains("Entries[1].Name 'model-00' is also the name of Entries[0]; names must be unique", e.Message);
        Assert.Contains("Entries[1].Region 'virginia' is not an AWS region name", e.Message);
        Assert.Contains("Entries[1].Auth sigv4 does not suit kind sagemaker-endpoint (allowed: sagemaker-bearer-token)", e.Message);
        Assert.Contains("Entries[2].RuntimeEndpoint is required for this kind", e.Message);
        Assert.Contains("Entries[2].ResponsesBaseUrl 'ftp://x' is not an http(s) URL", e.Message);
        Assert.Contains("Entries[2].ResponsesBaseUrl is set, but only bedrock-on-demand models offer the Responses API", e.Message);
        Assert.Equal(6, e.Problems.Count);
    }

    [Fact]
    public void Ctor_NoParameterName_OrAnInvalidOne_Throws()
    {
        var none = Assert.Throws<PropsValidationException>(() => new ModelDirectory(TestStacks.New(), "Directory", new ModelDirectoryProps { Environment = "dev" }));
        var invalid = Assert.Throws<PropsValidationException>(() => new ModelDirectory(TestStacks.New(), "Directory", new ModelDirectoryProps { Environment = "dev", ParameterName = "/aws/model directory" }));

        Assert.Contains("set NamePrefix or ParameterName", none.Message);
        Assert.Contains("ParameterName gives the parameter name '/aws/model directory', which SSM does not accept", invalid.Message);
    }

    [Fact]
    public void ForServedModel_ModelMadeElsewhere_NeedsItsServedModelName()
    {
        var stack = TestStacks.New();
        var elsewhere = VllmEndpoint.FromEndpointName(stack, "Elsewhere", "team-x-llama");

        var e = Assert.Throws<ArgumentException>(() => ModelDirectoryEntry.ForServedModel(elsewhere));

        Assert.Contains("served model name of endpoint team-x-llama is unknown", e.Message);
    }

    private static ModelDirectory Directory(Stack stack, IReadOnlyList<ModelDirectoryEntry> entries, ParameterTier? tier = null)
        => new(stack, "Directory", new ModelDirectoryProps { Environment = "dev", NamePrefix = "llm-dev", Entries = entries, Tier = tier });

    private static ModelDirectoryEntry[] Entries(int count, string? note = null)
        => Enumerable.Range(0, count).Select(i => new ModelDirectoryEntry
        {
            Name = $"model-{i:D2}",
            Kind = ModelDirectoryKind.BedrockOnDemand,
            Region = "us-east-1",
            ModelId = "openai.gpt-oss-120b-1:0",
            ChatCompletionsBaseUrl = "https://bedrock-runtime.us-east-1.amazonaws.com/openai/v1",
            Auth = ModelDirectoryAuth.BedrockApiKey,
            MayBeCold = false,
            Note = note,
        }).ToArray();

    private static JsonObject Parameter(JsonObject template) => Assert.Single(TestStacks.Resources(template, "AWS::SSM::Parameter")).Properties;
}
