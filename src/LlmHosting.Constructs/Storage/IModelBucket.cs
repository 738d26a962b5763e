using Amazon.CDK.AWS.IAM;
using Amazon.CDK.AWS.KMS;
using Amazon.CDK.AWS.S3;
using Constructs;

namespace LlmHosting.Constructs.Storage;

/// <summary>A bucket that holds model weights, one folder (key prefix) per model.</summary>
public interface IModelBucket : IConstruct
{
    /// <summary>The underlying S3 bucket.</summary>
    IBucket Bucket { get; }

    /// <summary>The customer-managed KMS key that encrypts the bucket, or null for SSE-S3.</summary>
    IKey? EncryptionKey { get; }

    /// <summary>
    /// The <c>s3://bucket/prefix/</c> URI of a model folder. The prefix is normalised to end with <c>/</c>.
    /// </summary>
    /// <param name="prefix">Key prefix of the model folder, for example <c>models/gpt-oss-20b/</c>.</param>
    string S3UriFor(string prefix);

    /// <summary>
    /// Grants read access to one model folder and nothing wider: <c>s3:GetObject</c> on the objects under
    /// the prefix, <c>s3:ListBucket</c> on the bucket only for listings under the prefix, and
    /// <c>kms:Decrypt</c> on the bucket's key when it has one.
    /// </summary>
    /// <param name="grantee">The principal to grant access to.</param>
    /// <param name="prefix">Key prefix of the model folder, for example <c>models/gpt-oss-20b/</c>.</param>
    Grant GrantRead(IGrantable grantee, string prefix);
}
