using Amazon.CDK;
using Amazon.CDK.AWS.ApplicationAutoScaling;
using Amazon.CDK.AWS.CloudWatch;
using Amazon.CDK.AWS.EC2;
using Amazon.CDK.AWS.IAM;
using Amazon.CDK.AWS.Sagemaker;
using Constructs;
using LlmHosting.Constructs.Access;
using LlmHosting.Constructs.Sagemaker.Deployment;

namespace LlmHosting.Constructs.Sagemaker;

/// <summary>
/// A real-time SageMaker GPU endpoint serving one model with the vLLM Deep Learning Container, reachable
/// through SageMaker's OpenAI-compatible API at <see cref="OpenAiBaseUrl"/>. Its execution role can pull
/// the image, read the model's prefix and write the endpoint's logs, and nothing else.
/// </summary>
/// <example>
/// <code>
/// var endpoint = new VllmEndpoint(this, "GptOss20b", new VllmEndpointProps
/// {
///     Model = KnownModel.GptOss20b,
///     Source = ModelSource.FromBucket(weights, "models/gpt-oss-20b/"),
///     InstanceType = GpuInstanceType.G6E_XLARGE,
/// });
/// endpoint.GrantInvokeOpenAi(clientRole);
/// </code>
/// </example>
public sealed class VllmEndpoint : Construct, IOpenAiEndpoint
{
    /// <summary>Name of the endpoint's only production variant.</summary>
    public const string VariantName = "AllTraffic";

    /// <summary>Namespace of the invocation metrics (latency, errors, invocations).</summary>
    public const string InvocationMetricsNamespace = "AWS/SageMaker";

    /// <summary>Namespace of the instance metrics (GPU, CPU, memory, disk).</summary>
    public const string InstanceMetricsNamespace = "/aws/sagemaker/Endpoints";

    /// <summary>Default for <see cref="VllmEndpointProps.ContainerStartupHealthCheckTimeout"/>.</summary>
    public static readonly Duration DefaultContainerStartupHealthCheckTimeout = Duration.Minutes(30);

    /// <summary>Default for <see cref="VllmEndpointProps.ModelDataDownloadTimeout"/>.</summary>
    public static readonly Duration DefaultModelDataDownloadTimeout = Duration.Minutes(60);

    /// <summary>Default for <see cref="VllmEndpointProps.TargetInvocationsPerInstance"/>.</summary>
    public const double DefaultTargetInvocationsPerInstance = 10;

    /// <summary>Default for <see cref="VllmEndpointProps.ModelLatencyAlarmThreshold"/>.</summary>
    public static readonly Duration DefaultModelLatencyAlarmThreshold = Duration.Seconds(60);

    private static readonly HashSet<string> InstanceMetrics =
        new(StringComparer.Ordinal) { "GPUUtilization", "GPUMemoryUtilization", "CPUUtilization", "MemoryUtilization", "DiskUtilization" };

    // The 5XX errors and model latency alarms.
    private const int DefaultAlarmCount = 2;

    private readonly List<IAlarm> _alarms = [];

