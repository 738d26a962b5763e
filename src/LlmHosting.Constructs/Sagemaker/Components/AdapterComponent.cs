using Amazon.CDK;
using Amazon.CDK.AWS.ApplicationAutoScaling;
using Amazon.CDK.AWS.CloudWatch;
using Amazon.CDK.AWS.CloudWatch.Actions;
using Amazon.CDK.AWS.IAM;
using Amazon.CDK.AWS.Sagemaker;
using Constructs;
using LlmHosting.Constructs.Access;
using LlmHosting.Constructs.Storage;
using LlmHosting.Constructs.Validation;
using LlmHosting.Constructs.Weights;
using LlmHosting.Rules;

namespace LlmHosting.Constructs.Sagemaker.Components;

/// <summary>
/// A LoRA adapter served as an adapter inference component on a base <see cref="InferenceComponent"/>: SageMaker loads the
/// adapter into the base's vLLM container and routes the adapter component's requests to it, on the base's GPUs and copies.
/// Clients call it like any component, at its own <see cref="ServedModel.OpenAiBaseUrl"/>.
/// </summary>
/// <remarks>
/// The resource is <c>AWS::SageMaker::InferenceComponent</c> with <c>Specification.BaseInferenceComponentName</c> and
/// <c>Specification.Container.ArtifactUrl</c> and nothing else: no model, no compute requirements, no copy count, as in
/// botocore's SageMaker model ("Omit this parameter if your request is meant to create an adapter inference component") and
/// aws/model-hosting-container-standards' LoRA example. CDK 2.160's L1 lacks <c>BaseInferenceComponentName</c> (cfn-lint's
/// schema has it): a property override.
/// </remarks>
public sealed class AdapterComponent : ServedModel, IInferenceComponentModel
{
    /// <summary>Creates the adapter component on <see cref="AdapterComponentProps.Base"/>, or throws <see cref="PropsValidationException"/> naming every problem.</summary>
    /// <param name="scope">Parent construct.</param>
    /// <param name="id">Construct id.</param>
    /// <param name="props">The base, the adapter's folder and options.</param>
    public AdapterComponent(Construct scope, string id, AdapterComponentProps props)
        : this(scope, id, (props ?? throw new ArgumentNullException(nameof(props))).Base, props)
    {
    }

    internal AdapterComponent(Construct scope, string id, InferenceComponent baseComponent, AdapterComponentOptions options)
        : base(scope, id)
    {
        ArgumentNullException.ThrowIfNull(baseComponent);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(options.Bucket, nameof(options.Bucket));
        Base = baseComponent;
        InferenceComponentName = SagemakerNames.NameOrDefault(this, options.InferenceComponentName);
        BaseModelName = options.BaseModelName ?? baseComponent.AdapterBaseModelName;
        Prefix = Validate(options);

        var endpoint = baseComponent.Endpoint;
        ServedModelName = options.ServedModelName ?? InferenceComponentName;
        LogGroupName = baseComponent.LogGroupName;
        OpenAiBaseUrl = SagemakerAddresses.OpenAiBaseUrl(this, $"endpoints/{endpoint.EndpointName}/inference-components/{InferenceComponentName}");
        Model = baseComponent.Model;
        TensorParallelSize = baseComponent.TensorParallelSize;
        KvCacheHeadroomGiB = baseComponent.KvCacheHeadroomGiB;
        ArtifactUrl = options.Bucket.S3UriFor(Prefix) + AdapterRules.ArchiveFileName;

        // SageMaker fetches the archive for the endpoint, whose one execution role serves every component: it may read
        // this prefix (GetObject under it, ListBucket narrowed to it) and nothing more of the adapter's.
        options.Bucket.GrantRead(endpoint.Role, Prefix);

        Resource = new CfnInferenceComponent(this, "Resource", new CfnInferenceComponentProps
        {
            InferenceComponentName = InferenceComponentName,
            EndpointName = endpoint.Endpoint.AttrEndpointName,
            // Required by CDK 2.160's L1, not by CloudFormation or the API; removed below, as an adapter has none of them.
            VariantName = InferenceComponentEndpoint.VariantName,
            RuntimeConfig = new CfnInferenceComponent.InferenceComponentRuntimeConfigProperty { CopyCount = 1 },
            Specification = new CfnInferenceComponent.InferenceComponentSpecificationProperty
            {
                Container = new CfnInferenceComponent.InferenceComponentContainerSpecificationProperty { ArtifactUrl = ArtifactUrl },
                // Required by CDK 2.160's L1 as well; an adapter uses its base's compute, so it is removed below.
                ComputeResourceRequirements = new CfnInferenceComponent.InferenceComponentComputeResourceRequirementsProperty(),
            },
        });
        Resource.AddPropertyOverride("Specification.BaseInferenceComponentName", baseComponent.InferenceComponentName);
        Resource.AddPropertyDeletionOverride("Specification.ComputeResourceRequirements");
        Resource.AddPropertyDeletionOverride("VariantName");
        Resource.AddPropertyDeletionOverride("RuntimeConfig");
        // The base must be in service before an adapter can be attached, and the role's read of the prefix in place.
        Resource.Node.AddDependency(baseComponent.Resource);
        endpoint.DependOnRolePolicy(Resource);
        InferenceComponentArn = Resource.AttrInferenceComponentArn;

        if (options.Check?.Enabled != false)
        {
            Gate = WeightsGate.For(this, options.Bucket, Prefix);
            Gate.RequireAdapter(BaseModelName, baseComponent.Lora!.EffectiveMaxRank);
            if (options.Check?.ExpectedFiles is { } files)
            {
                Gate.ExpectFiles(files);
            }

            Gate.Guard(Resource);
        }

        AddScaleOutFromZero();
        baseComponent.Register(this);
    }

