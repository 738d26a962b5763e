using Amazon.CDK;
using Amazon.CDK.AWS.CloudWatch;
using Amazon.CDK.AWS.IAM;
using Amazon.CDK.AWS.Logs;
using Amazon.CDK.AWS.Sagemaker;
using Constructs;
using LlmHosting.Constructs.Logs;
using LlmHosting.Constructs.Sagemaker.Deployment;
using LlmHosting.Constructs.Validation;

namespace LlmHosting.Constructs.Sagemaker.Components;

/// <summary>
/// A SageMaker GPU endpoint that hosts several models as inference components: its production variant has no
/// model, only an instance type, managed instance scaling (down to zero instances by default) and a routing
/// strategy. Add models with <see cref="AddComponent"/>; each gets whole GPUs of an instance and scales its copies
/// on its own. Adding a component checks that the minimum copies of every component fit the maximum instance count.
/// </summary>
/// <example>
/// <code>
/// var shared = new InferenceComponentEndpoint(this, "Shared", new InferenceComponentEndpointProps
/// {
///     InstanceType = GpuInstanceType.G6E_12XLARGE,
///     MaxInstanceCount = 1,
/// });
/// var gptOss = shared.AddComponent("GptOss20b", new InferenceComponentOptions
/// {
///     Model = KnownModel.GptOss20b,
///     Source = ModelSource.FromBucket(weights, "models/gpt-oss-20b/"),
/// });
/// gptOss.GrantInvokeOpenAi(clientRole);
/// </code>
/// </example>
public sealed partial class InferenceComponentEndpoint : Construct
{
    /// <summary>Name of the endpoint's only production variant, which the components are placed on.</summary>
    public const string VariantName = "AllTraffic";

    private readonly List<InferenceComponent> _components = [];
    private readonly List<Version> _componentCudaVersions = [];
    private readonly InferenceAmiVersion? _chosenAmi;
    private readonly RollbackAlarmSet _rollbackAlarms;
    private readonly List<ComponentDemand> _demands = [];
    private readonly PolicyStatement _componentLogs;

