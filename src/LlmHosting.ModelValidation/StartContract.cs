using LlmHosting.Rules;

namespace LlmHosting.ModelValidation;

/// <summary>A file the serving container reads at start that must be in the weights folder.</summary>
/// <param name="Key">Its key in the folder, for example <c>tiktoken/o200k_base.tiktoken</c>.</param>
/// <param name="Sha256">Its lower-case hex SHA-256, as the publisher publishes it and the container checks it.</param>
/// <param name="PublishedUrl">Where it is published.</param>
/// <param name="Why">Who reads it and the sources that say so.</param>
public sealed record StartFile(string Key, string Sha256, string PublishedUrl, string Why);

/// <summary>
/// What a model's serving container reads at start besides the weights (<c>src/Shared/Rules/StartContractRules.cs</c>, the
/// rule the construct library applies at synth time too). A folder for a network-isolated model must hold every
/// <see cref="Files"/> entry; <c>llmhost prepare-model --fix</c> adds them.
/// </summary>
public sealed class StartContract
{
    private StartContract(StartContractRule rule)
        : this(rule.Name, rule.ModelTypes, rule.ModelNames, rule.Files.Select(f => new StartFile(f.Key, f.Sha256, f.PublishedUrl, f.Why)).ToList())
    {
    }

    private StartContract(string name, IReadOnlyList<string> modelTypes, IReadOnlyList<string> modelNames, IReadOnlyList<StartFile> files)
    {
        Name = name;
        ModelTypes = modelTypes;
        ModelNames = modelNames;
        Files = files;
    }

    /// <summary>The model family, for messages: <c>gpt-oss</c>.</summary>
    public string Name { get; }

    /// <summary>The <c>model_type</c> values of <c>config.json</c> that identify the family.</summary>
    public IReadOnlyList<string> ModelTypes { get; }

    /// <summary>The catalog names of the family's models.</summary>
    public IReadOnlyList<string> ModelNames { get; }

    /// <summary>The files the folder must hold.</summary>
    public IReadOnlyList<StartFile> Files { get; }

    /// <summary>The contract of gpt-oss: the Harmony vocabulary <c>tiktoken/o200k_base.tiktoken</c>.</summary>
    public static StartContract GptOss { get; } = new(StartContractRules.GptOss);

    /// <summary>Any other Hugging Face folder: nothing beyond its own files.</summary>
    public static StartContract HuggingFaceFolder { get; } = new(StartContractRules.HuggingFaceFolder);

    /// <summary>Every contract.</summary>
    public static IReadOnlyList<StartContract> All { get; } = [GptOss, HuggingFaceFolder];

    /// <summary>
    /// A contract of your own, for a model whose container needs files of its own (or, in tests, files whose hash the
    /// test controls).
    /// </summary>
    /// <param name="name">The model family, for messages.</param>
    /// <param name="modelTypes">The <c>model_type</c> values of <c>config.json</c> it applies to.</param>
    /// <param name="files">The files the folder must hold; each SHA-256 is 64 lower-case hex digits.</param>
    public static StartContract Of(string name, IReadOnlyList<string> modelTypes, IReadOnlyList<StartFile> files)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(modelTypes);
        ArgumentNullException.ThrowIfNull(files);
        if (files.FirstOrDefault(f => f.Sha256.Length != 64 || !f.Sha256.All(c => char.IsAsciiDigit(c) || c is >= 'a' and <= 'f')) is { } bad)
        {
            throw new ArgumentException($"Invalid start contract {name}: the SHA-256 of {bad.Key} must be 64 lower-case hex digits.", nameof(files));
        }

        return new StartContract(name, modelTypes, [], files);
    }

    /// <summary>The contract of a <c>model_type</c> of <c>config.json</c>; <see cref="HuggingFaceFolder"/> for any other.</summary>
    /// <param name="modelType">For example <c>gpt_oss</c>.</param>
    public static StartContract ForModelType(string? modelType) => ForModelType(modelType, All);

    /// <summary>The contract among <paramref name="contracts"/> of a <c>model_type</c>; <see cref="HuggingFaceFolder"/> when none claims it.</summary>
    /// <param name="modelType">For example <c>gpt_oss</c>.</param>
    /// <param name="contracts">The contracts to choose from.</param>
    public static StartContract ForModelType(string? modelType, IReadOnlyList<StartContract> contracts)
        => contracts.FirstOrDefault(c => modelType is not null && c.ModelTypes.Contains(modelType, StringComparer.Ordinal)) ?? HuggingFaceFolder;

    /// <summary>The contract of a catalog model (<c>gpt-oss-20b</c>, case-insensitive), or null for a name outside the catalog.</summary>
    /// <param name="name">The model's catalog name.</param>
    public static StartContract? ForModelName(string name)
        => StartContractRules.ForModelName(name) is { } rule ? All.First(c => c.Name == rule.Name) : null;

    /// <summary>Every catalog model name, for messages.</summary>
    public static IReadOnlyList<string> ModelNamesOfAll => All.SelectMany(c => c.ModelNames).ToList();

    /// <summary>The command that adds the files to a local folder.</summary>
    /// <param name="folder">The folder as the user names it, or a placeholder.</param>
    public static string FixCommand(string folder) => $"llmhost prepare-model {folder} --fix";
}
