using Amazon.CDK;
using Amazon.CDK.AWS.KMS;
using Amazon.CDK.AWS.S3;
using Constructs;
using LlmHosting.App.Configuration;
using LlmHosting.Constructs.Access;
using LlmHosting.Constructs.Bedrock;
using LlmHosting.Constructs.Bedrock.OnDemand;
using LlmHosting.Constructs.Directories;
using LlmHosting.Constructs.Events;
using LlmHosting.Constructs.Sagemaker;
using LlmHosting.Constructs.Storage;

namespace LlmHosting.App.Stacks;

using Components = LlmHosting.Constructs.Sagemaker.Components;

/// <summary>Properties of a <see cref="ServingStack"/>.</summary>
public sealed class ServingStackProps : StackProps
{
    /// <summary>The validated configuration of the environment this stack belongs to.</summary>
    public required EnvironmentConfig Config { get; init; }

    /// <summary>Name of the model bucket: the Storage stack's, or the configured existing bucket.</summary>
    public required string ModelBucketName { get; init; }
}

/// <summary>
/// The stateless part of an environment: what serves the models (endpoints, inference components, Bedrock imports),
/// the invoker role and the operations around them. It reads the weights from the model bucket by name, so it holds
/// no reference that would tie the bucket's lifecycle to it, and every grant stays scoped to a model's prefix. Each
/// construct's props come from its configuration section (<c>ToProps</c>); the problems the constructs find are thrown
/// together, in the configuration's words, once every entry has been tried.
/// </summary>
public sealed partial class ServingStack : Stack
{
    /// <summary>Creates the stack, or throws <see cref="ConfigurationException"/> naming every problem the constructs find.</summary>
    public ServingStack(Construct scope, string id, ServingStackProps props)
        : base(scope, id, props)
    {
        var config = props.Config;
        config.Logs.ApplyTo(this);
        var problems = new ConstructProblems(config.Source);
        ModelBucket = LlmHosting.Constructs.Storage.ModelBucket.FromBucket(
            this,
            ServingIds.ModelBucket,
            Bucket.FromBucketName(this, ServingIds.ModelBucketByName, props.ModelBucketName),
            config.ModelBucket.ExistingKmsKeyArn is { } keyArn ? Key.FromKeyArn(this, ServingIds.ModelBucketKey, keyArn) : null);

        Operations = problems.Create(OperationsConfig.Keys, () => new ModelOperationsEvents(this, ServingIds.Operations, config.Operations.ToProps(config)))
            ?? throw problems.Failure();
        OperationsDashboard = AddDashboard(config);
        (_network, PrivateInvocation) = ServingNetworkWiring.Add(this, config, problems);
        AddEndpoints(config, problems);
        AddInferenceComponents(config, problems);
        AddAdapters(config, problems);
        AddLlmServingRows(config);
        AddModelImports(config, problems);
        AddBedrockModels(config, problems);
        AddInvoker(config, problems);
        ServingNetworkWiring.AllowModels(this, PrivateInvocation);
        Directory = ServingDirectory.Add(this, config, problems);
        problems.ThrowIfAny();
    }

    private readonly ServingNetworkPlacement? _network;

    /// <summary>The VPC endpoints of private invocation, or null without <c>network.privateInvocation</c>.</summary>
    public LlmHosting.Constructs.Network.PrivateInvocationEndpoints? PrivateInvocation { get; }

    /// <summary>The environment's model bucket, referenced by name.</summary>
    public IModelBucket ModelBucket { get; }

    /// <summary>Routes the environment's endpoint, model import and alarm events to people and systems.</summary>
    public ModelOperationsEvents Operations { get; }

    /// <summary>The environment's CloudWatch dashboard.</summary>
    public ModelOperationsDashboard OperationsDashboard { get; }

    /// <summary>The environment's vLLM endpoints, in configuration order.</summary>
    public IReadOnlyList<VllmEndpoint> Endpoints { get; private set; } = [];

    /// <summary>
    /// The role that invokes every model of the environment (endpoints, inference components, imported and on-demand
    /// Bedrock models) and reads its model directory, or null when the environment has no model.
    /// </summary>
    public InvokerRole? Invoker { get; private set; }

    /// <summary>Bedrock's own models the environment may use on demand, in configuration order.</summary>
    public IReadOnlyList<BedrockOnDemandModel> BedrockModels { get; private set; } = [];

    /// <summary>The environment's model directory (SSM parameter and stack outputs), or null when it serves no model.</summary>
    public ModelDirectory? Directory { get; }

