using Amazon.CDK.AWS.IAM;
using LlmHosting.Constructs.Sagemaker;
using LlmHosting.Constructs.Storage;

namespace LlmHosting.Constructs.Tests.Sagemaker;

public sealed class VllmModelDefinitionTests
{
    private static readonly Amazon.CDK.Stack Stack = TestStacks.New();
    private static readonly ModelBucket Bucket = new(Stack, "Weights");

    private static VllmModelDefinition Definition(
        KnownModel? model = null,
        GpuInstanceType? instance = null,
        VllmSettings? settings = null,
        int? gpus = null,
        ModelSource? source = null,
        bool? isolation = null)
    {
        instance ??= GpuInstanceType.G6E_XLARGE;
        var options = new ServingOptions
        {
            Model = model ?? KnownModel.GptOss20b,
            Source = source ?? ModelSource.FromBucket(Bucket, "models/gpt-oss-20b"),
            Vllm = settings,
            EnableNetworkIsolation = isolation,
        };
        return new VllmModelDefinition(options, instance, gpus ?? instance.GpuCount);
    }

    private sealed class ServingOptions : VllmServingOptions;

    private static List<string> Problems(VllmModelDefinition definition, string prefix = "")
        => definition.Problems(Stack, prefix).Select(p => p.Render()).ToList();

    [Fact]
    public void Environment_GptOss20bFromBucket_SetsModelPathAndRecommendedParsers()
    {
        var environment = Definition().Environment();
        Assert.Equal(
            new Dictionary<string, string>
            {
                // gpt-oss's start contract, for a container without network access.
                ["HF_HUB_OFFLINE"] = "1",
                ["SM_VLLM_ENABLE_AUTO_TOOL_CHOICE"] = "",
                ["SM_VLLM_GPU_MEMORY_UTILIZATION"] = "0.9",
                ["SM_VLLM_MODEL"] = "/opt/ml/model",
                ["SM_VLLM_REASONING_PARSER"] = "openai_gptoss",
                ["SM_VLLM_SERVED_MODEL_NAME"] = "gpt-oss-20b",
                ["SM_VLLM_TENSOR_PARALLEL_SIZE"] = "1",
                ["SM_VLLM_TOOL_CALL_PARSER"] = "openai",
                ["TIKTOKEN_ENCODINGS_BASE"] = "/opt/ml/model/tiktoken",
                ["VLLM_NO_USAGE_STATS"] = "1",
            },
            environment);
    }

    [Fact]
    public void Environment_TypedSettingsAndExtraFlags_MapOntoSmVllmVariables()
    {
        var environment = Definition(KnownModel.Qwen3_4B, GpuInstanceType.G6_12XLARGE, new VllmSettings
        {
            TensorParallelSize = 2,
            MaxModelLength = 32768,
            MaxNumSeqs = 16,
            GpuMemoryUtilization = 0.85,
            ReasoningParser = "",
            ExtraFlags = new Dictionary<string, string?> { ["enable-prefix-caching"] = null, ["kv-cache-dtype"] = "fp8" },
            Environment = new Dictionary<string, string> { ["VLLM_LOGGING_LEVEL"] = "DEBUG" },
        }).Environment();

        Assert.Equal("2", environment["SM_VLLM_TENSOR_PARALLEL_SIZE"]);
        Assert.Equal("32768", environment["SM_VLLM_MAX_MODEL_LEN"]);
        Assert.Equal("16", environment["SM_VLLM_MAX_NUM_SEQS"]);
        Assert.Equal("0.85", environment["SM_VLLM_GPU_MEMORY_UTILIZATION"]);
        Assert.Equal("hermes", environment["SM_VLLM_TOOL_CALL_PARSER"]);
        Assert.False(environment.ContainsKey("SM_VLLM_REASONING_PARSER"));
        Assert.Equal("", environment["SM_VLLM_ENABLE_PREFIX_CACHING"]);
        Assert.Equal("fp8", environment["SM_VLLM_KV_CACHE_DTYPE"]);
        Assert.Equal("DEBUG", environment["VLLM_LOGGING_LEVEL"]);
    }

