using Amazon.CDK;
using Amazon.CDK.AWS.CloudWatch;
using Amazon.CDK.AWS.EC2;
using Amazon.CDK.AWS.IAM;
using Amazon.CDK.AWS.Sagemaker;
using Constructs;
using LlmHosting.Constructs.Access;
using LlmHosting.Constructs.Sagemaker.Deployment;
using LlmHosting.Constructs.Sagemaker.Scaling;
using LlmHosting.Constructs.Validation;

namespace LlmHosting.Constructs.Sagemaker;

/// <summary>
/// A real-time SageMaker GPU endpoint serving one model with the vLLM Deep Learning Container, reachable
/// through SageMaker's OpenAI-compatible API at <see cref="ServedModel.OpenAiBaseUrl"/>. Its execution role can pull
/// the image, read the model's prefix and write the endpoint's logs, and nothing else. Updates run behind a deployment
/// policy that rolls back on the endpoint's alarms.
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
public sealed partial class VllmEndpoint : ServedModel
{
    /// <summary>Name of the endpoint's only production variant.</summary>
    public const string VariantName = "AllTraffic";

    /// <summary>Namespace of the invocation metrics (latency, errors, invocations).</summary>
    public const string InvocationMetricsNamespace = "AWS/SageMaker";

    /// <summary>Namespace of the instance metrics (GPU, CPU, memory, disk).</summary>
    public const string InstanceMetricsNamespace = "/aws/sagemaker/Endpoints";

    private static readonly HashSet<string> InstanceMetrics =
        new(StringComparer.Ordinal) { "GPUUtilization", "GPUMemoryUtilization", "CPUUtilization", "MemoryUtilization", "DiskUtilization" };

    private readonly string _endpointName;
    private readonly string _endpointArn;

