using Amazon.CDK;
using Amazon.CDK.AWS.ApplicationAutoScaling;
using Amazon.CDK.AWS.CloudWatch;
using Amazon.CDK.AWS.CloudWatch.Actions;
using Amazon.CDK.AWS.IAM;
using Amazon.CDK.AWS.Sagemaker;
using Constructs;
using LlmHosting.Constructs.Access;
using LlmHosting.Constructs.Sagemaker.Deployment;
using LlmHosting.Constructs.Sagemaker.Scaling;
using LlmHosting.Constructs.Validation;

namespace LlmHosting.Constructs.Sagemaker.Components;

/// <summary>
/// One model served by the vLLM container as an inference component of an <see cref="InferenceComponentEndpoint"/>:
/// a SageMaker model, the component with its compute requirements and copy count, autoscaling of its copies
/// (target tracking on invocations per copy, and scale-out from zero copies when <c>MinCopyCount</c> is 0), metrics
/// and alarms. Clients reach it through SageMaker's OpenAI-compatible API at <see cref="ServedModel.OpenAiBaseUrl"/>.
/// </summary>
public sealed partial class InferenceComponent : ServedModel, IInferenceComponentModel
{
    /// <summary>Namespace of the invocation metrics (latency, errors, invocations, no-capacity failures).</summary>
    public const string InvocationMetricsNamespace = "AWS/SageMaker";

    /// <summary>Namespace of the per-component utilisation metrics (GPU, CPU, memory, normalised to the component's share).</summary>
    public const string UtilizationMetricsNamespace = "/aws/sagemaker/InferenceComponents";

    /// <summary>The metric whose failures mean no copy could take a request; it drives the scale-out from zero.</summary>
    public const string NoCapacityMetricName = "NoCapacityInvocationFailures";

    /// <summary>The autoscaling dimension of inference components.</summary>
    public const string ScalableDimension = "sagemaker:inference-component:DesiredCopyCount";

    private static readonly HashSet<string> UtilizationMetrics = new(StringComparer.Ordinal)
    {
        "GPUUtilizationNormalized", "GPUMemoryUtilizationNormalized", "CPUUtilizationNormalized", "MemoryUtilizationNormalized",
    };

    /// <summary>Creates the component on <see cref="InferenceComponentProps.Endpoint"/>, or throws <see cref="PropsValidationException"/> naming every problem.</summary>
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

        Endpoint = endpoint;
        var instance = endpoint.InstanceType;
        InferenceComponentName = SagemakerNames.NameOrDefault(this, options.InferenceComponentName);
        // One specification serves every instance type of the endpoint: the defaults fit the smallest.
        Gpus = options.Gpus ?? endpoint.InstanceTypes.Max(t => ComponentSizing.DefaultGpus(options.Model, t, options.Vllm));
        CpuCores = options.CpuCores ?? endpoint.InstanceTypes.Min(t => ComponentSizing.DefaultCpuCores(t, Gpus));
        MemoryInMb = options.MemoryInMb ?? endpoint.InstanceTypes.Min(t => ComponentSizing.DefaultMemoryInMb(t, Gpus));
        MinCopyCount = options.MinCopyCount ?? 0;
        MaxCopyCount = options.MaxCopyCount ?? Math.Max(1, MinCopyCount);
        InitialCopyCount = options.InitialCopyCount ?? Math.Max(1, MinCopyCount);
        DeploymentPolicy = options.DeploymentPolicy ?? ComponentDeploymentPolicy.Default;

        var definition = new VllmModelDefinition(options, instance, Gpus);
        var warmCopies = options.WarmWindows?.Select(w => w.MinCopies).DefaultIfEmpty(0).Max() ?? 0;
        var demand = new ComponentDemand(InferenceComponentName, Gpus, CpuCores, MemoryInMb, Math.Max(Math.Max(InitialCopyCount, MinCopyCount), Math.Min(warmCopies, MaxCopyCount)));
        Validate(options, definition, demand);

        RememberServing(definition);
        TensorParallelSize = definition.TensorParallelSize;
        KvCacheHeadroomGiB = definition.KvCacheHeadroomGiB;
        ServedModelName = options.Model.Name;
        LogGroupName = SagemakerNames.InferenceComponentLogGroup(InferenceComponentName);
        OpenAiBaseUrl = SagemakerAddresses.OpenAiBaseUrl(this, $"endpoints/{endpoint.EndpointName}/inference-components/{InferenceComponentName}");

