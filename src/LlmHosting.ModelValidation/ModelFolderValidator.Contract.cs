using System.Security.Cryptography;
using System.Text.Json;

namespace LlmHosting.ModelValidation;

/// <summary>config.json, and the files of the model's start contract.</summary>
public static partial class ModelFolderValidator
{
    /// <summary>Start files larger than this are not read to be hashed (a tiktoken vocabulary is a few MB).</summary>
    private const long MaxStartFileSizeInBytes = 64L * 1024 * 1024;

    /// <summary>
    /// config.json parses as a JSON object naming the model's class (<c>architectures</c>, which vLLM's model registry
    /// resolves) or its type (<c>model_type</c>, which transformers' AutoConfig resolves). Returns the <c>model_type</c>.
    /// </summary>
    private static async Task<string?> CheckConfigAsync(
        IModelFolder folder, Dictionary<string, ModelFile> byKey, string who, List<ModelProblem> problems, CancellationToken cancellationToken)
    {
        if (!byKey.TryGetValue(ConfigFile, out var config))
        {
            problems.Add(new ModelProblem(ConfigFile, $"missing; {who} needs the model's Hugging Face configuration"));
            return null;
        }

        using var document = await ReadJsonAsync(folder, config, problems, cancellationToken).ConfigureAwait(false);
        if (document is null)
        {
            return null;
        }

        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
        {
            problems.Add(new ModelProblem(ConfigFile, $"root is a JSON {Kind(root)}, not an object; {who} reads the model's configuration from an object"));
            return null;
        }

        var modelType = root.TryGetProperty("model_type", out var type) && type.ValueKind == JsonValueKind.String && type.GetString() is { Length: > 0 } t ? t : null;
        var hasArchitectures = root.TryGetProperty("architectures", out var architectures) && architectures.ValueKind == JsonValueKind.Array
            && architectures.GetArrayLength() > 0 && architectures.EnumerateArray().All(a => a.ValueKind == JsonValueKind.String);
        if (modelType is null && !hasArchitectures)
        {
            problems.Add(new ModelProblem(ConfigFile, $"names neither 'architectures' (a list of model classes) nor 'model_type'; {who} needs one of them to know which model loads the weights"));
        }

        return modelType;
    }

    private static async Task CheckStartFilesAsync(
        IModelFolder folder, Dictionary<string, ModelFile> byKey, StartContract contract, IReadOnlyList<StartFile> required, List<ModelProblem> problems, CancellationToken cancellationToken)
    {
        var files = contract.Files.Concat(required).DistinctBy(f => f.Key, StringComparer.Ordinal).ToList();
        var fix = StartContract.FixCommand(folder.Location.StartsWith("s3://", StringComparison.Ordinal) ? "<local folder>" : folder.Location);
        var upload = folder.Location.StartsWith("s3://", StringComparison.Ordinal) ? " and upload the folder again" : "";
        var container = contract.Files.Count > 0 ? $"the {contract.Name} serving container" : "the serving container";
        var missing = files.Where(f => !byKey.ContainsKey(f.Key)).ToList();
        if (missing.Count > 0)
        {
            var them = missing.Count == 1 ? "it" : "them";
            problems.Add(new ModelProblem(
                string.Join(", ", missing.Select(f => f.Key)),
                $"missing; {container} reads {them} at start and cannot download {them} under network isolation "
                + $"({string.Join(", ", missing.Select(f => f.PublishedUrl).Where(u => u.Length > 0))}); add {them} with `{fix}` "
                + $"(or `--fix --from <file or folder>` without internet){upload}"));
        }

        foreach (var file in files.Where(f => byKey.ContainsKey(f.Key)))
        {
            var size = byKey[file.Key].SizeInBytes;
            if (size > MaxStartFileSizeInBytes)
            {
                problems.Add(new ModelProblem(file.Key, $"is {FormatSize(size)}, not the file {container} expects; replace it with `{fix}`{upload}"));
                continue;
            }

            var bytes = size == 0 ? [] : await folder.ReadBytesAsync(file.Key, 0, (int)size, cancellationToken).ConfigureAwait(false);
            var actual = Convert.ToHexStringLower(SHA256.HashData(bytes));
            if (actual != file.Sha256)
            {
                problems.Add(new ModelProblem(
                    file.Key,
                    $"has SHA-256 {actual}, but {container} accepts only {file.Sha256} (the published hash) and would fail at start; replace it with `{fix}`{upload}"));
            }
        }
    }
}
