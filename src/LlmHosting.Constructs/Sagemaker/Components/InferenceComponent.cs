using Amazon.CDK;
using Amazon.CDK.AWS.ApplicationAutoScaling;
using Amazon.CDK.AWS.CloudWatch;
using Amazon.CDK.AWS.CloudWatch.Actions;
using Amazon.CDK.AWS.IAM;
using Amazon.CDK.AWS.Sagemaker;
using Constructs;
using LlmHosting.Constructs.Access;
using LlmHosting.Constructs.Sagemaker.Deployment;

namespace LlmHosting.Constructs.Sagemaker.Components;

/// <summary>
/// One model served by the vLLM container as an inference component of an <see cref="InferenceComponentEndpoint"/>:
/// a SageMaker model, the component with its compute requirements and copy count, autoscaling of its copies
/// (target tracking on invocations per copy, and scale-out from zero copies when <c>MinCopyCount</c> is 0), metrics
/// and alarms. Clients reach it through SageMaker's OpenAI-compatible API at <see cref="OpenAiBaseUrl"/>.
/// </summary>
public sealed class InferenceComponent : Construct, IOpenAiEndpoint
{
    /// <summary>Namespace of the invocation metrics (latency, errors, invocations, no-capacity failures).</summary>
    public const string InvocationMetricsNamespace = "AWS/SageMaker";

    /// <summary>Namespace of the per-component utilisation metrics (GPU, CPU, memory, normalised to the component's share).</summary>
    public const string UtilizationMetricsNamespace = "/aws/sagemaker/InferenceComponents";

    /// <summary>The metric whose failures mean no copy could take a request; it drives the scale-out from zero.</summary>
    public const string NoCapacityMetricName = "NoCapacityInvocationFailures";

    /// <summary>The autoscaling dimension of inference components.</summary>
    public const string ScalableDimension = "sagemaker:inference-component:DesiredCopyCount";

    /// <summary>Default for <see cref="InferenceComponentOptions.TargetInvocationsPerCopy"/>.</summary>
    public const double DefaultTargetInvocationsPerCopy = 10;

    /// <summary>Share of the host's vCPUs and memory (per GPU) that a copy reserves by default.</summary>
    public const double DefaultHostShare = 0.5;

    /// <summary>Default for <see cref="InferenceComponentOptions.ContainerStartupHealthCheckTimeout"/>.</summary>
    public static readonly Duration DefaultContainerStartupHealthCheckTimeout = Duration.Minutes(30);

    /// <summary>Default for <see cref="InferenceComponentOptions.ModelDataDownloadTimeout"/>.</summary>
    public static readonly Duration DefaultModelDataDownloadTimeout = Duration.Minutes(60);

    /// <summary>Default for <see cref="InferenceComponentOptions.ScaleInCooldown"/>.</summary>
    public static readonly Duration DefaultScaleInCooldown = Duration.Minutes(15);

    /// <summary>Default for <see cref="InferenceComponentOptions.ScaleOutCooldown"/>.</summary>
    public static readonly Duration DefaultScaleOutCooldown = Duration.Minutes(10);

    /// <summary>Default for <see cref="InferenceComponentOptions.ModelLatencyAlarmThreshold"/>.</summary>
    public static readonly Duration DefaultModelLatencyAlarmThreshold = Duration.Seconds(60);

    private static readonly int[] GpuSteps = [1, 2, 4, 8];

    private static readonly HashSet<string> UtilizationMetrics = new(StringComparer.Ordinal)
    {
        "GPUUtilizationNormalized", "GPUMemoryUtilizationNormalized", "CPUUtilizationNormalized", "MemoryUtilizationNormalized",
    };

    private readonly List<IAlarm> _alarms = [];

    /// <summary>Creates the component on <see cref="InferenceComponentProps.Endpoint"/>, or throws <see cref="ArgumentException"/> naming every problem.</summary>
    /// <param name="scope">Parent construct.</param>
    /// <param name="id">Construct id.</param>
    /// <param name="props">The endpoint, the model and options.</param>
    public InferenceComponent(Construct scope, string id, InferenceComponentProps props)
        : this(scope, id, (props ?? throw new ArgumentNullException(nameof(props))).Endpoint, props)
    {
    }

