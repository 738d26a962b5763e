using System.Globalization;

namespace LlmHosting.Constructs.Weights;

/// <summary>What a checked folder holds, when it is not a whole model.</summary>
public enum WeightsFolderKind
{
    /// <summary>A model that vLLM or Bedrock loads (the <see cref="WeightsRules"/> apply).</summary>
    Model,

    /// <summary>
    /// A LoRA adapter for an adapter inference component: the prefix holds <c>adapter.tar.gz</c> with
    /// <c>adapter_config.json</c> and <c>adapter_model.safetensors</c>, made by <c>llmhost upload-model</c>.
    /// </summary>
    LoraAdapter,

    /// <summary>A speculative decoding draft model or head: <c>config.json</c> and its weights, loaded beside the model.</summary>
    SpeculativeDraft,
}

/// <summary>The checks of folders that are not whole models: LoRA adapters and speculative draft models.</summary>
public sealed partial class WeightsGate
{
    /// <summary>What the folder holds. Default: <see cref="WeightsFolderKind.Model"/>.</summary>
    public WeightsFolderKind Kind { get; private set; } = WeightsFolderKind.Model;

    /// <summary>The base model an adapter folder must name, when <see cref="Kind"/> is <see cref="WeightsFolderKind.LoraAdapter"/>.</summary>
    public string? AdapterBaseModel { get; private set; }

    /// <summary>The highest LoRA rank the adapter may have, when <see cref="Kind"/> is <see cref="WeightsFolderKind.LoraAdapter"/>.</summary>
    public int? AdapterMaxRank { get; private set; }

    /// <summary>Checks the folder as a <paramref name="kind"/> instead of a model; every reader of the folder must agree.</summary>
    /// <param name="kind">What the folder holds.</param>
    public void RequireKind(WeightsFolderKind kind)
    {
        if (Kind == kind)
        {
            return;
        }

        if (Kind != WeightsFolderKind.Model || _readAsModel)
        {
            throw new ArgumentException($"{Prefix} is read as a {Describe(_readAsModel ? WeightsFolderKind.Model : Kind)} and as a {Describe(kind)}: give each its own folder.");
        }

        Kind = kind;
        _resource.AddPropertyOverride("FolderKind", kind.ToString());
    }

    /// <summary>
    /// Checks the folder as a LoRA adapter of <paramref name="baseModel"/> whose rank is at most <paramref name="maxRank"/>
    /// (the base component's <c>--max-lora-rank</c>): the deployment fails, naming both, before the adapter component is
    /// created. An adapter folder read by several components must suit each: the lowest rank limit is checked.
    /// </summary>
    /// <param name="baseModel">What <c>base_model_name_or_path</c> of <c>adapter_config.json</c> must name, for example <c>Qwen/Qwen3-4B</c>.</param>
    /// <param name="maxRank">The base's maximum LoRA rank.</param>
    public void RequireAdapter(string baseModel, int maxRank)
    {
        ArgumentException.ThrowIfNullOrEmpty(baseModel);
        RequireKind(WeightsFolderKind.LoraAdapter);
        if (AdapterBaseModel is { } expected && expected != baseModel)
        {
            throw new ArgumentException($"The adapter folder {Prefix} is attached to bases of different models ({expected} and {baseModel}): an adapter fits one base model.");
        }

        AdapterBaseModel = baseModel;
        AdapterMaxRank = Math.Min(maxRank, AdapterMaxRank ?? int.MaxValue);
        _resource.AddPropertyOverride("Adapter", new Dictionary<string, object>
        {
            ["BaseModel"] = baseModel,
            ["MaxLoraRank"] = AdapterMaxRank.Value.ToString(CultureInfo.InvariantCulture),
        });
    }

    private bool _readAsModel;

    // A model reader and a reader of another kind cannot share a folder: each needs its own check.
    private void RequireModelReader()
    {
        if (Kind != WeightsFolderKind.Model)
        {
            throw new ArgumentException($"{Prefix} is read as a {Describe(Kind)} and as a model: give each its own folder.");
        }

        _readAsModel = true;
    }

    private static string Describe(WeightsFolderKind kind) => kind switch
    {
        WeightsFolderKind.LoraAdapter => "LoRA adapter",
        WeightsFolderKind.SpeculativeDraft => "speculative draft model",
        _ => "model",
    };
}
