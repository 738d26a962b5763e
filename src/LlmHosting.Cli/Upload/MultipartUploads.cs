using System.Net;
using Amazon.S3;
using Amazon.S3.Model;

namespace LlmHosting.Cli.Upload;

/// <summary>
/// Finding, checking and starting the multipart uploads of one bucket. A part listed by ListParts counts as sent
/// only when its size is the planned one and its content is shown to be the local part's: by its SHA-256, which
/// S3 lists for uploads started with <c>ChecksumAlgorithm=SHA256</c> (botocore data/s3/2006-03-01/service-2.json, shape <c>Part</c>),
/// else by its ETag, the MD5 of the part on S3 without SSE-KMS and on S3-compatible stores (moto 5.2 lists no part
/// checksums). Any other part is sent again.
/// </summary>
internal sealed class MultipartUploads(IAmazonS3 s3, string bucket)
{
    /// <summary>Every unfinished multipart upload under the prefix (ListMultipartUploads, every page).</summary>
    public async Task<IReadOnlyList<MultipartUpload>> ListUnfinishedAsync(string prefix, CancellationToken cancellationToken)
    {
        var uploads = new List<MultipartUpload>();
        var request = new ListMultipartUploadsRequest { BucketName = bucket, Prefix = prefix };
        while (true)
        {
            var response = await s3.ListMultipartUploadsAsync(request, cancellationToken).ConfigureAwait(false);
            uploads.AddRange(response.MultipartUploads ?? []);
            if (response.IsTruncated != true)
            {
                return uploads;
            }

            request.KeyMarker = response.NextKeyMarker;
            request.UploadIdMarker = response.NextUploadIdMarker;
        }
    }

    /// <summary>
    /// The parts of an upload that hold the same bytes as the local file's parts, by part number, each with its
    /// SHA-256. The listed parts are checked at the same time, each while holding one of <paramref name="slots"/>.
    /// </summary>
    public async Task<Dictionary<int, PartETag>> VerifiedPartsAsync(
        string key, string uploadId, PartDigests local, SemaphoreSlim slots, CancellationToken cancellationToken)
    {
        var listed = new List<PartDetail>();
        var request = new ListPartsRequest { BucketName = bucket, Key = key, UploadId = uploadId };
        while (true)
        {
            var response = await s3.ListPartsAsync(request, cancellationToken).ConfigureAwait(false);
            listed.AddRange(response.Parts ?? []);
            if (response.IsTruncated != true)
            {
                break;
            }

            request.PartNumberMarker = response.NextPartNumberMarker?.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        async Task<string> InSlot(Func<Task<string>> hash)
        {
            await slots.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                return await hash().ConfigureAwait(false);
            }
            finally
            {
                slots.Release();
            }
        }

        var checks = await Task.WhenAll(listed.Select(async part => (Part: part, Holds: await HoldsLocalPartAsync(
            part,
            local.Layout,
            n => InSlot(() => local.GetAsync(n, cancellationToken)),
            n => InSlot(() => FileHashes.PartMd5Async(local.File.Path, local.Layout, n, cancellationToken))).ConfigureAwait(false)))).ConfigureAwait(false);
        var verified = new Dictionary<int, PartETag>();
        foreach (var (part, _) in checks.Where(c => c.Holds))
        {
            verified[part.PartNumber!.Value] = new PartETag { PartNumber = part.PartNumber, ETag = part.ETag };
        }

        return verified;
    }

    /// <summary>
    /// True when a listed part holds the bytes of the local part with its number: the planned size, and the same
    /// SHA-256 when the store lists one (then the ETag is not looked at), else an ETag equal to the local part's MD5.
    /// </summary>
    internal static async Task<bool> HoldsLocalPartAsync(PartDetail part, PartLayout layout, Func<int, Task<string>> localSha256, Func<int, Task<string>> localMd5)
    {
        if (part.PartNumber is not { } number || number < 1 || number > layout.PartCount || part.Size != layout.Length(number))
        {
            return false;
        }

        if (!string.IsNullOrEmpty(part.ChecksumSHA256))
        {
            return part.ChecksumSHA256 == await localSha256(number).ConfigureAwait(false);
        }

        var etag = (part.ETag ?? "").Trim('"');
        return etag.Length == 32 && etag.All(char.IsAsciiHexDigit)
            && string.Equals(etag, await localMd5(number).ConfigureAwait(false), StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>
    /// Starts a new upload with SHA-256 part checksums combined as COMPOSITE (the object's checksum S3 keeps and
    /// reports, <see cref="FileHashes.ObjectChecksum"/>) and records it before any part is sent. An upload this
    /// machine recorded for another part size is aborted first: its parts can never be used.
    /// </summary>
    public async Task<string> StartAsync(string key, long partSize, PendingUpload? stale, UploadState state, CancellationToken cancellationToken)
    {
        if (stale is not null)
        {
            try
            {
                await s3.AbortMultipartUploadAsync(new AbortMultipartUploadRequest { BucketName = bucket, Key = key, UploadId = stale.UploadId }, cancellationToken).ConfigureAwait(false);
            }
            catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound)
            {
                // Already gone (completed, aborted, or removed by the bucket's lifecycle rule).
            }
        }

        var response = await s3.InitiateMultipartUploadAsync(
            new InitiateMultipartUploadRequest { BucketName = bucket, Key = key, ChecksumAlgorithm = ChecksumAlgorithm.SHA256, ChecksumType = ChecksumType.COMPOSITE },
            cancellationToken).ConfigureAwait(false);
        state.SetPending(bucket, key, new PendingUpload(response.UploadId, partSize));
        state.Save();
        return response.UploadId;
    }
}