    /// <summary>Creates the endpoint, or throws <see cref="ArgumentException"/> naming every problem of <paramref name="props"/>.</summary>
    /// <param name="scope">Parent construct.</param>
    /// <param name="id">Construct id. The endpoint's logical id derives from it.</param>
    /// <param name="props">Instance type, instance counts and options.</param>
    public InferenceComponentEndpoint(Construct scope, string id, InferenceComponentEndpointProps props)
        : base(scope, id)
    {
        ArgumentNullException.ThrowIfNull(props);
        ArgumentNullException.ThrowIfNull(props.InstanceType, nameof(props.InstanceType));

        EndpointName = SagemakerNames.NameOrDefault(this, props.EndpointName);
        MinInstanceCount = props.MinInstanceCount ?? 0;
        MaxInstanceCount = props.MaxInstanceCount ?? Math.Max(1, MinInstanceCount);
        var initialInstances = props.InitialInstanceCount ?? Math.Max(1, MinInstanceCount);
        Validate(props, initialInstances);

        InstanceType = props.InstanceType;
        LogGroupName = SagemakerNames.EndpointLogGroup(EndpointName);

        Role = ExecutionRoles.Create(this, $"Execution role of the SageMaker inference component endpoint {EndpointName} (vLLM)");
        var declareLogGroup = props.DeclareLogGroup ?? true;
        VllmModelDefinition.GrantLogs(this, Role, [LogGroupName], declareLogGroup);
        // Filled in by each component: the log group of its own containers.
        _componentLogs = new PolicyStatement(new PolicyStatementProps
        {
            Sid = "WriteComponentLogs",
            Actions = ServingLogs.WriteActions,
        });

        EndpointConfig = new CfnEndpointConfig(this, "Config", new CfnEndpointConfigProps
        {
            ExecutionRoleArn = Role.RoleArn,
            ProductionVariants = new object[]
            {
                new CfnEndpointConfig.ProductionVariantProperty
                {
                    VariantName = VariantName,
                    InstanceType = props.InstanceType.Name,
                    InitialInstanceCount = initialInstances,
                    VolumeSizeInGb = props.VolumeSizeInGb,
                    ManagedInstanceScaling = new CfnEndpointConfig.ManagedInstanceScalingProperty
                    {
                        Status = "ENABLED",
                        MinInstanceCount = MinInstanceCount,
                        MaxInstanceCount = MaxInstanceCount,
                    },
                    RoutingConfig = new CfnEndpointConfig.RoutingConfigProperty
                    {
                        RoutingStrategy = (props.RoutingStrategy ?? RoutingStrategy.LEAST_OUTSTANDING_REQUESTS).Value,
                    },
                },
            },
        });
        // SageMaker checks the role's permissions when it creates the endpoint: the role is a dependency through
        // ExecutionRoleArn, its policy is not.
        DependOnRolePolicy(EndpointConfig);
        WriteCapacity(props);
        _chosenAmi = props.InferenceAmiVersion;
        WriteHostAmi();
        props.Metrics?.ApplyTo(EndpointConfig);

        Endpoint = new CfnEndpoint(this, "Endpoint", new CfnEndpointProps
        {
            EndpointName = EndpointName,
            EndpointConfigName = EndpointConfig.AttrEndpointConfigName,
        });

        DeploymentPolicy = props.DeploymentPolicy ?? EndpointDeploymentPolicy.AllAtOnce();
        if (DeploymentPolicy.RetainInstanceCount)
        {
            // Without it an update starts the new fleet at InitialInstanceCount (botocore, UpdateEndpointInput
            // RetainAllVariantProperties "The default is false"; VariantPropertyType DesiredInstanceCount "Overrides the
            // existing variant instance counts using the InitialInstanceCount values"): one GPU instance for an endpoint
            // idle at zero, too few for the copies placed on a scaled-out one. Managed instance scaling's limits are no
            // retained property, so a new MinInstanceCount or MaxInstanceCount still applies.
            Endpoint.AddPropertyOverride("RetainAllVariantProperties", true);
        }
        _rollbackAlarms = new RollbackAlarmSet(Role);
        _rollbackAlarms.AddEndpointAlarms(props.RollbackAlarms ?? []);
        WriteDeploymentConfig();
        EndpointArn = SagemakerAddresses.EndpointArn(this, EndpointName, Endpoint);
        LogGroup = ServingLogs.Declare(this, "LogGroup", LogGroupName, props.Logs, declareLogGroup, Endpoint);
    }

    /// <summary>Name of the SageMaker endpoint.</summary>
    public string EndpointName { get; }

    /// <summary>ARN of the SageMaker endpoint (names are lower-case in ARNs).</summary>
    public string EndpointArn { get; }

    /// <summary>The endpoint's log group, <c>/aws/sagemaker/Endpoints/&lt;name&gt;</c>.</summary>
    public string LogGroupName { get; }

    /// <summary>The declared log group of the endpoint, or null when <see cref="InferenceComponentEndpointProps.DeclareLogGroup"/> is false.</summary>
    public ILogGroup? LogGroup { get; }

    /// <summary>The instance type of every instance.</summary>
    public GpuInstanceType InstanceType { get; }

    /// <summary>
    /// The host AMI of the instances: as set, or the oldest AMI that runs the newest CUDA version among the components'
    /// images (the default image's when there is no component yet).
    /// </summary>
    public InferenceAmiVersion HostAmi
        => _chosenAmi
           ?? InferenceAmiVersion.DefaultFor(_componentCudaVersions.DefaultIfEmpty(VllmImage.Default.CudaVersion!).Max()!)
           ?? InferenceAmiVersion.Al2023Gpu4_1;

    /// <summary>Fewest instances managed instance scaling keeps; 0 when the endpoint scales to zero.</summary>
    public int MinInstanceCount { get; }