    /// <summary>Creates the endpoint, or throws <see cref="PropsValidationException"/> naming every problem of <paramref name="props"/>.</summary>
    /// <param name="scope">Parent construct.</param>
    /// <param name="id">Construct id. The endpoint's logical id derives from it.</param>
    /// <param name="props">The model, its source, the instance type and options.</param>
    public VllmEndpoint(Construct scope, string id, VllmEndpointProps props)
        : base(scope, id)
    {
        ArgumentNullException.ThrowIfNull(props);
        ArgumentNullException.ThrowIfNull(props.InstanceType, nameof(props.InstanceType));

        _endpointName = SagemakerNames.NameOrDefault(this, props.EndpointName);
        var definition = new VllmModelDefinition(props, props.InstanceType, props.InstanceType.GpuCount);
        var minInstances = props.MinInstanceCount ?? 1;
        var maxInstances = props.MaxInstanceCount ?? minInstances;
        DeploymentPolicy = props.DeploymentPolicy ?? EndpointDeploymentPolicy.DefaultFor(props.InstanceType, minInstances);
        _capacity = CapacityOf(props);
        _fallbackDefinitions = FallbackDefinitions(props);
        HostAmi = Validate(props, definition, minInstances);

        InstanceType = props.InstanceType;
        TensorParallelSize = definition.TensorParallelSize;
        KvCacheHeadroomGiB = definition.KvCacheHeadroomGiB;
        ServedModelName = props.Model.Name;
        OpenAiBaseUrl = SagemakerAddresses.OpenAiBaseUrl(this, $"endpoints/{_endpointName}");
        LogGroupName = SagemakerNames.EndpointLogGroup(_endpointName);

        Role = ExecutionRoles.Create(this, $"Execution role of the SageMaker endpoint {_endpointName} ({props.Model.Name} on vLLM)");
        var declareLogGroup = props.DeclareLogGroup ?? true;
        definition.GrantExecution(this, Role, [LogGroupName], declareLogGroup);
        var vpcConfig = VpcConfig(props);
        Model = definition.CreateModel(this, "Model", Role, vpcConfig);

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
                    ContainerStartupHealthCheckTimeoutInSeconds = (props.ContainerStartupHealthCheckTimeout ?? ServingDefaults.ContainerStartupHealthCheckTimeout).ToSeconds(),
                    ModelDataDownloadTimeoutInSeconds = (props.ModelDataDownloadTimeout ?? ServingDefaults.ModelDataDownloadTimeout).ToSeconds(),
                    VolumeSizeInGb = props.VolumeSizeInGb,
                    RoutingConfig = new CfnEndpointConfig.RoutingConfigProperty { RoutingStrategy = "LEAST_OUTSTANDING_REQUESTS" },
                },
            },
        });
        // CDK 2.160's L1 lacks InferenceAmiVersion; CloudFormation's current schema has it (a string).
        EndpointConfig.AddPropertyOverride("ProductionVariants.0.InferenceAmiVersion", HostAmi.Value);
        WriteCapacity(definition, vpcConfig);
        props.Metrics?.ApplyTo(EndpointConfig);

        Endpoint = new CfnEndpoint(this, "Endpoint", new CfnEndpointProps
        {
            EndpointName = _endpointName,
            EndpointConfigName = EndpointConfig.AttrEndpointConfigName,
        });
        _endpointArn = SagemakerAddresses.EndpointArn(this, _endpointName, Endpoint);
        LogGroup = ServingLogs.Declare(this, "LogGroup", LogGroupName, props.Logs, declareLogGroup, Endpoint);

        AddDefaultAlarms(props, _endpointName, $"SageMaker endpoint {_endpointName}", "more instances");
        if (RollbackAlarms.DescribeStatement(RollbackAlarmList) is { } readAlarms)
        {
            // SageMaker reads the rollback alarms with the model's execution role; the model already waits for its policy.
            Role.AddToPrincipalPolicy(readAlarms);
        }

        // Guardrails of every update: SageMaker deploys a new configuration step by step and rolls back when a rollback
        // alarm fires (CDK 2.160's L1 lacks the rolling policy: the whole DeploymentConfig goes in as an override).
        Endpoint.AddPropertyOverride("DeploymentConfig", DeploymentPolicy.Render(RollbackAlarmList));

        // Autoscaling goes through resources that deregister the variant before an update that changes its instance type.
        Scaling = new VariantScaling(this, "Scaling", Endpoint, _endpointName, VariantName, _capacity.Key);
        if (maxInstances > minInstances)
        {
            // An update keeps the instance count autoscaling has reached instead of going back to InitialInstanceCount
            // (UpdateEndpoint: RetainAllVariantProperties keeps DesiredInstanceCount, DesiredWeight, DataCaptureConfig),
            // unless the policy bounds a blue/green update's second fleet to InitialInstanceCount.
            if (DeploymentPolicy.RetainInstanceCount)
            {
                Endpoint.AddPropertyOverride("RetainAllVariantProperties", true);
            }

            RegisterScaling(props, definition, minInstances, maxInstances);
        }
    }

    /// <inheritdoc />
    public override string EndpointName => _endpointName;

    /// <inheritdoc />
    public override string EndpointArn => _endpointArn;

    /// <summary>The instance type.</summary>
    public GpuInstanceType InstanceType { get; }

    /// <summary>The host AMI of the instances: as set, or the default for the image's CUDA version.</summary>
    public InferenceAmiVersion HostAmi { get; }

    /// <summary>How SageMaker rolls out a new configuration of this endpoint.</summary>
    public EndpointDeploymentPolicy DeploymentPolicy { get; }

    /// <summary>The execution role of the model.</summary>
    public IRole Role { get; }

    /// <summary>The endpoint configuration.</summary>
    public CfnEndpointConfig EndpointConfig { get; }

    /// <summary>The endpoint.</summary>
    public CfnEndpoint Endpoint { get; }

    /// <summary>
    /// The autoscaling of the variant: resources that register it (when the instance count is not fixed) and that keep the
    /// registration out of the way of instance-type changes.
    /// </summary>
    internal VariantScaling Scaling { get; }

    /// <summary>True when the instance count scales between the minimum and the maximum.</summary>
    public bool IsAutoscaled => Scaling.Registration is not null;

    /// <inheritdoc />
    public override Grant GrantInvoke(IGrantable grantee) => InvokeActions.GrantInvoke(grantee, EndpointArn);

    /// <summary>
    /// A metric of this endpoint's variant. Instance metrics (<c>GPUUtilization</c>, <c>GPUMemoryUtilization</c>,
    /// <c>CPUUtilization</c>, <c>MemoryUtilization</c>, <c>DiskUtilization</c>) are read from
    /// <see cref="InstanceMetricsNamespace"/>, every other metric from <see cref="InvocationMetricsNamespace"/>.
    /// </summary>
    /// <param name="metricName">CloudWatch metric name.</param>
    /// <param name="options">Statistic, period, label... Default: average over 5 minutes.</param>
    public override Metric Metric(string metricName, IMetricOptions? options = null) => VariantMetric(EndpointName, metricName, options);

    /// <summary>
    /// References an endpoint that is not defined in this app (another stack, another tool) by its name, for grants,
    /// dashboards and alarms. Its variant is <see cref="VariantName"/>.
    /// </summary>
    /// <param name="scope">Parent construct.</param>
    /// <param name="id">Construct id.</param>
    /// <param name="endpointName">The endpoint's name.</param>
    public static IServedModel FromEndpointName(Construct scope, string id, string endpointName)
    {
        if (!Tokens.IsUnresolved(endpointName) && !SagemakerNames.IsValid(endpointName))
        {
            throw new ArgumentException($"Invalid endpoint name '{endpointName}': {SagemakerNames.Rule}.", nameof(endpointName));
        }

        return new ImportedVllmEndpoint(scope, id, endpointName);
    }

    /// <summary>A metric of the variant of the endpoint <paramref name="endpointName"/>, from the namespace that holds it.</summary>
    internal static Metric VariantMetric(string endpointName, string metricName, IMetricOptions? options)
        => SagemakerMetrics.Create(
            InstanceMetrics.Contains(metricName) ? InstanceMetricsNamespace : InvocationMetricsNamespace,
            metricName,
            new Dictionary<string, string> { ["EndpointName"] = endpointName, ["VariantName"] = VariantName },
            options);

    /// <summary>GPU utilisation in percent, summed over the instance's GPUs (up to 100 x GPU count). Default statistic: average.</summary>
    /// <param name="options">Overrides.</param>
    public override Metric MetricGpuUtilization(IMetricOptions? options = null) => Metric("GPUUtilization", options);

    /// <summary>GPU memory utilisation in percent, summed over the instance's GPUs. Default statistic: average.</summary>
    /// <param name="options">Overrides.</param>
    public override Metric MetricGpuMemoryUtilization(IMetricOptions? options = null) => Metric("GPUMemoryUtilization", options);

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

    private InferenceAmiVersion Validate(VllmEndpointProps props, VllmModelDefinition definition, int min)
    {
        var problems = new PropsProblems(nameof(VllmEndpointProps));
        SagemakerNames.CheckName(problems, nameof(VllmEndpointProps.EndpointName), props.EndpointName);
        string P(string property) => Property.Ref(property);

        if (min < 1)
        {
            problems.Add(nameof(VllmEndpointProps.MinInstanceCount), $"{P(nameof(VllmEndpointProps.MinInstanceCount))} {min} must be at least 1 (an endpoint without inference components cannot scale to zero)");
        }

        if (props.MaxInstanceCount is { } max && max < min)
        {
            problems.Add(nameof(VllmEndpointProps.MaxInstanceCount), $"{P(nameof(VllmEndpointProps.MaxInstanceCount))} {max} is below {P(nameof(VllmEndpointProps.MinInstanceCount))} {min}");
        }

        if (props.TargetInvocationsPerInstance is { } target && !(target > 0))
        {
            problems.Add(nameof(VllmEndpointProps.TargetInvocationsPerInstance), $"{P(nameof(VllmEndpointProps.TargetInvocationsPerInstance))} {target} must be above 0");
        }

        SagemakerNames.CheckVolumeSize(problems, nameof(VllmEndpointProps.VolumeSizeInGb), props.VolumeSizeInGb, props.InstanceType);

        if (props.Vpc is null && (props.VpcSubnets is not null || props.SecurityGroups is not null))
        {
            problems.Add(nameof(VllmEndpointProps.Vpc), $"{P(nameof(VllmEndpointProps.VpcSubnets))} or {P(nameof(VllmEndpointProps.SecurityGroups))} is set without {P(nameof(VllmEndpointProps.Vpc))}");
        }

        AddCapacityProblems(problems, props, definition, min);
        var ami = definition.Image.HostAmi(this, props.InferenceAmiVersion, nameof(VllmEndpointProps.InferenceAmiVersion), problems);
        DeploymentPolicy.AddProblems(problems, nameof(VllmEndpointProps.DeploymentPolicy), min);
        problems.AddRange(AlarmThresholds.Problems(props));
        props.Metrics?.AddProblems(problems, nameof(VllmEndpointProps.Metrics));
        problems.AddRange(definition.Problems(this));
        problems.ThrowIfAny();
        return ami!;
    }
}
