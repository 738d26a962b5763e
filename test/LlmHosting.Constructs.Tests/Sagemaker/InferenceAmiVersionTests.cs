using Amazon.CDK.AWS.ECR;
using LlmHosting.Constructs.Sagemaker;
using LlmHosting.Constructs.Sagemaker.Components;
using LlmHosting.Constructs.Storage;

namespace LlmHosting.Constructs.Tests.Sagemaker;

/// <summary>
/// The host AMI of every production variant fits its image's CUDA version: derived by default, checked when set.
/// Drivers and CUDA versions of each AMI are cross-checked with botocore in <see cref="BotocoreCrossCheckTests"/>.
/// </summary>
public sealed class InferenceAmiVersionTests
{
    [Theory]
    [InlineData("0.20.2-gpu-py312-cu130-ubuntu22.04-sagemaker", "13.0")]
    [InlineData("0.8.5-gpu-py312-cu124-ubuntu22.04-sagemaker", "12.4")]
    [InlineData("cu121", "12.1")]
    [InlineData("latest", null)]
    [InlineData("0.9-cuda-ubuntu", null)]
    public void CudaFromTag_DlcTags_ReadTheCudaVersion(string tag, string? expected)
        => Assert.Equal(expected, InferenceAmiVersion.CudaFromTag(tag)?.ToString(2));

    [Theory]
    [InlineData("13.0", "al2023-ami-sagemaker-inference-gpu-4-1")]
    [InlineData("12.8", "al2023-ami-sagemaker-inference-gpu-4-1")]
    [InlineData("12.4", "al2-ami-sagemaker-inference-gpu-3-1")]
    [InlineData("12.1", "al2-ami-sagemaker-inference-gpu-2-1")]
    [InlineData("13.1", null)]
    public void DefaultFor_ImageCuda_IsTheOldestAmiWhoseDriverRunsIt(string cuda, string? expected)
        => Assert.Equal(expected, InferenceAmiVersion.DefaultFor(Version.Parse(cuda))?.Value);

    [Fact]
    public void Of_UnknownValue_ListsTheKnownOnes()
    {
        var error = Assert.ThrowsAny<ArgumentException>(() => InferenceAmiVersion.Of("al2-ami-sagemaker-inference-gpu-9"));
        Assert.Contains("al2023-ami-sagemaker-inference-gpu-4-1", error.Message, StringComparison.Ordinal);
        Assert.Same(InferenceAmiVersion.Al2Gpu3_1, InferenceAmiVersion.Of("al2-ami-sagemaker-inference-gpu-3-1"));
    }

    [Fact]
    public void VllmEndpoint_DefaultImage_GetsTheCuda13Ami()
    {
        var (stack, endpoint) = Endpoint();
        Assert.Same(InferenceAmiVersion.Al2023Gpu4_1, endpoint.HostAmi);
        Assert.Equal("al2023-ami-sagemaker-inference-gpu-4-1", Variant(stack)["InferenceAmiVersion"]!.GetValue<string>());
    }

    [Fact]
    public void VllmEndpoint_OlderCudaImage_GetsTheOldestFittingAmi()
    {
        var (stack, _) = Endpoint(image: VllmImage.FromDlcTag("0.8.5-gpu-py312-cu124-ubuntu22.04-sagemaker"));
        Assert.Equal("al2-ami-sagemaker-inference-gpu-3-1", Variant(stack)["InferenceAmiVersion"]!.GetValue<string>());
    }

    [Fact]
    public void VllmEndpoint_AmiWhoseDriverIsTooOld_FailsNamingBoth()
    {
        var error = Assert.ThrowsAny<ArgumentException>(() => Endpoint(ami: InferenceAmiVersion.Al2Gpu3_1));
        Assert.Contains(
            "InferenceAmiVersion al2-ami-sagemaker-inference-gpu-3-1 (NVIDIA driver 550, CUDA 12.4) cannot run image vllm:0.20.2-gpu-py312-cu130-ubuntu22.04-sagemaker, built for CUDA 13.0; use al2023-ami-sagemaker-inference-gpu-4-1 or leave InferenceAmiVersion unset",
            error.Message,
            StringComparison.Ordinal);
    }