    /// <summary>Most instances managed instance scaling launches.</summary>
    public int MaxInstanceCount { get; }

    /// <summary>
    /// The execution role on the endpoint configuration, shared by the models of every component: it may pull their
    /// images, read their model prefixes and write this endpoint's and its components' logs, and nothing else.
    /// </summary>
    public IRole Role { get; }

    /// <summary>The endpoint configuration (one production variant without a model).</summary>
    public CfnEndpointConfig EndpointConfig { get; }

    /// <summary>The endpoint.</summary>
    public CfnEndpoint Endpoint { get; }

    /// <summary>
    /// How SageMaker rolls out a new endpoint configuration (instance type, routing, instance limits); components roll out
    /// their own updates with their own policy.
    /// </summary>
    public EndpointDeploymentPolicy DeploymentPolicy { get; }

    /// <summary>
    /// The alarms that roll back an update of the endpoint: <see cref="InferenceComponentEndpointProps.RollbackAlarms"/>,
    /// then the 5XX alarm of each component, up to SageMaker's 10.
    /// </summary>
    public IReadOnlyList<IAlarm> RollbackAlarmList => _rollbackAlarms.EndpointAlarms;

    /// <summary>The components of this endpoint, in the order they were added.</summary>
    public IReadOnlyList<InferenceComponent> Components => _components;

    /// <summary>
    /// Adds a model as an inference component of this endpoint, or throws <see cref="ArgumentException"/> naming
    /// every problem of <paramref name="options"/>, including copies that no longer fit the endpoint's instances.
    /// </summary>
    /// <param name="id">Construct id, unique among this endpoint's children.</param>
    /// <param name="options">The model, its source, its compute requirements and its copy counts.</param>
    public InferenceComponent AddComponent(string id, InferenceComponentOptions options)
        => new(this, id, this, options);

    /// <summary>
    /// The packing problems the endpoint would have with one more component: empty when the minimum copies of every
    /// component, <paramref name="demand"/> included, can be placed on <see cref="MaxInstanceCount"/> instances.
    /// </summary>
    internal IReadOnlyList<string> PackingProblemsWith(ComponentDemand demand)
        => InstanceTypes.SelectMany(type => ComponentPacking.SetProblems(EndpointName, type, MaxInstanceCount, [.. _demands, demand])).ToList();

    /// <summary>The problems of running <paramref name="image"/> on this endpoint's host AMI, added to <paramref name="problems"/>.</summary>
    internal void CheckImage(VllmImage image, PropsProblems problems)
        => image.HostAmi(this, _chosenAmi, "Endpoint.InferenceAmiVersion", problems);

    /// <summary>Records a component once it is valid, and lets the role write its log group (and create it when not declared).</summary>
    internal void Register(InferenceComponent component, ComponentDemand demand, string componentLogGroup, bool logGroupDeclared, VllmImage image)
    {
        if (image.CudaVersion is { } cuda)
        {
            _componentCudaVersions.Add(cuda);
            WriteHostAmi();
        }

        if (_components.Count == 0)
        {
            Role.AddToPrincipalPolicy(_componentLogs);
        }

        _components.Add(component);
        _demands.Add(demand);
        var arns = ServingLogs.Arns(this, componentLogGroup);
        _componentLogs.AddResources(arns);
        if (!logGroupDeclared)
        {
            Role.AddToPrincipalPolicy(new PolicyStatement(new PolicyStatementProps { Actions = [ServingLogs.CreateAction], Resources = [arns[0]] }));
        }
    }

    /// <summary>Adds a component's alarm to the alarms that roll back an endpoint update.</summary>
    internal void AddRollbackAlarm(IAlarm alarm)
    {
        _rollbackAlarms.AddEndpointAlarms([alarm]);
        WriteDeploymentConfig();
    }

    /// <summary>
    /// Lets the execution role read a component's rollback alarms: SageMaker's guardrails read those of an endpoint
    /// update with the endpoint config's role, and those of a component update with its model's role, this one. The
    /// endpoint config and every component wait for the role's policy.
    /// </summary>
    internal void AllowRollbackAlarms(IEnumerable<IAlarm> alarms) => _rollbackAlarms.Allow(alarms);

