using LlmHosting.Constructs.Sagemaker;
using LlmHosting.Constructs.Sagemaker.Components;
using LlmHosting.Constructs.Storage;

namespace LlmHosting.Constructs.Tests.Sagemaker.Components;

/// <summary>Packing and validation: every check runs when a component is added, before any synthesis.</summary>
public sealed class InferenceComponentPackingTests
{
    private static (InferenceComponentEndpoint Endpoint, ModelBucket Bucket) Endpoint(GpuInstanceType instance, int? maxInstances = null)
    {
        var stack = TestStacks.New();
        var bucket = new ModelBucket(stack, "Weights");
        var endpoint = new InferenceComponentEndpoint(stack, "Shared", new InferenceComponentEndpointProps
        {
            EndpointName = "llm-dev-shared",
            InstanceType = instance,
            MaxInstanceCount = maxInstances,
        });
        return (endpoint, bucket);
    }

    private static InferenceComponentOptions Qwen(ModelBucket bucket, string name, int? gpus = null) => new()
    {
        InferenceComponentName = name,
        Model = KnownModel.Qwen3_4B,
        Source = ModelSource.FromBucket(bucket, "models/qwen3-4b/"),
        Gpus = gpus,
    };

    [Fact]
    public void AddComponent_ThreeOneGpuComponentsOnAFourGpuInstance_Fit()
    {
        var (endpoint, bucket) = Endpoint(GpuInstanceType.G6E_12XLARGE);
        foreach (var name in new[] { "a", "b", "c" })
        {
            endpoint.AddComponent(name, Qwen(bucket, name));
        }

        Assert.Equal(["a", "b", "c"], endpoint.Components.Select(c => c.InferenceComponentName));
        Assert.All(endpoint.Components, c => Assert.Equal(1, c.Gpus));
    }

    [Fact]
    public void AddComponent_AFifthGpusWorth_FailsNamingTheComponentsAndTheTotals()
    {
        var (endpoint, bucket) = Endpoint(GpuInstanceType.G6E_12XLARGE);
        foreach (var name in new[] { "a", "b", "c" })
        {
            endpoint.AddComponent(name, Qwen(bucket, name));
        }

        var error = Assert.ThrowsAny<ArgumentException>(() => endpoint.AddComponent("d", Qwen(bucket, "d", gpus: 2)));
        Assert.StartsWith("Invalid inference components on llm-dev-shared (ml.g6e.12xlarge, 4 GPUs x max 1 instance): ", error.Message);
        Assert.Contains("minimum copies need 5 GPUs (a: 1 x 1, b: 1 x 1, c: 1 x 1, d: 2 x 1) but 4 are available", error.Message);
        Assert.Equal(3, endpoint.Components.Count);
    }

    [Fact]
    public void AddComponent_MinimumCopiesCountTowardsThePacking()
    {
        var (endpoint, bucket) = Endpoint(GpuInstanceType.G6E_12XLARGE, maxInstances: 1);
        endpoint.AddComponent("a", Qwen(bucket, "a"));
        var error = Assert.ThrowsAny<ArgumentException>(() => endpoint.AddComponent("b", new InferenceComponentOptions
        {
            InferenceComponentName = "b",
            Model = KnownModel.Qwen3_4B,
            Source = ModelSource.FromHuggingFace("Qwen/Qwen3-4B"),
            MinCopyCount = 4,
            MaxCopyCount = 4,
        }));
        Assert.Contains("minimum copies need 5 GPUs (a: 1 x 1, b: 1 x 4) but 4 are available", error.Message);
    }

    [Fact]
    public void AddComponent_TotalsFitButACopyCannotSpanInstances_Fails()
    {
        var (endpoint, bucket) = Endpoint(GpuInstanceType.G6E_12XLARGE, maxInstances: 2);
        endpoint.AddComponent("a", Qwen(bucket, "a", gpus: 3));
        endpoint.AddComponent("b", Qwen(bucket, "b", gpus: 3));
        var error = Assert.ThrowsAny<ArgumentException>(() => endpoint.AddComponent("c", Qwen(bucket, "c", gpus: 2)));
        Assert.StartsWith("Invalid inference components on llm-dev-shared (ml.g6e.12xlarge, 4 GPUs x max 2 instances): the totals fit but the copies cannot be placed: a copy cannot span instances (a: 3 GPU x 1, b: 3 GPU x 1, c: 2 GPU x 1)", error.Message);
    }

