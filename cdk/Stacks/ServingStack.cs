using Amazon.CDK;
using Amazon.CDK.AWS.KMS;
using Amazon.CDK.AWS.S3;
using Constructs;
using LlmHosting.App.Configuration;
using LlmHosting.Constructs.Events;
using LlmHosting.Constructs.Access;
using LlmHosting.Constructs.Sagemaker;
using LlmHosting.Constructs.Bedrock;
using LlmHosting.Constructs.Storage;
using LlmHosting.Constructs.Weights;

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
/// no reference that would tie the bucket's lifecycle to it, and every grant stays scoped to a model's prefix.
/// </summary>
public sealed class ServingStack : Stack
{
    /// <summary>Creates the stack.</summary>
    public ServingStack(Construct scope, string id, ServingStackProps props)
        : base(scope, id, props)
    {
        var config = props.Config;
        var bucketConfig = config.ModelBucket;
        ModelBucket = LlmHosting.Constructs.Storage.ModelBucket.FromBucket(
            this,
            "ModelBucket",
            Bucket.FromBucketName(this, "ModelBucketByName", props.ModelBucketName),
            bucketConfig.ExistingKmsKeyArn is { } keyArn ? Key.FromKeyArn(this, "ModelBucketKey", keyArn) : null);

        (Operations, OperationsDashboard) = AddOperations(config);
        AddEndpoints(config);
        AddInferenceComponents(config);
        AddInvoker(config);
        AddModelImports(config);
    }

    /// <summary>The environment's model bucket, referenced by name.</summary>
    public IModelBucket ModelBucket { get; }

    /// <summary>Routes the environment's endpoint, model import and alarm events to people and systems.</summary>
    public ModelOperationsEvents Operations { get; }

    /// <summary>The environment's CloudWatch dashboard.</summary>
    public ModelOperationsDashboard OperationsDashboard { get; }

    // Endpoints, components and imported models are named <namePrefix>-<name>, so the prefix selects exactly
    // this environment's resources; endpoints, components and alarms are added where they are created.
    private (ModelOperationsEvents, ModelOperationsDashboard) AddOperations(EnvironmentConfig config)
    {
        var namePrefix = config.NamePrefix + "-";
        var operations = new ModelOperationsEvents(this, "Operations", new ModelOperationsEventsProps
        {
            EndpointNamePrefix = namePrefix,
            ImportedModelNamePrefix = namePrefix,
            AlarmEmails = config.Operations.AlarmEmails,
            TopicDisplayName = $"Model operations {config.Name}",
        });
        var dashboard = new ModelOperationsDashboard(this, "OperationsDashboard", new ModelOperationsDashboardProps
        {
            DashboardName = $"{config.NamePrefix}-model-operations",
            Title = $"Model operations: {config.Name}",
        });
        dashboard.AddModelImportOutcomes(operations.ModelImportCompletedRule!, operations.ModelImportFailedRule!);
        dashboard.AddUndeliveredEvents(operations);

        _ = new CfnOutput(this, "OperationsTopicArn", new CfnOutputProps
        {
            Description = "SNS topic that receives endpoint, model import and alarm notifications.",
            Value = operations.Topic.TopicArn,
        });
        return (operations, dashboard);
    }

    /// <summary>The environment's vLLM endpoints, in configuration order.</summary>
    public IReadOnlyList<VllmEndpoint> Endpoints { get; private set; } = [];

    /// <summary>
    /// The role that invokes every endpoint and inference component of the environment through the
    /// OpenAI-compatible API, or null when the environment serves no model on SageMaker.
    /// </summary>
    public InvokerRole? Invoker { get; private set; }

