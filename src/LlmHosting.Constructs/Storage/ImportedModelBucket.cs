using Amazon.CDK.AWS.IAM;
using Amazon.CDK.AWS.KMS;
using Amazon.CDK.AWS.S3;
using Constructs;

namespace LlmHosting.Constructs.Storage;

/// <summary>A model bucket defined outside this app; see <see cref="ModelBucket.FromBucket"/>.</summary>
internal sealed class ImportedModelBucket(Construct scope, string id, IBucket bucket, IKey? encryptionKey)
    : Construct(scope, id), IModelBucket
{
    public IBucket Bucket { get; } = bucket ?? throw new ArgumentNullException(nameof(bucket));

    public IKey? EncryptionKey { get; } = encryptionKey;

    public string S3UriFor(string prefix) => PrefixAccess.S3Uri(Bucket, prefix);

    public Grant GrantRead(IGrantable grantee, string prefix) => PrefixAccess.GrantRead(Bucket, EncryptionKey, grantee, prefix);
}
