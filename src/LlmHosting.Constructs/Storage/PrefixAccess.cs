using System.Text.RegularExpressions;
using Amazon.CDK.AWS.IAM;
using Amazon.CDK.AWS.KMS;
using Amazon.CDK.AWS.S3;
using LlmHosting.Constructs.Nag;

namespace LlmHosting.Constructs.Storage;

/// <summary>
/// Prefix-scoped addressing and grants shared by defined and imported model buckets. Grants go on the
/// grantee's identity policy only: the bucket policy stays as it is, so one reader cannot widen another.
/// </summary>
internal static class PrefixAccess
{
    /// <summary>The only object action a reader of model weights needs.</summary>
    internal static readonly string[] ObjectReadActions = ["s3:GetObject"];

    /// <summary>Listing is granted on the bucket, narrowed to the folder by the <c>s3:prefix</c> condition.</summary>
    internal static readonly string[] ListActions = ["s3:ListBucket"];

    internal static string S3Uri(IBucket bucket, string prefix)
        => $"s3://{bucket.BucketName}/{ModelPrefix.Normalize(prefix)}";

    internal static Grant GrantRead(IBucket bucket, IKey? key, IGrantable grantee, string prefix)
    {
        ArgumentNullException.ThrowIfNull(grantee);
        var folder = ModelPrefix.Normalize(prefix);

        var objects = Grant.AddToPrincipal(new GrantOnPrincipalOptions
        {
            Grantee = grantee,
            Actions = ObjectReadActions,
            ResourceArns = [bucket.ArnForObjects(folder + "*")],
        });
        var listing = Grant.AddToPrincipal(new GrantOnPrincipalOptions
        {
            Grantee = grantee,
            Actions = ListActions,
            ResourceArns = [bucket.BucketArn],
            Conditions = new Dictionary<string, IDictionary<string, object>>
            {
                ["StringLike"] = new Dictionary<string, object> { ["s3:prefix"] = new[] { folder + "*" } },
            },
        });

        // The object grant ends in * by nature (every object under the folder): a reviewed finding, not a mistake.
        NagSuppressions.AddToGrantee(grantee, "AwsSolutions-IAM5",
            "Reading a model folder needs every object under its prefix, and only that prefix is granted (PrefixAccess, S3 object ARNs in the Service Authorization Reference).",
            $"/^Resource::.+\\/{Regex.Escape(folder).Replace("/", "\\/", StringComparison.Ordinal)}\\*$/");
        var grant = objects.Combine(listing);
        return key is null ? grant : grant.Combine(key.GrantDecrypt(grantee));
    }
}
