namespace LlmHosting.Cli.Upload;

/// <summary>
/// The part hashes of one file as a run learns them: all of them from the state when the file is unchanged since
/// they were computed, otherwise each when it is first needed (just before its part is sent, or to check a part S3
/// already holds) and never twice. Hashing a part right before sending it lets the first parts go out while later
/// ones are still unread, and the send reads the part back from the page cache rather than from the disk.
/// </summary>
internal sealed class PartDigests(LocalFile file, PartLayout layout, FileHashes? cached)
{
    private readonly string?[] _parts = cached is { } c && c.Parts.Count == layout.PartCount ? [.. c.Parts] : new string?[layout.PartCount];

    public LocalFile File => file;

    public PartLayout Layout => layout;

    /// <summary>The SHA-256 of a part (1-based number), base64; read and hashed on first use.</summary>
    public async Task<string> GetAsync(int partNumber, CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _parts[partNumber - 1]) is { } known)
        {
            return known;
        }

        var digest = await FileHashes.PartSha256Async(file.Path, layout, partNumber, cancellationToken).ConfigureAwait(false);
        Volatile.Write(ref _parts[partNumber - 1], digest);
        return digest;
    }

    /// <summary>Every part's hash, computing the missing ones, each while holding one of <paramref name="slots"/>.</summary>
    public async Task<FileHashes> AllAsync(SemaphoreSlim slots, CancellationToken cancellationToken)
    {
        await Task.WhenAll(Enumerable.Range(1, layout.PartCount).Select(async n =>
        {
            if (Volatile.Read(ref _parts[n - 1]) is null)
            {
                await slots.WaitAsync(cancellationToken).ConfigureAwait(false);
                try
                {
                    await GetAsync(n, cancellationToken).ConfigureAwait(false);
                }
                finally
                {
                    slots.Release();
                }
            }
        })).ConfigureAwait(false);
        return new FileHashes(file.Size, file.LastWriteTicks, layout.PartSize, _parts.Select(p => p!).ToList());
    }
}
