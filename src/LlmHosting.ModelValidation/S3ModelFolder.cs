using Amazon.S3;
using Amazon.S3.Model;

namespace LlmHosting.ModelValidation;

/// <summary>A model folder under an S3 prefix, checked before Bedrock is asked to import it.</summary>
public sealed class S3ModelFolder : IModelFolder
{
    private readonly IAmazonS3 _s3;
    private long _getRequests;
    private long _bytesRead;

    /// <summary>Creates the view of a prefix.</summary>
    /// <param name="s3">The S3 client.</param>
    /// <param name="bucket">Bucket name.</param>
    /// <param name="prefix">Key prefix of the folder; a trailing <c>/</c> is added when missing.</param>
    public S3ModelFolder(IAmazonS3 s3, string bucket, string prefix)
    {
        ArgumentNullException.ThrowIfNull(s3);
        ArgumentException.ThrowIfNullOrEmpty(bucket);
        ArgumentNullException.ThrowIfNull(prefix);
        _s3 = s3;
        Bucket = bucket;
        Prefix = prefix.Length == 0 || prefix.EndsWith('/') ? prefix : prefix + "/";
    }

    /// <summary>The bucket name.</summary>
    public string Bucket { get; }

    /// <summary>The key prefix, ending with <c>/</c> (or empty for the whole bucket).</summary>
    public string Prefix { get; }

    /// <summary>Keys per listing page. Default: S3's own (1000); smaller values exist for tests of paging.</summary>
    public int? PageSize { get; init; }

    /// <inheritdoc />
    public string Location => $"s3://{Bucket}/{Prefix}";

    /// <summary>GetObject requests sent so far (whole and ranged), for logs and benchmarks.</summary>
    public long GetRequests => Interlocked.Read(ref _getRequests);

    /// <summary>Object bytes received so far, for logs and benchmarks.</summary>
    public long BytesRead => Interlocked.Read(ref _bytesRead);

    /// <summary>Parses an <c>s3://bucket/prefix/</c> URI.</summary>
    /// <param name="s3">The S3 client.</param>
    /// <param name="uri">The URI.</param>
    public static S3ModelFolder FromUri(IAmazonS3 s3, string uri)
    {
        ArgumentNullException.ThrowIfNull(uri);
        if (!uri.StartsWith("s3://", StringComparison.Ordinal) || uri.Length <= "s3://".Length)
        {
            throw new ArgumentException($"'{uri}' is not an s3://bucket/prefix/ URI.", nameof(uri));
        }

        var rest = uri["s3://".Length..];
        var slash = rest.IndexOf('/');
        return slash < 0 ? new S3ModelFolder(s3, rest, "") : new S3ModelFolder(s3, rest[..slash], rest[(slash + 1)..]);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<ModelFile>> ListAsync(CancellationToken cancellationToken = default)
        => (await ListObjectsAsync(cancellationToken).ConfigureAwait(false)).Select(o => new ModelFile(o.Key, o.Size)).ToList();

    /// <summary>
    /// Every object under the prefix with its size and ETag (quotes removed), keys relative to the prefix and sorted
    /// (ordinal): what <see cref="WeightsManifest.Differences"/> compares with a manifest.
    /// </summary>
    /// <param name="cancellationToken">Cancels the listing.</param>
    public async Task<IReadOnlyList<StoredObject>> ListObjectsAsync(CancellationToken cancellationToken = default)
    {
        var files = new List<StoredObject>();
        var request = new ListObjectsV2Request { BucketName = Bucket, Prefix = Prefix, MaxKeys = PageSize };
        do
        {
            var response = await _s3.ListObjectsV2Async(request, cancellationToken).ConfigureAwait(false);
            foreach (var o in response.S3Objects ?? [])
            {
                // Zero-byte "folder" placeholders created by the console are not files.
                if (o.Key.EndsWith('/'))
                {
                    continue;
                }

                files.Add(new StoredObject(o.Key[Prefix.Length..], o.Size ?? 0, (o.ETag ?? "").Trim('"')));
            }

            request.ContinuationToken = response.IsTruncated == true ? response.NextContinuationToken : null;
        }
        while (request.ContinuationToken is not null);

        return files.OrderBy(f => f.Key, StringComparer.Ordinal).ToList();
    }

    /// <inheritdoc />
    public async Task<string> ReadTextAsync(string key, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _getRequests);
        using var response = await _s3.GetObjectAsync(Bucket, Prefix + key, cancellationToken).ConfigureAwait(false);
        using var reader = new StreamReader(response.ResponseStream);
        var text = await reader.ReadToEndAsync(cancellationToken).ConfigureAwait(false);
        Interlocked.Add(ref _bytesRead, response.ContentLength);
        return text;
    }

    /// <inheritdoc />
    public async Task<byte[]> ReadBytesAsync(string key, long offset, int count, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        Interlocked.Increment(ref _getRequests);
        // A range past the end is cut to the object's end by S3 (RFC 9110 byte ranges); one starting past it is a 416.
        using var response = await _s3.GetObjectAsync(
            new GetObjectRequest { BucketName = Bucket, Key = Prefix + key, ByteRange = new ByteRange(offset, offset + count - 1) },
            cancellationToken).ConfigureAwait(false);
        using var buffer = new MemoryStream();
        await response.ResponseStream.CopyToAsync(buffer, cancellationToken).ConfigureAwait(false);
        Interlocked.Add(ref _bytesRead, buffer.Length);
        return buffer.ToArray();
    }
}