    // One VllmEndpoint per configured endpoint, and per endpoint the outputs a client needs (the `chat` command
    // finds the URL by the `OpenAiBaseUrl` suffix and the model name by the `ServedModelName` beside it).
    private void AddEndpoints(EnvironmentConfig config)
    {
        if (config.Endpoints.Count == 0)
        {
            return;
        }

        var endpoints = new List<VllmEndpoint>();
        for (var i = 0; i < config.Endpoints.Count; i++)
        {
            var endpoint = config.Endpoints[i];
            var id = endpoint.ConstructId;
            VllmEndpoint created;
            try
            {
                created = new VllmEndpoint(this, id, new VllmEndpointProps
                {
                    EndpointName = $"{config.NamePrefix}-{endpoint.Name}",
                    Model = endpoint.KnownModel,
                    Source = endpoint.SourceIn(ModelBucket),
                    InstanceType = endpoint.GpuInstanceType,
                    Image = endpoint.Vllm.ImageTag is { } tag ? VllmImage.FromDlcTag(tag) : null,
                    InferenceAmiVersion = ConfigNames.InferenceAmiVersionOf(endpoint.InferenceAmiVersion),
                    Vllm = endpoint.Vllm.ToSettings(),
                    MinInstanceCount = endpoint.MinInstances,
                    MaxInstanceCount = endpoint.MaxInstances,
                });
            }
            catch (ArgumentException e)
            {
                throw new ConfigurationException($"Invalid configuration for environment '{config.Name}': endpoints[{i}] ({endpoint.Name}): {e.Message}");
            }

            endpoints.Add(created);
            Operations.AddAlarms([.. created.Alarms]);
            OperationsDashboard.AddEndpoint(created);
            _ = new CfnOutput(this, id + "EndpointName", new CfnOutputProps
            {
                Description = $"SageMaker endpoint serving {endpoint.Model}.",
                Value = created.EndpointName,
            });
            _ = new CfnOutput(this, id + "OpenAiBaseUrl", new CfnOutputProps
            {
                Description = $"OpenAI-compatible base URL of {endpoint.Model} (bearer token from sagemaker:CallWithBearerToken).",
                Value = created.OpenAiBaseUrl,
            });
            AddServedModelNameOutput(id, endpoint.KnownModel);
        }

        Endpoints = endpoints;
    }

    // The OpenAI `model` field a client sends: vLLM serves each model under its catalog name.
    private void AddServedModelNameOutput(string outputPrefix, KnownModel model)
        => _ = new CfnOutput(this, outputPrefix + "ServedModelName", new CfnOutputProps
        {
            Description = "Model name to send in OpenAI requests (SM_VLLM_SERVED_MODEL_NAME).",
            Value = model.Name,
        });

    // One role for every endpoint and component of the environment, trusted by the configured principals.
    private void AddInvoker(EnvironmentConfig config)
    {
        var targets = Endpoints.Cast<IOpenAiEndpoint>().Concat(InferenceComponents).ToList();
        if (targets.Count == 0)
        {
            return;
        }

        var trustsNobody = config.Invoker.TrustedAccountIds.Count == 0 && config.Invoker.TrustedRoleArns.Count == 0;
        Invoker = new InvokerRole(this, "Invoker", new InvokerRoleProps
        {
            TrustedAccountIds = trustsNobody ? [config.Account] : config.Invoker.TrustedAccountIds,
            TrustedRoleArns = config.Invoker.TrustedRoleArns,
            Endpoints = targets,
        });
        _ = new CfnOutput(this, "InvokerRoleArn", new CfnOutputProps
        {
            Description = "Role that may invoke every endpoint and inference component of the environment through the OpenAI-compatible API.",
            Value = Invoker.RoleArn,
        });
    }

    /// <summary>The Bedrock model imports of the environment, by configured name.</summary>
    public IReadOnlyDictionary<string, BedrockModelImport> ModelImports { get; private set; } = new Dictionary<string, BedrockModelImport>();

    private void AddModelImports(EnvironmentConfig config)
    {
        var imports = new Dictionary<string, BedrockModelImport>();
        foreach (var model in config.ModelImports)
        {
            var id = ConfigNames.ConstructId(model.Name);
            var import = new BedrockModelImport(this, "ModelImport" + id, new BedrockModelImportProps
            {
                ModelBucket = ModelBucket,
                ModelPrefix = model.BucketPrefix,
                ModelName = $"{config.NamePrefix}-{model.Name}",
                RetainOnDelete = model.RetainOnDelete,
                WeightsCheck = new WeightsCheckOptions { ExpectedFiles = model.ExpectedFiles },
            });
            _ = new CfnOutput(this, "ImportedModelArn" + id, new CfnOutputProps
            {
                Description = $"ARN of the Bedrock imported model {model.Name}: the model id for InvokeModel.",
                Value = import.ImportedModelArn,
            });
            imports[model.Name] = import;
        }

        ModelImports = imports;
    }

