using System.Globalization;

namespace LlmHosting.Constructs.Sagemaker;

/// <summary>
/// LoRA serving of a vLLM model, which lets adapter inference components (<c>AdapterComponent</c>) be attached to it:
/// vLLM's <c>--enable-lora</c>, <c>--max-lora-rank</c>, <c>--max-loras</c> and <c>--max-cpu-loras</c>, and the runtime
/// loading SageMaker uses to register each adapter component with the container
/// (<c>VLLM_ALLOW_RUNTIME_LORA_UPDATING</c>).
/// </summary>
/// <remarks>
/// Sources: aws/model-hosting-container-standards <c>docs/sagemaker/05_lora_adapter_management.md</c> (the variables of a
/// base inference component that adapter components attach to, with the vLLM DLC); vLLM <c>vllm/config/lora.py</c>
/// (<c>MaxLoRARanks</c>, <c>max_loras &gt;= 1</c>, <c>max_cpu_loras &gt;= max_loras</c>) and <c>vllm/lora/peft_helper.py</c>
/// (an adapter whose <c>r</c> is above <c>max_lora_rank</c> is refused when it is loaded).
/// </remarks>
public sealed class LoraSettings
{
    /// <summary>The values vLLM accepts for <c>--max-lora-rank</c> (<c>MaxLoRARanks</c> in <c>vllm/config/lora.py</c>).</summary>
    public static readonly IReadOnlyList<int> AllowedMaxRanks = [1, 8, 16, 32, 64, 128, 256, 320, 512];

    /// <summary>vLLM's default <c>--max-lora-rank</c>.</summary>
    public const int DefaultMaxRank = 16;

    /// <summary>
    /// Highest rank (<c>r</c> of <c>adapter_config.json</c>) of any adapter the model loads (<c>--max-lora-rank</c>), one of
    /// <see cref="AllowedMaxRanks"/>. vLLM reserves GPU memory for adapters of this rank, so keep it as low as the adapters
    /// allow; the weights gate and <c>llmhost validate-model</c> refuse an adapter of a higher rank. Default: 16.
    /// </summary>
    public int? MaxRank { get; init; }

    /// <summary>Most adapters in one batch (<c>--max-loras</c>), at least 1. Default: 1 (vLLM's).</summary>
    public int? MaxAdapters { get; init; }

    /// <summary>
    /// Most adapters kept in host memory (<c>--max-cpu-loras</c>), at least <see cref="MaxAdapters"/>: more adapter components
    /// than this are loaded from disk again when used. Default: vLLM's (<see cref="MaxAdapters"/>).
    /// </summary>
    public int? MaxCpuAdapters { get; init; }

    /// <summary><see cref="MaxRank"/> in effect.</summary>
    public int EffectiveMaxRank => MaxRank ?? DefaultMaxRank;

    /// <summary>The container variables: the DLC entrypoint turns <c>SM_VLLM_FOO_BAR</c> into <c>--foo-bar</c>.</summary>
    internal void AddEnvironment(IDictionary<string, string> environment)
    {
        // An empty value makes a bare flag in every DLC entrypoint (a literal "true" was passed as a value before 2026-03).
        environment["SM_VLLM_ENABLE_LORA"] = "";
        environment["SM_VLLM_MAX_LORA_RANK"] = Invariant(EffectiveMaxRank);
        if (MaxAdapters is { } maxAdapters)
        {
            environment["SM_VLLM_MAX_LORAS"] = Invariant(maxAdapters);
        }

        if (MaxCpuAdapters is { } maxCpuAdapters)
        {
            environment["SM_VLLM_MAX_CPU_LORAS"] = Invariant(maxCpuAdapters);
        }

        // SageMaker registers each adapter component with the running container (POST /adapters), which vLLM serves only
        // with runtime LoRA updating on (model-hosting-container-standards, LoRA adapter management).
        environment["VLLM_ALLOW_RUNTIME_LORA_UPDATING"] = "true";
    }

    /// <summary>The variables <see cref="AddEnvironment"/> may set, which <see cref="VllmSettings.ExtraFlags"/> and <see cref="VllmSettings.Environment"/> must not set again.</summary>
    internal static readonly string[] Variables =
        ["SM_VLLM_ENABLE_LORA", "SM_VLLM_MAX_LORA_RANK", "SM_VLLM_MAX_LORAS", "SM_VLLM_MAX_CPU_LORAS", "VLLM_ALLOW_RUNTIME_LORA_UPDATING"];

    /// <summary>Every problem of these settings, properties named under <paramref name="property"/> (for example <c>Vllm.Lora</c>).</summary>
    internal IEnumerable<(string Property, string Message)> Problems(string property, Func<string, string> p)
    {
        if (MaxRank is { } rank && !AllowedMaxRanks.Contains(rank))
        {
            yield return ($"{property}.MaxRank", $"{p($"{property}.MaxRank")} {rank} is not a rank vLLM accepts ({string.Join(", ", AllowedMaxRanks)}); choose the smallest that is at least the r of every adapter");
        }

        if (MaxAdapters is < 1)
        {
            yield return ($"{property}.MaxAdapters", $"{p($"{property}.MaxAdapters")} {MaxAdapters} must be at least 1");
        }

        if (MaxCpuAdapters is { } cpu && cpu < (MaxAdapters ?? 1))
        {
            yield return ($"{property}.MaxCpuAdapters", $"{p($"{property}.MaxCpuAdapters")} {cpu} must be at least {p($"{property}.MaxAdapters")} {MaxAdapters ?? 1} (vLLM refuses fewer)");
        }
    }

    private static string Invariant(int value) => value.ToString(CultureInfo.InvariantCulture);
}