    /// <summary>The Bedrock model imports of the environment, by configured name.</summary>
    public IReadOnlyDictionary<string, BedrockModelImport> ModelImports { get; private set; } = new Dictionary<string, BedrockModelImport>();

    /// <summary>The endpoint hosting several models as inference components, or null when none is configured.</summary>
    public Components.InferenceComponentEndpoint? ComponentEndpoint { get; private set; }

    /// <summary>The inference components of <see cref="ComponentEndpoint"/>, in configuration order.</summary>
    public IReadOnlyList<Components.InferenceComponent> InferenceComponents { get; private set; } = [];

    // Endpoints, components and alarms are added to the dashboard where they are created.
    private ModelOperationsDashboard AddDashboard(EnvironmentConfig config)
    {
        var dashboard = new ModelOperationsDashboard(this, ServingIds.OperationsDashboard, new ModelOperationsDashboardProps
        {
            DashboardName = config.DashboardName,
            Title = $"Model operations: {config.Name}",
        });
        dashboard.AddModelImportOutcomes(Operations.ModelImportCompletedRule!, Operations.ModelImportFailedRule!);
        dashboard.AddUndeliveredEvents(Operations);

        _ = new CfnOutput(this, ServingIds.OperationsTopicArn, new CfnOutputProps
        {
            Description = "SNS topic that receives endpoint, model import and alarm notifications.",
            Value = Operations.Topic.TopicArn,
        });
        return dashboard;
    }

    // One VllmEndpoint per configured endpoint, and per endpoint the outputs a client needs (the `chat` command
    // finds the URL by the `OpenAiBaseUrl` suffix and the model name by the `ServedModelName` beside it).
    private void AddEndpoints(EnvironmentConfig config, ConstructProblems problems)
    {
        var endpoints = new List<VllmEndpoint>();
        for (var i = 0; i < config.Endpoints.Count; i++)
        {
            var endpoint = config.Endpoints[i];
            var id = endpoint.ConstructId;
            if (problems.Create(endpoint.KeysAt($"endpoints[{i}]"), () => new VllmEndpoint(this, id, endpoint.ToProps(config.NamePrefix, ModelBucket, config.ProductionLike, _network, TimeToFirstTokenRollback(config, id, endpoint.EndpointNameIn(config.NamePrefix), component: false)))) is not { } created)
            {
                continue;
            }

            endpoints.Add(created);
            Operations.AddAlarms([.. created.Alarms]);
            OperationsDashboard.AddEndpoint(created);
            AddOutputs(id, ServingIds.EndpointOutputs, [
                ($"SageMaker endpoint serving {endpoint.Model}.", created.EndpointName),
                ($"OpenAI-compatible base URL of {endpoint.Model} (bearer token from sagemaker:CallWithBearerToken).", created.OpenAiBaseUrl),
                ServedModelName(endpoint.KnownModel),
            ]);
        }

        Endpoints = endpoints;
    }

    // One endpoint without a model, one inference component per configured model, and per component the outputs a
    // client needs (the `chat` command finds the URL by the `OpenAiBaseUrl` suffix).
    private void AddInferenceComponents(EnvironmentConfig config, ConstructProblems problems)
    {
        if (config.ComponentEndpoint is not { } endpointConfig)
        {
            return;
        }

        var endpoint = problems.Create(
            ComponentEndpointConfig.Keys,
            () => new Components.InferenceComponentEndpoint(this, ServingIds.ComponentEndpoint, endpointConfig.ToProps(config.NamePrefix, _network)));
        if (endpoint is null)
        {
            return;
        }

        // The endpoint's own row (its instances' GPUs); each component gets a row of its own below.
        OperationsDashboard.AddEndpoint(VllmEndpoint.FromEndpointName(this, ServingIds.ComponentEndpointMetrics, endpoint.EndpointName));
        var components = new List<Components.InferenceComponent>();
        for (var i = 0; i < endpointConfig.Components.Count; i++)
        {
            var component = endpointConfig.Components[i];
            var keys = component.KeysAt($"{ComponentEndpointConfig.Path}.components[{i}]");
            if (problems.Create(keys, () => endpoint.AddComponent(component.ConstructId, component.ToOptions(endpoint.EndpointName, ModelBucket, config.ProductionLike, TimeToFirstTokenRollback(config, ServingIds.ComponentOutputPrefix(component.ConstructId), component.ComponentNameIn(endpoint.EndpointName), component: true)))) is not { } created)
            {
                continue;
            }

            components.Add(created);
            Operations.AddAlarms([.. created.Alarms]);
            OperationsDashboard.AddInferenceComponent(created);
            AddOutputs(ServingIds.ComponentOutputPrefix(component.ConstructId), ServingIds.ComponentOutputs, [
                ($"SageMaker endpoint hosting the inference component of {component.Model}.", created.EndpointName),
                ($"Inference component serving {component.Model}.", created.InferenceComponentName),
                ($"OpenAI-compatible base URL of {component.Model} (bearer token from sagemaker:CallWithBearerToken)."
                    + (created.MinCopyCount == 0 ? " Scales to zero: the first request after idle fails until a copy has started; retry." : ""),
                    created.OpenAiBaseUrl),
                ServedModelName(component.KnownModel),
            ]);
        }

        ComponentEndpoint = endpoint;
        InferenceComponents = components;
    }

