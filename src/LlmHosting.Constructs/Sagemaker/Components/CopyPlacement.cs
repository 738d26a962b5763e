using LlmHosting.Constructs.Validation;

namespace LlmHosting.Constructs.Sagemaker.Components;

/// <summary>
/// How SageMaker places an inference component's copies on the endpoint's instances when copies are added or removed
/// (<c>InferenceComponentSpecification.SchedulingConfig</c>; botocore <c>InferenceComponentSchedulingConfig</c>):
/// <see cref="Spread"/> distributes them evenly "for better resilience", <see cref="BinPack"/> packs them "onto fewer
/// instances to optimize resource utilization", so that idle instances can be released sooner. Optionally balanced across
/// Availability Zones (<c>AvailabilityZoneBalance</c>, enforcement <c>PERMISSIVE</c>: the endpoint tries and proceeds
/// when it cannot).
/// </summary>
public sealed class CopyPlacement
{
    private CopyPlacement(string strategy, int? maxAzImbalance)
    {
        Strategy = strategy;
        MaxAzImbalance = maxAzImbalance;
    }

    /// <summary><c>SPREAD</c> or <c>BINPACK</c>.</summary>
    public string Strategy { get; }

    /// <summary>
    /// Largest difference in copies between two Availability Zones that placement accepts (0-100), or null for no zone
    /// balance. Applies when the endpoint has instances in two or more zones.
    /// </summary>
    public int? MaxAzImbalance { get; }

    /// <summary>Copies spread evenly over the instances.</summary>
    /// <param name="maxAzImbalance">Balance the copies across Availability Zones within this difference (0-100). Default: no zone balance.</param>
    public static CopyPlacement Spread(int? maxAzImbalance = null) => new("SPREAD", maxAzImbalance);

    /// <summary>Copies packed onto as few instances as possible.</summary>
    /// <param name="maxAzImbalance">Balance the copies across Availability Zones within this difference (0-100). Default: no zone balance.</param>
    public static CopyPlacement BinPack(int? maxAzImbalance = null) => new("BINPACK", maxAzImbalance);

    /// <summary>The <c>SchedulingConfig</c> property.</summary>
    internal Dictionary<string, object> Render()
    {
        var config = new Dictionary<string, object> { ["PlacementStrategy"] = Strategy };
        if (MaxAzImbalance is { } imbalance)
        {
            config["AvailabilityZoneBalance"] = new Dictionary<string, object> { ["EnforcementMode"] = "PERMISSIVE", ["MaxImbalance"] = imbalance };
        }

        return config;
    }

    /// <summary>Adds a problem when <see cref="MaxAzImbalance"/> is outside botocore's 0-100.</summary>
    internal void AddProblems(PropsProblems problems, string property)
    {
        var imbalance = property + "." + nameof(MaxAzImbalance);
        if (MaxAzImbalance is < 0 or > 100)
        {
            problems.Add(imbalance, $"{Property.Ref(imbalance)} {MaxAzImbalance} must be between 0 and 100");
        }
    }

    /// <inheritdoc />
    public override string ToString() => Strategy + (MaxAzImbalance is { } i ? $", zone imbalance at most {i}" : "");
}
