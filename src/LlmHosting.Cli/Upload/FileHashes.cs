using System.Security.Cryptography;
using System.Text.Json.Serialization;

namespace LlmHosting.Cli.Upload;

/// <summary>
/// The SHA-256 of a whole file (lower-case hex, for the object metadata and the manifest) and of each of its parts
/// (base64, as S3's <c>x-amz-checksum-sha256</c> wants it), computed in one sequential read.
/// </summary>
/// <param name="Size">File size when hashed.</param>
/// <param name="LastWriteTicks">File modification time (UTC ticks) when hashed: with the size, tells whether a cached value still holds.</param>
/// <param name="PartSize">The part size the part hashes were computed for.</param>
/// <param name="Sha256">Whole-file SHA-256, lower-case hex.</param>
/// <param name="Parts">Per-part SHA-256, base64; one entry for a single-part file (then equal to the whole-file hash).</param>
internal sealed record FileHashes(long Size, long LastWriteTicks, long PartSize, string Sha256, IReadOnlyList<string> Parts)
{
    private const int BufferSize = 4 * 1024 * 1024;

    /// <summary>Reads the file once with a 4 MiB buffer: memory does not grow with the file.</summary>
    public static async Task<FileHashes> ComputeAsync(string path, PartLayout layout, CancellationToken cancellationToken)
    {
        var info = new FileInfo(path);
        var lastWrite = info.LastWriteTimeUtc.Ticks;
        using var whole = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        using var part = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var parts = new List<string>(layout.PartCount);
        var buffer = new byte[BufferSize];
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan | FileOptions.Asynchronous);
        long position = 0;
        long partEnd = layout.Length(1);
        while (true)
        {
            var want = (int)Math.Min(buffer.Length, partEnd - position);
            var read = want == 0 ? 0 : await stream.ReadAsync(buffer.AsMemory(0, want), cancellationToken).ConfigureAwait(false);
            if (read > 0)
            {
                // The two hashes of a block run on two cores: the hash pass costs half the time it would on one.
                var wholeDone = Task.Run(() => whole.AppendData(buffer, 0, read), cancellationToken);
                part.AppendData(buffer, 0, read);
                await wholeDone.ConfigureAwait(false);
                position += read;
            }

            if (position == partEnd || read == 0)
            {
                parts.Add(Convert.ToBase64String(part.GetHashAndReset()));
                if (read == 0 || position >= layout.FileSize)
                {
                    break;
                }

                partEnd = Math.Min(position + layout.PartSize, layout.FileSize);
            }
        }

        if (position != layout.FileSize || parts.Count != layout.PartCount)
        {
            throw new IOException($"{path} changed while it was read ({position} bytes read, {layout.FileSize} expected); run again when nothing writes to it.");
        }

        return new FileHashes(layout.FileSize, lastWrite, layout.PartSize, Convert.ToHexStringLower(whole.GetHashAndReset()), parts);
    }

    /// <summary>The whole-file hash as S3's base64 <c>x-amz-checksum-sha256</c> of a single-part object.</summary>
    [JsonIgnore]
    public string Sha256Base64 => Convert.ToBase64String(Convert.FromHexString(Sha256));

    /// <summary>MD5 of one part, lower-case hex: what S3 and most S3-compatible stores use as a part's ETag.</summary>
    public static async Task<string> PartMd5Async(string path, PartLayout layout, int partNumber, CancellationToken cancellationToken)
    {
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.Asynchronous);
        stream.Position = layout.Offset(partNumber);
        using var md5 = IncrementalHash.CreateHash(HashAlgorithmName.MD5);
        var buffer = new byte[BufferSize];
        var left = layout.Length(partNumber);
        while (left > 0)
        {
            var read = await stream.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, left)), cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                break;
            }

            md5.AppendData(buffer, 0, read);
            left -= read;
        }

        return Convert.ToHexStringLower(md5.GetHashAndReset());
    }
}