    // One role for every model of the environment, trusted by the configured principals: the SageMaker endpoints and
    // components through the OpenAI-compatible API, the Bedrock models (imported and on demand) with exactly their ARNs.
    private void AddInvoker(EnvironmentConfig config, ConstructProblems problems)
    {
        var targets = Endpoints.Cast<IOpenAiEndpoint>().Concat(InferenceComponents).Concat(Adapters).ToList();
        if (targets.Count == 0 && ModelImports.Count == 0 && BedrockModels.Count == 0)
        {
            return;
        }

        Invoker = problems.Create(InvokerConfig.Keys, () => new InvokerRole(this, ServingIds.Invoker, config.Invoker.ToProps(targets)));
        if (Invoker is null)
        {
            return;
        }

        if (ModelImports.Count > 0 || BedrockModels.Count > 0)
        {
            BedrockGrants.GrantInvoke(Invoker.Role, new BedrockInvokeTargets
            {
                OnDemandModels = BedrockModels,
                ImportedModels = [.. ModelImports.Values],
                AllowBearerKeys = config.Invoker.BedrockApiKeys,
            });
        }

        AddOutputs(ServingIds.InvokerRoleArn, [""], [
            ("Role that may invoke every model of the environment (SageMaker endpoints and components, Bedrock models) and read its model directory.", Invoker.RoleArn),
        ]);
    }

    private void AddModelImports(EnvironmentConfig config, ConstructProblems problems)
    {
        var imports = new Dictionary<string, BedrockModelImport>();
        for (var i = 0; i < config.ModelImports.Count; i++)
        {
            var model = config.ModelImports[i];
            var created = problems.Create(
                ModelImportConfig.KeysAt($"modelImports[{i}]"),
                () => new BedrockModelImport(this, ServingIds.ModelImport(model.ConstructId), model.ToProps(config.NamePrefix, ModelBucket)));
            if (created is null)
            {
                continue;
            }

            AddOutputs(ServingIds.ImportedModelArn(model.ConstructId), [""], [
                ($"ARN of the Bedrock imported model {model.Name}: the model id for InvokeModel.", created.ImportedModelArn),
            ]);
            imports[model.Name] = created;
        }

        ModelImports = imports;
    }

    private void AddBedrockModels(EnvironmentConfig config, ConstructProblems problems)
    {
        var models = new List<BedrockOnDemandModel>();
        for (var i = 0; i < config.BedrockModels.Count; i++)
        {
            var model = config.BedrockModels[i];
            var path = $"{BedrockModelConfig.Path}[{i}]";
            if (problems.Create(BedrockModelConfig.KeysAt(path), () => new BedrockOnDemandModel(this, model.ConstructId, model.ToProps())) is { } created)
            {
                models.Add(created);
            }
        }

        BedrockModels = models;
    }

    // The OpenAI `model` field a client sends: vLLM serves each model under its catalog name.
    private static (string Description, string Value) ServedModelName(KnownModel model)
        => ("Model name to send in OpenAI requests (SM_VLLM_SERVED_MODEL_NAME).", model.Name);

    // Outputs named <prefix><suffix>, with the suffixes ServingIds lists for the load-time id check.
    private void AddOutputs(string prefix, string[] suffixes, (string Description, string Value)[] outputs)
    {
        for (var i = 0; i < outputs.Length; i++)
        {
            _ = new CfnOutput(this, prefix + suffixes[i], new CfnOutputProps { Description = outputs[i].Description, Value = outputs[i].Value });
        }
    }
}