    /// <summary>Creates the endpoint, or throws <see cref="ArgumentException"/> naming every problem of <paramref name="props"/>.</summary>
    /// <param name="scope">Parent construct.</param>
    /// <param name="id">Construct id. The endpoint's logical id derives from it.</param>
    /// <param name="props">The model, its source, the instance type and options.</param>
    public VllmEndpoint(Construct scope, string id, VllmEndpointProps props)
        : base(scope, id)
    {
        ArgumentNullException.ThrowIfNull(props);
        ArgumentNullException.ThrowIfNull(props.Model, nameof(props.Model));
        ArgumentNullException.ThrowIfNull(props.Source, nameof(props.Source));
        ArgumentNullException.ThrowIfNull(props.InstanceType, nameof(props.InstanceType));

        EndpointName = props.EndpointName
            ?? Names.UniqueResourceName(this, new UniqueResourceNameOptions { MaxLength = SagemakerNames.MaxLength, Separator = "-" });
        var definition = new VllmModelDefinition(
            props.Model, props.Source, props.Vllm, props.InstanceType, props.InstanceType.GpuCount, props.Image, props.EnableNetworkIsolation);
        DeploymentPolicy = props.DeploymentPolicy ?? EndpointDeploymentPolicy.DefaultFor(props.InstanceType, props.MinInstanceCount ?? 1);
        var amiProblems = new List<string>();
        var hostAmi = definition.Image.HostAmi(this, props.InferenceAmiVersion, nameof(VllmEndpointProps.InferenceAmiVersion), amiProblems);
        Validate(props, definition, amiProblems);
        HostAmi = hostAmi!;

        InstanceType = props.InstanceType;
        TensorParallelSize = definition.TensorParallelSize;
        KvCacheHeadroomGiB = definition.KvCacheHeadroomGiB;
        var stack = Stack.Of(this);
        var partition = Partitions.Partition(this);
        OpenAiBaseUrl = $"https://runtime.sagemaker.{stack.Region}.{Partitions.UrlSuffix(this)}/endpoints/{EndpointName}/openai/v1";
        LogGroupName = SagemakerNames.EndpointLogGroup(EndpointName);

        Role = new Role(this, "ExecutionRole", new RoleProps
        {
            AssumedBy = new ServicePrincipal("sagemaker.amazonaws.com"),
            Description = $"Execution role of the SageMaker endpoint {EndpointName} ({props.Model.Name} on vLLM)",
        });
        definition.GrantExecution(this, Role, [LogGroupName]);

        var vpcConfig = VpcConfig(props);
        Model = definition.CreateModel(this, "Model", Role, vpcConfig);

        var minInstances = props.MinInstanceCount ?? 1;
        var maxInstances = props.MaxInstanceCount ?? minInstances;
        EndpointConfig = new CfnEndpointConfig(this, "Config", new CfnEndpointConfigProps
        {
            ProductionVariants = new object[]
            {
                new CfnEndpointConfig.ProductionVariantProperty
                {
                    VariantName = VariantName,
                    ModelName = Model.AttrModelName,
                    InstanceType = props.InstanceType.Name,
                    InitialInstanceCount = minInstances,
                    ContainerStartupHealthCheckTimeoutInSeconds = Seconds(props.ContainerStartupHealthCheckTimeout ?? DefaultContainerStartupHealthCheckTimeout),
                    ModelDataDownloadTimeoutInSeconds = Seconds(props.ModelDataDownloadTimeout ?? DefaultModelDataDownloadTimeout),
                    VolumeSizeInGb = props.VolumeSizeInGb,
                    RoutingConfig = new CfnEndpointConfig.RoutingConfigProperty { RoutingStrategy = "LEAST_OUTSTANDING_REQUESTS" },
                },
            },
        });

        // CDK 2.160's L1 lacks InferenceAmiVersion; CloudFormation's current schema has it (a string).
        EndpointConfig.AddPropertyOverride("ProductionVariants.0.InferenceAmiVersion", HostAmi.Value);

        Endpoint = new CfnEndpoint(this, "Endpoint", new CfnEndpointProps
        {
            EndpointName = EndpointName,
            EndpointConfigName = EndpointConfig.AttrEndpointConfigName,
        });

        if (props.DefaultAlarms ?? true)
        {
            AddDefaultAlarms(props.ModelLatencyAlarmThreshold ?? DefaultModelLatencyAlarmThreshold);
        }

        // Guardrails of every update: SageMaker deploys a new configuration step by step and rolls back when a rollback
        // alarm fires (CDK 2.160's L1 lacks the rolling policy: the whole DeploymentConfig goes in as an override).
        RollbackAlarmList = [.. _alarms, .. props.RollbackAlarms ?? []];
        Endpoint.AddPropertyOverride("DeploymentConfig", DeploymentPolicy.Render(RollbackAlarmList));
        if (maxInstances > minInstances)
        {
            // An update keeps the instance count autoscaling has reached instead of going back to InitialInstanceCount
            // (UpdateEndpoint: RetainAllVariantProperties keeps DesiredInstanceCount, DesiredWeight, DataCaptureConfig).
            Endpoint.AddPropertyOverride("RetainAllVariantProperties", true);
        }

        // SageMaker lower-cases names in ARNs; a name only known at deploy time takes the ARN from the endpoint.
        EndpointArn = Token.IsUnresolved(EndpointName)
            ? Endpoint.Ref
            : $"arn:{partition}:sagemaker:{stack.Region}:{stack.Account}:endpoint/{EndpointName.ToLowerInvariant()}";

        if (maxInstances > minInstances)
        {
            ScalableTarget = new ScalableTarget(this, "ScalableTarget", new ScalableTargetProps
            {
                ServiceNamespace = ServiceNamespace.SAGEMAKER,
                ResourceId = $"endpoint/{EndpointName}/variant/{VariantName}",
                ScalableDimension = "sagemaker:variant:DesiredInstanceCount",
                MinCapacity = minInstances,
                MaxCapacity = maxInstances,
                // The service-linked role holds the SageMaker permissions (and is created on first use);
                // a role of CDK's own would have none.
                Role = Amazon.CDK.AWS.IAM.Role.FromRoleArn(this, "AutoScalingRole",
                    $"arn:{partition}:iam::{stack.Account}:role/aws-service-role/sagemaker.application-autoscaling.amazonaws.com/AWSServiceRoleForApplicationAutoScaling_SageMakerEndpoint",
                    new FromRoleArnOptions { Mutable = false }),
            });
            ScalableTarget.Node.AddDependency(Endpoint);
            ScalableTarget.ScaleToTrackMetric("InvocationsPerInstance", new BasicTargetTrackingScalingPolicyProps
            {
                PredefinedMetric = PredefinedMetric.SAGEMAKER_VARIANT_INVOCATIONS_PER_INSTANCE,
                TargetValue = props.TargetInvocationsPerInstance ?? DefaultTargetInvocationsPerInstance,
                // Scaling in drops a GPU instance that takes many minutes to come back.
                ScaleInCooldown = Duration.Minutes(15),
                ScaleOutCooldown = Duration.Minutes(5),
            });
        }
    }