        var role = endpoint.Role;
        definition.Image.GrantPull(this, role);
        definition.Source.GrantRead(role);
        var declareLogGroup = options.DeclareLogGroup ?? true;
        endpoint.Register(this, demand, LogGroupName, declareLogGroup, definition.Image);
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
                    ContainerStartupHealthCheckTimeoutInSeconds = (options.ContainerStartupHealthCheckTimeout ?? ServingDefaults.ContainerStartupHealthCheckTimeout).ToSeconds(),
                    ModelDataDownloadTimeoutInSeconds = (options.ModelDataDownloadTimeout ?? ServingDefaults.ModelDataDownloadTimeout).ToSeconds(),
                },
            },
            RuntimeConfig = new CfnInferenceComponent.InferenceComponentRuntimeConfigProperty { CopyCount = InitialCopyCount },
        });
        // The role's policy must be in place before SageMaker starts a copy.
        endpoint.DependOnRolePolicy(Resource);
        WriteStartupOptions(options);
        InferenceComponentArn = Resource.AttrInferenceComponentArn;
        LogGroup = ServingLogs.Declare(this, "LogGroup", LogGroupName, options.Logs, declareLogGroup, Resource);

        if (MaxCopyCount > MinCopyCount)
        {
            AddAutoscaling(options);
        }

        AddDefaultAlarms(options, AlarmPrefix, $"inference component {InferenceComponentName}", "more copies");
        if (ErrorRateRollbackAlarm is { } errorRate)
        {
            AddNoCapacityAlarm();
            // The error-rate alarm also guards updates of the endpoint, which move every component.
            endpoint.AddRollbackAlarm(errorRate);
        }

        // SageMaker reads them with the models' execution role: the endpoint's.
        endpoint.AllowRollbackAlarms(RollbackAlarmList);

        // Guardrails of every update (CDK 2.160's L1 lacks DeploymentConfig: an override). The 5XX and latency alarms roll
        // an update back; the no-capacity alarm does not, since a component that scales to zero has no copy to answer.
        Resource.AddPropertyOverride("DeploymentConfig", DeploymentPolicy.Render(RollbackAlarmList));
    }

    /// <summary>The endpoint that hosts the component.</summary>
    public InferenceComponentEndpoint Endpoint { get; }

    /// <summary>Name of the inference component.</summary>
    public string InferenceComponentName { get; }

    /// <inheritdoc />
    public override string EndpointName => Endpoint.EndpointName;

    /// <inheritdoc />
    public override string EndpointArn => Endpoint.EndpointArn;

    /// <summary>ARN of the inference component (a CloudFormation attribute).</summary>
    public string InferenceComponentArn { get; }

    /// <summary>GPUs per copy (<c>NumberOfAcceleratorDevicesRequired</c>).</summary>
    public int Gpus { get; }

    /// <summary>CPU cores per copy (<c>NumberOfCpuCoresRequired</c>).</summary>
    public double CpuCores { get; }

    /// <summary>Host memory per copy in MB (<c>MinMemoryRequiredInMb</c>).</summary>
    public int MemoryInMb { get; }

    /// <summary>Copies created with the component, and the copy count every update of it sets back.</summary>
    public int InitialCopyCount { get; }

    /// <summary>Fewest copies autoscaling keeps; 0 when the component scales to zero.</summary>
    public int MinCopyCount { get; }

    /// <summary>Most copies autoscaling adds.</summary>
    public int MaxCopyCount { get; }

    /// <summary>How SageMaker rolls out a new specification of this component.</summary>
    public ComponentDeploymentPolicy DeploymentPolicy { get; }

    /// <summary>The inference component.</summary>
    public CfnInferenceComponent Resource { get; }

    /// <summary>The autoscaling target of the copy count, or null when the copy count is fixed.</summary>
    public ScalableTarget? ScalableTarget { get; private set; }

    /// <summary>The step-scaling action that adds a copy when a request finds none, or null unless <c>MinCopyCount</c> is 0.</summary>
    public StepScalingAction? ScaleOutFromZeroAction { get; private set; }

    /// <summary>
    /// The alarm on <see cref="NoCapacityMetricName"/> that fires <see cref="ScaleOutFromZeroAction"/>, or null unless
    /// <c>MinCopyCount</c> is 0. It goes off at every cold start by design: it is not in <see cref="ServedModel.Alarms"/>, and
    /// must not notify anyone.
    /// </summary>
    public IAlarm? ScaleOutFromZeroAlarm { get; private set; }

    /// <summary>
    /// Grants <see cref="InvokeActions.Invoke"/> on the endpoint and on this component: enough for SigV4-signed calls
    /// with this component's name (InvokeEndpoint authorises the endpoint and, for a component, the component's ARN too).
    /// </summary>
    /// <param name="grantee">The principal to grant to.</param>
    public override Grant GrantInvoke(IGrantable grantee)
    {
        ArgumentNullException.ThrowIfNull(grantee);
        return Grant.AddToPrincipal(new GrantOnPrincipalOptions
        {
            Grantee = grantee,
            Actions = InvokeActions.Invoke.ToArray(),
            ResourceArns = [EndpointArn, InferenceComponentArn],
        });
    }

    /// <summary>
    /// A metric of this component. The utilisation metrics (<c>GPUUtilizationNormalized</c>,
    /// <c>GPUMemoryUtilizationNormalized</c>, <c>CPUUtilizationNormalized</c>, <c>MemoryUtilizationNormalized</c>) are
    /// read from <see cref="UtilizationMetricsNamespace"/>, every other metric from <see cref="InvocationMetricsNamespace"/>,
    /// with the dimension <c>InferenceComponentName</c>.
    /// </summary>
    /// <param name="metricName">CloudWatch metric name.</param>
    /// <param name="options">Statistic, period, label... Default: average over 5 minutes.</param>
    public override Metric Metric(string metricName, IMetricOptions? options = null) => ComponentMetric(InferenceComponentName, metricName, options);

    /// <summary>
    /// References an inference component that is not defined in this app by its endpoint's and its own name, for grants,
    /// dashboards and alarms.
    /// </summary>
    /// <param name="scope">Parent construct.</param>
    /// <param name="id">Construct id.</param>
    /// <param name="endpointName">The name of the endpoint that hosts it.</param>
    /// <param name="componentName">The inference component's name.</param>
    public static IInferenceComponentModel FromComponentName(Construct scope, string id, string endpointName, string componentName)
    {
        foreach (var (name, label) in new[] { (endpointName, "endpoint"), (componentName, "inference component") })
        {
            if (!Tokens.IsUnresolved(name) && !SagemakerNames.IsValid(name))
            {
                throw new ArgumentException($"Invalid {label} name '{name}': {SagemakerNames.Rule}.");
            }
        }

        return new ImportedInferenceComponent(scope, id, endpointName, componentName);
    }

    /// <summary>A metric of the component <paramref name="componentName"/>, from the namespace that holds it.</summary>
    internal static Metric ComponentMetric(string componentName, string metricName, IMetricOptions? options)
        => SagemakerMetrics.Create(
            UtilizationMetrics.Contains(metricName) ? UtilizationMetricsNamespace : InvocationMetricsNamespace,
            metricName,
            new Dictionary<string, string> { ["InferenceComponentName"] = componentName },
            options);

    /// <summary>Requests that failed because no copy of the component was running. Default statistic: sum.</summary>
    /// <param name="options">Overrides.</param>
    public Metric MetricNoCapacityInvocationFailures(IMetricOptions? options = null) => Metric(NoCapacityMetricName, SagemakerMetrics.WithStatistic(options, "Sum"));

    /// <summary>GPU utilisation of the component's copies, normalised to the GPUs they reserve (percent). Default statistic: average.</summary>
    /// <param name="options">Overrides.</param>
    public override Metric MetricGpuUtilization(IMetricOptions? options = null) => Metric("GPUUtilizationNormalized", options);

    /// <summary>GPU utilisation of the component's copies, normalised to the GPUs they reserve (percent). Default statistic: average.</summary>
    /// <param name="options">Overrides.</param>
    public Metric MetricGpuUtilizationNormalized(IMetricOptions? options = null) => MetricGpuUtilization(options);

    /// <summary>GPU memory utilisation of the component's copies, normalised to the GPUs they reserve (percent). Default statistic: average.</summary>
    /// <param name="options">Overrides.</param>
    public override Metric MetricGpuMemoryUtilization(IMetricOptions? options = null) => Metric("GPUMemoryUtilizationNormalized", options);
}