    [Fact]
    public void AddComponent_PlacementAcrossInstances_Fits()
    {
        var (endpoint, bucket) = Endpoint(GpuInstanceType.G6E_12XLARGE, maxInstances: 2);
        endpoint.AddComponent("a", Qwen(bucket, "a", gpus: 3));
        endpoint.AddComponent("b", Qwen(bucket, "b", gpus: 1));
        endpoint.AddComponent("c", Qwen(bucket, "c", gpus: 2));
        endpoint.AddComponent("d", Qwen(bucket, "d", gpus: 2));
        Assert.Equal(4, endpoint.Components.Count);
    }

    [Fact]
    public void AddComponent_TwoGpusOnAOneGpuInstance_Fails()
    {
        var (endpoint, bucket) = Endpoint(GpuInstanceType.G6E_XLARGE);
        var error = Assert.ThrowsAny<ArgumentException>(() => endpoint.AddComponent("a", Qwen(bucket, "a", gpus: 2)));
        Assert.StartsWith("Invalid InferenceComponentProps for component 'a' on endpoint llm-dev-shared (ml.g6e.xlarge): ", error.Message);
        Assert.Contains("Gpus 2 must be between 1 and the 1 GPU of ml.g6e.xlarge", error.Message);
    }

    [Fact]
    public void AddComponent_InitialCopyCountZero_Fails()
    {
        var (endpoint, bucket) = Endpoint(GpuInstanceType.G6E_12XLARGE);
        var error = Assert.ThrowsAny<ArgumentException>(() => endpoint.AddComponent("a", new InferenceComponentOptions
        {
            InferenceComponentName = "a",
            Model = KnownModel.Qwen3_4B,
            Source = ModelSource.FromBucket(bucket, "models/qwen3-4b/"),
            InitialCopyCount = 0,
        }));
        Assert.Contains("InitialCopyCount 0 must be at least 1 (SageMaker cannot create a component without copies; set MinCopyCount 0 to let it scale to zero)", error.Message);
    }

    [Fact]
    public void AddComponent_WeightsTooLargeForTheGpusGiven_FailsNamingTheModel()
    {
        var (endpoint, bucket) = Endpoint(GpuInstanceType.G6E_12XLARGE);
        var error = Assert.ThrowsAny<ArgumentException>(() => endpoint.AddComponent("big", new InferenceComponentOptions
        {
            InferenceComponentName = "big",
            Model = KnownModel.GptOss120b,
            Source = ModelSource.FromBucket(bucket, "models/gpt-oss-120b/"),
            Gpus = 1,
        }));
        Assert.Contains("model gpt-oss-120b needs 65 GiB of GPU memory for its weights", error.Message);
        Assert.Contains("or a larger Vllm.TensorParallelSize", error.Message);
    }

    [Fact]
    public void AddComponent_DefaultGpus_SmallestCountThatHoldsTheWeights()
    {
        var (endpoint, bucket) = Endpoint(GpuInstanceType.G6E_12XLARGE);
        var big = endpoint.AddComponent("big", new InferenceComponentOptions
        {
            InferenceComponentName = "big",
            Model = KnownModel.GptOss120b,
            Source = ModelSource.FromBucket(bucket, "models/gpt-oss-120b/"),
        });
        Assert.Equal(2, big.Gpus);
        Assert.Equal(2, big.TensorParallelSize);
        Assert.Equal(12, big.CpuCores);
        Assert.Equal(96 * 1024, big.MemoryInMb);
    }

    [Fact]
    public void AddComponent_SeveralMistakes_AreReportedTogether()
    {
        var (endpoint, bucket) = Endpoint(GpuInstanceType.G6E_12XLARGE);
        var error = Assert.ThrowsAny<ArgumentException>(() => endpoint.AddComponent("x", new InferenceComponentOptions
        {
            InferenceComponentName = "bad_name-",
            Model = KnownModel.Qwen3_4B,
            Source = ModelSource.FromBucket(bucket, "models/qwen3-4b/"),
            CpuCores = 100,
            MemoryInMb = 64,
            MinCopyCount = 3,
            MaxCopyCount = 2,
            ModelDataDownloadTimeout = Amazon.CDK.Duration.Seconds(10),
        }));
        Assert.Contains("InferenceComponentName 'bad_name-' must be 1-63 letters, digits or hyphens", error.Message);
        Assert.Contains("CpuCores 100 exceeds the 48 vCPUs of one ml.g6e.12xlarge", error.Message);
        Assert.Contains("MemoryInMb 64 must be at least 128", error.Message);
        Assert.Contains("MaxCopyCount 2 is below MinCopyCount 3", error.Message);
        Assert.Contains("ModelDataDownloadTimeout is 10 seconds", error.Message);
    }

