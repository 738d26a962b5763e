using Amazon.CDK;
using LlmHosting.Constructs.Sagemaker;
using LlmHosting.Constructs.Storage;

namespace LlmHosting.Constructs.Tests.Sagemaker;

public sealed class VllmEndpointValidationTests
{
    private static string Error(
        KnownModel? model = null,
        GpuInstanceType? instance = null,
        string? name = "test-endpoint",
        VllmSettings? vllm = null,
        int? min = null,
        int? max = null,
        Duration? startup = null,
        Duration? download = null,
        int? volume = null,
        bool? isolation = null,
        bool huggingFace = false)
    {
        var stack = TestStacks.New();
        var bucket = new ModelBucket(stack, "Weights");
        var error = Assert.ThrowsAny<ArgumentException>(() => new VllmEndpoint(stack, "Endpoint", new VllmEndpointProps
        {
            EndpointName = name,
            Model = model ?? KnownModel.GptOss20b,
            Source = huggingFace ? ModelSource.FromHuggingFace("openai/gpt-oss-20b") : ModelSource.FromBucket(bucket, "models/m/"),
            InstanceType = instance ?? GpuInstanceType.G6E_XLARGE,
            Vllm = vllm,
            MinInstanceCount = min,
            MaxInstanceCount = max,
            ContainerStartupHealthCheckTimeout = startup,
            ModelDataDownloadTimeout = download,
            VolumeSizeInGb = volume,
            EnableNetworkIsolation = isolation,
        }));
        Assert.StartsWith("Invalid VllmEndpointProps: ", error.Message);
        Assert.EndsWith(".", error.Message);
        return error.Message;
    }

    [Fact]
    public void Ctor_GptOss120bOnG6_2xlarge_NamesModelInstanceNeedAndAvailable()
    {
        var message = Error(KnownModel.GptOss120b, GpuInstanceType.G6_2XLARGE);
        Assert.Equal(
            "Invalid VllmEndpointProps: model gpt-oss-120b needs 65 GiB of GPU memory for its weights plus at least 1 GiB for the KV cache, "
            + "but ml.g6.2xlarge offers 21.6 GiB to it (1 GPU x 24 GiB L4 x Vllm.GpuMemoryUtilization 0.9), a headroom of -43.4 GiB; "
            + "choose an InstanceType with more GPU memory.",
            message);
    }

    [Fact]
    public void Ctor_TensorParallelAboveGpuCount_Throws()
        => Assert.Contains("Vllm.TensorParallelSize 2 exceeds the 1 GPU of ml.g6e.xlarge", Error(vllm: new VllmSettings { TensorParallelSize = 2 }));

    [Fact]
    public void Ctor_TensorParallelNotADivisor_Throws()
        => Assert.Contains(
            "Vllm.TensorParallelSize 3 does not divide the 8 GPUs of ml.p5.48xlarge; use 1, 2, 4 or 8",
            Error(KnownModel.GptOss120b, GpuInstanceType.P5_48XLARGE, vllm: new VllmSettings { TensorParallelSize = 3 }));

    [Theory]
    [InlineData("-starts-with-hyphen")]
    [InlineData("has_underscore")]
    [InlineData("a-name-that-is-far-too-long-for-sagemaker-because-it-has-64-chars")]
    public void Ctor_InvalidEndpointName_Throws(string name)
        => Assert.Contains($"EndpointName '{name}' must be 1-63 letters, digits or hyphens, starting and ending with a letter or digit", Error(name: name));

    [Fact]
    public void Ctor_EndpointNameOf63Characters_IsAccepted()
    {
        var stack = TestStacks.New();
        var name = new string('a', 63);
        var endpoint = new VllmEndpoint(stack, "Endpoint", new VllmEndpointProps
        {
            EndpointName = name,
            Model = KnownModel.GptOss20b,
            Source = ModelSource.FromBucket(new ModelBucket(stack, "Weights"), "models/m/"),
            InstanceType = GpuInstanceType.G6E_XLARGE,
        });
        Assert.Equal(name, endpoint.EndpointName);
    }

    [Fact]
    public void Ctor_TimeoutsOutsideTheRange_Throw()
    {
        var message = Error(startup: Duration.Seconds(59), download: Duration.Hours(2));
        Assert.Contains("ContainerStartupHealthCheckTimeout is 59 seconds; SageMaker accepts whole seconds from 60 to 3600", message);
        Assert.Contains("ModelDataDownloadTimeout is 2 hours; SageMaker accepts whole seconds from 60 to 3600", message);
    }

    [Fact]
    public void Ctor_VolumeSizeOnLocalNvmeInstance_Throws()
        => Assert.Contains(
            "VolumeSizeInGb is set but ml.g5.2xlarge keeps the model on local NVMe storage, where SageMaker does not accept a volume size; leave it unset",
            Error(instance: GpuInstanceType.G5_2XLARGE, volume: 100));

    [Fact]
    public void Ctor_VolumeSizeOutOfRange_Throws()
        => Assert.Contains("VolumeSizeInGb 600 must be between 1 and 512", Error(volume: 600));

