using System.Net;
using System.Net.Http;
using Amazon.Runtime;
using Amazon.S3;
using LlmHosting.Cli.Commands;

namespace LlmHosting.Cli.Upload;

/// <summary>One line for each way an upload fails, with the likely fix. Error codes: Amazon S3 API Reference, "Error responses".</summary>
internal static class UploadErrors
{
    /// <summary>The permissions upload-model needs, for the access-denied message.</summary>
    public const string NeededPermissions =
        "s3:ListBucket and s3:ListBucketMultipartUploads on the bucket, s3:GetObject, s3:PutObject, s3:ListMultipartUploadParts and s3:AbortMultipartUpload on the prefix";

    public static CliException Explain(Exception exception, string bucket, string prefix)
    {
        var where = $"s3://{bucket}/{prefix}";
        switch (exception)
        {
            case AmazonS3Exception { ErrorCode: "NoSuchBucket" }:
                return new CliException($"Bucket '{bucket}' does not exist (S3 NoSuchBucket): check the name, the account of the credentials and the endpoint; with --env, deploy the environment's storage stack first.");
            case AmazonS3Exception { ErrorCode: "InvalidAccessKeyId" or "SignatureDoesNotMatch" or "ExpiredToken" or "TokenRefreshRequired" } s3:
                return new CliException($"S3 rejected the AWS credentials ({s3.ErrorCode}): refresh them (aws sso login, a new aws sts assume-role, or new AWS_* environment variables) and retry.");
            case AmazonS3Exception { ErrorCode: "AccessDenied" } or AmazonS3Exception { StatusCode: HttpStatusCode.Forbidden }:
                return new CliException($"Access denied (HTTP 403) to {where}: the identity needs {NeededPermissions}, and the bucket must be in the account of the credentials (a KMS-encrypted bucket also needs kms:GenerateDataKey and kms:Decrypt).");
            case AmazonS3Exception { ErrorCode: "BadDigest" or "InvalidDigest" or "XAmzContentSHA256Mismatch" } s3:
                return new CliException($"S3 received different bytes than the file held when it was hashed ({s3.ErrorCode}): a file of the folder changed during the upload. Run the command again when nothing writes to the folder.", ExitCodes.RequestFailed);
            case AmazonS3Exception s3:
                return new CliException($"S3 answered {(int)s3.StatusCode} {s3.ErrorCode} for {where}: {s3.Message}", ExitCodes.RequestFailed);
            case AmazonClientException client when client.Message.StartsWith("Failed to resolve AWS credentials", StringComparison.Ordinal):
                return new CliException(ChatErrors.MissingCredentials(client));
        }

        for (var inner = exception; inner is not null; inner = inner.InnerException)
        {
            if (inner is HttpRequestException connection)
            {
                return new CliException($"Cannot reach S3 for {where}: {connection.Message} Check the network, the region and any endpoint setting (--endpoint-url, AWS_ENDPOINT_URL_S3, AWS_ENDPOINT_URL).", ExitCodes.RequestFailed);
            }
        }

        return new CliException($"Upload to {where} failed: {exception.Message}", ExitCodes.RequestFailed);
    }
}
