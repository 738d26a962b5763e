using LlmHosting.Rules;

namespace LlmHosting.Constructs.Sagemaker;

/// <summary>A file the serving container reads at start, besides the weights, that a network-isolated model's folder must hold.</summary>
/// <param name="Key">Its key in the weights folder, for example <c>tiktoken/o200k_base.tiktoken</c>.</param>
/// <param name="Sha256">Its lower-case hex SHA-256, as published and as the container checks it.</param>
/// <param name="PublishedUrl">Where it is published (and where the container would download it from).</param>
/// <param name="Why">Who reads it, when, and the primary sources.</param>
public sealed record StartFile(string Key, string Sha256, string PublishedUrl, string Why);

/// <summary>An address the serving container would reach at start, and what keeps it from trying.</summary>
/// <param name="Address">The URL or host.</param>
/// <param name="What">What is fetched or sent there, and whether a failure stops the start.</param>
/// <param name="AvoidedBy">The variable or file that makes the container not try, with its source.</param>
public sealed record StartAddress(string Address, string What, string AvoidedBy);

/// <summary>
/// What a model's serving container (the vLLM DLC) reads at start besides the weights, and which addresses it would
/// otherwise reach, each with its source (<c>src/Shared/Rules/StartContractRules.cs</c>, the rule <c>llmhost</c> and the
/// weights gate check folders with). A network-isolated model (weights from a bucket) gets <see cref="Environment"/> in its
/// container, and the weights gate requires every <see cref="Files"/> entry in its folder with its hash; a model that
/// downloads its weights from Hugging Face reaches the addresses itself.
/// </summary>
public sealed class StartContract
{
    private StartContract(StartContractRule rule)
    {
        Name = rule.Name;
        Files = rule.Files.Select(f => new StartFile(f.Key, f.Sha256, f.PublishedUrl, f.Why)).ToList();
        Environment = new SortedDictionary<string, string>(rule.Environment.ToDictionary(), StringComparer.Ordinal);
        Addresses = rule.Addresses.Select(a => new StartAddress(a.Address, a.What, a.AvoidedBy)).ToList();
    }

    /// <summary>The model family: <c>gpt-oss</c>, or <c>Hugging Face folder</c> for a model that needs nothing beyond its folder.</summary>
    public string Name { get; }

    /// <summary>The files the weights folder must hold besides the Hugging Face files (config, tokenizer, weights).</summary>
    public IReadOnlyList<StartFile> Files { get; }

    /// <summary>The container variables of a network-isolated model: where the files are, and the offline switches.</summary>
    public IReadOnlyDictionary<string, string> Environment { get; }

    /// <summary>The addresses the container would reach at start without the files and variables.</summary>
    public IReadOnlyList<StartAddress> Addresses { get; }

    /// <summary>gpt-oss: the Harmony vocabulary <c>tiktoken/o200k_base.tiktoken</c> and <c>TIKTOKEN_ENCODINGS_BASE</c> pointing at it.</summary>
    public static StartContract GptOss { get; } = new(StartContractRules.GptOss);

    /// <summary>Any other model vLLM loads from a Hugging Face folder: the offline switches only.</summary>
    public static StartContract HuggingFaceFolder { get; } = new(StartContractRules.HuggingFaceFolder);

    /// <summary>The contract of a <c>model_type</c> of <c>config.json</c>; <see cref="HuggingFaceFolder"/> for any other.</summary>
    /// <param name="modelType">For example <c>gpt_oss</c>.</param>
    public static StartContract ForModelType(string? modelType)
        => StartContractRules.ForModelType(modelType) == StartContractRules.GptOss ? GptOss : HuggingFaceFolder;

    /// <summary>The contract of a catalog model name (case-insensitive), or null for a name outside the catalog.</summary>
    /// <param name="name">For example <c>gpt-oss-20b</c>.</param>
    public static StartContract? ForModelName(string name)
        => StartContractRules.ForModelName(name) switch
        {
            null => null,
            var rule when rule == StartContractRules.GptOss => GptOss,
            _ => HuggingFaceFolder,
        };

    /// <inheritdoc />
    public override string ToString() => Name;
}