    /// <inheritdoc />
    public string EndpointName { get; }

    /// <inheritdoc />
    public string EndpointArn { get; }

    /// <inheritdoc />
    public string OpenAiBaseUrl { get; }

    /// <summary>Log group the container writes to, <c>/aws/sagemaker/Endpoints/&lt;name&gt;</c>.</summary>
    public string LogGroupName { get; }

    /// <summary>The instance type.</summary>
    public GpuInstanceType InstanceType { get; }

    /// <summary>The host AMI of the instances: as set, or the default for the image's CUDA version.</summary>
    public InferenceAmiVersion HostAmi { get; }

    /// <summary>Tensor parallel size in effect.</summary>
    public int TensorParallelSize { get; }

    /// <summary>GPU memory left for the KV cache once the weights are loaded, in GiB (an estimate from the catalogs).</summary>
    public double KvCacheHeadroomGiB { get; }

    /// <summary>The execution role of the model.</summary>
    public IRole Role { get; }

    /// <summary>The SageMaker model.</summary>
    public CfnModel Model { get; }

    /// <summary>The endpoint configuration.</summary>
    public CfnEndpointConfig EndpointConfig { get; }

    /// <summary>The endpoint.</summary>
    public CfnEndpoint Endpoint { get; }

    /// <summary>The autoscaling target, or null when the instance count is fixed.</summary>
    public ScalableTarget? ScalableTarget { get; }

    /// <summary>The default alarms (5XX errors, model latency), empty when turned off.</summary>
    public IReadOnlyList<IAlarm> Alarms => _alarms;

    /// <summary>How SageMaker rolls out a new configuration of this endpoint.</summary>
    public EndpointDeploymentPolicy DeploymentPolicy { get; }

    /// <summary>The alarms that roll back a deployment: <see cref="Alarms"/> and <see cref="VllmEndpointProps.RollbackAlarms"/>.</summary>
    public IReadOnlyList<IAlarm> RollbackAlarmList { get; private set; } = [];

    /// <inheritdoc />
    public Grant GrantInvoke(IGrantable grantee) => InvokeActions.GrantInvoke(grantee, EndpointArn);

    /// <inheritdoc />
    public Grant GrantInvokeOpenAi(IGrantable grantee) => InvokeActions.GrantInvokeOpenAi(grantee, EndpointArn);

    /// <summary>
    /// A metric of this endpoint's variant. Instance metrics (<c>GPUUtilization</c>, <c>GPUMemoryUtilization</c>,
    /// <c>CPUUtilization</c>, <c>MemoryUtilization</c>, <c>DiskUtilization</c>) are read from
    /// <see cref="InstanceMetricsNamespace"/>, every other metric from <see cref="InvocationMetricsNamespace"/>.
    /// </summary>
    /// <param name="metricName">CloudWatch metric name.</param>
    /// <param name="options">Statistic, period, label... Default: average over 5 minutes.</param>
    public Metric Metric(string metricName, IMetricOptions? options = null)
        => SagemakerMetrics.Create(
            InstanceMetrics.Contains(metricName) ? InstanceMetricsNamespace : InvocationMetricsNamespace,
            metricName,
            new Dictionary<string, string> { ["EndpointName"] = EndpointName, ["VariantName"] = VariantName },
            options);

    /// <summary>Time the container took to answer, in microseconds. Default statistic: p90.</summary>
    /// <param name="options">Overrides.</param>
    public Metric MetricModelLatency(IMetricOptions? options = null) => Metric("ModelLatency", SagemakerMetrics.WithStatistic(options, "p90"));

    /// <summary>Requests answered with a 4XX error. Default statistic: sum.</summary>
    /// <param name="options">Overrides.</param>
    public Metric MetricInvocation4XXErrors(IMetricOptions? options = null) => Metric("Invocation4XXErrors", SagemakerMetrics.WithStatistic(options, "Sum"));

    /// <summary>Requests answered with a 5XX error. Default statistic: sum.</summary>
    /// <param name="options">Overrides.</param>
    public Metric MetricInvocation5XXErrors(IMetricOptions? options = null) => Metric("Invocation5XXErrors", SagemakerMetrics.WithStatistic(options, "Sum"));

