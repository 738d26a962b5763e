using Amazon.CDK;
using Amazon.CDK.AWS.S3;
using Constructs;
using LlmHosting.App.Configuration;
using LlmHosting.Constructs.Access;
using LlmHosting.Constructs.Sagemaker;
using LlmHosting.Constructs.Storage;

namespace LlmHosting.App.Stacks;

using Components = LlmHosting.Constructs.Sagemaker.Components;

/// <summary>Properties of a <see cref="ModelHostingStack"/>.</summary>
public sealed class ModelHostingStackProps : StackProps
{
    /// <summary>The validated configuration of the environment this stack belongs to.</summary>
    public required EnvironmentConfig Config { get; init; }
}

/// <summary>Everything one environment runs: the model bucket and what later serves the models.</summary>
public sealed class ModelHostingStack : Stack
{
    /// <summary>Creates the stack.</summary>
    public ModelHostingStack(Construct scope, string id, ModelHostingStackProps props)
        : base(scope, id, props)
    {
        var config = props.Config;

        ModelBucket = new ModelBucket(this, "ModelBucket", new ModelBucketProps
        {
            RemovalPolicy = config.ModelBucket.Destroy ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN,
            AutoDeleteObjects = config.ModelBucket.Destroy,
            ServerAccessLogsBucket = config.ModelBucket.AccessLogs ? CreateAccessLogBucket() : null,
            ServerAccessLogsPrefix = config.ModelBucket.AccessLogs ? "model-bucket/" : null,
        });
        AddInferenceComponents(config);

        _ = new CfnOutput(this, "ModelBucketName", new CfnOutputProps
        {
            Description = "Bucket for model weights; upload each model under its own prefix.",
            Value = ModelBucket.Bucket.BucketName,
        });
    }

    /// <summary>The environment's model bucket.</summary>
    public ModelBucket ModelBucket { get; }

    private Bucket CreateAccessLogBucket() => new(this, "AccessLogBucket", new BucketProps
    {
        // Server access logs can only be delivered to SSE-S3 buckets.
        Encryption = BucketEncryption.S3_MANAGED,
        BlockPublicAccess = BlockPublicAccess.BLOCK_ALL,
        EnforceSSL = true,
        ObjectOwnership = ObjectOwnership.BUCKET_OWNER_ENFORCED,
        RemovalPolicy = RemovalPolicy.RETAIN,
        LifecycleRules = [new LifecycleRule { Id = "ExpireAccessLogs", Expiration = Duration.Days(365) }],
    });

    /// <summary>The endpoint hosting several models as inference components, or null when none is configured.</summary>
    public Components.InferenceComponentEndpoint? ComponentEndpoint { get; private set; }

    /// <summary>The role that invokes the inference components, or null when none is configured.</summary>
    public InvokerRole? ComponentInvoker { get; private set; }

    // One endpoint without a model, one inference component per configured model, an invoker role for them, and per
    // component the outputs a client needs (the `chat` command finds the URL by the `OpenAiBaseUrl` suffix).
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
            MinInstanceCount = endpointConfig.MinInstances,
            MaxInstanceCount = endpointConfig.MaxInstances,
        });
        var components = new List<Components.InferenceComponent>();
        for (var i = 0; i < endpointConfig.Components.Count; i++)
        {
            var component = endpointConfig.Components[i];
            var id = string.Concat(component.Name.Split('-').Select(w => char.ToUpperInvariant(w[0]) + w[1..]));
            Components.InferenceComponent created;
            try
            {
                created = endpoint.AddComponent(id, new Components.InferenceComponentOptions
                {
                    InferenceComponentName = $"{endpointName}-{component.Name}",
                    Model = component.KnownModel,
                    Source = component.BucketPrefix is { } prefix
                        ? ModelSource.FromBucket(ModelBucket, prefix)
                        : ModelSource.FromHuggingFace(component.HuggingFaceId!),
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
        }

        ComponentEndpoint = endpoint;
        ComponentInvoker = new InvokerRole(this, "ComponentInvoker", new InvokerRoleProps
        {
            TrustedAccountIds = [config.Account],
            Endpoints = components,
        });
        _ = new CfnOutput(this, "ComponentInvokerRoleArn", new CfnOutputProps
        {
            Description = "Role that may invoke every inference component of the environment through the OpenAI-compatible API.",
            Value = ComponentInvoker.RoleArn,
        });
    }
}
