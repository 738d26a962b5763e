using Amazon.CDK;
using Constructs;
using LlmHosting.App.Configuration;
using LlmHosting.Constructs.Storage;

namespace LlmHosting.App.Stacks;

/// <summary>Properties of a <see cref="StorageStack"/>.</summary>
public sealed class StorageStackProps : StackProps
{
    /// <summary>The validated configuration of the environment this stack belongs to.</summary>
    public required EnvironmentConfig Config { get; init; }
}

/// <summary>
/// The stateful part of an environment: the model bucket (and its access-log bucket). It is deployed first and on
/// its own, so that the weights can be uploaded before the <see cref="ServingStack"/> creates anything that reads
/// them, and so that a failed or rolled-back serving deployment never touches the bucket. A retained bucket also
/// gets termination protection on its stack. CDK turns it on before the stack's creation runs, so a failed first
/// creation leaves an empty stack that <c>cdk deploy</c> cannot delete until the protection is turned off (README,
/// "First deployment"); the bucket itself is deleted then (RetainExceptOnCreate).
/// </summary>
public sealed class StorageStack : Stack
{
    /// <summary>Creates the stack.</summary>
    public StorageStack(Construct scope, string id, StorageStackProps props)
        : base(scope, id, props)
    {
        var config = props.Config;
        config.Logs.ApplyTo(this);
        var bucket = config.ModelBucket;
        var accessLogs = bucket.AccessLogs == true;

        // The construct id "ModelBucket" fixes the bucket's logical id (pinned by a test): renaming it replaces the
        // bucket and, retained, leaves the old one and its weights behind. A retained bucket is kept on update and delete
        // but not when the stack's creation rolls back (RetainExceptOnCreate): it is empty then, and its fixed name would
        // make the next attempt fail.
        ModelBucket = new ModelBucket(this, "ModelBucket", new ModelBucketProps
        {
            BucketName = ModelBucketConfig.OwnBucketName(config),
            RemovalPolicy = bucket.Destroy ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE,
            AutoDeleteObjects = bucket.Destroy,
            // Versioned, TLS-only, SSE-S3 (what server access logs require); its bucket keeps the logical id it had.
            ServerAccessLogsBucket = accessLogs ? new AccessLogBucket(this, "AccessLogBucket", new AccessLogBucketProps
            {
                RemovalPolicy = bucket.Destroy ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE,
            }).Bucket : null,
            ServerAccessLogsPrefix = accessLogs ? "model-bucket/" : null,
        });

        _ = new CfnOutput(this, "ModelBucketName", new CfnOutputProps
        {
            Description = "Bucket for model weights; upload each model under its own prefix (llmhost upload-model).",
            Value = ModelBucket.Bucket.BucketName,
        });
    }

    /// <summary>The environment's model bucket.</summary>
    public ModelBucket ModelBucket { get; }
}
