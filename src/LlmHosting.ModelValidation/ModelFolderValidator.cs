using System.Text.Json;

namespace LlmHosting.ModelValidation;

/// <summary>One problem of a model folder.</summary>
/// <param name="Key">The offending key, relative to the folder (for a missing file, the key that should exist).</param>
/// <param name="Message">What is wrong and what the service expects.</param>
public sealed record ModelProblem(string Key, string Message)
{
    /// <inheritdoc />
    public override string ToString() => $"{Key}: {Message}";
}

/// <summary>The result of checking a model folder.</summary>
/// <param name="Location">The folder that was checked.</param>
/// <param name="FileCount">Number of files found.</param>
/// <param name="TotalSizeInBytes">Sum of the sizes of every file.</param>
/// <param name="Problems">Every problem found, in a stable order; empty when the folder can be imported.</param>
public sealed record ModelFolderReport(string Location, int FileCount, long TotalSizeInBytes, IReadOnlyList<ModelProblem> Problems)
{
    /// <summary>True when no problem was found.</summary>
    public bool IsValid => Problems.Count == 0;
}

/// <summary>
/// Checks a model folder against the rules of the service that will load it (<see cref="ModelFolderRules"/>)
/// before anything starts, so that a bad folder is reported in seconds, with every problem at once, instead of
/// a failed Bedrock import job after 15 minutes or a SageMaker endpoint that never becomes healthy. Bedrock's
/// rules come from AWS's GPT-OSS import post (see AWS-FACTS.md); SageMaker's are what vLLM needs to load a
/// Hugging Face folder from <c>/opt/ml/model</c>.
/// </summary>
public static class ModelFolderValidator
{
    /// <summary>Bedrock's limit on the size of a text model folder: 200 GB (decimal, the stricter reading).</summary>
    public const long MaxTotalSizeInBytes = 200L * 1000 * 1000 * 1000;

    /// <summary>The Hugging Face model configuration file.</summary>
    public const string ConfigFile = "config.json";

    /// <summary>The index that maps tensors to safetensors shards.</summary>
    public const string IndexFile = "model.safetensors.index.json";

    /// <summary>The tokenizer configuration, always needed.</summary>
    public const string TokenizerConfigFile = "tokenizer_config.json";

    /// <summary>Tokenizer vocabularies; at least one of them is needed.</summary>
    public static readonly IReadOnlyList<string> TokenizerVocabularyFiles = ["tokenizer.json", "tokenizer.model"];

    /// <summary>The root fields Bedrock accepts in <see cref="IndexFile"/>.</summary>
    public static readonly IReadOnlyList<string> AllowedIndexFields = ["metadata", "weight_map"];

    /// <summary>Index files larger than this are not parsed (a real index is a few hundred kB).</summary>
    private const long MaxIndexSizeInBytes = 64L * 1024 * 1024;

    /// <summary>Checks a folder against Bedrock Custom Model Import's rules and returns every problem found.</summary>
    /// <param name="folder">The folder, local or in S3.</param>
    /// <param name="cancellationToken">Cancels the listing and reads.</param>
    public static Task<ModelFolderReport> ValidateAsync(IModelFolder folder, CancellationToken cancellationToken = default)
        => ValidateAsync(folder, ModelFolderRules.Bedrock, cancellationToken);

    /// <summary>Checks a folder against the rules of one service and returns every problem found.</summary>
    /// <param name="folder">The folder, local or in S3.</param>
    /// <param name="rules">The service that will load the folder.</param>
    /// <param name="cancellationToken">Cancels the listing and reads.</param>
    public static async Task<ModelFolderReport> ValidateAsync(IModelFolder folder, ModelFolderRules rules, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(folder);
        var who = ServiceName(rules);
        var files = await folder.ListAsync(cancellationToken).ConfigureAwait(false);
        var byKey = files.ToDictionary(f => f.Key, StringComparer.Ordinal);
        var problems = new List<ModelProblem>();
        var total = files.Sum(f => f.SizeInBytes);

        if (files.Count == 0)
        {
            problems.Add(new ModelProblem("", "the folder is empty or does not exist"));
            return new ModelFolderReport(folder.Location, 0, 0, problems);
        }

        if (Adapters.AdapterFolderValidator.IsAdapter(files))
        {
            problems.Add(new ModelProblem(ConfigFile, $"missing: the folder holds a LoRA adapter ({Adapters.AdapterFolderValidator.ConfigFile} or {Adapters.AdapterFolderValidator.ArchiveFileName}), not a model; {who} serves it as an adapter inference component on its base model"));
            return new ModelFolderReport(folder.Location, files.Count, total, problems);
        }

        if (!byKey.ContainsKey(ConfigFile))
        {
            problems.Add(new ModelProblem(ConfigFile, $"missing; {who} needs the model's Hugging Face configuration"));
        }

        if (!byKey.ContainsKey(TokenizerConfigFile))
        {
            problems.Add(new ModelProblem(TokenizerConfigFile, $"missing; {who} needs the tokenizer files"));
        }

        if (!TokenizerVocabularyFiles.Any(byKey.ContainsKey))
        {
            problems.Add(new ModelProblem(
                TokenizerVocabularyFiles[0],
                $"missing; {who} needs the tokenizer vocabulary ({string.Join(" or ", TokenizerVocabularyFiles)})"));
        }

        if (byKey.TryGetValue(IndexFile, out var index))
        {
            await CheckIndexAsync(folder, index, byKey, rules, problems, cancellationToken).ConfigureAwait(false);
        }
        else if (!byKey.ContainsKey("model.safetensors"))
        {
            problems.Add(new ModelProblem(IndexFile, $"missing, and there is no single model.safetensors either; {who} loads safetensors weights"));
        }

        if (rules == ModelFolderRules.Bedrock)
        {
            CheckBedrockLimits(files, total, problems);
        }

        return new ModelFolderReport(folder.Location, files.Count, total, problems);
    }

