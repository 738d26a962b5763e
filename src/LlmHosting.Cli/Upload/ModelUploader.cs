using Amazon.S3;
using Amazon.S3.Model;
using LlmHosting.ModelValidation;

namespace LlmHosting.Cli.Upload;

/// <summary>
/// Uploads the files of a model folder under a prefix. AWSSDK.S3's TransferUtility sends parts in parallel but can
/// neither continue an existing multipart upload nor keep per-part checksums, so the steps are done here with the
/// S3 API itself: files at most one part long in one PUT, larger ones as multipart uploads with
/// <c>ChecksumAlgorithm=SHA256</c> and the SHA-256 of every part, which S3 checks against what it received
/// (BadDigest otherwise; Amazon S3 User Guide, "Checking object integrity"). Parts are sent straight from the file
/// (<c>FilePath</c>/<c>FilePosition</c>/<c>PartSize</c>), so memory does not grow with the file size.
/// </summary>
/// <remarks>
/// Every byte is hashed once, a part at a time, in the slot that then sends the part: there is no hash pass before
/// the upload starts, and the identity of an object is the checksum S3 computes from those part hashes
/// (<see cref="FileHashes.ObjectChecksum"/>), so a file is skipped when the checksum S3 reports for the object
/// equals the local one. Bodies go plain (no aws-chunked encoding). Over HTTPS the payload is not signed
/// (<c>UNSIGNED-PAYLOAD</c>, which S3 accepts over TLS): the part's checksum already lets S3 reject altered bytes.
/// Over HTTP (emulators, some S3-compatible stores) the payload must be signed, with the same SHA-256
/// (<see cref="PayloadHashS3Client"/>) rather than a second pass over the bytes.
/// </remarks>
internal sealed class ModelUploader(IAmazonS3 s3, UploadProgress progress)
{
    private readonly bool _overTls = s3.Config.ServiceURL is not { } url || url.StartsWith("https://", StringComparison.OrdinalIgnoreCase);

    private int _uploaded;
    private int _resumed;
    private int _skipped;
    private int _partsSent;
    private long _bytesSent;

