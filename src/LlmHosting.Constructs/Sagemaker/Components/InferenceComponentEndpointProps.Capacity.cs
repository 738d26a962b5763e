using Amazon.CDK;
using Amazon.CDK.AWS.EC2;
using LlmHosting.Constructs.Sagemaker.Capacity;

namespace LlmHosting.Constructs.Sagemaker.Components;

/// <summary>The capacity and network options of an <see cref="InferenceComponentEndpoint"/>.</summary>
public sealed partial class InferenceComponentEndpointProps
{
    /// <summary>
    /// Instance types SageMaker tries, in this order, when <see cref="InstanceType"/> has no capacity, at creation and when
    /// managed instance scaling adds instances (at most 4: 5 instance pools with the primary type). Every component must fit
    /// each type: one component specification serves every type (the library does not write per-type
    /// <c>Specifications</c>), so its GPUs, CPU cores and memory per copy must fit the smallest, and its minimum copies must
    /// fit <see cref="MaxInstanceCount"/> instances of each type. Default: none.
    /// </summary>
    public FallbackInstanceType[]? FallbackInstanceTypes { get; init; }

    /// <summary>
    /// How long SageMaker keeps trying to provision instances across the instance pools before it gives up
    /// (<c>VariantInstanceProvisionTimeoutInSeconds</c>, 300-3600 s). Default: SageMaker's.
    /// </summary>
    public Duration? InstanceProvisionTimeout { get; init; }

    /// <summary>Reserved capacity the instances launch into. Default: none (on-demand capacity).</summary>
    public CapacityReservation? CapacityReservation { get; init; }

    /// <summary>
    /// VPC to place the instances in (the endpoint configuration's <c>VpcConfig</c>, which covers every component). Default:
    /// no VPC (SageMaker's managed network).
    /// </summary>
    public IVpc? Vpc { get; init; }

    /// <summary>Subnets of <see cref="Vpc"/>, in at least two Availability Zones. Default: the VPC's private subnets.</summary>
    public SubnetSelection? VpcSubnets { get; init; }

    /// <summary>Security groups of the instances in <see cref="Vpc"/>. Default: a new group that allows all outbound traffic.</summary>
    public ISecurityGroup[]? SecurityGroups { get; init; }
}
