namespace LlmHosting.ModelValidation;

/// <summary>One kind of file or folder that must not be uploaded with a model.</summary>
/// <param name="Pattern">
/// A folder name ending with <c>/</c> (<c>metal/</c>), or a file name with at most one <c>*</c> wildcard
/// (<c>*.lock</c>, <c>.git*</c>).
/// </param>
/// <param name="AnyDepth">True when the pattern matches at any depth; false for folders only at the root of the model folder.</param>
/// <param name="Reason">Why it is left out, for reports.</param>
public sealed record UploadExclusion(string Pattern, bool AnyDepth, string Reason)
{
    /// <summary>True when the pattern names a folder (it ends with <c>/</c>).</summary>
    public bool IsFolder => Pattern.EndsWith('/');

    /// <summary>True when the key (relative, <c>/</c>-separated) is this file or lies under this folder.</summary>
    /// <param name="key">A file key relative to the model folder.</param>
    public bool Matches(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var segments = key.Split('/');
        if (IsFolder)
        {
            var name = Pattern[..^1];
            var folders = segments[..^1];
            return AnyDepth ? folders.Contains(name, StringComparer.Ordinal) : folders.Length > 0 && folders[0] == name;
        }

        return NameMatches(segments[^1]);
    }

    private bool NameMatches(string name)
    {
        var star = Pattern.IndexOf('*');
        if (star < 0)
        {
            return name == Pattern;
        }

        var (head, tail) = (Pattern[..star], Pattern[(star + 1)..]);
        return name.Length >= head.Length + tail.Length
            && name.StartsWith(head, StringComparison.Ordinal)
            && name.EndsWith(tail, StringComparison.Ordinal);
    }
}

/// <summary>
/// What a model download leaves beside the weights and must not be uploaded: <c>llmhost prepare-model</c>
/// reports it (and with <c>--fix</c> moves it out of the folder), <c>llmhost upload-model</c> never sends it.
/// SageMaker copies the whole prefix to every instance before vLLM starts, and Bedrock imports the whole
/// prefix, so anything left in costs download time, disk and, for <c>metal/</c>, a failed import.
/// </summary>
/// <remarks>
/// Sources: huggingface_hub <c>_local_folder.py</c> (<c>hf download --local-dir</c> keeps per-file
/// <c>.metadata</c>, <c>.lock</c> and partial <c>.incomplete</c> files under <c>.cache/huggingface/</c>; before
/// huggingface_hub 0.23, pull request 2262, that folder was <c>.huggingface/</c>); a <c>git clone</c> with git-lfs
/// leaves <c>.git/</c> and <c>.gitattributes</c>; AWS's GPT-OSS import post (exclude <c>metal/</c>).
/// <para>
/// gpt-oss repositories also hold <c>original/</c>: the original checkpoint (its own <c>model.safetensors</c>,
/// <c>config.json</c> and <c>dtypes.json</c>) for OpenAI's reference implementations, a second full copy of the
/// weights beside the Hugging Face format ones. vLLM loads the root folder only and the Bedrock rules cover the
/// root files, so <c>original/</c> is left out: it would double the upload, the S3 storage and the time every new
/// instance spends copying the prefix to <c>/opt/ml/model</c>. A model that needs it can be uploaded as its own prefix.
/// </para>
/// </remarks>
public static class UploadExclusions
{
    /// <summary>Every exclusion, in the order reports list them.</summary>
    public static readonly IReadOnlyList<UploadExclusion> All =
    [
        new("metal/", false, "Apple Metal weights of gpt-oss: vLLM does not read them and Bedrock rejects a folder that has them"),
        new("original/", false, "the original gpt-oss checkpoint, a second copy of the weights that vLLM and Bedrock do not read"),
        new(".cache/", true, "download metadata, locks and partial files of hf download / huggingface-cli download --local-dir"),
        new(".huggingface/", true, "download metadata of huggingface-cli download --local-dir before huggingface_hub 0.23"),
        new(".git/", true, "git repository data of a git clone"),
        new("__pycache__/", true, "Python bytecode caches"),
        new(".git*", true, "git settings files (.gitattributes, .gitignore...)"),
        new("*.lock", true, "lock files of a download tool"),
        new("*.incomplete", true, "partial downloads"),
        new(".DS_Store", true, "macOS Finder metadata"),
        new("._*", true, "macOS resource forks"),
        new("Thumbs.db", true, "Windows Explorer thumbnails"),
    ];

    /// <summary>The first exclusion that matches the key, or null when the file is to be uploaded.</summary>
    /// <param name="key">A file key relative to the model folder, with <c>/</c> separators.</param>
    public static UploadExclusion? Match(string key) => All.FirstOrDefault(e => e.Matches(key));

    /// <summary>
    /// The top-most path to move out of the folder for an excluded key: the folder for a folder rule
    /// (<c>.cache/huggingface/x.lock</c> gives <c>.cache</c>), else the key itself.
    /// </summary>
    /// <param name="key">A key for which <see cref="Match"/> returned an exclusion.</param>
    /// <param name="exclusion">That exclusion.</param>
    public static string ExcludedPath(string key, UploadExclusion exclusion)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(exclusion);
        if (!exclusion.IsFolder)
        {
            return key;
        }

        var segments = key.Split('/');
        var index = Array.IndexOf(segments, exclusion.Pattern[..^1]);
        return string.Join('/', segments[..(index + 1)]);
    }

    /// <summary>A view of the folder without the excluded files: what an upload sends and the validator should see.</summary>
    /// <param name="folder">The whole folder.</param>
    public static IModelFolder Without(IModelFolder folder) => new FilteredFolder(folder);

    private sealed class FilteredFolder(IModelFolder inner) : IModelFolder
    {
        public string Location => inner.Location;

        public async Task<IReadOnlyList<ModelFile>> ListAsync(CancellationToken cancellationToken = default)
            => (await inner.ListAsync(cancellationToken).ConfigureAwait(false)).Where(f => Match(f.Key) is null).ToList();

        public Task<string> ReadTextAsync(string key, CancellationToken cancellationToken = default) => inner.ReadTextAsync(key, cancellationToken);

        public Task<byte[]> ReadBytesAsync(string key, long offset, int count, CancellationToken cancellationToken = default)
            => inner.ReadBytesAsync(key, offset, count, cancellationToken);
    }
}
