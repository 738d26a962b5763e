using LlmHosting.Constructs.Sagemaker.Components;

namespace LlmHosting.App.Configuration;

/// <summary>The capacity settings of the component endpoint: fallback instance types and reserved capacity.</summary>
public sealed partial record ComponentEndpointConfig
{
    /// <summary>The most fallback types a message can name: SageMaker takes 5 instance pools with the primary type.</summary>
    private const int MaxFallbackKeys = 5;

    /// <summary>
    /// Instance types SageMaker tries in this order when <see cref="InstanceType"/> has no capacity (at most 4); every component
    /// must fit each. Default: none.
    /// </summary>
    public List<FallbackInstanceTypeConfig>? FallbackInstanceTypes { get; init; }

    /// <summary>Seconds SageMaker keeps trying to provision instances across the types (300-3600). Default: SageMaker's.</summary>
    public int? InstanceProvisionTimeoutSeconds { get; init; }

    /// <summary>Reserved capacity the instances launch into. Default: none.</summary>
    public CapacityReservationConfig? CapacityReservation { get; init; }

    private static IEnumerable<KeyValuePair<string, string>> CapacityKeys(string propsPrefix) =>
    [
        .. CapacitySettings.KeysAt(Path, MaxFallbackKeys, propsPrefix),
        new(propsPrefix + nameof(InferenceComponentEndpointProps.Vpc), $"{NetworkConfig.Path}.subnetIds"),
    ];
}

/// <summary>The scaling and start-up settings of a component.</summary>
public sealed partial record ComponentConfig
{
    /// <summary>What autoscaling tracks between <see cref="MinCopies"/> and <see cref="MaxCopies"/>. Default: invocations per copy.</summary>
    public ScalingConfig? Scaling { get; init; }

    /// <summary>Hours during which copies stay loaded, whatever the traffic. Default: none.</summary>
    public List<WarmWindowConfig>? WarmWindows { get; init; }

    /// <summary>Cache the weights and image on each instance, so that copies added by autoscaling start faster. Default: SageMaker's (no caching).</summary>
    public bool? CacheModelData { get; init; }

    /// <summary>How SageMaker places the copies on the instances. Default: SageMaker's.</summary>
    public PlacementConfig? Placement { get; init; }

    private void ValidateScaling(ICollection<string> problems, string path)
    {
        Scaling?.Validate(problems, $"{path}.scaling");
        Placement?.Validate(problems, $"{path}.placement");
    }

    private IEnumerable<KeyValuePair<string, string>> ScalingKeysAt(string path) =>
    [
        .. ScalingConfig.KeysAt($"{path}.scaling"),
        .. WarmWindowConfig.KeysAt(path, WarmWindows?.Count ?? 0),
        .. PlacementConfig.KeysAt($"{path}.placement"),
        new("WarmWindows", $"{path}.warmWindows"),
    ];
}