    internal InferenceComponent(Construct scope, string id, InferenceComponentEndpoint endpoint, InferenceComponentOptions options)
        : base(scope, id)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(options.Model, nameof(options.Model));
        ArgumentNullException.ThrowIfNull(options.Source, nameof(options.Source));

        Endpoint = endpoint;
        var instance = endpoint.InstanceType;
        InferenceComponentName = options.InferenceComponentName
            ?? Names.UniqueResourceName(this, new UniqueResourceNameOptions { MaxLength = SagemakerNames.MaxLength, Separator = "-" });
        Gpus = options.Gpus ?? DefaultGpus(options.Model, instance, options.Vllm);
        CpuCores = options.CpuCores ?? DefaultCpuCores(instance, Gpus);
        MemoryInMb = options.MemoryInMb ?? DefaultMemoryInMb(instance, Gpus);
        MinCopyCount = options.MinCopyCount ?? 0;
        MaxCopyCount = options.MaxCopyCount ?? Math.Max(1, MinCopyCount);
        InitialCopyCount = options.InitialCopyCount ?? Math.Max(1, MinCopyCount);

        var definition = new VllmModelDefinition(
            options.Model, options.Source, options.Vllm, instance, Gpus, options.Image, options.EnableNetworkIsolation);
        var demand = new ComponentDemand(InferenceComponentName, Gpus, CpuCores, MemoryInMb, Math.Max(InitialCopyCount, MinCopyCount));
        Validate(options, definition, demand);

        TensorParallelSize = definition.TensorParallelSize;
        KvCacheHeadroomGiB = definition.KvCacheHeadroomGiB;
        LogGroupName = $"/aws/sagemaker/InferenceComponents/{InferenceComponentName}";
        var stack = Stack.Of(this);
        OpenAiBaseUrl = $"https://runtime.sagemaker.{stack.Region}.{Partitions.UrlSuffix(this)}/endpoints/{endpoint.EndpointName}/inference-components/{InferenceComponentName}/openai/v1";

        var role = endpoint.Role;
        definition.Image.GrantPull(this, role);
        definition.Source.GrantRead(role);
        endpoint.Register(this, demand, LogGroupName, definition.Image);
        Model = definition.CreateModel(this, "Model", role);

        Resource = new CfnInferenceComponent(this, "Resource", new CfnInferenceComponentProps
        {
            InferenceComponentName = InferenceComponentName,
            EndpointName = endpoint.Endpoint.AttrEndpointName,
            VariantName = InferenceComponentEndpoint.VariantName,
            Specification = new CfnInferenceComponent.InferenceComponentSpecificationProperty
            {
                ModelName = Model.AttrModelName,
                ComputeResourceRequirements = new CfnInferenceComponent.InferenceComponentComputeResourceRequirementsProperty
                {
                    NumberOfAcceleratorDevicesRequired = Gpus,
                    NumberOfCpuCoresRequired = CpuCores,
                    MinMemoryRequiredInMb = MemoryInMb,
                },
                StartupParameters = new CfnInferenceComponent.InferenceComponentStartupParametersProperty
                {
                    ContainerStartupHealthCheckTimeoutInSeconds = (options.ContainerStartupHealthCheckTimeout ?? DefaultContainerStartupHealthCheckTimeout).ToSeconds(),
                    ModelDataDownloadTimeoutInSeconds = (options.ModelDataDownloadTimeout ?? DefaultModelDataDownloadTimeout).ToSeconds(),
                },
            },
            RuntimeConfig = new CfnInferenceComponent.InferenceComponentRuntimeConfigProperty { CopyCount = InitialCopyCount },
        });
        // The role's policy must be in place before SageMaker starts a copy.
        endpoint.DependOnRolePolicy(Resource);
        InferenceComponentArn = Resource.AttrInferenceComponentArn;

        if (MaxCopyCount > MinCopyCount)
        {
            AddAutoscaling(options);
        }

        if (options.DefaultAlarms ?? true)
        {
            AddDefaultAlarms(options.ModelLatencyAlarmThreshold ?? DefaultModelLatencyAlarmThreshold);
        }

