using LlmHosting.Constructs.Sagemaker;

namespace LlmHosting.App.Configuration;

/// <summary>LoRA serving of a component (<c>componentEndpoint.components[i].lora</c>), which adapters attached to it need.</summary>
public sealed record LoraConfig
{
    /// <inheritdoc cref="LoraSettings.MaxRank"/>
    public int? MaxRank { get; init; }

    /// <inheritdoc cref="LoraSettings.MaxAdapters"/>
    public int? MaxAdapters { get; init; }

    /// <inheritdoc cref="LoraSettings.MaxCpuAdapters"/>
    public int? MaxCpuAdapters { get; init; }

    internal LoraSettings ToSettings() => new() { MaxRank = MaxRank, MaxAdapters = MaxAdapters, MaxCpuAdapters = MaxCpuAdapters };

    /// <summary>Where each setting comes from, under <paramref name="path"/> (for example <c>componentEndpoint.components[1].lora</c>).</summary>
    internal static IEnumerable<KeyValuePair<string, string>> KeysAt(string path) =>
    [
        Key(path, nameof(LoraSettings.MaxRank)),
        Key(path, nameof(LoraSettings.MaxAdapters)),
        Key(path, nameof(LoraSettings.MaxCpuAdapters)),
    ];

    private static KeyValuePair<string, string> Key(string path, string member)
        => new($"{nameof(VllmServingOptions.Vllm)}.{nameof(VllmSettings.Lora)}.{member}", $"{path}.{char.ToLowerInvariant(member[0])}{member[1..]}");
}

/// <summary>Speculative decoding of a model (<c>...speculativeDecoding</c>): vLLM's <c>--speculative-config</c>.</summary>
public sealed record SpeculativeDecodingConfig
{
    /// <summary>The method as vLLM spells it: <c>eagle3</c>, <c>eagle</c>, <c>draft_model</c>, <c>ngram</c>, <c>mtp</c>...</summary>
    public string Method { get; init; } = "";

    /// <inheritdoc cref="SpeculativeDecoding.DraftModelFolder"/>
    public string? DraftModelFolder { get; init; }

    /// <inheritdoc cref="SpeculativeDecoding.NumSpeculativeTokens"/>
    public int? NumSpeculativeTokens { get; init; }

    internal void Validate(ICollection<string> problems, string path)
    {
        if (Method.Length == 0)
        {
            problems.Add($"{path}.method is missing ({string.Join(", ", SpeculativeMethod.Known.Select(m => m.Name))}...)");
        }
        else
        {
            ConfigNames.Check(problems, $"{path}.method", () => SpeculativeMethod.Of(Method));
        }
    }

    internal SpeculativeDecoding ToSettings() => new()
    {
        Method = SpeculativeMethod.Of(Method),
        DraftModelFolder = DraftModelFolder,
        NumSpeculativeTokens = NumSpeculativeTokens,
    };

    /// <summary>Where each setting comes from, under <paramref name="path"/>.</summary>
    internal static IEnumerable<KeyValuePair<string, string>> KeysAt(string path) =>
    [
        Key(path, nameof(SpeculativeDecoding.Method)),
        Key(path, nameof(SpeculativeDecoding.DraftModelFolder)),
        Key(path, nameof(SpeculativeDecoding.NumSpeculativeTokens)),
    ];

    private static KeyValuePair<string, string> Key(string path, string member)
        => new($"{nameof(VllmServingOptions.Vllm)}.{nameof(VllmSettings.SpeculativeDecoding)}.{member}", $"{path}.{char.ToLowerInvariant(member[0])}{member[1..]}");
}
