using Amazon.CDK;
using Amazon.CDK.AWS.CloudWatch;
using Amazon.CDK.AWS.EC2;
using LlmHosting.Constructs.Sagemaker.Deployment;

namespace LlmHosting.Constructs.Sagemaker;

/// <summary>Properties of a <see cref="VllmEndpoint"/>.</summary>
public sealed class VllmEndpointProps
{
    /// <summary>The model: its GPU memory need and recommended parsers. Use <see cref="KnownModel.Of"/> for others.</summary>
    public required KnownModel Model { get; init; }

    /// <summary>Where the weights come from: <see cref="ModelSource.FromBucket"/> or <see cref="ModelSource.FromHuggingFace"/>.</summary>
    public required ModelSource Source { get; init; }

    /// <summary>The GPU instance type, for example <see cref="GpuInstanceType.G6E_XLARGE"/>.</summary>
    public required GpuInstanceType InstanceType { get; init; }

    /// <summary>
    /// Physical name of the endpoint: 1-63 letters, digits or hyphens. It appears in the invocation URL, the
    /// log group and the alarm names. Default: a name derived from the construct path.
    /// </summary>
    public string? EndpointName { get; init; }

    /// <summary>Container image. Default: <see cref="VllmImage.Default"/> (the vLLM DLC with a pinned tag).</summary>
    public VllmImage? Image { get; init; }

    /// <summary>
    /// Host AMI of the instances, whose NVIDIA driver must run the image's CUDA version; a misfit fails synthesis
    /// naming both. Default: the oldest AMI that runs the image's CUDA version
    /// (<see cref="InferenceAmiVersion.DefaultFor"/>; <see cref="InferenceAmiVersion.Al2023Gpu4_1"/> for the default
    /// CUDA 13 image). Required for an image whose CUDA version is unknown.
    /// </summary>
    public InferenceAmiVersion? InferenceAmiVersion { get; init; }

    /// <summary>vLLM settings. Default: every <see cref="VllmSettings"/> default (tensor parallel over all GPUs).</summary>
    public VllmSettings? Vllm { get; init; }

    /// <summary>Instances when the endpoint is created, and the floor of autoscaling. Default: 1.</summary>
    public int? MinInstanceCount { get; init; }

    /// <summary>
    /// Ceiling of autoscaling. When above <see cref="MinInstanceCount"/>, the endpoint scales on invocations
    /// per instance. Default: <see cref="MinInstanceCount"/> (no autoscaling).
    /// </summary>
    public int? MaxInstanceCount { get; init; }

    /// <summary>
    /// Target of the autoscaling policy: invocations per instance per minute
    /// (<c>SageMakerVariantInvocationsPerInstance</c>). Default: 10, suited to LLM requests that take seconds.
    /// </summary>
    public double? TargetInvocationsPerInstance { get; init; }

    /// <summary>
    /// How long SageMaker waits for the container's health check to pass after start-up, 60-3600 s. Large
    /// models take minutes to load. Default: 30 minutes.
    /// </summary>
    public Duration? ContainerStartupHealthCheckTimeout { get; init; }

    /// <summary>How long SageMaker may take to copy the weights to the instance, 60-3600 s. Default: 60 minutes.</summary>
    public Duration? ModelDataDownloadTimeout { get; init; }

    /// <summary>
    /// EBS volume per instance in GB (1-512). Not allowed on instance types with local NVMe storage
    /// (<see cref="GpuInstanceType.HasLocalNvme"/>), whose disks hold the weights. Default: SageMaker's default.
    /// </summary>
    public int? VolumeSizeInGb { get; init; }

    /// <summary>
    /// Run the container without network access. Must be false for Hugging Face sources.
    /// Default: true for bucket sources, false for Hugging Face sources.
    /// </summary>
    public bool? EnableNetworkIsolation { get; init; }

    /// <summary>VPC to place the instances in. Default: no VPC (SageMaker's managed network).</summary>
    public IVpc? Vpc { get; init; }

    /// <summary>Subnets of <see cref="Vpc"/>. Default: the VPC's private subnets.</summary>
    public SubnetSelection? VpcSubnets { get; init; }

    /// <summary>Security groups of the instances in <see cref="Vpc"/>. Default: a new group that allows all outbound traffic.</summary>
    public ISecurityGroup[]? SecurityGroups { get; init; }

    /// <summary>
    /// How SageMaker rolls out a new configuration (model, image, vLLM settings, instance type). Default:
    /// <see cref="EndpointDeploymentPolicy.DefaultFor"/> the instance type and <see cref="MinInstanceCount"/>: rolling in
    /// batches of half the instances for 8-GPU instances with at least 2 instances, a blue/green canary of one instance
    /// for other instances with at least 2, blue/green all at once for one instance; each step baked 10 minutes and rolled
    /// back when a rollback alarm fires.
    /// </summary>
    public EndpointDeploymentPolicy? DeploymentPolicy { get; init; }

    /// <summary>
    /// Alarms that roll a deployment back, in addition to the endpoint's default 5XX and latency alarms (at most 10 in
    /// all). Default: none.
    /// </summary>
    public IAlarm[]? RollbackAlarms { get; init; }

    /// <summary>Create the default alarms (5XX errors, model latency), which also roll deployments back. Default: true.</summary>
    public bool? DefaultAlarms { get; init; }

    /// <summary>
    /// p90 model latency above which the latency alarm fires (three 5-minute periods in a row).
    /// Default: 60 seconds.
    /// </summary>
    public Duration? ModelLatencyAlarmThreshold { get; init; }
}
