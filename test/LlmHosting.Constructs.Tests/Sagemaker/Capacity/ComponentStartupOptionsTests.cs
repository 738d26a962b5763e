using LlmHosting.Constructs.Sagemaker;
using LlmHosting.Constructs.Sagemaker.Components;
using static LlmHosting.Constructs.Tests.Sagemaker.Capacity.CapacityStacks;

namespace LlmHosting.Constructs.Tests.Sagemaker.Capacity;

public sealed class ComponentStartupOptionsTests
{
    private static InferenceComponentOptions Options(ModelSource source, bool? cache = null, CopyPlacement? placement = null) => new()
    {
        InferenceComponentName = "llm-dev-shared-gpt-oss-20b",
        Model = KnownModel.GptOss20b,
        Source = source,
        CacheModelData = cache,
        Placement = placement,
    };

    [Fact]
    public void CacheAndPlacement_AreWrittenIntoTheSpecification_WithTheLintException()
    {
        var (stack, _, _) = Component(options: bucket => Options(ModelSource.FromBucket(bucket, "models/gpt-oss-20b/"), cache: true, placement: CopyPlacement.Spread(maxAzImbalance: 1)));
        var entry = Entry(TestStacks.Json(stack), "AWS::SageMaker::InferenceComponent");
        var specification = entry["Properties"]!["Specification"]!;
        Assert.Equal("""{"EnableCaching":true}""", specification["DataCacheConfig"]!.ToJsonString());
        var scheduling = specification["SchedulingConfig"]!;
        Assert.Equal("SPREAD", (string)scheduling["PlacementStrategy"]!);
        Assert.Equal("PERMISSIVE", (string)scheduling["AvailabilityZoneBalance"]!["EnforcementMode"]!);
        Assert.Equal(1, (double)scheduling["AvailabilityZoneBalance"]!["MaxImbalance"]!);
        Assert.Equal(["E3002"], entry["Metadata"]!["cfn-lint"]!["config"]!["ignore_checks"]!.AsArray().Select(c => (string)c!));
    }

    [Fact]
    public void WithoutThem_TheSpecificationIsUnchanged()
    {
        var (stack, _, _) = Component();
        var entry = Entry(TestStacks.Json(stack), "AWS::SageMaker::InferenceComponent");
        Assert.Null(entry["Properties"]!["Specification"]!["DataCacheConfig"]);
        Assert.Null(entry["Metadata"]);
    }

    [Fact]
    public void ZoneImbalanceOutOfRange_IsNamed()
        => Assert.Contains(
            "Placement.MaxAzImbalance 101 must be between 0 and 100",
            Error(() => Component(options: bucket => Options(ModelSource.FromBucket(bucket, "models/gpt-oss-20b/"), placement: CopyPlacement.BinPack(101)))));
}