    // Rewritten as components add their alarms (CDK 2.160's L1 lacks the rolling policy: the whole DeploymentConfig is an override).
    private void WriteDeploymentConfig() => Endpoint.AddPropertyOverride("DeploymentConfig", DeploymentPolicy.Render(RollbackAlarmList));

    // One AMI for every component's container, rewritten as components are added (CDK 2.160's L1 lacks the property).
    private void WriteHostAmi() => EndpointConfig.AddPropertyOverride("ProductionVariants.0.InferenceAmiVersion", HostAmi.Value);

    /// <summary>Makes <paramref name="resource"/> wait for the execution role's policy.</summary>
    internal void DependOnRolePolicy(IConstruct resource)
    {
        if (Role.Node.TryFindChild("DefaultPolicy") is IConstruct policy)
        {
            resource.Node.AddDependency(policy);
        }
    }

    private void Validate(InferenceComponentEndpointProps props, int initialInstances)
    {
        var problems = new PropsProblems(nameof(InferenceComponentEndpointProps));
        string P(string property) => Property.Ref(property);
        SagemakerNames.CheckName(problems, nameof(InferenceComponentEndpointProps.EndpointName), props.EndpointName);

        if (MinInstanceCount < 0)
        {
            problems.Add(nameof(InferenceComponentEndpointProps.MinInstanceCount), $"{P(nameof(InferenceComponentEndpointProps.MinInstanceCount))} {MinInstanceCount} must be at least 0");
        }

        if (MaxInstanceCount < 1)
        {
            problems.Add(nameof(InferenceComponentEndpointProps.MaxInstanceCount), $"{P(nameof(InferenceComponentEndpointProps.MaxInstanceCount))} {MaxInstanceCount} must be at least 1");
        }
        else if (MaxInstanceCount < MinInstanceCount)
        {
            problems.Add(nameof(InferenceComponentEndpointProps.MaxInstanceCount), $"{P(nameof(InferenceComponentEndpointProps.MaxInstanceCount))} {MaxInstanceCount} is below {P(nameof(InferenceComponentEndpointProps.MinInstanceCount))} {MinInstanceCount}");
        }

        if (initialInstances < 1 || initialInstances < MinInstanceCount || initialInstances > MaxInstanceCount)
        {
            problems.Add(nameof(InferenceComponentEndpointProps.InitialInstanceCount), $"{P(nameof(InferenceComponentEndpointProps.InitialInstanceCount))} {initialInstances} must be at least 1, at least {P(nameof(InferenceComponentEndpointProps.MinInstanceCount))} {MinInstanceCount} and at most {P(nameof(InferenceComponentEndpointProps.MaxInstanceCount))} {MaxInstanceCount}");
        }

        props.DeploymentPolicy?.AddProblems(problems, nameof(InferenceComponentEndpointProps.DeploymentPolicy), MinInstanceCount);
        if (props.RollbackAlarms?.Length > RollbackAlarms.Maximum)
        {
            problems.Add(nameof(InferenceComponentEndpointProps.RollbackAlarms), $"{P(nameof(InferenceComponentEndpointProps.RollbackAlarms))}: {props.RollbackAlarms.Length} rollback alarms; SageMaker watches at most {RollbackAlarms.Maximum}");
        }

        SagemakerNames.CheckVolumeSize(problems, nameof(InferenceComponentEndpointProps.VolumeSizeInGb), props.VolumeSizeInGb, props.InstanceType);
        AddCapacityProblems(problems, props);
        props.Metrics?.AddProblems(problems, nameof(InferenceComponentEndpointProps.Metrics));
        problems.AddRange(LogGroupOptions.Problems(props.Logs, nameof(InferenceComponentEndpointProps.Logs)));
        problems.ThrowIfAny();
    }
}
