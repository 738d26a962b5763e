using Amazon.CDK;
using Amazon.CDK.AWS.S3;
using LlmHosting.Constructs.Sagemaker;
using LlmHosting.Constructs.Storage;
using LlmHosting.Constructs.Validation;
using LlmHosting.Constructs.Weights;

namespace LlmHosting.Constructs.Tests.Sagemaker;

/// <summary>A model's start contract in its container and its weights gate, and a source that cannot satisfy it.</summary>
public sealed class StartContractTests
{
    private const string Vocabulary = "tiktoken/o200k_base.tiktoken";

    [Fact]
    public void Catalog_EachModel_HasTheContractOfItsModelType()
    {
        Assert.Same(StartContract.GptOss, KnownModel.GptOss20b.StartContract);
        Assert.Same(StartContract.GptOss, KnownModel.GptOss120b.StartContract);
        Assert.Same(StartContract.HuggingFaceFolder, KnownModel.Qwen3_4B.StartContract);
        // The CLI's --model takes the same names: every catalog model is named by exactly one contract.
        Assert.All(KnownModel.All, m => Assert.Same(m.StartContract, StartContract.ForModelName(m.Name)));
        Assert.Same(StartContract.GptOss, KnownModel.Of("gpt-oss-20b", 20).StartContract);
        Assert.Same(StartContract.GptOss, KnownModel.Of("my-oss", 20, modelType: "gpt_oss").StartContract);
        Assert.Same(StartContract.HuggingFaceFolder, KnownModel.Of("my-model", 20).StartContract);
    }

    [Fact]
    public void GptOss_ReachesItsVocabularyAddressUnlessTheVariableNamesTheFolder()
    {
        var file = Assert.Single(StartContract.GptOss.Files);
        Assert.Equal(Vocabulary, file.Key);
        Assert.Equal("/opt/ml/model/tiktoken", StartContract.GptOss.Environment["TIKTOKEN_ENCODINGS_BASE"]);
        Assert.Contains(StartContract.GptOss.Addresses, a => a.Address == file.PublishedUrl && a.AvoidedBy.StartsWith("TIKTOKEN_ENCODINGS_BASE", StringComparison.Ordinal));
        Assert.All(StartContract.GptOss.Addresses.Concat(StartContract.HuggingFaceFolder.Addresses), a => Assert.Matches(@"\(.*(/|\.py|\.rs|docs).*\)", a.AvoidedBy + a.What));
    }

    [Fact]
    public void BucketSource_Isolated_GetsTheContractsVariablesAndItsGateRequiresTheVocabulary()
    {
        var (stack, bucket) = Serving();
        _ = Endpoint(stack, KnownModel.GptOss20b, ModelSource.FromBucket(bucket, "models/gpt-oss-20b/"));

        var template = TestStacks.Json(stack);
        var environment = Assert.Single(TestStacks.Resources(template, "AWS::SageMaker::Model")).Properties["PrimaryContainer"]!["Environment"]!;
        Assert.Equal("/opt/ml/model/tiktoken", (string?)environment["TIKTOKEN_ENCODINGS_BASE"]);
        Assert.Equal("1", (string?)environment["HF_HUB_OFFLINE"]);
        Assert.Equal("1", (string?)environment["VLLM_NO_USAGE_STATS"]);
        var gate = Assert.Single(TestStacks.Resources(template, WeightsGate.ResourceType)).Properties;
        Assert.Equal($$"""[{"Key":"{{Vocabulary}}","Sha256":"{{StartContract.GptOss.Files[0].Sha256}}"}]""", gate["StartFiles"]!.ToJsonString());
    }

    [Fact]
    public void HuggingFaceSource_WithNetwork_IsUnaffected()
    {
        var stack = TestStacks.New();
        _ = Endpoint(stack, KnownModel.GptOss20b, ModelSource.FromHuggingFace("openai/gpt-oss-20b", revision: new string('a', 40)));

        var environment = Assert.Single(TestStacks.Resources(TestStacks.Json(stack), "AWS::SageMaker::Model")).Properties["PrimaryContainer"]!["Environment"]!.AsObject();
        Assert.DoesNotContain(environment, v => v.Key is "TIKTOKEN_ENCODINGS_BASE" or "HF_HUB_OFFLINE" or "VLLM_NO_USAGE_STATS");
    }

    [Fact]
    public void Isolated_ManifestWithoutTheVocabulary_FailsSynthesisNamingItAndTheFix()
    {
        var (stack, bucket) = Serving();
        var manifest = new WeightsCheckOptions { ExpectedFiles = [new ExpectedWeightsFile("config.json", 100, "e1"), new ExpectedWeightsFile("model.safetensors", 1000, "e2")] };

        var e = Assert.Throws<PropsValidationException>(() => Endpoint(stack, KnownModel.GptOss20b, ModelSource.FromBucket(bucket, "models/gpt-oss-20b/", manifest)));

        var problem = Assert.Single(e.Problems);
        Assert.Equal("Source", problem.Property);
        Assert.Contains($"lack {Vocabulary}, which the container of model gpt-oss-20b reads at start (gpt-oss start contract)", problem.Render(), StringComparison.Ordinal);
        Assert.Contains("llmhost prepare-model <folder> --fix", problem.Render(), StringComparison.Ordinal);
    }

    [Fact]
    public void Isolated_ManifestWithTheVocabulary_Synthesizes()
    {
        var (stack, bucket) = Serving();
        var manifest = new WeightsCheckOptions { ExpectedFiles = [new ExpectedWeightsFile("config.json", 100, "e1"), new ExpectedWeightsFile(Vocabulary, 3613922, "e3")] };

        _ = Endpoint(stack, KnownModel.GptOss20b, ModelSource.FromBucket(bucket, "models/gpt-oss-20b/", manifest));
    }

    [Fact]
    public void Isolated_AVariableOfTheContractSetByHand_IsRefused()
    {
        var (stack, bucket) = Serving();

        var e = Assert.Throws<PropsValidationException>(() => new VllmEndpoint(stack, "Oss", new VllmEndpointProps
        {
            Model = KnownModel.GptOss20b,
            Source = ModelSource.FromBucket(bucket, "models/gpt-oss-20b/"),
            InstanceType = GpuInstanceType.G6E_XLARGE,
            DefaultAlarms = false,
            Vllm = new VllmSettings { Environment = new Dictionary<string, string> { ["TIKTOKEN_ENCODINGS_BASE"] = "/tmp/encodings" } },
        }));

        Assert.Contains("'TIKTOKEN_ENCODINGS_BASE' is set by the start contract of model gpt-oss-20b (gpt-oss)", Assert.Single(e.Problems).Render(), StringComparison.Ordinal);
    }

    private static (Stack Stack, IModelBucket Bucket) Serving()
    {
        var stack = TestStacks.New();
        return (stack, ModelBucket.FromBucket(stack, "Weights", Bucket.FromBucketName(stack, "WeightsBucket", "weights")));
    }

    private static VllmEndpoint Endpoint(Stack stack, KnownModel model, ModelSource source) => new(stack, "Oss", new VllmEndpointProps
    {
        Model = model,
        Source = source,
        InstanceType = GpuInstanceType.G6E_XLARGE,
        DefaultAlarms = false,
    });
}
