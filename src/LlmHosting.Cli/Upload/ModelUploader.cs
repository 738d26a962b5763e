using Amazon.S3;
using Amazon.S3.Model;
using LlmHosting.ModelValidation;

namespace LlmHosting.Cli.Upload;

/// <summary>
/// Uploads the files of a model folder under a prefix. AWSSDK.S3's TransferUtility sends parts in parallel but can
/// neither continue an existing multipart upload nor keep per-part checksums, so the steps are done here with the
/// S3 API itself: files at most one part long in one PUT, larger ones as multipart uploads with
/// <c>ChecksumAlgorithm=SHA256</c> and the precomputed SHA-256 of every part, which S3 checks against what it
/// received (BadDigest otherwise; Amazon S3 User Guide, "Checking object integrity"). Parts are sent straight from
/// the file (<c>FilePath</c>/<c>FilePosition</c>/<c>PartSize</c>), so memory does not grow with the file size.
/// The hash pass of the next file runs while the parts of the previous ones are sent.
/// </summary>
/// <remarks>
/// Bodies go plain (no aws-chunked encoding). Over HTTPS the payload is not signed (<c>UNSIGNED-PAYLOAD</c>, which S3
/// accepts over TLS): the SHA-256 checksum of every part already lets S3 reject altered bytes, and signing would hash
/// every byte a second time. Over HTTP (emulators, some S3-compatible stores) the SDK must sign the payload; a plain
/// body signed whole costs the store less than aws-chunked chunk signatures (moto_server: about 2 s less CPU per 2 GB).
/// </remarks>
internal sealed class ModelUploader(IAmazonS3 s3, UploadProgress progress)
{
    private readonly bool _overTls = s3.Config.ServiceURL is not { } url || url.StartsWith("https://", StringComparison.OrdinalIgnoreCase);

    /// <summary>Object metadata holding the SHA-256 (hex) of the whole file; sent as <c>x-amz-meta-llmhost-sha256</c>.</summary>
    public const string Sha256Metadata = "llmhost-sha256";

    private int _uploaded;
    private int _resumed;
    private int _skipped;
    private int _partsSent;
    private long _bytesSent;

    public async Task<UploadSummary> RunAsync(IReadOnlyList<LocalFile> files, UploadState state, UploadOptions options, CancellationToken cancellationToken)
    {
        var remote = await ListPrefixAsync(options, cancellationToken).ConfigureAwait(false);
        var multipart = new MultipartUploads(s3, options.Bucket);
        var unfinished = await multipart.ListUnfinishedAsync(options.Prefix, cancellationToken).ConfigureAwait(false);
        var ours = files.Select(f => state.Pending(options.Bucket, options.Prefix + f.Key)?.UploadId).OfType<string>().ToHashSet(StringComparer.Ordinal);
        var foreign = unfinished.Count(u => !ours.Contains(u.UploadId));
        using var failed = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var slots = new SemaphoreSlim(options.Concurrency);
        var tasks = new List<Task<ManifestEntry?>>();
        try
        {
            foreach (var file in files)
            {
                // Hash in order, one file at a time (one sequential read), while earlier files upload.
                var hashes = await HashAsync(file, state, options, failed.Token).ConfigureAwait(false);
                tasks.Add(Guard(UploadFileAsync(file, hashes, remote, unfinished, state, options, slots, failed.Token), failed));
            }
        }
        catch (Exception) when (tasks.Count > 0)
        {
            // A hash that failed or was cancelled: stop the uploads under way and let them end before reporting.
            await failed.CancelAsync().ConfigureAwait(false);
            await Task.WhenAll(tasks.Select(t => t.ContinueWith(_ => { }, TaskScheduler.Default))).ConfigureAwait(false);
            var uploadFailure = tasks.FirstOrDefault(t => t.IsFaulted)?.Exception?.InnerException;
            if (uploadFailure is not null && !cancellationToken.IsCancellationRequested)
            {
                throw uploadFailure;
            }

            throw;
        }

        var entries = await Task.WhenAll(tasks).ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();
        var extra = remote.Keys.Where(k => files.All(f => f.Key != k)).Order(StringComparer.Ordinal).ToList();
        WeightsManifest? manifest = null;
        if (!options.DryRun)
        {
            manifest = new WeightsManifest(options.Prefix, entries.OfType<ManifestEntry>().ToList());
            await s3.PutObjectAsync(
                new PutObjectRequest
                {
                    BucketName = options.Bucket,
                    Key = WeightsManifest.KeyFor(options.Prefix),
                    ContentBody = manifest.ToJson(),
                    ContentType = "application/json",
                    ChecksumAlgorithm = ChecksumAlgorithm.SHA256,
                },
                cancellationToken).ConfigureAwait(false);
        }

        return new UploadSummary(_uploaded, _resumed, _skipped, _bytesSent, _partsSent, progress.Elapsed, manifest, extra, foreign);
    }