    /// <summary>The endpoint hosting several models as inference components, or null when none is configured.</summary>
    public Components.InferenceComponentEndpoint? ComponentEndpoint { get; private set; }

    /// <summary>The inference components of <see cref="ComponentEndpoint"/>, in configuration order.</summary>
    public IReadOnlyList<Components.InferenceComponent> InferenceComponents { get; private set; } = [];

    // One endpoint without a model, one inference component per configured model, and per component the outputs a
    // client needs (the `chat` command finds the URL by the `OpenAiBaseUrl` suffix).
    private void AddInferenceComponents(EnvironmentConfig config)
    {
        if (config.ComponentEndpoint is not { } endpointConfig)
        {
            return;
        }

        var endpointName = $"{config.NamePrefix}-{endpointConfig.Name}";
        var endpoint = new Components.InferenceComponentEndpoint(this, "ComponentEndpoint", new Components.InferenceComponentEndpointProps
        {
            EndpointName = endpointName,
            InstanceType = endpointConfig.GpuInstanceType,
            InferenceAmiVersion = ConfigNames.InferenceAmiVersionOf(endpointConfig.InferenceAmiVersion),
            MinInstanceCount = endpointConfig.MinInstances,
            MaxInstanceCount = endpointConfig.MaxInstances,
        });
        // The endpoint's own row (its instances' GPUs); each component gets a row of its own below.
        OperationsDashboard.AddEndpoint(VllmEndpoint.FromEndpointName(this, "ComponentEndpointMetrics", endpointName));
        var components = new List<Components.InferenceComponent>();
        for (var i = 0; i < endpointConfig.Components.Count; i++)
        {
            var component = endpointConfig.Components[i];
            var id = component.ConstructId;
            Components.InferenceComponent created;
            try
            {
                created = endpoint.AddComponent(id, new Components.InferenceComponentOptions
                {
                    InferenceComponentName = $"{endpointName}-{component.Name}",
                    Model = component.KnownModel,
                    Source = component.SourceIn(ModelBucket),
                    Vllm = new VllmSettings { MaxModelLength = component.MaxModelLength },
                    Gpus = component.Gpus,
                    CpuCores = component.CpuCores,
                    MemoryInMb = component.MemoryInMb,
                    MinCopyCount = component.MinCopies,
                    MaxCopyCount = component.MaxCopies,
                });
            }
            catch (ArgumentException e)
            {
                throw new ConfigurationException($"Invalid configuration for environment '{config.Name}': componentEndpoint.components[{i}] ({component.Name}): {e.Message}");
            }

            components.Add(created);
            Operations.AddAlarms([.. created.Alarms]);
            OperationsDashboard.AddInferenceComponent(created);
            var outputPrefix = "ComponentEndpoint" + id;
            _ = new CfnOutput(this, outputPrefix + "EndpointName", new CfnOutputProps
            {
                Description = $"SageMaker endpoint hosting the inference component of {component.Model}.",
                Value = created.EndpointName,
            });
            _ = new CfnOutput(this, outputPrefix + "InferenceComponentName", new CfnOutputProps
            {
                Description = $"Inference component serving {component.Model}.",
                Value = created.InferenceComponentName,
            });
            _ = new CfnOutput(this, outputPrefix + "OpenAiBaseUrl", new CfnOutputProps
            {
                Description = $"OpenAI-compatible base URL of {component.Model} (bearer token from sagemaker:CallWithBearerToken)."
                    + (created.MinCopyCount == 0 ? " Scales to zero: the first request after idle fails until a copy has started; retry." : ""),
                Value = created.OpenAiBaseUrl,
            });
            AddServedModelNameOutput(outputPrefix, component.KnownModel);
        }

        ComponentEndpoint = endpoint;
        InferenceComponents = components;
    }
}
