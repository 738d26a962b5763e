using LlmHosting.Constructs.Weights;
using LlmHosting.ModelValidation;

namespace LlmHosting.App.Configuration;

/// <summary>
/// Reads the manifest that <c>llmhost upload-model --manifest-out</c> writes (keys, sizes and ETags of an upload),
/// committed beside the environment files, into the expected objects of the weights gate: a deployment then checks
/// that the bucket holds exactly the reviewed upload, and a new manifest re-checks the folder and rolls its models.
/// </summary>
internal static class WeightsManifestFile
{
    /// <summary>The expected objects, or null with a problem added when the file is missing, unreadable or for another prefix.</summary>
    /// <param name="configDirectory">The folder of the environment files; manifest paths are relative to it.</param>
    /// <param name="relativePath">The configured path, for example <c>manifests/gpt-oss-20b.llmhost-manifest.json</c>.</param>
    /// <param name="bucketPrefix">The prefix the manifest must describe.</param>
    /// <param name="path">JSON path of the setting, for messages.</param>
    /// <param name="problems">Where problems are added.</param>
    internal static IReadOnlyList<ExpectedWeightsFile>? Read(string? configDirectory, string relativePath, string? bucketPrefix, string path, ICollection<string> problems)
    {
        if (configDirectory is null)
        {
            problems.Add($"{path} '{relativePath}' cannot be read: the configuration was not loaded from a folder");
            return null;
        }

        var file = Path.GetFullPath(Path.Combine(configDirectory, relativePath));
        if (Path.IsPathRooted(relativePath) || !file.StartsWith(Path.GetFullPath(configDirectory) + Path.DirectorySeparatorChar, StringComparison.Ordinal))
        {
            problems.Add($"{path} '{relativePath}' must be a path inside the configuration folder");
            return null;
        }

        WeightsManifest manifest;
        try
        {
            manifest = WeightsManifest.Parse(File.ReadAllText(file), relativePath);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            problems.Add($"{path} '{relativePath}' cannot be read ({e.Message.TrimEnd('.')}); write it with llmhost upload-model --manifest-out");
            return null;
        }
        catch (ManifestFormatException e)
        {
            problems.Add($"{path}: {e.Message.TrimEnd('.')}");
            return null;
        }

        if (bucketPrefix is not null && manifest.Prefix != ModelPrefixRule.Normalize(bucketPrefix))
        {
            problems.Add($"{path} '{relativePath}' describes prefix {manifest.Prefix}, not {ModelPrefixRule.Normalize(bucketPrefix)}");
            return null;
        }

        return manifest.Files.Select(f => new ExpectedWeightsFile(f.Key, f.Size, f.ETag)).ToList();
    }
}