    [Fact]
    public void Environment_ToolCallingOff_LeavesOutBothToolVariables()
    {
        var environment = Definition(settings: new VllmSettings { EnableToolCalling = false }).Environment();
        Assert.False(environment.ContainsKey("SM_VLLM_ENABLE_AUTO_TOOL_CHOICE"));
        Assert.False(environment.ContainsKey("SM_VLLM_TOOL_CALL_PARSER"));
    }

    [Fact]
    public void Environment_HuggingFaceSource_SetsModelIdAndNoModelPath()
    {
        var environment = Definition(source: ModelSource.FromHuggingFace("openai/gpt-oss-20b")).Environment();
        Assert.Equal("openai/gpt-oss-20b", environment["HF_MODEL_ID"]);
        Assert.False(environment.ContainsKey("SM_VLLM_MODEL"));
        Assert.False(environment.ContainsKey("HF_TOKEN"));
    }

    [Fact]
    public void Problems_Valid_IsEmpty_AndDefaultsFollowTheGpus()
    {
        var definition = Definition(KnownModel.GptOss120b, GpuInstanceType.P5_48XLARGE);
        Assert.Empty(definition.Problems(Stack));
        Assert.Equal(8, definition.TensorParallelSize);
        Assert.True(definition.EnableNetworkIsolation);
        Assert.Equal(8 * 80 * 0.9 - 65, definition.KvCacheHeadroomGiB, 6);
    }

    [Fact]
    public void Problems_WeightsDoNotFit_NameModelInstanceNeedAndAvailable()
    {
        var problem = Assert.Single(Problems(Definition(KnownModel.GptOss120b, GpuInstanceType.G6_2XLARGE)));
        Assert.Equal(
            "model gpt-oss-120b needs 65 GiB of GPU memory for its weights plus at least 1 GiB for the KV cache, but ml.g6.2xlarge offers 21.6 GiB to it "
            + "(1 GPU x 24 GiB L4 x Vllm.GpuMemoryUtilization 0.9), a headroom of -43.4 GiB; choose an InstanceType with more GPU memory",
            problem);
    }

    [Fact]
    public void Problems_LowUtilization_ShrinksTheMemoryOnOffer()
    {
        var problem = Assert.Single(Problems(Definition(settings: new VllmSettings { GpuMemoryUtilization = 0.3 })));
        Assert.Contains("ml.g6e.xlarge offers 14.4 GiB to it (1 GPU x 48 GiB L40S x Vllm.GpuMemoryUtilization 0.3), a headroom of -1.6 GiB", problem);
    }

    [Fact]
    public void Problems_TensorParallelAboveGpuCount_NamesIt()
        => Assert.Contains(
            "Vllm.TensorParallelSize 8 exceeds the 1 GPU of ml.g6e.xlarge",
            Problems(Definition(settings: new VllmSettings { TensorParallelSize = 8 })));

    [Fact]
    public void Problems_TensorParallelNotADivisor_ListsTheDivisors()
        => Assert.Contains(
            "Vllm.TensorParallelSize 3 does not divide the 4 GPUs of ml.g6e.12xlarge; use 1, 2 or 4",
            Problems(Definition(instance: GpuInstanceType.G6E_12XLARGE, settings: new VllmSettings { TensorParallelSize = 3 })));

    [Fact]
    public void Problems_ComponentGpus_AreDescribedAsAllotted()
    {
        var definition = Definition(instance: GpuInstanceType.G6E_12XLARGE, gpus: 2, settings: new VllmSettings { TensorParallelSize = 4 });
        Assert.Contains("Vllm.TensorParallelSize 4 exceeds the 2 GPUs allotted on ml.g6e.12xlarge", Problems(definition));
        Assert.Contains(
            "Models[1].Gpus 5 must be between 1 and the 4 GPUs of ml.g6e.12xlarge",
            Problems(Definition(instance: GpuInstanceType.G6E_12XLARGE, gpus: 5), "Models[1]."));
    }

    [Fact]
    public void Problems_HuggingFaceWithNetworkIsolation_NamesIt()
    {
        var definition = Definition(source: ModelSource.FromHuggingFace("openai/gpt-oss-20b"), isolation: true);
        var problem = Assert.Single(Problems(definition));
        Assert.StartsWith("EnableNetworkIsolation is true but the weights come from Hugging Face model openai/gpt-oss-20b, which needs internet access", problem);
        Assert.False(Definition(source: ModelSource.FromHuggingFace("openai/gpt-oss-20b")).EnableNetworkIsolation);
    }