        // Guardrails of every update (CDK 2.160's L1 lacks DeploymentConfig: an override). The 5XX and latency alarms roll
        // an update back; the no-capacity alarm does not, since a component that scales to zero has no copy to answer.
        RollbackAlarmList = [.. _alarms.Take(DefaultRollbackAlarmCount(options)), .. options.RollbackAlarms ?? []];
        Resource.AddPropertyOverride("DeploymentConfig", DeploymentPolicy.Render(RollbackAlarmList));
        if (_alarms.Count > 0)
        {
            // The 5XX alarm also guards updates of the endpoint, which move every component.
            endpoint.AddRollbackAlarm(_alarms[0]);
        }
    }

    private static int DefaultRollbackAlarmCount(InferenceComponentOptions options) => options.DefaultAlarms ?? true ? 2 : 0;

    /// <summary>How SageMaker rolls out a new specification of this component.</summary>
    public ComponentDeploymentPolicy DeploymentPolicy { get; private set; } = ComponentDeploymentPolicy.Default;

    /// <summary>The alarms that roll an update back: the 5XX and latency alarms and <see cref="InferenceComponentOptions.RollbackAlarms"/>.</summary>
    public IReadOnlyList<IAlarm> RollbackAlarmList { get; private set; } = [];

    /// <summary>The endpoint that hosts the component.</summary>
    public InferenceComponentEndpoint Endpoint { get; }

    /// <summary>Name of the inference component.</summary>
    public string InferenceComponentName { get; }

    /// <inheritdoc />
    public string EndpointName => Endpoint.EndpointName;

    /// <inheritdoc />
    public string EndpointArn => Endpoint.EndpointArn;

    /// <summary>ARN of the inference component (a CloudFormation attribute).</summary>
    public string InferenceComponentArn { get; }

    /// <summary>
    /// Base URL for OpenAI clients:
    /// <c>https://runtime.sagemaker.&lt;region&gt;.amazonaws.com/endpoints/&lt;endpoint&gt;/inference-components/&lt;component&gt;/openai/v1</c>.
    /// </summary>
    public string OpenAiBaseUrl { get; }

    /// <summary>Log group of the component's containers, <c>/aws/sagemaker/InferenceComponents/&lt;name&gt;</c>.</summary>
    public string LogGroupName { get; }

    /// <summary>GPUs per copy (<c>NumberOfAcceleratorDevicesRequired</c>).</summary>
    public int Gpus { get; }

    /// <summary>CPU cores per copy (<c>NumberOfCpuCoresRequired</c>).</summary>
    public double CpuCores { get; }

    /// <summary>Host memory per copy in MB (<c>MinMemoryRequiredInMb</c>).</summary>
    public int MemoryInMb { get; }

    /// <summary>Copies created with the component.</summary>
    public int InitialCopyCount { get; }

    /// <summary>Fewest copies autoscaling keeps; 0 when the component scales to zero.</summary>
    public int MinCopyCount { get; }

    /// <summary>Most copies autoscaling adds.</summary>
    public int MaxCopyCount { get; }

    /// <summary>Tensor parallel size in effect.</summary>
    public int TensorParallelSize { get; }

    /// <summary>GPU memory left for the KV cache of one copy once the weights are loaded, in GiB (an estimate from the catalogs).</summary>
    public double KvCacheHeadroomGiB { get; }

    /// <summary>The SageMaker model.</summary>
    public CfnModel Model { get; }

    /// <summary>The inference component.</summary>
    public CfnInferenceComponent Resource { get; }

    /// <summary>The autoscaling target of the copy count, or null when the copy count is fixed.</summary>
    public ScalableTarget? ScalableTarget { get; private set; }

    /// <summary>The step-scaling action that adds a copy when a request finds none, or null unless <c>MinCopyCount</c> is 0.</summary>
    public StepScalingAction? ScaleOutFromZeroAction { get; private set; }

    /// <summary>
    /// The alarm on <see cref="NoCapacityMetricName"/> that fires <see cref="ScaleOutFromZeroAction"/>, or null unless
    /// <c>MinCopyCount</c> is 0. It goes off at every cold start by design: it is not in <see cref="Alarms"/>, and must
    /// not notify anyone.
    /// </summary>
    public IAlarm? ScaleOutFromZeroAlarm { get; private set; }

    /// <summary>The default alerting alarms (5XX errors, model latency, lasting no-capacity failures), empty when turned off.</summary>
    public IReadOnlyList<IAlarm> Alarms => _alarms;

    /// <summary>
    /// Grants <see cref="InvokeActions.Invoke"/> on the endpoint and on this component: enough for SigV4-signed calls
    /// with this component's name.
    /// </summary>
    /// <param name="grantee">The principal to grant to.</param>
    public Grant GrantInvoke(IGrantable grantee)
    {
        ArgumentNullException.ThrowIfNull(grantee);
        // InvokeEndpoint authorises the endpoint and, for a component, the component's ARN too.
        return Grant.AddToPrincipal(new GrantOnPrincipalOptions
        {
            Grantee = grantee,
            Actions = InvokeActions.Invoke.ToArray(),
            ResourceArns = [EndpointArn, InferenceComponentArn],
        });
    }

    /// <summary>Grants <see cref="GrantInvoke"/> plus <see cref="InvokeActions.BearerToken"/> on <c>*</c> (the action has no narrower resource).</summary>
    /// <param name="grantee">The principal to grant to.</param>
    public Grant GrantInvokeOpenAi(IGrantable grantee)
        => InvokeActions.GrantInvokeOpenAi(grantee, EndpointArn).Combine(GrantInvoke(grantee));

    /// <summary>
    /// A metric of this component. The utilisation metrics (<c>GPUUtilizationNormalized</c>,
    /// <c>GPUMemoryUtilizationNormalized</c>, <c>CPUUtilizationNormalized</c>, <c>MemoryUtilizationNormalized</c>) are
    /// read from <see cref="UtilizationMetricsNamespace"/>, every other metric from <see cref="InvocationMetricsNamespace"/>,
    /// with the dimension <c>InferenceComponentName</c>.
    /// </summary>
    /// <param name="metricName">CloudWatch metric name.</param>
    /// <param name="options">Statistic, period, label... Default: average over 5 minutes.</param>
    public Metric Metric(string metricName, IMetricOptions? options = null)
        => SagemakerMetrics.Create(
            UtilizationMetrics.Contains(metricName) ? UtilizationMetricsNamespace : InvocationMetricsNamespace,
            metricName,
            new Dictionary<string, string> { ["InferenceComponentName"] = InferenceComponentName },
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

    /// <summary>Requests sent to the component. Default statistic: sum.</summary>
    /// <param name="options">Overrides.</param>
    public Metric MetricInvocations(IMetricOptions? options = null) => Metric("Invocations", SagemakerMetrics.WithStatistic(options, "Sum"));

    /// <summary>Requests that failed because no copy of the component was running. Default statistic: sum.</summary>
    /// <param name="options">Overrides.</param>
    public Metric MetricNoCapacityInvocationFailures(IMetricOptions? options = null) => Metric(NoCapacityMetricName, SagemakerMetrics.WithStatistic(options, "Sum"));

    /// <summary>GPU utilisation of the component's copies, normalised to the GPUs they reserve (percent). Default statistic: average.</summary>
    /// <param name="options">Overrides.</param>
    public Metric MetricGpuUtilizationNormalized(IMetricOptions? options = null) => Metric("GPUUtilizationNormalized", options);

    /// <summary>
    /// The smallest of 1, 2, 4 or 8 GPUs (up to the instance's count) that holds the weights plus a minimal KV cache, or
    /// the tensor parallel size when it is set. When none does, the instance's GPU count, so that validation names the gap.
    /// </summary>
    internal static int DefaultGpus(KnownModel model, GpuInstanceType instance, VllmSettings? settings)
    {
        if (settings?.TensorParallelSize is { } tp)
        {
            return tp;
        }

        var utilization = settings?.GpuMemoryUtilization ?? VllmSettings.DefaultGpuMemoryUtilization;
        foreach (var gpus in GpuSteps.Where(g => g <= instance.GpuCount))
        {
            if (gpus * instance.GpuMemoryGiB * utilization - model.WeightMemoryGiB >= VllmModelDefinition.MinimumKvCacheGiB)
            {
                return gpus;
            }
        }

        return instance.GpuCount;
    }

    /// <summary><see cref="DefaultHostShare"/> of the vCPUs that go with <paramref name="gpus"/> GPUs, in quarter cores, at least 1.</summary>
    internal static double DefaultCpuCores(GpuInstanceType instance, int gpus)
        => Math.Max(1, Math.Floor(instance.VCpus * (double)Math.Clamp(gpus, 1, instance.GpuCount) / instance.GpuCount * DefaultHostShare * 4) / 4);

    /// <summary><see cref="DefaultHostShare"/> of the host memory that goes with <paramref name="gpus"/> GPUs, in MB.</summary>
    internal static int DefaultMemoryInMb(GpuInstanceType instance, int gpus)
        => Math.Max(1024, (int)Math.Floor(ComponentPacking.HostMemoryInMb(instance) * (double)Math.Clamp(gpus, 1, instance.GpuCount) / instance.GpuCount * DefaultHostShare));

    /// <summary>Alarm names start with the endpoint's name, so that an endpoint's alarms sort together.</summary>
    private string AlarmPrefix
        => InferenceComponentName.StartsWith(EndpointName + "-", StringComparison.Ordinal)
            ? InferenceComponentName
            : $"{EndpointName}-{InferenceComponentName}";

    private void AddAutoscaling(InferenceComponentOptions options)
    {
        var scaleOutCooldown = options.ScaleOutCooldown ?? DefaultScaleOutCooldown;
        var target = new ScalableTarget(this, "ScalableTarget", new ScalableTargetProps
        {
            ServiceNamespace = ServiceNamespace.SAGEMAKER,
            ResourceId = $"inference-component/{InferenceComponentName}",
            ScalableDimension = ScalableDimension,
            MinCapacity = MinCopyCount,
            MaxCapacity = MaxCopyCount,
            // SageMaker's service-linked role holds the permissions to change the copy count (and is created on first
            // use); a role of CDK's own would have none.
            Role = Role.FromRoleArn(this, "AutoScalingRole",
                $"arn:{Partitions.Partition(this)}:iam::{Stack.Of(this).Account}:role/aws-service-role/sagemaker.application-autoscaling.amazonaws.com/AWSServiceRoleForApplicationAutoScaling_SageMakerEndpoint",
                new FromRoleArnOptions { Mutable = false }),
        });
        // The target names the component by name, not by reference: register it only once the component exists.
        target.Node.AddDependency(Resource);
        target.ScaleToTrackMetric("InvocationsPerCopy", new BasicTargetTrackingScalingPolicyProps
        {
            PredefinedMetric = PredefinedMetric.SAGEMAKER_INFERENCE_COMPONENT_INVOCATIONS_PER_COPY,
            TargetValue = options.TargetInvocationsPerCopy ?? DefaultTargetInvocationsPerCopy,
            ScaleInCooldown = options.ScaleInCooldown ?? DefaultScaleInCooldown,
            ScaleOutCooldown = scaleOutCooldown,
        });
        ScalableTarget = target;

        if (MinCopyCount > 0)
        {
            return;
        }

        // Target tracking cannot scale out from zero copies (there is no invocation per copy to track): a request that
        // finds no copy counts as a no-capacity failure, and this alarm adds the first copy.
        var action = new StepScalingAction(this, "ScaleOutFromZero", new StepScalingActionProps
        {
            ScalingTarget = target,
            AdjustmentType = AdjustmentType.CHANGE_IN_CAPACITY,
            MetricAggregationType = MetricAggregationType.MAXIMUM,
            Cooldown = scaleOutCooldown,
        });
        action.AddAdjustment(new AdjustmentTier { Adjustment = 1, LowerBound = 0 });
        var alarm = new Alarm(this, "ScaleOutFromZeroAlarm", new AlarmProps
        {
            AlarmName = $"{AlarmPrefix}-scale-out-from-zero",
            AlarmDescription = $"Adds a copy of the inference component {InferenceComponentName} when a request finds none. Fires at every cold start by design: do not notify on it.",
            Metric = MetricNoCapacityInvocationFailures(new MetricOptions { Period = Duration.Minutes(1) }),
            Threshold = 1,
            EvaluationPeriods = 1,
            DatapointsToAlarm = 1,
            ComparisonOperator = ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
            TreatMissingData = TreatMissingData.NOT_BREACHING,
        });
        alarm.AddAlarmAction(new ApplicationScalingAction(action));
        ScaleOutFromZeroAction = action;
        ScaleOutFromZeroAlarm = alarm;
    }

    private void AddDefaultAlarms(Duration latencyThreshold)
    {
        var subject = $"inference component {InferenceComponentName}";
        _alarms.Add(SagemakerAlarms.Invocation5XXErrors(this, AlarmPrefix, subject, LogGroupName, MetricInvocation5XXErrors()));
        _alarms.Add(SagemakerAlarms.ModelLatency(this, AlarmPrefix, subject, latencyThreshold, "more copies", MetricModelLatency()));
        // A cold start fails requests for a few minutes; failures that last 20 minutes mean copies cannot be placed
        // (instances at their maximum, a launch or a start-up failing).
        _alarms.Add(new Alarm(this, "NoCapacityAlarm", new AlarmProps
        {
            AlarmName = $"{AlarmPrefix}-no-capacity",
            AlarmDescription = $"Requests to the inference component {InferenceComponentName} found no copy for 20 minutes: a copy could not be placed or did not start. See {LogGroupName} and the endpoint's events.",
            Metric = MetricNoCapacityInvocationFailures(),
            Threshold = 1,
            EvaluationPeriods = 4,
            DatapointsToAlarm = 4,
            ComparisonOperator = ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
            TreatMissingData = TreatMissingData.NOT_BREACHING,
        }));
    }

    private void Validate(InferenceComponentOptions options, VllmModelDefinition definition, ComponentDemand demand)
    {
        var problems = new List<string>();
        SagemakerNames.CheckName(problems, nameof(InferenceComponentOptions.InferenceComponentName), options.InferenceComponentName);

        if (CpuCores < 0.25 || double.IsNaN(CpuCores) || double.IsInfinity(CpuCores))
        {
            problems.Add($"CpuCores {VllmModelDefinition.Number(CpuCores)} must be at least 0.25");
        }

        if (MemoryInMb < 128)
        {
            problems.Add($"MemoryInMb {MemoryInMb} must be at least 128");
        }

        if (InitialCopyCount < 1)
        {
            problems.Add($"InitialCopyCount {InitialCopyCount} must be at least 1 (SageMaker cannot create a component without copies; set MinCopyCount 0 to let it scale to zero)");
        }

        if (MinCopyCount < 0)
        {
            problems.Add($"MinCopyCount {MinCopyCount} must be at least 0");
        }

        if (MaxCopyCount < 1)
        {
            problems.Add($"MaxCopyCount {MaxCopyCount} must be at least 1");
        }
        else if (MaxCopyCount < MinCopyCount)
        {
            problems.Add($"MaxCopyCount {MaxCopyCount} is below MinCopyCount {MinCopyCount}");
        }

        if (InitialCopyCount > MaxCopyCount && MaxCopyCount >= 1)
        {
            problems.Add($"InitialCopyCount {InitialCopyCount} is above MaxCopyCount {MaxCopyCount}");
        }

        if (options.TargetInvocationsPerCopy is { } target && !(target > 0))
        {
            problems.Add($"TargetInvocationsPerCopy {target} must be above 0");
        }

        SagemakerNames.CheckTimeout(problems, nameof(InferenceComponentOptions.ContainerStartupHealthCheckTimeout), options.ContainerStartupHealthCheckTimeout);
        SagemakerNames.CheckTimeout(problems, nameof(InferenceComponentOptions.ModelDataDownloadTimeout), options.ModelDataDownloadTimeout);

        if (options.ModelLatencyAlarmThreshold is { } latency && !Token.IsUnresolved(latency.ToString()) && latency.ToMilliseconds(new TimeConversionOptions { Integral = false }) <= 0)
        {
            problems.Add("ModelLatencyAlarmThreshold must be above 0");
        }

        DeploymentPolicy = options.DeploymentPolicy ?? ComponentDeploymentPolicy.Default;
        problems.AddRange(DeploymentPolicy.Problems(nameof(InferenceComponentOptions.DeploymentPolicy), MinCopyCount));
        problems.AddRange(RollbackAlarms.Problems(nameof(InferenceComponentOptions.RollbackAlarms), DefaultRollbackAlarmCount(options) + (options.RollbackAlarms?.Length ?? 0)));
        problems.AddRange(definition.Problems(this));
        Endpoint.CheckImage(definition.Image, problems);
        problems.AddRange(ComponentPacking.SingleCopyProblems(demand, Endpoint.InstanceType, ""));
        if (problems.Count > 0)
        {
            throw new ArgumentException($"Invalid InferenceComponentProps for {Describe()}: {string.Join("; ", problems)}.");
        }

        var packing = Endpoint.PackingProblemsWith(demand);
        if (packing.Count > 0)
        {
            throw new ArgumentException(string.Join(" ", packing));
        }
    }

    private string Describe() => $"component '{InferenceComponentName}' on endpoint {EndpointName} ({Endpoint.InstanceType.Name})";
}
