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
            .Select(f => new ModelFile(Path.GetRelativePath(_root, f).Replace('\\', '/'), new FileInfo(f).Length))
            .OrderBy(f => f.Key, StringComparer.Ordinal)
            .ToList();
        return Task.FromResult(files);
    }

    /// <inheritdoc />
    public Task<string> ReadTextAsync(string key, CancellationToken cancellationToken = default)
        => File.ReadAllTextAsync(Path.Combine(_root, key), cancellationToken);
}
