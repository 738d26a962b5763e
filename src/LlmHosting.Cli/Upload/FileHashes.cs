using System.Buffers;
using System.Security.Cryptography;
using System.Text.Json.Serialization;

namespace LlmHosting.Cli.Upload;

/// <summary>
/// The SHA-256 of every part of a file (base64, as S3's <c>x-amz-checksum-sha256</c> wants it), and from them the
/// checksum S3 itself keeps for the object (<see cref="ObjectChecksum"/>): the file is hashed once, part by part,
/// and nothing else is computed over its bytes.
/// </summary>
/// <param name="Size">File size when hashed.</param>
/// <param name="LastWriteTicks">File modification time (UTC ticks) when hashed: with the size, tells whether a cached value still holds.</param>
/// <param name="PartSize">The part size the part hashes were computed for.</param>
/// <param name="Parts">Per-part SHA-256, base64; one entry for a single-part file (then the SHA-256 of the file).</param>
internal sealed record FileHashes(long Size, long LastWriteTicks, long PartSize, IReadOnlyList<string> Parts)
{
    /// <summary>Read size of the hash: large enough that the per-call overhead vanishes, small enough to stay out of the large object heap's way.</summary>
    private const int BufferSize = 1024 * 1024;

    /// <summary>
    /// The object's SHA-256 checksum as S3 reports it (HeadObject with <c>x-amz-checksum-mode: ENABLED</c>,
    /// <c>x-amz-checksum-sha256</c>): for a single PUT the SHA-256 of the file; for an upload of N parts the SHA-256
    /// of the concatenated binary part digests, then <c>-N</c> (checksum type COMPOSITE, the only one S3 offers for
    /// SHA-256: botocore data/s3/2006-03-01/service-2.json, <c>ChecksumType</c>; Amazon S3 User Guide, "Checking
    /// object integrity", "Using part-level checksums for multipart uploads").
    /// </summary>
    [JsonIgnore]
    public string ObjectChecksum => Composite(Parts);

    /// <summary>The S3 checksum of an object made of parts with these SHA-256 digests (base64); see <see cref="ObjectChecksum"/>.</summary>
    public static string Composite(IReadOnlyList<string> parts)
    {
        if (parts.Count == 1)
        {
            return parts[0];
        }

        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var part in parts)
        {
            hash.AppendData(Convert.FromBase64String(part));
        }

        return Convert.ToBase64String(hash.GetHashAndReset()) + "-" + parts.Count.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// True when a checksum S3 reports is that of these parts. The digest before the dash decides: it covers every
    /// part digest and their number, so the <c>-N</c> suffix (which some stores and APIs leave out) adds nothing.
    /// </summary>
    public bool MatchesObjectChecksum(string? reported)
        => !string.IsNullOrEmpty(reported) && reported.Split('-')[0] == ObjectChecksum.Split('-')[0];

    /// <summary>SHA-256 of one part (1-based number), base64; memory does not grow with the part size.</summary>
    public static Task<string> PartSha256Async(string path, PartLayout layout, int partNumber, CancellationToken cancellationToken)
        => HashPartAsync(path, layout, partNumber, HashAlgorithmName.SHA256, cancellationToken, Convert.ToBase64String);

    /// <summary>MD5 of one part, lower-case hex: what S3 and most S3-compatible stores use as a part's ETag.</summary>
    public static Task<string> PartMd5Async(string path, PartLayout layout, int partNumber, CancellationToken cancellationToken)
        => HashPartAsync(path, layout, partNumber, HashAlgorithmName.MD5, cancellationToken, Convert.ToHexStringLower);

    private static async Task<string> HashPartAsync(
        string path, PartLayout layout, int partNumber, HashAlgorithmName algorithm, CancellationToken cancellationToken, Func<byte[], string> format)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        try
        {
            await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.Asynchronous);
            stream.Position = layout.Offset(partNumber);
            using var hash = IncrementalHash.CreateHash(algorithm);
            var left = layout.Length(partNumber);
            while (left > 0)
            {
                var read = await stream.ReadAsync(buffer.AsMemory(0, (int)Math.Min(BufferSize, left)), cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    throw new IOException($"{path} changed while it was read (it ended {left} bytes before the end of part {partNumber}); run again when nothing writes to it.");
                }

                hash.AppendData(buffer, 0, read);
                left -= read;
            }

            return format(hash.GetHashAndReset());
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