    /// <summary>The first failure cancels the other files, and is the one reported.</summary>
    private static async Task<ManifestEntry?> Guard(Task<ManifestEntry?> task, CancellationTokenSource failed)
    {
        try
        {
            return await task.ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            await failed.CancelAsync().ConfigureAwait(false);
            throw;
        }
    }

    private async Task<Dictionary<string, S3Object>> ListPrefixAsync(UploadOptions options, CancellationToken cancellationToken)
    {
        var objects = new Dictionary<string, S3Object>(StringComparer.Ordinal);
        var request = new ListObjectsV2Request { BucketName = options.Bucket, Prefix = options.Prefix };
        do
        {
            var response = await s3.ListObjectsV2Async(request, cancellationToken).ConfigureAwait(false);
            foreach (var o in response.S3Objects ?? [])
            {
                objects[o.Key[options.Prefix.Length..]] = o;
            }

            request.ContinuationToken = response.IsTruncated == true ? response.NextContinuationToken : null;
        }
        while (request.ContinuationToken is not null);

        return objects;
    }

    private static async Task<FileHashes> HashAsync(LocalFile file, UploadState state, UploadOptions options, CancellationToken cancellationToken)
    {
        var layout = PartLayout.For(file.Size, options.PartSize);
        if (state.CachedHashes(file.Key, file.Size, file.LastWriteTicks, layout.PartSize) is { } cached)
        {
            return cached;
        }

        var hashes = await FileHashes.ComputeAsync(file.Path, layout, cancellationToken).ConfigureAwait(false);
        if (hashes.LastWriteTicks != file.LastWriteTicks)
        {
            throw new IOException($"{file.Path} changed while upload-model was running; run again when nothing writes to the folder.");
        }

        state.SetHashes(file.Key, hashes);
        state.Save();
        return hashes;
    }