    /// <summary>A size in decimal gigabytes, for reports.</summary>
    /// <param name="bytes">The size in bytes.</param>
    public static string FormatSize(long bytes)
        => bytes >= 1_000_000_000 ? $"{bytes / 1e9:0.##} GB" : bytes >= 1_000_000 ? $"{bytes / 1e6:0.##} MB" : $"{bytes} bytes";

    /// <summary>How reports name the service: "Bedrock" or "vLLM on SageMaker".</summary>
    /// <param name="rules">The rule profile.</param>
    public static string ServiceName(ModelFolderRules rules)
        => rules == ModelFolderRules.Bedrock ? "Bedrock" : "vLLM on SageMaker";

    private static void CheckBedrockLimits(IReadOnlyList<ModelFile> files, long total, List<ModelProblem> problems)
    {
        if (total > MaxTotalSizeInBytes)
        {
            problems.Add(new ModelProblem(
                "",
                $"total size {FormatSize(total)} ({total} bytes) is over Bedrock's limit of {FormatSize(MaxTotalSizeInBytes)} for a text model"));
        }

        if (files.Any(f => f.Key.StartsWith("metal/", StringComparison.Ordinal)))
        {
            problems.Add(new ModelProblem("metal/", "Apple Metal weights are not importable; remove the metal/ folder from the upload"));
        }
    }

    private static async Task CheckIndexAsync(
        IModelFolder folder, ModelFile index, Dictionary<string, ModelFile> byKey, ModelFolderRules rules, List<ModelProblem> problems, CancellationToken cancellationToken)
    {
        if (index.SizeInBytes > MaxIndexSizeInBytes)
        {
            problems.Add(new ModelProblem(IndexFile, $"is {FormatSize(index.SizeInBytes)}; an index of that size is not a safetensors index"));
            return;
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(await folder.ReadTextAsync(IndexFile, cancellationToken).ConfigureAwait(false));
        }
        catch (JsonException e)
        {
            problems.Add(new ModelProblem(IndexFile, $"is not valid JSON ({e.Message.Split(" Path:", 2)[0].TrimEnd('.')})"));
            return;
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                problems.Add(new ModelProblem(IndexFile, $"root is a JSON {root.ValueKind.ToString().ToLowerInvariant()}, not an object"));
                return;
            }

            if (rules == ModelFolderRules.Bedrock)
            {
                CheckBedrockIndexRoot(root, problems);
            }

            if (!root.TryGetProperty("weight_map", out var weightMap) || weightMap.ValueKind != JsonValueKind.Object)
            {
                problems.Add(new ModelProblem(IndexFile, "has no 'weight_map' object naming the shard of each tensor"));
                return;
            }

            var shards = weightMap.EnumerateObject()
                .Select(p => p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString()! : null)
                .ToList();
            if (shards.Contains(null))
            {
                problems.Add(new ModelProblem(IndexFile, "'weight_map' has values that are not shard file names"));
            }

            foreach (var shard in shards.OfType<string>().Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal))
            {
                if (!byKey.ContainsKey(shard))
                {
                    problems.Add(new ModelProblem(shard, $"missing; {IndexFile} maps tensors to this shard"));
                }
            }
        }
    }

    private static void CheckBedrockIndexRoot(JsonElement root, List<ModelProblem> problems)
    {
        if (!root.TryGetProperty("metadata", out var metadata))
        {
            problems.Add(new ModelProblem(IndexFile, "has no root 'metadata' object; Bedrock requires one (it may be empty: \"metadata\": {})"));
        }
        else if (metadata.ValueKind != JsonValueKind.Object)
        {
            problems.Add(new ModelProblem(IndexFile, $"root 'metadata' is a JSON {metadata.ValueKind.ToString().ToLowerInvariant()}, not an object"));
        }

        var unsupported = root.EnumerateObject().Select(p => p.Name).Where(n => !AllowedIndexFields.Contains(n)).ToList();
        if (unsupported.Count > 0)
        {
            problems.Add(new ModelProblem(
                IndexFile,
                $"has unsupported root field(s) {string.Join(", ", unsupported.Select(n => $"'{n}'"))}; Bedrock accepts only {string.Join(" and ", AllowedIndexFields)}"));
        }
    }
}