    [Fact]
    public void Ctor_HuggingFaceWithNetworkIsolation_Throws()
        => Assert.Contains(
            "EnableNetworkIsolation is true but the weights come from Hugging Face model openai/gpt-oss-20b, which needs internet access",
            Error(huggingFace: true, isolation: true));

    [Fact]
    public void Ctor_InstanceCounts_AreChecked()
    {
        Assert.Contains("MinInstanceCount 0 must be at least 1", Error(min: 0));
        Assert.Contains("MaxInstanceCount 1 is below MinInstanceCount 2", Error(min: 2, max: 1));
    }

    [Fact]
    public void Ctor_SeveralMistakes_ReportsThemAllInOneError()
    {
        var message = Error(
            KnownModel.GptOss120b,
            GpuInstanceType.G5_XLARGE,
            name: "bad_name",
            vllm: new VllmSettings { TensorParallelSize = 4, GpuMemoryUtilization = 2 },
            startup: Duration.Seconds(10),
            volume: 50);
        Assert.Contains("EndpointName 'bad_name'", message);
        Assert.Contains("ContainerStartupHealthCheckTimeout is 10 seconds", message);
        Assert.Contains("VolumeSizeInGb is set but ml.g5.xlarge", message);
        Assert.Contains("Vllm.TensorParallelSize 4 exceeds the 1 GPU of ml.g5.xlarge", message);
        Assert.Contains("Vllm.GpuMemoryUtilization 2 must be above 0 and at most 1", message);
        Assert.DoesNotContain('\n', message);
    }

    [Fact]
    public void Ctor_HuggingFaceSource_TurnsIsolationOffAndReadsNoBucket()
    {
        var stack = TestStacks.New();
        _ = new VllmEndpoint(stack, "Endpoint", new VllmEndpointProps
        {
            EndpointName = "hf",
            Model = KnownModel.Qwen3_4B,
            Source = ModelSource.FromHuggingFace("Qwen/Qwen3-4B", new Amazon.CDK.AWS.SecretsManager.Secret(stack, "HfToken")),
            InstanceType = GpuInstanceType.G6_XLARGE,
            DefaultAlarms = false,
        });
        var template = TestStacks.Json(stack);
        var model = TestStacks.Resources(template, "AWS::SageMaker::Model").Single().Properties;
        Assert.False((bool)model["EnableNetworkIsolation"]!);
        Assert.Null(model["PrimaryContainer"]!["ModelDataSource"]);
        var environment = model["PrimaryContainer"]!["Environment"]!;
        Assert.Equal("Qwen/Qwen3-4B", (string)environment["HF_MODEL_ID"]!);
        Assert.Contains("{{resolve:secretsmanager:", environment["HF_TOKEN"]!.ToJsonString());
        Assert.Equal("hermes", (string)environment["SM_VLLM_TOOL_CALL_PARSER"]!);
        Assert.Equal("qwen3", (string)environment["SM_VLLM_REASONING_PARSER"]!);
        Assert.DoesNotContain(TestStacks.PolicyStatements(template), s => TestStacks.Actions(s).Any(a => a.StartsWith("s3:", StringComparison.Ordinal)));
        Assert.Empty(TestStacks.Resources(template, "AWS::CloudWatch::Alarm"));
        Assert.Empty(TestStacks.Resources(template, "AWS::ApplicationAutoScaling::ScalableTarget"));
    }

    [Fact]
    public void Ctor_NoEndpointName_DerivesAValidOne()
    {
        var stack = TestStacks.New();
        var endpoint = new VllmEndpoint(stack, "Endpoint", new VllmEndpointProps
        {
            Model = KnownModel.GptOss20b,
            Source = ModelSource.FromBucket(new ModelBucket(stack, "Weights"), "models/m/"),
            InstanceType = GpuInstanceType.G6E_XLARGE,
        });
        Assert.Matches("^[a-zA-Z0-9]([-a-zA-Z0-9]*[a-zA-Z0-9])?$", endpoint.EndpointName);
        Assert.True(endpoint.EndpointName.Length <= 63);
    }

    [Fact]
    public void Ctor_EndpointNameToken_IsNotCheckedAndTheArnComesFromTheEndpoint()
    {
        var stack = TestStacks.New();
        var name = new CfnParameter(stack, "Name", new CfnParameterProps { Type = "String" });
        var endpoint = new VllmEndpoint(stack, "Endpoint", new VllmEndpointProps
        {
            EndpointName = name.ValueAsString,
            Model = KnownModel.GptOss20b,
            Source = ModelSource.FromBucket(new ModelBucket(stack, "Weights"), "models/m/"),
            InstanceType = GpuInstanceType.G6E_XLARGE,
        });
        _ = new CfnOutput(stack, "Arn", new CfnOutputProps { Value = endpoint.EndpointArn });
        var template = TestStacks.Json(stack);
        var endpointId = TestStacks.Resources(template, "AWS::SageMaker::Endpoint").Single().Id;
        Assert.Equal($"{{\"Ref\":\"{endpointId}\"}}", template["Outputs"]!["Arn"]!["Value"]!.ToJsonString());
        Assert.Equal("{\"Ref\":\"Name\"}", TestStacks.Resources(template, "AWS::SageMaker::Endpoint").Single().Properties["EndpointName"]!.ToJsonString());
    }
}