    [Fact]
    public void Problems_SettingsOutOfRange_AreAllReported()
    {
        var problems = Problems(Definition(KnownModel.Of("my-model", 4), settings: new VllmSettings
        {
            TensorParallelSize = 0,
            GpuMemoryUtilization = 1.5,
            MaxModelLength = 0,
            MaxNumSeqs = -1,
            EnableToolCalling = true,
            ExtraFlags = new Dictionary<string, string?> { ["--Bad Flag"] = "", ["tensor-parallel-size"] = "2" },
            Environment = new Dictionary<string, string> { ["1X"] = "", ["HF_TOKEN"] = "x" },
        }));

        Assert.Contains("Vllm.TensorParallelSize 0 must be at least 1", problems);
        Assert.Contains("Vllm.GpuMemoryUtilization 1.5 must be above 0 and at most 1", problems);
        Assert.Contains("Vllm.MaxModelLength 0 must be at least 1 token", problems);
        Assert.Contains("Vllm.MaxNumSeqs -1 must be at least 1", problems);
        Assert.Contains("Vllm.EnableToolCalling is true but no tool-call parser is known for model my-model; set Vllm.ToolCallParser", problems);
        Assert.Contains(problems, p => p.StartsWith("Vllm.ExtraFlags '--Bad Flag' is not a vLLM flag name", StringComparison.Ordinal));
        Assert.Contains("Vllm.ExtraFlags 'tensor-parallel-size' is set by a typed setting or the model source; use that instead", problems);
        Assert.Contains(problems, p => p.StartsWith("Vllm.Environment '1X' is not an environment variable name", StringComparison.Ordinal));
        Assert.Contains("Vllm.Environment 'HF_TOKEN' is set by a typed setting, an extra flag or the model source; use that instead", problems);
    }

    [Fact]
    public void CreateModelAndGrantExecution_WriteTheModelAndALeastPrivilegeRole()
    {
        var stack = TestStacks.New();
        var bucket = new ModelBucket(stack, "Weights");
        var role = new Role(stack, "Role", new RoleProps { AssumedBy = new ServicePrincipal("sagemaker.amazonaws.com") });
        var definition = new VllmModelDefinition(new ServingOptions { Model = KnownModel.GptOss20b, Source = ModelSource.FromBucket(bucket, "models/gpt-oss-20b/") }, GpuInstanceType.G6E_XLARGE, 1);
        definition.GrantExecution(stack, role, ["/aws/sagemaker/Endpoints/my-endpoint"], declared: true);
        definition.CreateModel(stack, "Model", role);
        var template = TestStacks.Json(stack);

        var (_, model) = Assert.Single(TestStacks.Resources(template, "AWS::SageMaker::Model"));
        Assert.True((bool)model["EnableNetworkIsolation"]!);
        var container = model["PrimaryContainer"]!;
        Assert.Equal("763104351884.dkr.ecr.us-east-1.amazonaws.com/vllm:" + VllmImage.DefaultDlcTag, (string)container["Image"]!);
        Assert.Equal("/opt/ml/model", (string)container["Environment"]!["SM_VLLM_MODEL"]!);
        var s3 = container["ModelDataSource"]!["S3DataSource"]!;
        Assert.Equal("S3Prefix", (string)s3["S3DataType"]!);
        Assert.Equal("None", (string)s3["CompressionType"]!);
        Assert.Contains("/models/gpt-oss-20b/", s3["S3Uri"]!.ToJsonString());

        var logs = Assert.Single(TestStacks.PolicyStatements(template), s => (string?)s["Sid"] == "WriteContainerLogs");
        // The group is declared by the stack: writing to it, never creating a group.
        Assert.Equal(["logs:CreateLogStream", "logs:DescribeLogStreams", "logs:PutLogEvents"], TestStacks.Actions(logs));
        Assert.Equal(
            ["arn:aws:logs:us-east-1:123456789012:log-group:/aws/sagemaker/Endpoints/my-endpoint", "arn:aws:logs:us-east-1:123456789012:log-group:/aws/sagemaker/Endpoints/my-endpoint:log-stream:*"],
            logs["Resource"]!.AsArray().Select(r => (string)r!));
    }
}
