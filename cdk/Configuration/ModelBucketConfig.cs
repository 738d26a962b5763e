using LlmHosting.Constructs.Rules;

namespace LlmHosting.App.Configuration;

/// <summary>
/// Settings of an environment's model bucket (<c>modelBucket</c>): either a bucket of the environment's own
/// <c>Storage</c> stack (the default), or an existing bucket named by <see cref="ExistingBucketName"/>, in which
/// case the environment has no <c>Storage</c> stack.
/// </summary>
public sealed record ModelBucketConfig
{
    private const string Path = "modelBucket";

    /// <summary>
    /// <c>retain</c> keeps the bucket and its weights when the stack is deleted (and turns on the Storage stack's
    /// termination protection); <c>destroy</c> empties and deletes it (for short-lived dev environments).
    /// Default: <c>retain</c>. Not allowed with <see cref="ExistingBucketName"/>.
    /// </summary>
    public string? RemovalPolicy { get; init; }

    /// <summary>Write S3 server access logs to a separate log bucket. Default: false. Not allowed with <see cref="ExistingBucketName"/>.</summary>
    public bool? AccessLogs { get; init; }

    /// <summary>
    /// Name of a bucket that already holds the weights (created outside this app, in the environment's account and
    /// region). Every grant stays scoped to the configured model prefixes. Default: none, the Storage stack creates one.
    /// </summary>
    public string? ExistingBucketName { get; init; }

    /// <summary>ARN of the customer-managed KMS key of <see cref="ExistingBucketName"/>, when it uses SSE-KMS. Default: none (SSE-S3).</summary>
    public string? ExistingKmsKeyArn { get; init; }

    /// <summary>True when <see cref="RemovalPolicy"/> is <c>destroy</c>.</summary>
    internal bool Destroy => RemovalPolicy == "destroy";

    /// <summary>True when the environment uses an existing bucket and has no Storage stack.</summary>
    internal bool UsesExistingBucket => ExistingBucketName is not null;

    /// <summary>
    /// The physical name of the bucket a Storage stack creates: <c>&lt;namePrefix&gt;-models-&lt;account&gt;-&lt;region&gt;</c>
    /// (at most 55 characters). A fixed name lets the Serving stack and <c>llmhost upload-model</c> address the bucket
    /// without a cross-stack export that would pin the two stacks to each other.
    /// </summary>
    internal static string OwnBucketName(EnvironmentConfig environment)
        => $"{environment.NamePrefix}-models-{environment.Account}-{environment.Region}";

    internal void Validate(ICollection<string> problems, string region)
    {
        if (RemovalPolicy is not (null or "retain" or "destroy"))
        {
            problems.Add($"{Path}.removalPolicy '{RemovalPolicy}' must be 'retain' or 'destroy'");
        }

        if (ExistingBucketName is null)
        {
            if (ExistingKmsKeyArn is not null)
            {
                problems.Add($"{Path}.existingKmsKeyArn is set without {Path}.existingBucketName");
            }

            return;
        }

        if (!AwsNames.IsS3BucketName(ExistingBucketName))
        {
            problems.Add($"{Path}.existingBucketName '{ExistingBucketName}' is not an S3 bucket name (3-63 lower-case letters, digits, '.' or '-')");
        }

        if (RemovalPolicy is not null || AccessLogs is not null)
        {
            problems.Add($"{Path}.removalPolicy and {Path}.accessLogs apply to a bucket the app creates; remove them when {Path}.existingBucketName is set");
        }

        if (ExistingKmsKeyArn is null)
        {
            return;
        }

        if (!AwsNames.IsKmsKeyArn(ExistingKmsKeyArn, out var keyRegion))
        {
            problems.Add($"{Path}.existingKmsKeyArn '{ExistingKmsKeyArn}' is not a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>)");
        }
        else if (keyRegion != region)
        {
            problems.Add($"{Path}.existingKmsKeyArn is in region {keyRegion}, but S3 uses a key of the bucket's region {region}");
        }
    }
}