    [Fact]
    public void VllmEndpoint_NeuronAmi_Fails()
    {
        var error = Assert.ThrowsAny<ArgumentException>(() => Endpoint(ami: InferenceAmiVersion.Al2Neuron2));
        Assert.Contains("al2-ami-sagemaker-inference-neuron-2 has no NVIDIA GPU driver", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void VllmEndpoint_OwnImageWithoutCudaInItsTag_NeedsTheAmiOrTheCudaVersion()
    {
        var stack = TestStacks.New();
        var repository = new Repository(stack, "Repo", new RepositoryProps { RepositoryName = "my-vllm" });

        var error = Assert.ThrowsAny<ArgumentException>(() => Endpoint(stack, image: VllmImage.FromEcrRepository(repository, "v7")));
        Assert.Contains("InferenceAmiVersion: image of ECR repository Test/Repo:v7 does not name its CUDA version", error.Message, StringComparison.Ordinal);

        var (_, stated) = Endpoint(TestStacks.New(), image: VllmImage.FromEcrRepository(new Repository(TestStacks.New(), "R"), "v7", new Version(12, 4)));
        Assert.Same(InferenceAmiVersion.Al2Gpu3_1, stated.HostAmi);
        var (_, chosen) = Endpoint(TestStacks.New(), image: VllmImage.FromEcrRepository(new Repository(TestStacks.New(), "R"), "v7"), ami: InferenceAmiVersion.Al2Gpu2_1);
        Assert.Same(InferenceAmiVersion.Al2Gpu2_1, chosen.HostAmi);
    }

    [Fact]
    public void ComponentEndpoint_Ami_RunsTheNewestCudaAmongItsComponents()
    {
        var stack = TestStacks.New();
        var endpoint = new InferenceComponentEndpoint(stack, "Shared", new InferenceComponentEndpointProps { InstanceType = GpuInstanceType.G6E_12XLARGE });
        var weights = new ModelBucket(stack, "Weights");
        endpoint.AddComponent("Old", Component(weights, "old", VllmImage.FromDlcTag("0.8.5-gpu-py312-cu124-ubuntu22.04-sagemaker")));
        Assert.Same(InferenceAmiVersion.Al2Gpu3_1, endpoint.HostAmi);

        endpoint.AddComponent("New", Component(weights, "new", null));

        Assert.Same(InferenceAmiVersion.Al2023Gpu4_1, endpoint.HostAmi);
        Assert.Equal("al2023-ami-sagemaker-inference-gpu-4-1", Variant(stack)["InferenceAmiVersion"]!.GetValue<string>());
    }

    [Fact]
    public void ComponentEndpoint_ChosenAmiTooOldForAComponent_FailsNamingBoth()
    {
        var stack = TestStacks.New();
        var endpoint = new InferenceComponentEndpoint(stack, "Shared", new InferenceComponentEndpointProps
        {
            InstanceType = GpuInstanceType.G6E_12XLARGE,
            InferenceAmiVersion = InferenceAmiVersion.Al2Gpu2_1,
        });

        var error = Assert.ThrowsAny<ArgumentException>(() => endpoint.AddComponent("New", Component(new ModelBucket(stack, "Weights"), "new", null)));
        Assert.Contains("InferenceAmiVersion al2-ami-sagemaker-inference-gpu-2-1 (NVIDIA driver 535, CUDA 12.2) cannot run image vllm:0.20.2-gpu-py312-cu130", error.Message, StringComparison.Ordinal);
    }

    private static InferenceComponentOptions Component(ModelBucket weights, string name, VllmImage? image) => new()
    {
        Model = KnownModel.Qwen3_4B,
        Source = ModelSource.FromBucket(weights, $"models/{name}/"),
        Image = image,
        DefaultAlarms = false,
    };

    private static (Amazon.CDK.Stack Stack, VllmEndpoint Endpoint) Endpoint(Amazon.CDK.Stack? stack = null, VllmImage? image = null, InferenceAmiVersion? ami = null)
    {
        stack ??= TestStacks.New();
        var endpoint = new VllmEndpoint(stack, "Endpoint", new VllmEndpointProps
        {
            Model = KnownModel.Qwen3_4B,
            Source = ModelSource.FromBucket(new ModelBucket(stack, "Weights"), "models/qwen/"),
            InstanceType = GpuInstanceType.G6E_XLARGE,
            Image = image,
            InferenceAmiVersion = ami,
            DefaultAlarms = false,
        });
        return (stack, endpoint);
    }

    private static System.Text.Json.Nodes.JsonObject Variant(Amazon.CDK.Stack stack)
        => TestStacks.Resources(TestStacks.Json(stack), "AWS::SageMaker::EndpointConfig").Single().Properties["ProductionVariants"]![0]!.AsObject();
}