    /// <summary>Requests sent to the endpoint. Default statistic: sum.</summary>
    /// <param name="options">Overrides.</param>
    public Metric MetricInvocations(IMetricOptions? options = null) => Metric("Invocations", SagemakerMetrics.WithStatistic(options, "Sum"));

    /// <summary>GPU utilisation in percent, summed over the instance's GPUs (up to 100 x GPU count). Default statistic: average.</summary>
    /// <param name="options">Overrides.</param>
    public Metric MetricGpuUtilization(IMetricOptions? options = null) => Metric("GPUUtilization", options);

    /// <summary>GPU memory utilisation in percent, summed over the instance's GPUs. Default statistic: average.</summary>
    /// <param name="options">Overrides.</param>
    public Metric MetricGpuMemoryUtilization(IMetricOptions? options = null) => Metric("GPUMemoryUtilization", options);

    private static double Seconds(Duration duration) => duration.ToSeconds();

    private void AddDefaultAlarms(Duration latencyThreshold)
    {
        var subject = $"SageMaker endpoint {EndpointName}";
        _alarms.Add(SagemakerAlarms.Invocation5XXErrors(this, EndpointName, subject, LogGroupName, MetricInvocation5XXErrors()));
        _alarms.Add(SagemakerAlarms.ModelLatency(this, EndpointName, subject, latencyThreshold, "more instances", MetricModelLatency()));
    }

    private CfnModel.VpcConfigProperty? VpcConfig(VllmEndpointProps props)
    {
        if (props.Vpc is null)
        {
            return null;
        }

        var securityGroups = props.SecurityGroups ?? [new SecurityGroup(this, "SecurityGroup", new SecurityGroupProps
        {
            Vpc = props.Vpc,
            Description = $"SageMaker endpoint {EndpointName}",
            AllowAllOutbound = true,
        })];
        return new CfnModel.VpcConfigProperty
        {
            Subnets = props.Vpc.SelectSubnets(props.VpcSubnets).SubnetIds,
            SecurityGroupIds = securityGroups.Select(g => g.SecurityGroupId).ToArray(),
        };
    }

    private void Validate(VllmEndpointProps props, VllmModelDefinition definition, IEnumerable<string> amiProblems)
    {
        var problems = new List<string>(amiProblems);
        SagemakerNames.CheckName(problems, nameof(VllmEndpointProps.EndpointName), props.EndpointName);

        var min = props.MinInstanceCount ?? 1;
        if (min < 1)
        {
            problems.Add($"MinInstanceCount {min} must be at least 1 (an endpoint without inference components cannot scale to zero)");
        }

        if (props.MaxInstanceCount is { } max && max < min)
        {
            problems.Add($"MaxInstanceCount {max} is below MinInstanceCount {min}");
        }

        if (props.TargetInvocationsPerInstance is { } target && !(target > 0))
        {
            problems.Add($"TargetInvocationsPerInstance {target} must be above 0");
        }

        SagemakerNames.CheckTimeout(problems, nameof(VllmEndpointProps.ContainerStartupHealthCheckTimeout), props.ContainerStartupHealthCheckTimeout);
        SagemakerNames.CheckTimeout(problems, nameof(VllmEndpointProps.ModelDataDownloadTimeout), props.ModelDataDownloadTimeout);

        if (props.VolumeSizeInGb is { } volume)
        {
            if (props.InstanceType.HasLocalNvme)
            {
                problems.Add($"VolumeSizeInGb is set but {props.InstanceType.Name} keeps the model on local NVMe storage, where SageMaker does not accept a volume size; leave it unset");
            }
            else if (volume is < 1 or > 512)
            {
                problems.Add($"VolumeSizeInGb {volume} must be between 1 and 512");
            }
        }

        if (props.Vpc is null && (props.VpcSubnets is not null || props.SecurityGroups is not null))
        {
            problems.Add("VpcSubnets or SecurityGroups is set without Vpc");
        }

        if (props.ModelLatencyAlarmThreshold is { } latency && !Token.IsUnresolved(latency.ToString()) && latency.ToMilliseconds(new TimeConversionOptions { Integral = false }) <= 0)
        {
            problems.Add("ModelLatencyAlarmThreshold must be above 0");
        }

        problems.AddRange(DeploymentPolicy.Problems(nameof(VllmEndpointProps.DeploymentPolicy), min));
        problems.AddRange(RollbackAlarms.Problems(nameof(VllmEndpointProps.RollbackAlarms),
            (props.DefaultAlarms ?? true ? DefaultAlarmCount : 0) + (props.RollbackAlarms?.Length ?? 0)));
        problems.AddRange(definition.Problems(this));
        if (problems.Count > 0)
        {
            throw new ArgumentException($"Invalid VllmEndpointProps: {string.Join("; ", problems)}.");
        }
    }
}
