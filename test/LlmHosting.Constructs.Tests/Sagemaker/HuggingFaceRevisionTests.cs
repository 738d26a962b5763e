using Amazon.CDK;
using Amazon.CDK.Assertions;
using LlmHosting.Constructs.Sagemaker;
using LlmHosting.Constructs.Sagemaker.Components;
using LlmHosting.Constructs.Validation;

namespace LlmHosting.Constructs.Tests.Sagemaker;

/// <summary>A Hugging Face source pinned to a commit, and what happens to one that is not.</summary>
public sealed class HuggingFaceRevisionTests
{
    private const string Commit = "c1899de289a04d12100db370d81485cdf75e47ca";

    [Fact]
    public void Pinned_TheCommitReachesVllmAsSmVllmRevision_AndNothingIsWarned()
    {
        var stack = TestStacks.New();
        _ = Endpoint(stack, ModelSource.FromHuggingFace("Qwen/Qwen3-4B", revision: Commit));

        var (_, model) = Assert.Single(TestStacks.Resources(TestStacks.Json(stack), "AWS::SageMaker::Model"));
        // The DLC entrypoint turns SM_VLLM_REVISION into vLLM's --revision (aws/deep-learning-containers sagemaker_args.py).
        Assert.Equal(Commit, (string)model["PrimaryContainer"]!["Environment"]!["SM_VLLM_REVISION"]!);
        Assert.Equal("Qwen/Qwen3-4B", (string)model["PrimaryContainer"]!["Environment"]!["HF_MODEL_ID"]!);
        Assert.Empty(Warnings(stack));
    }

    [Fact]
    public void Unpinned_ByDefault_IsAWarningAtSynthesis_NamingTheModel()
    {
        var stack = TestStacks.New();
        _ = Endpoint(stack, ModelSource.FromHuggingFace("Qwen/Qwen3-4B"));

        var warning = Assert.Single(Warnings(stack));
        Assert.Contains("Test/Qwen: the weights come from Hugging Face model Qwen/Qwen3-4B without a pinned revision", warning, StringComparison.Ordinal);
        Assert.Null(Assert.Single(TestStacks.Resources(TestStacks.Json(stack), "AWS::SageMaker::Model")).Properties["PrimaryContainer"]!["Environment"]!["SM_VLLM_REVISION"]);
    }

    [Fact]
    public void Unpinned_WithRequirePinnedRevision_IsRefused_OnEndpointsAndComponents()
    {
        var stack = TestStacks.New();
        var endpoint = Assert.Throws<PropsValidationException>(() => Endpoint(stack, ModelSource.FromHuggingFace("Qwen/Qwen3-4B"), require: true));
        var problem = Assert.Single(endpoint.Problems);
        Assert.Equal("Source", problem.Property);
        Assert.StartsWith("Source: the weights come from Hugging Face model Qwen/Qwen3-4B without a pinned revision", problem.Render(), StringComparison.Ordinal);
        Assert.EndsWith("(RequirePinnedRevision is true)", problem.Render(), StringComparison.Ordinal);

        var shared = new InferenceComponentEndpoint(stack, "Shared", new InferenceComponentEndpointProps { InstanceType = GpuInstanceType.G6E_12XLARGE });
        var component = Assert.Throws<PropsValidationException>(() => shared.AddComponent("Qwen", new InferenceComponentOptions
        {
            Model = KnownModel.Qwen3_4B,
            Source = ModelSource.FromHuggingFace("Qwen/Qwen3-4B"),
            RequirePinnedRevision = true,
        }));
        Assert.Equal("Source", Assert.Single(component.Problems).Property);
    }

    [Theory]
    [InlineData("main")]
    [InlineData("c1899de")]
    [InlineData("C1899DE289A04D12100DB370D81485CDF75E47CA")]
    [InlineData("c1899de289a04d12100db370d81485cdf75e47ca0")]
    public void FromHuggingFace_RevisionThatIsNotACommitHash_IsRefused(string revision)
    {
        var error = Assert.Throws<ArgumentException>(() => ModelSource.FromHuggingFace("Qwen/Qwen3-4B", revision: revision));

        Assert.StartsWith($"Invalid revision '{revision}' of Hugging Face model Qwen/Qwen3-4B: give the commit hash, 40 lower-case hexadecimal characters (a branch or tag name can move).", error.Message, StringComparison.Ordinal);
    }

    private static VllmEndpoint Endpoint(Stack stack, ModelSource source, bool? require = null) => new(stack, "Qwen", new VllmEndpointProps
    {
        EndpointName = "llm-test-qwen",
        Model = KnownModel.Qwen3_4B,
        Source = source,
        InstanceType = GpuInstanceType.G6E_XLARGE,
        DefaultAlarms = false,
        RequirePinnedRevision = require,
    });

    private static List<string> Warnings(Stack stack)
        => Amazon.CDK.Assertions.Annotations.FromStack(stack).FindWarning("*", Match.AnyValue()).Select(w => w.Entry.Data?.ToString() ?? "").ToList();
}
