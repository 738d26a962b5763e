namespace LlmHosting.ModelValidation;

/// <summary>A model folder on the local disk, checked before it is uploaded.</summary>
public sealed class LocalModelFolder : IModelFolder
{
    private readonly string _root;

    /// <summary>Creates the view of a folder.</summary>
    /// <param name="path">The folder; it must exist.</param>
    public LocalModelFolder(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        _root = Path.GetFullPath(path);
        if (File.Exists(_root))
        {
            throw new DirectoryNotFoundException($"'{path}' is a file, not a model folder: give the folder that holds config.json and the weights.");
        }

        if (!Directory.Exists(_root))
        {
            throw new DirectoryNotFoundException($"Model folder '{path}' does not exist.");
        }
    }

    /// <inheritdoc />
    public string Location => _root;

    /// <inheritdoc />
    public Task<IReadOnlyList<ModelFile>> ListAsync(CancellationToken cancellationToken = default)
    {
        IReadOnlyList<ModelFile> files = Directory
            .EnumerateFiles(_root, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 })
            .Select(f => new ModelFile(Path.GetRelativePath(_root, f).Replace('\\', '/'), SizeOf(new FileInfo(f))))
            .OrderBy(f => f.Key, StringComparer.Ordinal)
            .ToList();
        return Task.FromResult(files);
    }

    /// <summary>
    /// The size of the file a path leads to: a Hugging Face cache snapshot is made of symbolic links to blobs, and
    /// <see cref="FileInfo.Length"/> of a link is the link's own size.
    /// </summary>
    private static long SizeOf(FileInfo file)
        => file.LinkTarget is null ? file.Length : file.ResolveLinkTarget(returnFinalTarget: true) is FileInfo { Exists: true } target ? target.Length : 0;

    /// <inheritdoc />
    public Task<string> ReadTextAsync(string key, CancellationToken cancellationToken = default)
        => File.ReadAllTextAsync(Path.Combine(_root, key), cancellationToken);

    /// <inheritdoc />
    public async Task<byte[]> ReadBytesAsync(string key, long offset, int count, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        await using var stream = new FileStream(Path.Combine(_root, key), FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.Asynchronous);
        var buffer = new byte[(int)Math.Min(count, Math.Max(0, stream.Length - offset))];
        stream.Position = offset;
        await stream.ReadExactlyAsync(buffer, cancellationToken).ConfigureAwait(false);
        return buffer;
    }
}
