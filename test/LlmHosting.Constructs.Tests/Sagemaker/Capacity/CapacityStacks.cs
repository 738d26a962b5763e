using System.Text.Json.Nodes;
using Amazon.CDK;
using LlmHosting.Constructs.Sagemaker;
using LlmHosting.Constructs.Sagemaker.Capacity;
using LlmHosting.Constructs.Sagemaker.Components;
using LlmHosting.Constructs.Sagemaker.Scaling;
using LlmHosting.Constructs.Storage;

namespace LlmHosting.Constructs.Tests.Sagemaker.Capacity;

/// <summary>Endpoints and components with capacity options, for the tests of this folder.</summary>
internal static class CapacityStacks
{
    /// <summary>A single-model endpoint of gpt-oss-120b (by default) with the given capacity options, in its own stack.</summary>
    public static (Stack Stack, VllmEndpoint Endpoint) Endpoint(
        GpuInstanceType? instance = null,
        FallbackInstanceType[]? fallbacks = null,
        CapacityReservation? reservation = null,
        Duration? provisionTimeout = null,
        ScalingSignal? scaling = null,
        VllmSettings? vllm = null,
        KnownModel? model = null,
        int min = 1,
        int max = 2,
        double? targetInvocations = null)
    {
        var stack = TestStacks.New();
        var endpoint = new VllmEndpoint(stack, "Endpoint", new VllmEndpointProps
        {
            EndpointName = "llm-prod-gpt-oss-120b",
            Model = model ?? KnownModel.GptOss120b,
            Source = ModelSource.FromBucket(new ModelBucket(stack, "Weights"), "models/gpt-oss-120b/"),
            InstanceType = instance ?? GpuInstanceType.P5_48XLARGE,
            FallbackInstanceTypes = fallbacks,
            CapacityReservation = reservation,
            InstanceProvisionTimeout = provisionTimeout,
            Scaling = scaling,
            Vllm = vllm,
            MinInstanceCount = min,
            MaxInstanceCount = max,
            TargetInvocationsPerInstance = targetInvocations,
        });
        return (stack, endpoint);
    }

    /// <summary>The message of the props problems of <paramref name="create"/>, which must throw them.</summary>
    public static string Error(Action create)
    {
        var error = Assert.ThrowsAny<ArgumentException>(create);
        return error.Message;
    }

    /// <summary>A component endpoint with the given options and one component of <paramref name="options"/> on it.</summary>
    public static (Stack Stack, InferenceComponentEndpoint Endpoint, InferenceComponent Component) Component(
        InferenceComponentEndpointProps? endpointProps = null, Func<ModelBucket, InferenceComponentOptions>? options = null)
    {
        var stack = TestStacks.New();
        var bucket = new ModelBucket(stack, "Weights");
        var endpoint = new InferenceComponentEndpoint(stack, "Shared", endpointProps ?? new InferenceComponentEndpointProps
        {
            EndpointName = "llm-dev-shared",
            InstanceType = GpuInstanceType.G6E_12XLARGE,
        });
        var component = endpoint.AddComponent("GptOss20b", options?.Invoke(bucket) ?? new InferenceComponentOptions
        {
            InferenceComponentName = "llm-dev-shared-gpt-oss-20b",
            Model = KnownModel.GptOss20b,
            Source = ModelSource.FromBucket(bucket, "models/gpt-oss-20b/"),
        });
        return (stack, endpoint, component);
    }

    /// <summary>The only resource of <paramref name="type"/>.</summary>
    public static JsonObject Single(JsonObject template, string type) => Assert.Single(TestStacks.Resources(template, type)).Properties;

    /// <summary>The resource of <paramref name="type"/> with its metadata (the whole template entry).</summary>
    public static JsonObject Entry(JsonObject template, string type)
        => template["Resources"]!.AsObject().Single(r => (string?)r.Value!["Type"] == type).Value!.AsObject();
}
