using Amazon.Runtime;
using Amazon.Runtime.Internal;
using Amazon.S3;
using Amazon.S3.Model;

namespace LlmHosting.Cli.Upload;

/// <summary>
/// An S3 client that signs the body of a PUT or UploadPart carrying a SHA-256 checksum with that checksum: over
/// plain HTTP, SigV4 signs the hex SHA-256 of the payload (<c>x-amz-content-sha256</c>), which for a body sent
/// plain (not aws-chunked) is exactly the data's SHA-256 that <c>x-amz-checksum-sha256</c> already carries in
/// base64. Without this the SDK reads the part from the file and hashes it once more before sending it
/// (AWS4Signer.SetRequestBodyHash: a precomputed <c>IRequest.PrecomputedContentSha256</c> is used as it is).
/// Over HTTPS nothing changes: the payload goes unsigned. If the bytes sent differ from the checksum, S3 rejects
/// the request either way (XAmzContentSHA256Mismatch or BadDigest).
/// </summary>
internal sealed class PayloadHashS3Client(AWSCredentials credentials, AmazonS3Config config) : AmazonS3Client(credentials, config)
{
    /// <summary>Adds the step that hands the checksum to the signer, just before it signs (inside the retry loop, so every attempt has it).</summary>
    protected override void CustomizeRuntimePipeline(RuntimePipeline pipeline)
    {
        base.CustomizeRuntimePipeline(pipeline);
        pipeline.AddHandlerBefore<Signer>(new PrecomputedPayloadHash());
    }

    /// <summary>Sets <c>PrecomputedContentSha256</c> from the request's SHA-256 checksum when the body goes plain.</summary>
    internal sealed class PrecomputedPayloadHash : PipelineHandler
    {
        /// <inheritdoc/>
        public override void InvokeSync(IExecutionContext executionContext)
        {
            Apply(executionContext.RequestContext);
            base.InvokeSync(executionContext);
        }

        /// <inheritdoc/>
        public override Task<T> InvokeAsync<T>(IExecutionContext executionContext)
        {
            Apply(executionContext.RequestContext);
            return base.InvokeAsync<T>(executionContext);
        }

        internal static void Apply(IRequestContext context)
        {
            var checksum = context.OriginalRequest switch
            {
                UploadPartRequest part => part.ChecksumSHA256,
                PutObjectRequest put => put.ChecksumSHA256,
                _ => null,
            };
            if (!string.IsNullOrEmpty(checksum) && !context.Request.UseChunkEncoding)
            {
                context.Request.PrecomputedContentSha256 = Convert.ToHexStringLower(Convert.FromBase64String(checksum));
            }
        }
    }
}
