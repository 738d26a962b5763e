using LlmHosting.ModelValidation;

namespace LlmHosting.Cli.Upload;

/// <summary>Where upload-model sends a folder and how.</summary>
internal sealed record UploadOptions
{
    public required string Bucket { get; init; }

    /// <summary>The model prefix, ending with <c>/</c> (<see cref="ModelPrefixRule.Normalize"/>).</summary>
    public required string Prefix { get; init; }

    /// <summary>Where <see cref="UploadState"/> files are kept.</summary>
    public required string StateDirectory { get; init; }

    /// <summary>Requested part size in bytes; raised for files that would need more than 10,000 parts.</summary>
    public long PartSize { get; init; } = PartLayout.DefaultPartSize;

    /// <summary>Parts (and single-part files) sent at the same time, over all files.</summary>
    public int Concurrency { get; init; } = 8;

    public bool DryRun { get; init; }
}

/// <summary>A file of the local folder that is to be uploaded.</summary>
internal sealed record LocalFile(string Key, string Path, long Size, long LastWriteTicks)
{
    /// <summary>Every file of the folder that is not excluded (<see cref="UploadExclusions"/>), sorted by key.</summary>
    public static async Task<(IReadOnlyList<LocalFile> Files, IReadOnlyList<string> Excluded)> ListAsync(LocalModelFolder folder, CancellationToken cancellationToken)
    {
        var files = new List<LocalFile>();
        var excluded = new List<string>();
        foreach (var file in await folder.ListAsync(cancellationToken).ConfigureAwait(false))
        {
            if (UploadExclusions.Match(file.Key) is not null)
            {
                excluded.Add(file.Key);
                continue;
            }

            var path = System.IO.Path.Combine(folder.Location, file.Key);
            files.Add(new LocalFile(file.Key, path, file.SizeInBytes, File.GetLastWriteTimeUtc(path).Ticks));
        }

        return (files, excluded);
    }
}

/// <summary>What a run did.</summary>
/// <param name="Uploaded">Files sent whole.</param>
/// <param name="Resumed">Files whose interrupted multipart upload was continued.</param>
/// <param name="Skipped">Files already in the bucket with the same size and the same S3 SHA-256 checksum.</param>
/// <param name="BytesSent">Bytes sent in this run.</param>
/// <param name="PartsSent">Parts (and single-part files) sent in this run.</param>
/// <param name="Elapsed">Time of the whole run, hashing included.</param>
/// <param name="Manifest">The manifest written; null for a dry run.</param>
/// <param name="ExtraKeys">Objects under the prefix that are not files of the folder.</param>
/// <param name="ForeignUploads">Unfinished multipart uploads under the prefix that this machine did not start.</param>
internal sealed record UploadSummary(
    int Uploaded, int Resumed, int Skipped, long BytesSent, int PartsSent, TimeSpan Elapsed,
    WeightsManifest? Manifest, IReadOnlyList<string> ExtraKeys, int ForeignUploads);