    private async Task<ManifestEntry?> UploadFileAsync(
        LocalFile file, FileHashes hashes, Dictionary<string, S3Object> remote, IReadOnlyList<MultipartUpload> unfinished,
        UploadState state, UploadOptions options, SemaphoreSlim slots, CancellationToken cancellationToken)
    {
        var key = options.Prefix + file.Key;
        var layout = new PartLayout(file.Size, hashes.PartSize);
        if (remote.TryGetValue(file.Key, out var existing) && existing.Size == file.Size)
        {
            var head = await s3.GetObjectMetadataAsync(new GetObjectMetadataRequest { BucketName = options.Bucket, Key = key }, cancellationToken).ConfigureAwait(false);
            if (head.Metadata[Sha256Metadata] == hashes.Sha256)
            {
                Interlocked.Increment(ref _skipped);
                progress.Message($"  skipped   {file.Key} (unchanged)");
                return new ManifestEntry(file.Key, file.Size, hashes.Sha256, head.ETag.Trim('"'));
            }
        }

        var pending = state.Pending(options.Bucket, key);
        var resumable = pending is not null && pending.Sha256 == hashes.Sha256 && pending.PartSize == layout.PartSize && layout.IsMultipart
            && unfinished.Any(u => u.Key == key && u.UploadId == pending.UploadId);
        var done = resumable
            ? await new MultipartUploads(s3, options.Bucket).VerifiedPartsAsync(key, pending!.UploadId, file.Path, layout, hashes, cancellationToken).ConfigureAwait(false)
            : [];
        var toSend = Enumerable.Range(1, layout.PartCount).Where(n => !done.ContainsKey(n)).ToList();
        var bytes = toSend.Sum(n => layout.Length(n));
        if (options.DryRun)
        {
            progress.Message(resumable
                ? $"  would resume {file.Key} ({done.Count} of {layout.PartCount} parts there, {ModelFolderValidator.FormatSize(bytes)} to send)"
                : $"  would upload {file.Key} ({ModelFolderValidator.FormatSize(file.Size)})");
            return null;
        }

        progress.AddToSend(bytes);
        string etag;
        if (!layout.IsMultipart)
        {
            etag = await PutSinglePartAsync(file, hashes, key, options, slots, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            var uploads = new MultipartUploads(s3, options.Bucket);
            var uploadId = resumable ? pending!.UploadId : await uploads.StartAsync(key, hashes, pending, state, cancellationToken).ConfigureAwait(false);
            var sent = await Task.WhenAll(toSend.Select(n => SendPartAsync(file, hashes, layout, options.Bucket, key, uploadId, n, slots, cancellationToken))).ConfigureAwait(false);
            var parts = done.Values.Concat(sent).OrderBy(p => p.PartNumber).ToList();
            var complete = await s3.CompleteMultipartUploadAsync(
                new CompleteMultipartUploadRequest { BucketName = options.Bucket, Key = key, UploadId = uploadId, PartETags = parts },
                cancellationToken).ConfigureAwait(false);
            state.SetPending(options.Bucket, key, null);
            state.Save();
            etag = complete.ETag;
        }

        Interlocked.Increment(ref resumable ? ref _resumed : ref _uploaded);
        progress.Message($"  {(resumable ? "resumed " : "uploaded")}  {file.Key} ({ModelFolderValidator.FormatSize(file.Size)}{(resumable ? $", {done.Count} of {layout.PartCount} parts were already there" : "")})");
        return new ManifestEntry(file.Key, file.Size, hashes.Sha256, etag.Trim('"'));
    }

    private async Task<string> PutSinglePartAsync(LocalFile file, FileHashes hashes, string key, UploadOptions options, SemaphoreSlim slots, CancellationToken cancellationToken)
    {
        await slots.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var request = new PutObjectRequest
            {
                BucketName = options.Bucket,
                Key = key,
                FilePath = file.Path,
                ChecksumAlgorithm = ChecksumAlgorithm.SHA256,
                ChecksumSHA256 = hashes.Sha256Base64,
                UseChunkEncoding = false,
                DisablePayloadSigning = _overTls,
            };
            request.Metadata[Sha256Metadata] = hashes.Sha256;
            var response = await s3.PutObjectAsync(request, cancellationToken).ConfigureAwait(false);
            Sent(file.Size);
            return response.ETag;
        }
        finally
        {
            slots.Release();
        }
    }

    private async Task<PartETag> SendPartAsync(
        LocalFile file, FileHashes hashes, PartLayout layout, string bucket, string key, string uploadId, int partNumber, SemaphoreSlim slots, CancellationToken cancellationToken)
    {
        await slots.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var response = await s3.UploadPartAsync(
                new UploadPartRequest
                {
                    BucketName = bucket,
                    Key = key,
                    UploadId = uploadId,
                    PartNumber = partNumber,
                    FilePath = file.Path,
                    FilePosition = layout.Offset(partNumber),
                    PartSize = layout.Length(partNumber),
                    ChecksumAlgorithm = ChecksumAlgorithm.SHA256,
                    ChecksumSHA256 = hashes.Parts[partNumber - 1],
                    UseChunkEncoding = false,
                    DisablePayloadSigning = _overTls,
                },
                cancellationToken).ConfigureAwait(false);
            Sent(layout.Length(partNumber));
            return new PartETag { PartNumber = partNumber, ETag = response.ETag, ChecksumSHA256 = hashes.Parts[partNumber - 1] };
        }
        finally
        {
            slots.Release();
        }
    }

    private void Sent(long bytes)
    {
        Interlocked.Increment(ref _partsSent);
        Interlocked.Add(ref _bytesSent, bytes);
        progress.Sent(bytes);
    }
}
