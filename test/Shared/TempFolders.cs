using System.Collections.Concurrent;

namespace LlmHosting.Tests.Shared;

/// <summary>
/// Temporary folders that a test host deletes when it exits, for builders whose callers keep the folder for the whole
/// test and have no place to delete it (each run of the suite left some thirty of them in the temp folder).
/// </summary>
internal static class TempFolders
{
    private static readonly ConcurrentBag<string> Created = [];
    private static readonly ConcurrentDictionary<string, bool> Prefixes = new(StringComparer.Ordinal);

    static TempFolders() => AppDomain.CurrentDomain.ProcessExit += (_, _) =>
    {
        // The folders, and what tests put beside them under their names (<folder>.tar.gz, <folder>.out): one listing of
        // the temp folder per prefix (a listing per folder took seconds in a temp folder of 27,000 entries, and the test
        // platform does not wait that long for a test host to exit).
        var names = Created.Select(Path.GetFileName).ToList();
        if (names.Count == 0)
        {
            return;
        }

        foreach (var path in Prefixes.Keys.SelectMany(prefix => Directory.EnumerateFileSystemEntries(Path.GetTempPath(), prefix + "*")).ToList())
        {
            if (!names.Any(n => Path.GetFileName(path).StartsWith(n!, StringComparison.Ordinal)))
            {
                continue;
            }

            try
            {
                if (Directory.Exists(path))
                {
                    Directory.Delete(path, recursive: true);
                }
                else
                {
                    File.Delete(path);
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Deleted meanwhile, or still in use: a leftover temp entry is harmless.
            }
        }
    };

    /// <summary>A new empty folder, <c>&lt;temp&gt;/&lt;prefix&gt;&lt;guid&gt;</c>, deleted with its siblings <c>&lt;folder&gt;.*</c> when this process exits.</summary>
    public static string New(string prefix)
    {
        var folder = Path.Combine(Path.GetTempPath(), prefix + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        Created.Add(folder);
        Prefixes.TryAdd(prefix, true);
        return folder;
    }
}
