using Amazon.CDK;
using Amazon.CDK.AWS.IAM;
using Amazon.CDK.AWS.KMS;
using Amazon.CDK.AWS.S3;
using Constructs;
using LlmHosting.Constructs.Validation;

namespace LlmHosting.Constructs.Storage;

/// <summary>
/// An S3 bucket for model weights, locked down for the job: no public access, TLS only, ACLs disabled,
/// versioned, encrypted (SSE-S3 or a customer key), abandoned multipart uploads cleaned up, retained on
/// stack deletion by default, and read access granted one model folder at a time. With
/// <see cref="ModelBucketProps.AutoDeleteObjects"/>, CDK's emptying function gets a declared log group
/// (<see cref="Logs.LogGroupOptions"/> defaults of the stack) and no AWS managed policy.
/// </summary>
/// <example>
/// <code>
/// var weights = new ModelBucket(this, "Weights");
/// weights.GrantRead(role, "models/gpt-oss-20b/");
/// var uri = weights.S3UriFor("models/gpt-oss-20b"); // s3://&lt;bucket&gt;/models/gpt-oss-20b/
/// </code>
/// </example>
public sealed class ModelBucket : Construct, IModelBucket
{
    /// <summary>Default for <see cref="ModelBucketProps.AbortIncompleteMultipartUploadAfter"/>.</summary>
    public static readonly Duration DefaultAbortIncompleteMultipartUploadAfter = Duration.Days(7);

    /// <summary>Default for <see cref="ModelBucketProps.NoncurrentVersionExpiration"/>.</summary>
    public static readonly Duration DefaultNoncurrentVersionExpiration = Duration.Days(30);

    /// <summary>Creates the bucket.</summary>
    /// <param name="scope">Parent construct.</param>
    /// <param name="id">Construct id. The bucket's logical id derives from it: renaming it replaces the bucket.</param>
    /// <param name="props">Optional settings; every default is documented on <see cref="ModelBucketProps"/>.</param>
    public ModelBucket(Construct scope, string id, ModelBucketProps? props = null)
        : base(scope, id)
    {
        props ??= new ModelBucketProps();
        Validate(props);

        EncryptionKey = props.EncryptionKey;
        var bucketProps = new BucketProps
        {
            BucketName = props.BucketName,
            Encryption = props.EncryptionKey is null ? BucketEncryption.S3_MANAGED : BucketEncryption.KMS,
            EncryptionKey = props.EncryptionKey,
            BucketKeyEnabled = props.EncryptionKey is null ? null : true,
            BlockPublicAccess = BlockPublicAccess.BLOCK_ALL,
            EnforceSSL = true,
            MinimumTLSVersion = 1.2,
            ObjectOwnership = ObjectOwnership.BUCKET_OWNER_ENFORCED,
            Versioned = true,
            RemovalPolicy = props.RemovalPolicy ?? RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE,
            AutoDeleteObjects = props.AutoDeleteObjects ?? false,
            ServerAccessLogsBucket = props.ServerAccessLogsBucket,
            ServerAccessLogsPrefix = props.ServerAccessLogsBucket is null ? null : props.ServerAccessLogsPrefix,
            LifecycleRules =
            [
                new LifecycleRule
                {
                    Id = "AbortIncompleteMultipartUploads",
                    AbortIncompleteMultipartUploadAfter =
                        props.AbortIncompleteMultipartUploadAfter ?? DefaultAbortIncompleteMultipartUploadAfter,
                },
                new LifecycleRule
                {
                    Id = "ExpireNoncurrentVersions",
                    NoncurrentVersionExpiration =
                        props.NoncurrentVersionExpiration ?? DefaultNoncurrentVersionExpiration,
                },
            ],
        };
        Bucket = new Bucket(this, "Bucket", bucketProps);
        if (props.AutoDeleteObjects == true)
        {
            AutoDeleteObjectsLogs.Apply(this);
        }
    }

    /// <inheritdoc />
    public IBucket Bucket { get; }

    /// <inheritdoc />
    public IKey? EncryptionKey { get; }

    /// <summary>
    /// References a model bucket that is not defined in this app, so that its folders can be granted and
    /// addressed the same way.
    /// </summary>
    /// <param name="scope">Parent construct.</param>
    /// <param name="id">Construct id.</param>
    /// <param name="bucket">The existing bucket.</param>
    /// <param name="encryptionKey">Its customer-managed key, or null when it uses SSE-S3.</param>
    public static IModelBucket FromBucket(Construct scope, string id, IBucket bucket, IKey? encryptionKey = null)
        => new ImportedModelBucket(scope, id, bucket, encryptionKey);

    /// <inheritdoc />
    public string S3UriFor(string prefix) => PrefixAccess.S3Uri(Bucket, prefix);

    /// <inheritdoc />
    public Grant GrantRead(IGrantable grantee, string prefix) => PrefixAccess.GrantRead(Bucket, EncryptionKey, grantee, prefix);

    private static void Validate(ModelBucketProps props)
    {
        var problems = new List<string>();
        var removal = props.RemovalPolicy ?? RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE;
        if (props.AutoDeleteObjects == true && removal != RemovalPolicy.DESTROY)
        {
            problems.Add($"AutoDeleteObjects is true but RemovalPolicy is {removal}; emptying the bucket only makes sense with RemovalPolicy.DESTROY");
        }

        if (props.ServerAccessLogsPrefix is not null && props.ServerAccessLogsBucket is null)
        {
            problems.Add("ServerAccessLogsPrefix is set without ServerAccessLogsBucket");
        }

        CheckWholeDays(problems, nameof(ModelBucketProps.AbortIncompleteMultipartUploadAfter), props.AbortIncompleteMultipartUploadAfter);
        CheckWholeDays(problems, nameof(ModelBucketProps.NoncurrentVersionExpiration), props.NoncurrentVersionExpiration);

        if (problems.Count > 0)
        {
            throw new ArgumentException($"Invalid ModelBucketProps: {string.Join("; ", problems)}.");
        }
    }

    internal static void CheckWholeDays(List<string> problems, string name, Duration? value)
    {
        if (value is null || Tokens.IsUnresolved(value.ToString()))
        {
            return;
        }

        var hours = value.ToHours(new TimeConversionOptions { Integral = false });
        if (hours < 24 || hours % 24 != 0)
        {
            problems.Add($"{name} is {value.ToHumanString()}; S3 lifecycle rules count in whole days, at least 1");
        }
    }
}