    /// <summary>The inference component that serves the base model.</summary>
    public InferenceComponent Base { get; }

    /// <summary>Name of the adapter inference component.</summary>
    public string InferenceComponentName { get; }

    /// <summary>ARN of the adapter inference component (a CloudFormation attribute).</summary>
    public string InferenceComponentArn { get; }

    /// <summary>The adapter's folder in the bucket, ending with <c>/</c>.</summary>
    public string Prefix { get; }

    /// <summary>The archive SageMaker reads: <c>s3://&lt;bucket&gt;/&lt;prefix&gt;adapter.tar.gz</c>.</summary>
    public string ArtifactUrl { get; }

    /// <summary>What <c>base_model_name_or_path</c> of the adapter must name.</summary>
    public string BaseModelName { get; }

    /// <summary>The adapter inference component.</summary>
    public CfnInferenceComponent Resource { get; }

    /// <summary>The check of the adapter's folder, or null when turned off.</summary>
    public WeightsGate? Gate { get; }

    /// <summary>
    /// The alarm that starts a copy of the base when a request to this adapter finds none, or null unless the base scales to
    /// zero. Which component's name SageMaker counts such a failure under is not documented (UNCONFIRMED): the base's own
    /// alarm covers its name, this one the adapter's. It fires at every cold start by design: do not notify on it.
    /// </summary>
    public IAlarm? ScaleOutFromZeroAlarm { get; private set; }

    /// <inheritdoc />
    public override string EndpointName => Base.EndpointName;

    /// <inheritdoc />
    public override string EndpointArn => Base.EndpointArn;

    /// <summary>A metric under the adapter component's name (<c>InferenceComponentName</c>), from the namespace that holds it.</summary>
    /// <param name="metricName">CloudWatch metric name.</param>
    /// <param name="options">Statistic, period, label... Default: average over 5 minutes.</param>
    public override Metric Metric(string metricName, IMetricOptions? options = null) => InferenceComponent.ComponentMetric(InferenceComponentName, metricName, options);

    /// <summary>GPU utilisation of the base's copies, which serve the adapter (percent). Default statistic: average.</summary>
    /// <param name="options">Overrides.</param>
    public override Metric MetricGpuUtilization(IMetricOptions? options = null) => Base.MetricGpuUtilization(options);

    /// <summary>GPU memory utilisation of the base's copies, which serve the adapter (percent). Default statistic: average.</summary>
    /// <param name="options">Overrides.</param>
    public override Metric MetricGpuMemoryUtilization(IMetricOptions? options = null) => Base.MetricGpuMemoryUtilization(options);

    /// <summary>Requests to the adapter that found no copy of the base. Default statistic: sum.</summary>
    /// <param name="options">Overrides.</param>
    public Metric MetricNoCapacityInvocationFailures(IMetricOptions? options = null)
        => Metric(InferenceComponent.NoCapacityMetricName, SagemakerMetrics.WithStatistic(options, "Sum"));

    /// <summary>Grants <see cref="InvokeActions.Invoke"/> on the endpoint and on this adapter component.</summary>
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

    private string Validate(AdapterComponentOptions options)
    {
        var problems = new PropsProblems(nameof(AdapterComponentProps));
        string P(string property) => Property.Ref(property);
        SagemakerNames.CheckName(problems, nameof(AdapterComponentOptions.InferenceComponentName), options.InferenceComponentName);
        if (Base.Lora is null)
        {
            problems.Add(nameof(AdapterComponentProps.Base), $"{P(nameof(AdapterComponentProps.Base))} {Base.InferenceComponentName} does not serve LoRA adapters: set Vllm.Lora on it (the adapter's rank must be at most its MaxRank)");
        }

        if (string.IsNullOrWhiteSpace(BaseModelName))
        {
            problems.Add(nameof(AdapterComponentOptions.BaseModelName), $"{P(nameof(AdapterComponentOptions.BaseModelName))} is empty: name the model the adapter was trained on");
        }

        var prefix = options.Prefix ?? "";
        if (!Tokens.IsUnresolved(prefix) && LlmHosting.Rules.ModelPrefixRules.Problems(prefix) is { Count: > 0 } prefixProblems)
        {
            problems.Add(nameof(AdapterComponentOptions.Prefix), $"{P(nameof(AdapterComponentOptions.Prefix))} '{prefix}' is not a folder of the bucket: {string.Join("; ", prefixProblems)}");
        }

        problems.ThrowIfAny($"adapter '{InferenceComponentName}' on component {Base.InferenceComponentName}");
        return ModelPrefix.Normalize(prefix);
    }

    // A base that scales to zero has no copy for the adapter either: failures counted under the adapter's name start one.
    private void AddScaleOutFromZero()
    {
        if (Base.ScaleOutFromZeroAction is not { } action)
        {
            return;
        }

        ScaleOutFromZeroAlarm = InferenceComponent.WakeUpAlarm(
            this, $"{InferenceComponentName}-scale-out-from-zero",
            $"Adds a copy of the inference component {Base.InferenceComponentName} when a request to its adapter {InferenceComponentName} finds none.",
            MetricNoCapacityInvocationFailures(new MetricOptions { Period = Duration.Minutes(1) }), action);
    }
}
