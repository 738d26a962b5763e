namespace LlmHosting.Cli.Upload;

/// <summary>
/// How a file is cut into multipart-upload parts. S3's limits (Amazon S3 User Guide, "Amazon S3 multipart upload
/// limits"): parts of 5 MiB to 5 GiB except the last, at most 10,000 parts, objects of at most 5 TiB.
/// </summary>
internal sealed record PartLayout(long FileSize, long PartSize)
{
    public const long MinPartSize = 5L * 1024 * 1024;
    public const long MaxPartSize = 5L * 1024 * 1024 * 1024;
    public const int MaxParts = 10_000;
    public const long MaxObjectSize = 5L * 1024 * 1024 * 1024 * 1024;
    public const long DefaultPartSize = 16L * 1024 * 1024;

    /// <summary>Number of parts; 1 for a file sent with a single PUT (not larger than one part).</summary>
    public int PartCount => FileSize <= PartSize ? 1 : (int)((FileSize + PartSize - 1) / PartSize);

    /// <summary>True when the file goes up in several parts.</summary>
    public bool IsMultipart => FileSize > PartSize;

    /// <summary>The layout for a file: the requested part size, raised (to a whole MiB) when the file would need more than 10,000 parts.</summary>
    public static PartLayout For(long fileSize, long requestedPartSize)
    {
        if (fileSize > MaxObjectSize)
        {
            throw new ArgumentOutOfRangeException(nameof(fileSize), $"{fileSize} bytes is over S3's object size limit of 5 TiB");
        }

        var partSize = requestedPartSize;
        if ((fileSize + partSize - 1) / partSize > MaxParts)
        {
            const long MiB = 1024 * 1024;
            partSize = ((fileSize + MaxParts - 1) / MaxParts + MiB - 1) / MiB * MiB;
        }

        return new PartLayout(fileSize, partSize);
    }

    /// <summary>Offset of a part (1-based number).</summary>
    public long Offset(int partNumber) => (partNumber - 1) * PartSize;

    /// <summary>Length of a part (1-based number): the part size, less for the last one.</summary>
    public long Length(int partNumber) => Math.Min(PartSize, FileSize - Offset(partNumber));
}
