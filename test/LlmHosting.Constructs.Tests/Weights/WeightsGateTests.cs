using System.Text.Json.Nodes;
using Amazon.CDK;
using Amazon.CDK.AWS.S3;
using LlmHosting.Constructs.Bedrock;
using LlmHosting.Constructs.Sagemaker;
using LlmHosting.Constructs.Sagemaker.Components;
using LlmHosting.Constructs.Storage;
using LlmHosting.Constructs.Weights;

namespace LlmHosting.Constructs.Tests.Weights;

/// <summary>
/// Every reader of a bucket folder (a SageMaker model of an endpoint or component, a Bedrock import) waits for the
/// gate of its prefix, which checks the folder with the strictest rules any reader needs.
/// </summary>
public sealed class WeightsGateTests
{
    [Fact]
    public void Endpoint_BucketSource_ModelReferencesTheGateOfItsPrefix()
    {
        var (stack, bucket) = Serving();
        _ = Endpoint(stack, "Endpoint", ModelSource.FromBucket(bucket, "models/qwen3-4b/"));
        var template = TestStacks.Json(stack);

        var (gateId, gate) = Assert.Single(TestStacks.Resources(template, WeightsGate.ResourceType));
        Assert.Equal("s3://weights/models/qwen3-4b/", (string)gate["S3Uri"]!);
        Assert.Equal("SageMaker", (string)gate["Rules"]!);
        var model = Assert.Single(TestStacks.Resources(template, "AWS::SageMaker::Model")).Properties;
        var fingerprint = model["PrimaryContainer"]!["Environment"]![WeightsGate.FingerprintVariable]!;
        Assert.Equal(gateId, (string)fingerprint["Fn::GetAtt"]![0]!);
        Assert.Equal("Fingerprint", (string)fingerprint["Fn::GetAtt"]![1]!);
    }

