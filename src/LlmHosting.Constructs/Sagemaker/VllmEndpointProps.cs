using Amazon.CDK;
using Amazon.CDK.AWS.EC2;
using LlmHosting.Constructs.Sagemaker.Deployment;

namespace LlmHosting.Constructs.Sagemaker;

/// <summary>Properties of a <see cref="VllmEndpoint"/>: the serving options, the instances and how they scale and update.</summary>
public sealed partial class VllmEndpointProps : VllmServingOptions
{
    /// <summary>The GPU instance type, for example <see cref="GpuInstanceType.G6E_XLARGE"/>.</summary>
    public required GpuInstanceType InstanceType { get; init; }

    /// <summary>
    /// Physical name of the endpoint: 1-63 letters, digits or hyphens. It appears in the invocation URL, the
    /// log group and the alarm names. Default: a name derived from the construct path.
    /// </summary>
    public string? EndpointName { get; init; }

    /// <summary>
    /// Host AMI of the instances, whose NVIDIA driver must run the image's CUDA version; a misfit fails synthesis
    /// naming both. Default: the oldest AMI that runs the image's CUDA version
    /// (<see cref="InferenceAmiVersion.DefaultFor"/>; <see cref="InferenceAmiVersion.Al2023Gpu4_1"/> for the default
    /// CUDA 13 image). Required for an image whose CUDA version is unknown.
    /// </summary>
    public InferenceAmiVersion? InferenceAmiVersion { get; init; }

    /// <summary>Instances when the endpoint is created, and the floor of autoscaling. Default: 1.</summary>
    public int? MinInstanceCount { get; init; }

    /// <summary>
    /// Ceiling of autoscaling. When above <see cref="MinInstanceCount"/>, the endpoint scales on invocations
    /// per instance. Default: <see cref="MinInstanceCount"/> (no autoscaling).
    /// </summary>
    public int? MaxInstanceCount { get; init; }

    /// <summary>
    /// Target of the autoscaling policy: invocations per instance per minute
    /// (<c>SageMakerVariantInvocationsPerInstance</c>). Default: <see cref="ServingDefaults.TargetInvocations"/>.
    /// </summary>
    public double? TargetInvocationsPerInstance { get; init; }

    /// <summary>Time after a scale-in before the next one. Default: <see cref="ServingDefaults.ScaleInCooldown"/> (15 minutes).</summary>
    public Duration? ScaleInCooldown { get; init; }

    /// <summary>Time after a scale-out before the next one. Default: <see cref="ServingDefaults.EndpointScaleOutCooldown"/> (5 minutes).</summary>
    public Duration? ScaleOutCooldown { get; init; }

    /// <summary>
    /// EBS volume per instance in GB (1-512). Not allowed on instance types with local NVMe storage
    /// (<see cref="GpuInstanceType.HasLocalNvme"/>), whose disks hold the weights. Default: SageMaker's default.
    /// </summary>
    public int? VolumeSizeInGb { get; init; }

    /// <summary>VPC to place the instances in. Default: no VPC (SageMaker's managed network).</summary>
    public IVpc? Vpc { get; init; }

    /// <summary>Subnets of <see cref="Vpc"/>. Default: the VPC's private subnets.</summary>
    public SubnetSelection? VpcSubnets { get; init; }

    /// <summary>Security groups of the instances in <see cref="Vpc"/>. Default: a new group that allows all outbound traffic.</summary>
    public ISecurityGroup[]? SecurityGroups { get; init; }

    /// <summary>
    /// How SageMaker rolls out a new configuration (model, image, vLLM settings, instance type). Default:
    /// <see cref="EndpointDeploymentPolicy.DefaultFor"/> the instance type and <see cref="MinInstanceCount"/>: on 8-GPU
    /// instances never more than one extra instance (rolling one instance at a time from 2 instances, blue/green all at
    /// once at the initial instance count from 1); on others a blue/green canary of one instance from 2 instances, blue/green
    /// all at once from 1, keeping the autoscaled count; each step baked 10 minutes and rolled back when a rollback alarm
    /// fires.
    /// </summary>
    public EndpointDeploymentPolicy? DeploymentPolicy { get; init; }

    /// <summary>Enhanced metrics and detailed observability of the endpoint (<see cref="EndpointMetrics"/>). Default: SageMaker's.</summary>
    public EndpointMetrics? Metrics { get; init; }
}
