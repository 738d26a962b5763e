using System.Text.Json.Nodes;
using LlmHosting.Constructs.Sagemaker;
using LlmHosting.Constructs.Sagemaker.Capacity;
using LlmHosting.Constructs.Sagemaker.Components;
using static LlmHosting.Constructs.Tests.Sagemaker.Capacity.CapacityStacks;

namespace LlmHosting.Constructs.Tests.Sagemaker.Capacity;

public sealed class FallbackInstanceTypeTests
{
    private static readonly KnownModel Thirty = KnownModel.Of("thirty", 30);

    [Fact]
    public void Ctor_Fallbacks_WriteInstancePoolsInPriorityOrderInsteadOfInstanceType()
    {
        var (stack, endpoint) = Endpoint(fallbacks: [FallbackInstanceType.Of(GpuInstanceType.P5E_48XLARGE), FallbackInstanceType.Of(GpuInstanceType.P5EN_48XLARGE)]);
        var template = TestStacks.Json(stack);

        var variant = Single(template, "AWS::SageMaker::EndpointConfig")["ProductionVariants"]![0]!.AsObject();
        Assert.False(variant.ContainsKey("InstanceType"));
        Assert.Equal(
            [("ml.p5.48xlarge", 1d), ("ml.p5e.48xlarge", 2d), ("ml.p5en.48xlarge", 3d)],
            variant["InstancePools"]!.AsArray().Select(p => ((string)p!["InstanceType"]!, (double)p["Priority"]!)));
        Assert.All(variant["InstancePools"]!.AsArray(), p => Assert.Equal(2, p!.AsObject().Count));
        Assert.Equal(["ml.p5.48xlarge", "ml.p5e.48xlarge", "ml.p5en.48xlarge"], endpoint.InstanceTypes.Select(t => t.Name));
        // Same GPU count: the same model serves every pool.
        Assert.Single(TestStacks.Resources(template, "AWS::SageMaker::Model"));
        // The scaling resources pause and restore on the pool list, as the handler reads it back from DescribeEndpointConfig.
        Assert.All(TestStacks.Resources(template, "Custom::EndpointScaling"), r => Assert.Equal("ml.p5.48xlarge,ml.p5e.48xlarge,ml.p5en.48xlarge", (string)r.Properties["InstanceType"]!));
        Assert.Equal(["E3002"], Entry(template, "AWS::SageMaker::EndpointConfig")["Metadata"]!["cfn-lint"]!["config"]!["ignore_checks"]!.AsArray().Select(c => (string)c!));
    }

    [Fact]
    public void Ctor_NoFallback_KeepsInstanceTypeAndNoLintException()
    {
        var (stack, _) = Endpoint();
        var entry = Entry(TestStacks.Json(stack), "AWS::SageMaker::EndpointConfig");
        Assert.Equal("ml.p5.48xlarge", (string)entry["Properties"]!["ProductionVariants"]![0]!["InstanceType"]!);
        Assert.Null(entry["Metadata"]);
    }

    [Fact]
    public void Ctor_FallbackWithFewerGpus_RunsAModelOfItsOwnWithItsTensorParallelSize()
    {
        var (stack, endpoint) = Endpoint(instance: GpuInstanceType.G6E_48XLARGE, fallbacks: [FallbackInstanceType.Of(GpuInstanceType.G6E_12XLARGE)]);
        var template = TestStacks.Json(stack);

        var models = TestStacks.Resources(template, "AWS::SageMaker::Model");
        Assert.Equal(2, models.Count);
        var tensorParallel = models.ToDictionary(m => m.Id, m => (string)m.Properties["PrimaryContainer"]!["Environment"]!["SM_VLLM_TENSOR_PARALLEL_SIZE"]!);
        Assert.Equal(["4", "8"], tensorParallel.Values.Order());
        var fallbackModelId = tensorParallel.Single(m => m.Value == "4").Key;
        var pools = Single(template, "AWS::SageMaker::EndpointConfig")["ProductionVariants"]![0]!["InstancePools"]!.AsArray();
        Assert.Null(pools[0]!["ModelNameOverride"]);
        Assert.Equal(fallbackModelId, (string)pools[1]!["ModelNameOverride"]!["Fn::GetAtt"]![0]!);
        Assert.Equal(["ml.g6e.12xlarge"], endpoint.FallbackModels.Keys);
    }

    [Fact]
    public void Ctor_FallbackThatCannotHoldTheModel_NamesTheTypeAndTheArithmetic()
    {
        var message = Error(() => Endpoint(fallbacks: [FallbackInstanceType.Of(GpuInstanceType.P5E_48XLARGE), FallbackInstanceType.Of(GpuInstanceType.G6_2XLARGE)]));
        Assert.Equal(
            "Invalid VllmEndpointProps: fallback ml.g6.2xlarge: model gpt-oss-120b needs 65 GiB of GPU memory for its weights plus at least 1 GiB for the KV cache, "
            + "but ml.g6.2xlarge offers 21.6 GiB to it (1 GPU x 24 GiB L4 x Vllm.GpuMemoryUtilization 0.9), a headroom of -43.4 GiB; "
            + "remove FallbackInstanceTypes[1] or choose a type with more GPU memory.",
            message);
    }

    [Fact]
    public void Ctor_SharedTensorParallelAboveAFallbacksGpus_NamesTheFallback()
        => Assert.Contains(
            "fallback ml.g6e.12xlarge: Vllm.TensorParallelSize 8 exceeds the 4 GPUs of ml.g6e.12xlarge",
            Error(() => Endpoint(instance: GpuInstanceType.G6E_48XLARGE, vllm: new VllmSettings { TensorParallelSize = 8 }, fallbacks: [FallbackInstanceType.Of(GpuInstanceType.G6E_12XLARGE)])));

