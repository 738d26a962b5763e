using LlmHosting.Constructs.Logs;
using LlmHosting.Constructs.Sagemaker.Deployment;

namespace LlmHosting.Constructs.Sagemaker.Components;

/// <summary>Properties of an <see cref="InferenceComponentEndpoint"/>.</summary>
public sealed partial class InferenceComponentEndpointProps
{
    /// <summary>
    /// The GPU instance type every instance of the endpoint runs on, for example
    /// <see cref="GpuInstanceType.G6E_12XLARGE"/> (4 GPUs). Each copy of a component takes whole GPUs of one instance.
    /// </summary>
    public required GpuInstanceType InstanceType { get; init; }

    /// <summary>
    /// How SageMaker rolls out a new endpoint configuration (instance type, routing, instance limits). Default: blue/green
    /// all at once, baked 10 minutes, rolled back when a rollback alarm fires (the endpoint can have a single instance,
    /// so neither a canary nor a rolling batch is possible). How SageMaker moves the components to the new fleet is not
    /// documented: UNCONFIRMED.
    /// </summary>
    public EndpointDeploymentPolicy? DeploymentPolicy { get; init; }

    /// <summary>
    /// Alarms that roll back an endpoint update, before the components' 5XX alarms (10 alarms in all at most). Default: none.
    /// </summary>
    public Amazon.CDK.AWS.CloudWatch.IAlarm[]? RollbackAlarms { get; init; }

    /// <summary>
    /// Host AMI of the instances, whose NVIDIA driver must run every component's image; a component whose image needs a
    /// newer CUDA fails naming both. Default: the oldest AMI that runs the newest CUDA version among the components'
    /// images (<see cref="InferenceAmiVersion.DefaultFor"/>).
    /// </summary>
    public InferenceAmiVersion? InferenceAmiVersion { get; init; }

    /// <summary>
    /// Physical name of the endpoint: 1-63 letters, digits or hyphens. It appears in every component's invocation
    /// URL, the log group and the alarm names. Default: a name derived from the construct path.
    /// </summary>
    public string? EndpointName { get; init; }

    /// <summary>
    /// Fewest instances SageMaker keeps (managed instance scaling). 0 lets the endpoint scale to zero instances, and so
    /// cost nothing for GPUs, once every component has scaled to zero copies. Default: 0.
    /// </summary>
    public int? MinInstanceCount { get; init; }

    /// <summary>
    /// Most instances SageMaker may launch to place component copies; the packing check uses it. Default: the larger of
    /// 1 and <see cref="MinInstanceCount"/>.
    /// </summary>
    public int? MaxInstanceCount { get; init; }

    /// <summary>
    /// Instances launched when the endpoint is created, at least 1 (SageMaker needs an instance to place the first
    /// copies on). Default: the larger of 1 and <see cref="MinInstanceCount"/>.
    /// </summary>
    public int? InitialInstanceCount { get; init; }

    /// <summary>How requests are spread over copies. Default: <see cref="RoutingStrategy.LEAST_OUTSTANDING_REQUESTS"/>.</summary>
    public RoutingStrategy? RoutingStrategy { get; init; }

    /// <summary>
    /// EBS volume per instance in GB (1-512). Not allowed on instance types with local NVMe storage
    /// (<see cref="GpuInstanceType.HasLocalNvme"/>). Default: SageMaker's default.
    /// </summary>
    public int? VolumeSizeInGb { get; init; }

    /// <summary>
    /// Retention, key and removal of the endpoint's log group (each component has its own, set in its options).
    /// Default: the <see cref="LogGroupOptions.SetDefaults"/> of an enclosing scope, else one month, no key, retained.
    /// </summary>
    public LogGroupOptions? Logs { get; init; }

    /// <summary>
    /// Declare the endpoint's log group in the stack, before the endpoint. False for a group that exists already outside
    /// the stack: nothing is declared and the role may create that group only. Default: true.
    /// </summary>
    public bool? DeclareLogGroup { get; init; }

    /// <summary>
    /// Enhanced metrics (per instance, per component container, per GPU) and detailed observability of the endpoint
    /// (<see cref="EndpointMetrics"/>). Default: SageMaker's.
    /// </summary>
    public EndpointMetrics? Metrics { get; init; }
}

/// <summary>How a SageMaker endpoint spreads requests over the copies that can serve them.</summary>
public sealed class RoutingStrategy
{
    private RoutingStrategy(string value) => Value = value;

    /// <summary>The value CloudFormation expects.</summary>
    public string Value { get; }

    /// <summary>To the copy with the fewest requests in flight: the right choice for LLM requests of very different lengths.</summary>
    public static readonly RoutingStrategy LEAST_OUTSTANDING_REQUESTS = new("LEAST_OUTSTANDING_REQUESTS");

    /// <summary>To a copy chosen at random.</summary>
    public static readonly RoutingStrategy RANDOM = new("RANDOM");

    /// <summary>The strategy of that name; throws <see cref="ArgumentException"/> listing the known ones otherwise.</summary>
    /// <param name="value"><c>LEAST_OUTSTANDING_REQUESTS</c> or <c>RANDOM</c>.</param>
    public static RoutingStrategy Of(string value) => value switch
    {
        "LEAST_OUTSTANDING_REQUESTS" => LEAST_OUTSTANDING_REQUESTS,
        "RANDOM" => RANDOM,
        _ => throw new ArgumentException($"Unknown routing strategy '{value}': use LEAST_OUTSTANDING_REQUESTS or RANDOM.", nameof(value)),
    };

    /// <inheritdoc />
    public override string ToString() => Value;
}