    [Fact]
    public void SamePrefix_ReadByAComponentAndAnImport_OneGateWithBedrocksRules()
    {
        var (stack, bucket) = Serving();
        var shared = new InferenceComponentEndpoint(stack, "Shared", new InferenceComponentEndpointProps { InstanceType = GpuInstanceType.G6E_12XLARGE });
        shared.AddComponent("GptOss", new InferenceComponentOptions
        {
            Model = KnownModel.GptOss20b,
            Source = ModelSource.FromBucket(bucket, "models/gpt-oss-20b/"),
            DefaultAlarms = false,
        });
        var import = new BedrockModelImport(stack, "Import", new BedrockModelImportProps { ModelBucket = bucket, ModelPrefix = "models/gpt-oss-20b", ModelName = "gpt-oss-20b" });
        _ = Endpoint(stack, "Other", ModelSource.FromBucket(bucket, "models/qwen3-4b/"));
        var template = TestStacks.Json(stack);

        var gates = TestStacks.Resources(template, WeightsGate.ResourceType).ToDictionary(g => (string)g.Properties["S3Uri"]!, g => g);
        Assert.Equal(["s3://weights/models/gpt-oss-20b/", "s3://weights/models/qwen3-4b/"], gates.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("Bedrock", (string)gates["s3://weights/models/gpt-oss-20b/"].Properties["Rules"]!);
        Assert.Equal("SageMaker", (string)gates["s3://weights/models/qwen3-4b/"].Properties["Rules"]!);
        var importResource = Assert.Single(TestStacks.Resources(template, BedrockModelImport.ResourceType)).Properties;
        Assert.Equal(gates["s3://weights/models/gpt-oss-20b/"].Id, (string)importResource["WeightsFingerprint"]!["Fn::GetAtt"]![0]!);
        Assert.Same(import.Gate, WeightsGate.For(stack, bucket, "models/gpt-oss-20b/"));

        // One handler for every gate of the stack, allowed to read exactly the gated prefixes.
        var gateHandlers = TestStacks.Resources(template, "AWS::Lambda::Function")
            .Where(f => ((string?)f.Properties["Handler"])?.Contains("WeightsGate", StringComparison.Ordinal) == true)
            .ToList();
        Assert.Single(gateHandlers);
        var reads = TestStacks.PolicyStatements(template)
            .Where(s => TestStacks.Actions(s).Contains("s3:GetObject") && s.ToJsonString().Contains("weights/models/", StringComparison.Ordinal))
            .Select(s => Tests.Bedrock.Cfn.Render(s["Resource"]!))
            .ToList();
        Assert.Contains("arn:aws:s3:::weights/models/gpt-oss-20b/*", reads);
        Assert.Contains("arn:aws:s3:::weights/models/qwen3-4b/*", reads);
    }

    [Fact]
    public void HuggingFaceSource_HasNoGate()
    {
        var (stack, _) = Serving();
        _ = Endpoint(stack, "Endpoint", ModelSource.FromHuggingFace("Qwen/Qwen3-4B"));
        var template = TestStacks.Json(stack);

        Assert.Empty(TestStacks.Resources(template, WeightsGate.ResourceType));
        var environment = Assert.Single(TestStacks.Resources(template, "AWS::SageMaker::Model")).Properties["PrimaryContainer"]!["Environment"]!.AsObject();
        Assert.False(environment.ContainsKey(WeightsGate.FingerprintVariable));
    }

    [Fact]
    public void CheckTurnedOff_HasNoGate()
    {
        var (stack, bucket) = Serving();
        _ = Endpoint(stack, "Endpoint", ModelSource.FromBucket(bucket, "models/qwen3-4b/", new WeightsCheckOptions { Enabled = false }));

        Assert.Empty(TestStacks.Resources(TestStacks.Json(stack), WeightsGate.ResourceType));
    }

    [Fact]
    public void ExpectedFiles_AreSortedIntoTheGate_AndReadersMustAgree()
    {
        var (stack, bucket) = Serving();
        var files = new[] { new ExpectedWeightsFile("model.safetensors", 16_000_000_000, "abc-2"), new ExpectedWeightsFile("config.json", 1024, "def") };
        _ = Endpoint(stack, "Endpoint", ModelSource.FromBucket(bucket, "models/qwen3-4b/", new WeightsCheckOptions { ExpectedFiles = files }));

        var gate = Assert.Single(TestStacks.Resources(TestStacks.Json(stack), WeightsGate.ResourceType)).Properties;
        Assert.Equal(
            """[{"Key":"config.json","Size":"1024","ETag":"def"},{"Key":"model.safetensors","Size":"16000000000","ETag":"abc-2"}]""",
            gate["ExpectedFiles"]!.ToJsonString());

        var error = Assert.ThrowsAny<ArgumentException>(() => Endpoint(stack, "Other", ModelSource.FromBucket(bucket, "models/qwen3-4b/", new WeightsCheckOptions { ExpectedFiles = [files[0]] })));
        Assert.Contains("Two readers of models/qwen3-4b/ expect different objects", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ExpectedFiles_Invalid_AreNamed()
    {
        var (stack, bucket) = Serving();
        var gate = WeightsGate.For(stack, bucket, "models/x/");

        var error = Assert.ThrowsAny<ArgumentException>(() => gate.ExpectFiles([new ExpectedWeightsFile("", 1, "e"), new ExpectedWeightsFile("a", -1, ""), new ExpectedWeightsFile("b", 1, "e"), new ExpectedWeightsFile("b", 1, "e")]));

        Assert.Equal("Invalid expected files for models/x/: '' (size 1, ETag 'e'); 'a' (size -1, ETag ''); 'b' is listed 2 times.", error.Message);
    }

    [Fact]
    public void BucketInTheSameStack_WarnsThatTheFirstDeploymentFailsAtTheCheck()
    {
        var stack = TestStacks.New();
        var bucket = new ModelBucket(stack, "Weights");
        _ = Endpoint(stack, "Endpoint", ModelSource.FromBucket(bucket, "models/qwen3-4b/"));

        var warnings = Amazon.CDK.Assertions.Annotations.FromStack(stack).FindWarning("*", Amazon.CDK.Assertions.Match.StringLikeRegexp("same stack as the models"));
        Assert.Single(warnings);
    }

    [Fact]
    public void Guard_OwnResource_DependsOnTheGate()
    {
        var (stack, bucket) = Serving();
        var gate = WeightsGate.For(stack, bucket, "models/x/");
        var own = new CfnResource(stack, "Mine", new CfnResourceProps { Type = "AWS::SQS::Queue" });
        gate.Guard(own);

        var template = TestStacks.Json(stack);
        var gateId = Assert.Single(TestStacks.Resources(template, WeightsGate.ResourceType)).Id;
        Assert.Contains(gateId, template["Resources"]!["Mine"]!["DependsOn"]!.AsArray().Select(d => (string)d!));
    }

    private static (Stack Stack, IModelBucket Bucket) Serving()
    {
        var stack = TestStacks.New();
        return (stack, ModelBucket.FromBucket(stack, "Weights", Bucket.FromBucketName(stack, "WeightsBucket", "weights")));
    }

    private static VllmEndpoint Endpoint(Stack stack, string id, ModelSource source) => new(stack, id, new VllmEndpointProps
    {
        Model = KnownModel.Qwen3_4B,
        Source = source,
        InstanceType = GpuInstanceType.G6E_XLARGE,
        DefaultAlarms = false,
    });
}