    [Fact]
    public void Ctor_FallbacksOwnTensorParallelAboveItsGpus_NamesItsOwnSetting()
        => Assert.Contains(
            "fallback ml.g6e.12xlarge: FallbackInstanceTypes[0].TensorParallelSize 8 exceeds the 4 GPUs of ml.g6e.12xlarge",
            Error(() => Endpoint(instance: GpuInstanceType.G6E_48XLARGE, fallbacks: [FallbackInstanceType.Of(GpuInstanceType.G6E_12XLARGE, tensorParallelSize: 8)])));

    [Fact]
    public void Ctor_FivePoolsWithThePrimary_IsAccepted_SixAreNot()
    {
        FallbackInstanceType[] four = [.. new[] { GpuInstanceType.P5E_48XLARGE, GpuInstanceType.P5EN_48XLARGE, GpuInstanceType.P4DE_24XLARGE, GpuInstanceType.G6E_48XLARGE }.Select(t => FallbackInstanceType.Of(t))];
        Endpoint(fallbacks: four);
        Assert.Contains(
            "FallbackInstanceTypes lists 5 instance types; with the primary instance type that makes 6 instance pools, and SageMaker accepts at most 5",
            Error(() => Endpoint(fallbacks: [.. four, FallbackInstanceType.Of(GpuInstanceType.G5_48XLARGE)])));
    }

    [Fact]
    public void Ctor_TypeListedTwice_NamesIt()
    {
        var message = Error(() => Endpoint(fallbacks: [FallbackInstanceType.Of(GpuInstanceType.P5E_48XLARGE), FallbackInstanceType.Of(GpuInstanceType.P5E_48XLARGE), FallbackInstanceType.Of(GpuInstanceType.P5_48XLARGE)]));
        Assert.Contains("FallbackInstanceTypes[1] ml.p5e.48xlarge is listed twice", message);
        Assert.Contains("FallbackInstanceTypes[2] ml.p5.48xlarge is listed twice", message);
    }

    [Fact]
    public void Ctor_ProvisionTimeout_IsWrittenAndChecked()
    {
        var (stack, _) = Endpoint(provisionTimeout: Amazon.CDK.Duration.Minutes(15));
        Assert.Equal(900, (double)Single(TestStacks.Json(stack), "AWS::SageMaker::EndpointConfig")["ProductionVariants"]![0]!["VariantInstanceProvisionTimeoutInSeconds"]!);
        Assert.Contains("InstanceProvisionTimeout is 2 minutes; SageMaker accepts whole seconds from 300 to 3600", Error(() => Endpoint(provisionTimeout: Amazon.CDK.Duration.Minutes(2))));
    }

    [Fact]
    public void Component_Fallback_WritesPoolsAndSizesTheCopyForTheSmallestType()
    {
        var (stack, endpoint, component) = Component(
            new InferenceComponentEndpointProps
            {
                EndpointName = "llm-dev-shared",
                InstanceType = GpuInstanceType.G6E_12XLARGE,
                FallbackInstanceTypes = [FallbackInstanceType.Of(GpuInstanceType.G6_12XLARGE)],
            },
            bucket => new InferenceComponentOptions
            {
                InferenceComponentName = "llm-dev-shared-thirty",
                Model = Thirty,
                Source = ModelSource.FromBucket(bucket, "models/thirty/"),
            });
        var template = TestStacks.Json(stack);

        var variant = Single(template, "AWS::SageMaker::EndpointConfig")["ProductionVariants"]![0]!.AsObject();
        Assert.False(variant.ContainsKey("InstanceType"));
        Assert.Equal(["ml.g6e.12xlarge", "ml.g6.12xlarge"], variant["InstancePools"]!.AsArray().Select(p => (string)p!["InstanceType"]!));
        // 30 GiB of weights fit one 48 GiB L40S but need two 24 GiB L4s: the one specification takes 2 GPUs.
        Assert.Equal(2, component.Gpus);
        Assert.Equal(["ml.g6e.12xlarge", "ml.g6.12xlarge"], endpoint.InstanceTypes.Select(t => t.Name));
    }

    [Fact]
    public void Component_TooLargeForAFallback_NamesTheFallback()
    {
        var message = Error(() => Component(
            new InferenceComponentEndpointProps { EndpointName = "llm-dev-shared", InstanceType = GpuInstanceType.G6E_12XLARGE, FallbackInstanceTypes = [FallbackInstanceType.Of(GpuInstanceType.G6_12XLARGE)] },
            bucket => new InferenceComponentOptions
            {
                InferenceComponentName = "llm-dev-shared-thirty",
                Model = Thirty,
                Source = ModelSource.FromBucket(bucket, "models/thirty/"),
                Gpus = 1,
            }));
        Assert.Contains("fallback ml.g6.12xlarge: model thirty needs 30 GiB", message);
        Assert.Contains("remove Endpoint.FallbackInstanceTypes[0] or choose a type with more GPU memory", message);
    }

    [Fact]
    public void Component_FallbackWithItsOwnTensorParallelSize_IsRefused()
        => Assert.Contains(
            "FallbackInstanceTypes[0] sets tensor parallel size 2, but every component runs one specification on all instance types",
            Error(() => Component(new InferenceComponentEndpointProps
            {
                EndpointName = "llm-dev-shared",
                InstanceType = GpuInstanceType.G6E_12XLARGE,
                FallbackInstanceTypes = [FallbackInstanceType.Of(GpuInstanceType.G6_12XLARGE, 2)],
            })));
}
