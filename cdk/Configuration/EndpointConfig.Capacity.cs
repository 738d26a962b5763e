using Amazon.CDK.AWS.EC2;
using LlmHosting.Constructs.Sagemaker;

namespace LlmHosting.App.Configuration;

/// <summary>The capacity settings of an endpoint: fallback instance types, reserved capacity and scaling.</summary>
public sealed partial record EndpointConfig
{
    /// <summary>
    /// Instance types SageMaker tries in this order when <see cref="InstanceType"/> has no capacity (at most 4). Default: none.
    /// </summary>
    public List<FallbackInstanceTypeConfig>? FallbackInstanceTypes { get; init; }

    /// <summary>Seconds SageMaker keeps trying to provision instances across the types (300-3600). Default: SageMaker's.</summary>
    public int? InstanceProvisionTimeoutSeconds { get; init; }

    /// <summary>Reserved capacity the instances launch into. Default: none.</summary>
    public CapacityReservationConfig? CapacityReservation { get; init; }

    /// <summary>What autoscaling tracks between <see cref="MinInstances"/> and <see cref="MaxInstances"/>. Default: invocations per instance.</summary>
    public ScalingConfig? Scaling { get; init; }

    private void ValidateCapacity(ICollection<string> problems, string path)
    {
        CapacitySettings.Validate(problems, path, FallbackInstanceTypes, CapacityReservation);
        Scaling?.Validate(problems, $"{path}.scaling");
    }

    private IEnumerable<KeyValuePair<string, string>> CapacityKeysAt(string path) =>
    [
        .. CapacitySettings.KeysAt(path, FallbackInstanceTypes?.Count ?? 0),
        .. ScalingConfig.KeysAt($"{path}.scaling"),
        new(nameof(VllmEndpointProps.Vpc), $"{NetworkConfig.Path}.subnetIds"),
    ];
}

/// <summary>The VPC and subnets every endpoint of an environment runs in.</summary>
/// <param name="Vpc">The imported VPC.</param>
/// <param name="Subnets">The subnets of the endpoints.</param>
internal sealed record ServingNetworkPlacement(IVpc Vpc, SubnetSelection Subnets);
