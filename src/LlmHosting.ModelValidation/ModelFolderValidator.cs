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
/// <param name="StartContract">The start contract the folder was checked against: the one named, or the one its config.json's model_type calls for.</param>
public sealed record ModelFolderReport(string Location, int FileCount, long TotalSizeInBytes, IReadOnlyList<ModelProblem> Problems, StartContract? StartContract = null)
{
    /// <summary>True when no problem was found.</summary>
    public bool IsValid => Problems.Count == 0;
}

/// <summary>What a folder is checked for, beyond the files themselves.</summary>
public sealed class ModelFolderCheck
{
    /// <summary>Whose rules. Default: <see cref="ModelFolderRules.Bedrock"/>, the strictest.</summary>
    public ModelFolderRules Rules { get; init; } = ModelFolderRules.Bedrock;

    /// <summary>
    /// The start contract of the model the folder is for (<c>llmhost --model</c>). Default: the one of
    /// <see cref="Contracts"/> that claims the <c>model_type</c> of the folder's config.json.
    /// </summary>
    public StartContract? StartContract { get; init; }

    /// <summary>Files the folder must hold besides the contract's (the weights gate gets them from the synthesized models). Default: none.</summary>
    public IReadOnlyList<StartFile> RequiredFiles { get; init; } = [];

    /// <summary>The contracts a folder is recognised by. Default: <see cref="ModelValidation.StartContract.All"/>.</summary>
    public IReadOnlyList<StartContract> Contracts { get; init; } = ModelValidation.StartContract.All;

    /// <summary>Shard headers read at the same time (ranged GETs in S3). Default: 8.</summary>
    public int MaxConcurrentReads { get; init; } = 8;
}


/// <summary>
/// Checks a model folder against the rules of the service that will load it (<see cref="ModelFolderRules"/>)
/// before anything starts, so that a bad folder is reported in seconds, with every problem at once, instead of
/// a failed Bedrock import job after 15 minutes or a SageMaker endpoint that never becomes healthy. Bedrock's
/// rules come from AWS's GPT-OSS import post (see AWS-FACTS.md); SageMaker's are what vLLM needs to load a
/// Hugging Face folder from <c>/opt/ml/model</c>: a config.json it can read, the tokenizer files, safetensors shards
/// whose headers parse and whose sizes match them (a broken download), an index that names exactly those shards, and
/// the files of the model's <see cref="StartContract"/>. Shards are read by their headers only: a ranged GET in S3.
/// </summary>
public static partial class ModelFolderValidator
{
    /// <summary>Bedrock's limit on the size of a text model folder: 200 GB (decimal, the stricter reading).</summary>
    public const long MaxTotalSizeInBytes = 200L * 1000 * 1000 * 1000;

    /// <summary>The Hugging Face model configuration file.</summary>
    public const string ConfigFile = "config.json";

    /// <summary>The index that maps tensors to safetensors shards.</summary>
    public const string IndexFile = "model.safetensors.index.json";

    /// <summary>The single weights file of a model without an index.</summary>
    public const string SingleWeightsFile = "model.safetensors";

    /// <summary>The tokenizer configuration, always needed.</summary>
    public const string TokenizerConfigFile = "tokenizer_config.json";

    /// <summary>Tokenizer vocabularies; at least one of them is needed.</summary>
    public static readonly IReadOnlyList<string> TokenizerVocabularyFiles = ["tokenizer.json", "tokenizer.model"];

    /// <summary>The root fields Bedrock accepts in <see cref="IndexFile"/>.</summary>
    public static readonly IReadOnlyList<string> AllowedIndexFields = ["metadata", "weight_map"];

    /// <summary>JSON files larger than this are not parsed (a real index is a few hundred kB, a config.json a few kB).</summary>
    private const long MaxJsonSizeInBytes = 64L * 1024 * 1024;

    /// <summary>Checks a folder against Bedrock Custom Model Import's rules and returns every problem found.</summary>
    /// <param name="folder">The folder, local or in S3.</param>
    /// <param name="cancellationToken">Cancels the listing and reads.</param>
    public static Task<ModelFolderReport> ValidateAsync(IModelFolder folder, CancellationToken cancellationToken = default)
        => ValidateAsync(folder, new ModelFolderCheck(), cancellationToken);

    /// <summary>Checks a folder against the rules of one service and returns every problem found.</summary>
    /// <param name="folder">The folder, local or in S3.</param>
    /// <param name="rules">The service that will load the folder.</param>
    /// <param name="cancellationToken">Cancels the listing and reads.</param>
    public static Task<ModelFolderReport> ValidateAsync(IModelFolder folder, ModelFolderRules rules, CancellationToken cancellationToken = default)
        => ValidateAsync(folder, new ModelFolderCheck { Rules = rules }, cancellationToken);

    /// <summary>Checks a folder as <paramref name="check"/> says and returns every problem found, at most one line per fault.</summary>
    /// <param name="folder">The folder, local or in S3.</param>
    /// <param name="check">The rules, the model's start contract and the files required beyond it.</param>
    /// <param name="cancellationToken">Cancels the listing and reads.</param>
    public static async Task<ModelFolderReport> ValidateAsync(IModelFolder folder, ModelFolderCheck check, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(folder);
        ArgumentNullException.ThrowIfNull(check);
        var who = ServiceName(check.Rules);
        var files = await folder.ListAsync(cancellationToken).ConfigureAwait(false);
        var byKey = files.ToDictionary(f => f.Key, StringComparer.Ordinal);
        var problems = new List<ModelProblem>();
        var total = files.Sum(f => f.SizeInBytes);

        if (files.Count == 0)
        {
            problems.Add(new ModelProblem("", "the folder is empty or does not exist"));
            return new ModelFolderReport(folder.Location, 0, 0, problems);
        }

        var modelType = await CheckConfigAsync(folder, byKey, who, problems, cancellationToken).ConfigureAwait(false);

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

        await CheckWeightsAsync(folder, byKey, check, who, problems, cancellationToken).ConfigureAwait(false);

        var contract = check.StartContract ?? StartContract.ForModelType(modelType, check.Contracts);
        await CheckStartFilesAsync(folder, byKey, contract, check.RequiredFiles, problems, cancellationToken).ConfigureAwait(false);

        if (check.Rules == ModelFolderRules.Bedrock)
        {
            CheckBedrockLimits(files, total, problems);
        }

        return new ModelFolderReport(folder.Location, files.Count, total, problems, contract);
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

    /// <summary>Parses a small JSON file of the folder; null (and a problem) when it is too large or not JSON.</summary>
    private static async Task<JsonDocument?> ReadJsonAsync(IModelFolder folder, ModelFile file, List<ModelProblem> problems, CancellationToken cancellationToken)
    {
        if (file.SizeInBytes > MaxJsonSizeInBytes)
        {
            problems.Add(new ModelProblem(file.Key, $"is {FormatSize(file.SizeInBytes)}; a JSON file of that size is not what vLLM expects here"));
            return null;
        }

        try
        {
            return JsonDocument.Parse(await folder.ReadTextAsync(file.Key, cancellationToken).ConfigureAwait(false));
        }
        catch (JsonException e)
        {
            problems.Add(new ModelProblem(file.Key, $"is not valid JSON ({e.Message.Split(" Path:", 2)[0].TrimEnd('.')}): the file is damaged or was not fully downloaded"));
            return null;
        }
    }

    private static string Kind(JsonElement element) => element.ValueKind.ToString().ToLowerInvariant();
}
