using Amazon.CDK;
using Amazon.CDK.AWS.S3;
using Constructs;
using LlmHosting.App.Configuration;
using LlmHosting.Constructs.Bedrock;
using LlmHosting.Constructs.Storage;

namespace LlmHosting.App.Stacks;

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

        _ = new CfnOutput(this, "ModelBucketName", new CfnOutputProps
        {
            Description = "Bucket for model weights; upload each model under its own prefix.",
            Value = ModelBucket.Bucket.BucketName,
        });

        AddModelImports(config);
    }

    /// <summary>The environment's model bucket.</summary>
    public ModelBucket ModelBucket { get; }

    /// <summary>The Bedrock model imports of the environment, by configured name.</summary>
    public IReadOnlyDictionary<string, BedrockModelImport> ModelImports { get; private set; } = new Dictionary<string, BedrockModelImport>();

    private void AddModelImports(EnvironmentConfig config)
    {
        var imports = new Dictionary<string, BedrockModelImport>();
        foreach (var model in config.ModelImports)
        {
            var id = string.Concat(model.Name.Split('-', '_').Select(p => p.Length == 0 ? p : char.ToUpperInvariant(p[0]) + p[1..]));
            var import = new BedrockModelImport(this, "ModelImport" + id, new BedrockModelImportProps
            {
                ModelBucket = ModelBucket,
                ModelPrefix = model.BucketPrefix,
                ModelName = $"{config.NamePrefix}-{model.Name}",
                RetainOnDelete = model.RetainOnDelete,
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
}