    public async Task<UploadSummary> RunAsync(IReadOnlyList<LocalFile> files, UploadState state, UploadOptions options, CancellationToken cancellationToken)
    {
        var remote = await ListPrefixAsync(options, cancellationToken).ConfigureAwait(false);
        var unfinished = await new MultipartUploads(s3, options.Bucket).ListUnfinishedAsync(options.Prefix, cancellationToken).ConfigureAwait(false);
        var ours = files.Select(f => state.Pending(options.Bucket, options.Prefix + f.Key)?.UploadId).OfType<string>().ToHashSet(StringComparer.Ordinal);
        var foreign = unfinished.Count(u => !ours.Contains(u.UploadId));
        using var failed = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var slots = new SemaphoreSlim(options.Concurrency);
        var run = new FileRun(remote, unfinished, state, options, slots, failed.Token);
        if (!options.DryRun)
        {
            progress.AddToSend(files.Sum(f => f.Size));
        }

        // Every file starts at once; the slots, taken in file order, bound the parts hashed and sent at a time.
        var tasks = files.Select(f => Guard(UploadFileAsync(f, run), failed)).ToList();
        ManifestEntry?[] entries;
        try
        {
            entries = await Task.WhenAll(tasks).ConfigureAwait(false);
        }
        catch (Exception) when (cancellationToken.IsCancellationRequested)
        {
            // Ctrl-C: whatever a request cut short threw, the run was interrupted, and says so.
            throw new OperationCanceledException(cancellationToken);
        }

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

    private async Task<ManifestEntry?> UploadFileAsync(LocalFile file, FileRun run)
    {
        var (options, state, cancellationToken) = (run.Options, run.State, run.CancellationToken);
        var key = options.Prefix + file.Key;
        var layout = PartLayout.For(file.Size, options.PartSize);
        var digests = new PartDigests(file, layout, state.CachedHashes(file.Key, file.Size, file.LastWriteTicks, layout.PartSize));
        if (run.Remote.TryGetValue(file.Key, out var existing) && existing.Size == file.Size)
        {
            // Only an object that carries a SHA-256 checksum can be compared without reading it back.
            var head = await s3.GetObjectMetadataAsync(new GetObjectMetadataRequest { BucketName = options.Bucket, Key = key, ChecksumMode = ChecksumMode.ENABLED }, cancellationToken).ConfigureAwait(false);
            if (!string.IsNullOrEmpty(head.ChecksumSHA256))
            {
                var hashes = Remember(state, file, await digests.AllAsync(run.Slots, cancellationToken).ConfigureAwait(false));
                if (hashes.MatchesObjectChecksum(head.ChecksumSHA256))
                {
                    Interlocked.Increment(ref _skipped);
                    progress.NotToSend(file.Size);
                    progress.Message($"  skipped   {file.Key} (unchanged)");
                    return new ManifestEntry(file.Key, file.Size, hashes.ObjectChecksum, head.ETag.Trim('"'));
                }
            }
        }

        var pending = state.Pending(options.Bucket, key);
        var resumable = pending is not null && pending.PartSize == layout.PartSize && layout.IsMultipart
            && run.Unfinished.Any(u => u.Key == key && u.UploadId == pending.UploadId);
        var uploads = new MultipartUploads(s3, options.Bucket);
        var done = resumable ? await uploads.VerifiedPartsAsync(key, pending!.UploadId, digests, run.Slots, cancellationToken).ConfigureAwait(false) : [];
        var toSend = Enumerable.Range(1, layout.PartCount).Where(n => !done.ContainsKey(n)).ToList();
        var bytes = toSend.Sum(n => layout.Length(n));
        // An unfinished upload that holds no usable part is continued (its id is kept) but nothing is resumed.
        var resumed = done.Count > 0;
        if (options.DryRun)
        {
            progress.Message(resumed
                ? $"  would resume {file.Key} ({done.Count} of {layout.PartCount} parts there, {ModelFolderValidator.FormatSize(bytes)} to send)"
                : $"  would upload {file.Key} ({ModelFolderValidator.FormatSize(file.Size)})");
            return null;
        }

        progress.NotToSend(file.Size - bytes);
        string etag;
        if (!layout.IsMultipart)
        {
            etag = await PutSinglePartAsync(digests, key, run).ConfigureAwait(false);
        }
        else
        {
            var uploadId = resumable ? pending!.UploadId : await uploads.StartAsync(key, layout.PartSize, pending, state, cancellationToken).ConfigureAwait(false);
            var sent = await Task.WhenAll(toSend.Select(n => SendPartAsync(digests, key, uploadId, n, run))).ConfigureAwait(false);

            // S3 wants every part's checksum in the request that completes an upload made with checksums.
            var all = await digests.AllAsync(run.Slots, cancellationToken).ConfigureAwait(false);
            var parts = done.Values.Concat(sent).OrderBy(p => p.PartNumber).ToList();
            parts.ForEach(p => p.ChecksumSHA256 = all.Parts[p.PartNumber!.Value - 1]);
            EnsureUnchanged(file);
            var complete = await s3.CompleteMultipartUploadAsync(
                new CompleteMultipartUploadRequest { BucketName = options.Bucket, Key = key, UploadId = uploadId, PartETags = parts },
                cancellationToken).ConfigureAwait(false);
            state.SetPending(options.Bucket, key, null);
            etag = complete.ETag;
        }

        var uploaded = Remember(state, file, await digests.AllAsync(run.Slots, cancellationToken).ConfigureAwait(false));
        Interlocked.Increment(ref resumed ? ref _resumed : ref _uploaded);
        progress.Message($"  {(resumed ? "resumed " : "uploaded")}  {file.Key} ({ModelFolderValidator.FormatSize(file.Size)}{(resumed ? $", {done.Count} of {layout.PartCount} parts were already there" : "")})");
        return new ManifestEntry(file.Key, file.Size, uploaded.ObjectChecksum, etag.Trim('"'));
    }

    /// <summary>Keeps the hashes of a file for the next run, once it is known that the file did not change while it was read.</summary>
    private static FileHashes Remember(UploadState state, LocalFile file, FileHashes hashes)
    {
        EnsureUnchanged(file);
        state.SetHashes(file.Key, hashes);
        state.Save();
        return hashes;
    }

    /// <summary>Parts read at different times are parts of one version of the file only if nothing wrote to it meanwhile.</summary>
    private static void EnsureUnchanged(LocalFile file)
    {
        var now = new FileInfo(file.Path);
        if (!now.Exists || now.Length != file.Size || now.LastWriteTimeUtc.Ticks != file.LastWriteTicks)
        {
            throw new IOException($"{file.Path} changed while upload-model was running; run again when nothing writes to the folder.");
        }
    }

    private async Task<string> PutSinglePartAsync(PartDigests digests, string key, FileRun run)
    {
        await run.Slots.WaitAsync(run.CancellationToken).ConfigureAwait(false);
        try
        {
            var request = new PutObjectRequest
            {
                BucketName = run.Options.Bucket,
                Key = key,
                FilePath = digests.File.Path,
                ChecksumAlgorithm = ChecksumAlgorithm.SHA256,
                ChecksumSHA256 = await digests.GetAsync(1, run.CancellationToken).ConfigureAwait(false),
                UseChunkEncoding = false,
                DisablePayloadSigning = _overTls,
            };
            var response = await s3.PutObjectAsync(request, run.CancellationToken).ConfigureAwait(false);
            Sent(digests.File.Size);
            return response.ETag;
        }
        finally
        {
            run.Slots.Release();
        }
    }

    private async Task<PartETag> SendPartAsync(PartDigests digests, string key, string uploadId, int partNumber, FileRun run)
    {
        await run.Slots.WaitAsync(run.CancellationToken).ConfigureAwait(false);
        try
        {
            var layout = digests.Layout;
            var response = await s3.UploadPartAsync(
                new UploadPartRequest
                {
                    BucketName = run.Options.Bucket,
                    Key = key,
                    UploadId = uploadId,
                    PartNumber = partNumber,
                    FilePath = digests.File.Path,
                    FilePosition = layout.Offset(partNumber),
                    PartSize = layout.Length(partNumber),
                    ChecksumAlgorithm = ChecksumAlgorithm.SHA256,
                    ChecksumSHA256 = await digests.GetAsync(partNumber, run.CancellationToken).ConfigureAwait(false),
                    UseChunkEncoding = false,
                    DisablePayloadSigning = _overTls,
                },
                run.CancellationToken).ConfigureAwait(false);
            Sent(layout.Length(partNumber));
            return new PartETag { PartNumber = partNumber, ETag = response.ETag };
        }
        finally
        {
            run.Slots.Release();
        }
    }

    private void Sent(long bytes)
    {
        Interlocked.Increment(ref _partsSent);
        Interlocked.Add(ref _bytesSent, bytes);
        progress.Sent(bytes);
    }

    /// <summary>What every file of one run shares.</summary>
    private sealed record FileRun(
        Dictionary<string, S3Object> Remote, IReadOnlyList<MultipartUpload> Unfinished, UploadState State, UploadOptions Options,
        SemaphoreSlim Slots, CancellationToken CancellationToken);
}
