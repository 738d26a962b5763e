namespace LlmHosting.ModelValidation;

/// <summary>One file of a model folder.</summary>
/// <param name="Key">Path relative to the folder, with <c>/</c> separators, for example <c>metal/model.bin</c>.</param>
/// <param name="SizeInBytes">Size of the file in bytes.</param>
public sealed record ModelFile(string Key, long SizeInBytes);

/// <summary>
/// A model folder as the validator sees it: a listing of relative keys with sizes, and the text of small
/// JSON files. Implemented for a local folder and for an S3 prefix.
/// </summary>
public interface IModelFolder
{
    /// <summary>Where the folder is, for reports: a path or an <c>s3://bucket/prefix/</c> URI.</summary>
    string Location { get; }

    /// <summary>Every file under the folder, recursively, keys relative to the folder.</summary>
    /// <param name="cancellationToken">Cancels the listing.</param>
    Task<IReadOnlyList<ModelFile>> ListAsync(CancellationToken cancellationToken = default);

    /// <summary>The UTF-8 text of one file of the folder.</summary>
    /// <param name="key">Key relative to the folder, as returned by <see cref="ListAsync"/>.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    Task<string> ReadTextAsync(string key, CancellationToken cancellationToken = default);

    /// <summary>
    /// Bytes of one file from <paramref name="offset"/>: <paramref name="count"/> of them, fewer at the end of the file.
    /// In S3 a ranged GET, so that a shard's header is read without its data.
    /// </summary>
    /// <param name="key">Key relative to the folder, as returned by <see cref="ListAsync"/>.</param>
    /// <param name="offset">The first byte.</param>
    /// <param name="count">How many bytes, at least 1.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    Task<byte[]> ReadBytesAsync(string key, long offset, int count, CancellationToken cancellationToken = default);
}