    [Fact]
    public void AddComponent_MinimumCopiesAtLeastOne_ScalesWithoutTheScaleOutFromZeroPath()
    {
        var (endpoint, bucket) = Endpoint(GpuInstanceType.G6E_12XLARGE, maxInstances: 2);
        var scaling = endpoint.AddComponent("a", Qwen(bucket, "a"));
        var fixedCount = endpoint.AddComponent("b", new InferenceComponentOptions
        {
            InferenceComponentName = "b",
            Model = KnownModel.Qwen3_4B,
            Source = ModelSource.FromHuggingFace("Qwen/Qwen3-4B"),
            MinCopyCount = 1,
            MaxCopyCount = 1,
        });
        var alwaysOn = endpoint.AddComponent("c", new InferenceComponentOptions
        {
            InferenceComponentName = "c",
            Model = KnownModel.Qwen3_4B,
            Source = ModelSource.FromHuggingFace("Qwen/Qwen3-4B"),
            MinCopyCount = 1,
            MaxCopyCount = 3,
        });
        Assert.NotNull(scaling.ScaleOutFromZeroAlarm);
        Assert.Null(fixedCount.ScalableTarget);
        Assert.NotNull(alwaysOn.ScalableTarget);
        Assert.Null(alwaysOn.ScaleOutFromZeroAction);
        Assert.Null(alwaysOn.ScaleOutFromZeroAlarm);
    }

    [Fact]
    public void Ctor_BadInstanceCounts_NamesEach()
    {
        var stack = TestStacks.New();
        var error = Assert.ThrowsAny<ArgumentException>(() => new InferenceComponentEndpoint(stack, "E", new InferenceComponentEndpointProps
        {
            EndpointName = "-bad",
            InstanceType = GpuInstanceType.G5_12XLARGE,
            MinInstanceCount = 2,
            MaxInstanceCount = 1,
            VolumeSizeInGb = 100,
        }));
        Assert.StartsWith("Invalid InferenceComponentEndpointProps: ", error.Message);
        Assert.Contains("EndpointName '-bad' must be", error.Message);
        Assert.Contains("MaxInstanceCount 1 is below MinInstanceCount 2", error.Message);
        Assert.Contains("VolumeSizeInGb is set but ml.g5.12xlarge keeps the model on local NVMe storage", error.Message);
    }

    [Fact]
    public void Ctor_Defaults_ScaleToZeroInstances()
    {
        var stack = TestStacks.New();
        var endpoint = new InferenceComponentEndpoint(stack, "E", new InferenceComponentEndpointProps { InstanceType = GpuInstanceType.G6E_12XLARGE });
        Assert.Equal(0, endpoint.MinInstanceCount);
        Assert.Equal(1, endpoint.MaxInstanceCount);
        Assert.True(endpoint.EndpointName.Length <= 63);
    }

    [Fact]
    public void Ctor_WithPropsEndpoint_JoinsTheEndpoint_AndAlarmNamesStartWithTheEndpointName()
    {
        var (endpoint, bucket) = Endpoint(GpuInstanceType.G6E_12XLARGE);
        var component = new InferenceComponent(Amazon.CDK.Stack.Of(endpoint), "Direct", new InferenceComponentProps
        {
            Endpoint = endpoint,
            InferenceComponentName = "qwen",
            Model = KnownModel.Qwen3_4B,
            Source = ModelSource.FromBucket(bucket, "models/qwen3-4b/"),
        });
        Assert.Same(component, Assert.Single(endpoint.Components));
        var template = TestStacks.Json(Amazon.CDK.Stack.Of(endpoint));
        var names = TestStacks.Resources(template, "AWS::CloudWatch::Alarm").Select(a => (string)a.Properties["AlarmName"]!).Order(System.StringComparer.Ordinal);
        Assert.Equal(
            ["llm-dev-shared-qwen-error-rate", "llm-dev-shared-qwen-invocation-5xx-errors", "llm-dev-shared-qwen-model-latency", "llm-dev-shared-qwen-no-capacity", "llm-dev-shared-qwen-scale-out-from-zero"],
            names);
    }

    [Fact]
    public void Ctor_EndpointNameKnownOnlyAtDeployTime_TakesTheArnFromTheEndpoint()
    {
        var stack = TestStacks.New();
        var name = new Amazon.CDK.CfnParameter(stack, "Name", new Amazon.CDK.CfnParameterProps { Type = "String" }).ValueAsString;
        var endpoint = new InferenceComponentEndpoint(stack, "E", new InferenceComponentEndpointProps { EndpointName = name, InstanceType = GpuInstanceType.G6E_12XLARGE });
        var arn = Newtonsoft.Json.JsonConvert.SerializeObject(stack.Resolve(endpoint.EndpointArn));
        Assert.Equal($"{{\"Ref\":\"{stack.GetLogicalId(endpoint.Endpoint)}\"}}", arn);
    }
}
