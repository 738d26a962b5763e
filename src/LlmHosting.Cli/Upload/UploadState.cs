using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace LlmHosting.Cli.Upload;

/// <summary>A multipart upload this machine started and has not completed.</summary>
/// <param name="UploadId">S3's upload id.</param>
/// <param name="PartSize">The part size it was started with: only then can its parts be parts of the file.</param>
internal sealed record PendingUpload(string UploadId, long PartSize);

/// <summary>
/// What upload-model remembers between runs for one local folder, in one JSON file under the state directory
/// (<c>~/.cache/llmhost/uploads/</c> by default): the hashes of each file, valid while its size and modification
/// time are unchanged, so that an unchanged 100 GB folder is not read again on every run; and the multipart
/// uploads it started, so that the next run resumes them (every part S3 holds is still checked against the file).
/// Only uploads recorded here are resumed or aborted: an unfinished upload under the same prefix may belong to
/// another person or machine. Losing the file is harmless: the next run hashes again and starts new uploads.
/// </summary>
internal sealed class UploadState
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    private readonly string _path;
    private readonly Lock _lock = new();
    private readonly Document _document;

    private UploadState(string path, Document document)
    {
        _path = path;
        _document = document;
    }

    /// <summary>Loads the state of a folder; a missing or unreadable file gives an empty state.</summary>
    public static UploadState Load(string stateDirectory, string folderFullPath)
    {
        var name = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(folderFullPath)))[..24] + ".json";
        var path = Path.Combine(stateDirectory, name);
        Document? document = null;
        try
        {
            document = JsonSerializer.Deserialize<Document>(File.ReadAllText(path), Json);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException)
        {
            // No state yet, or a damaged one: hash again and start new uploads.
        }

        return new UploadState(path, document is { Folder: var f } && f == folderFullPath ? document : new Document { Folder = folderFullPath });
    }

    /// <summary>Where the state is kept.</summary>
    public string FilePath => _path;

    /// <summary>The cached hashes of a file when its size, modification time and part size are unchanged.</summary>
    public FileHashes? CachedHashes(string key, long size, long lastWriteTicks, long partSize)
    {
        lock (_lock)
        {
            return _document.Files.TryGetValue(key, out var h) && h.Size == size && h.LastWriteTicks == lastWriteTicks && h.PartSize == partSize ? h : null;
        }
    }

    public void SetHashes(string key, FileHashes hashes)
    {
        lock (_lock)
        {
            _document.Files[key] = hashes;
        }
    }

    public PendingUpload? Pending(string bucket, string objectKey)
    {
        lock (_lock)
        {
            return _document.Uploads.GetValueOrDefault(bucket + "/" + objectKey);
        }
    }

    public void SetPending(string bucket, string objectKey, PendingUpload? upload)
    {
        lock (_lock)
        {
            if (upload is null)
            {
                _document.Uploads.Remove(bucket + "/" + objectKey);
            }
            else
            {
                _document.Uploads[bucket + "/" + objectKey] = upload;
            }
        }
    }

    /// <summary>Writes the state atomically (a temporary file renamed over the old one), so an interruption never leaves half a file.</summary>
    public void Save()
    {
        lock (_lock)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(_path)!);
            var temporary = _path + "." + Environment.ProcessId + ".tmp";
            File.WriteAllText(temporary, JsonSerializer.Serialize(_document, Json));
            File.Move(temporary, _path, overwrite: true);
        }
    }

    private sealed class Document
    {
        public string Folder { get; set; } = "";

        public Dictionary<string, FileHashes> Files { get; set; } = new(StringComparer.Ordinal);

        public Dictionary<string, PendingUpload> Uploads { get; set; } = new(StringComparer.Ordinal);
    }
}
