using Amazon.CDK;
using LlmHosting.Constructs.Sagemaker.Capacity;
using LlmHosting.Constructs.Sagemaker.Scaling;

namespace LlmHosting.Constructs.Sagemaker;

/// <summary>The capacity and scaling options of a <see cref="VllmEndpoint"/>: fallback types, reservations, the scaling signal.</summary>
public sealed partial class VllmEndpointProps
{
    /// <summary>
    /// Instance types SageMaker tries, in this order, when <see cref="InstanceType"/> has no capacity, at creation and at
    /// every scale-out (at most 4: SageMaker takes 5 instance pools with the primary type). The model must fit each, with the
    /// same checks as the primary type; a fallback whose GPU count needs another tensor parallel size gets a SageMaker model
    /// of its own. A fallback is billed at its own price while it runs, and scale-in removes fallback instances first
    /// (SageMaker guide, instance pools). Default: none.
    /// </summary>
    public FallbackInstanceType[]? FallbackInstanceTypes { get; init; }

    /// <summary>
    /// How long SageMaker keeps trying to provision instances across the instance pools before the operation fails
    /// (<c>VariantInstanceProvisionTimeoutInSeconds</c>, 300-3600 s; it covers capacity only, not the weights download or the
    /// start-up). Default: SageMaker's.
    /// </summary>
    public Duration? InstanceProvisionTimeout { get; init; }

    /// <summary>Reserved capacity the instances launch into. Default: none (on-demand capacity).</summary>
    public CapacityReservation? CapacityReservation { get; init; }

    /// <summary>
    /// What autoscaling tracks when <see cref="MaxInstanceCount"/> is above <see cref="MinInstanceCount"/>. Default:
    /// <see cref="ScalingSignal.Invocations"/> with <see cref="TargetInvocationsPerInstance"/>.
    /// </summary>
    public ScalingSignal? Scaling { get; init; }
}
