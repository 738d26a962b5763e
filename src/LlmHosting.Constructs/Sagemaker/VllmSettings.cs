namespace LlmHosting.Constructs.Sagemaker;

/// <summary>
/// Typed vLLM engine settings, passed to the container as <c>SM_VLLM_*</c> variables (the entrypoint turns
/// <c>SM_VLLM_FOO_BAR</c> into <c>--foo-bar</c>). Every setting left null keeps the documented default.
/// </summary>
public sealed class VllmSettings
{
    /// <summary>
    /// Number of GPUs one model replica is sharded over (<c>--tensor-parallel-size</c>). Must divide the
    /// GPUs available to the model. Default: every GPU available to the model (the instance's GPU count
    /// for an endpoint).
    /// </summary>
    public int? TensorParallelSize { get; init; }

    /// <summary>
    /// Longest context (prompt plus completion) in tokens (<c>--max-model-len</c>). Lower it when the KV
    /// cache of a full-length sequence does not fit. Default: the model's own maximum.
    /// </summary>
    public int? MaxModelLength { get; init; }

    /// <summary>Most sequences processed concurrently (<c>--max-num-seqs</c>). Default: vLLM's default (256 or more, by GPU).</summary>
    public int? MaxNumSeqs { get; init; }

    /// <summary>
    /// Share of each GPU's memory that vLLM may use for weights, activations and KV cache, above 0 and at
    /// most 1 (<c>--gpu-memory-utilization</c>). Default: 0.9 (vLLM's default).
    /// </summary>
    public double? GpuMemoryUtilization { get; init; }

    /// <summary>
    /// Let the model call tools (<c>--enable-auto-tool-choice</c> with <c>--tool-call-parser</c>).
    /// Default: true when a tool-call parser is known for the model or set in <see cref="ToolCallParser"/>.
    /// </summary>
    public bool? EnableToolCalling { get; init; }

    /// <summary>vLLM tool-call parser (<c>--tool-call-parser</c>). Default: the model's recommended parser.</summary>
    public string? ToolCallParser { get; init; }

    /// <summary>
    /// vLLM reasoning parser (<c>--reasoning-parser</c>), which moves the model's reasoning into the
    /// <c>reasoning_content</c> field. Default: the model's recommended parser; an empty string turns it off.
    /// </summary>
    public string? ReasoningParser { get; init; }

    /// <summary>
    /// Other vLLM flags, by name without the leading dashes (for example <c>enable-prefix-caching</c> or
    /// <c>kv-cache-dtype</c>). A null or empty value makes a bare flag; a JSON array string becomes several
    /// arguments. Default: none.
    /// </summary>
    public IReadOnlyDictionary<string, string?>? ExtraFlags { get; init; }

    /// <summary>
    /// Other container environment variables, set as they are (for example <c>VLLM_LOGGING_LEVEL</c>).
    /// Variables that the typed settings produce cannot be set here. Default: none.
    /// </summary>
    public IReadOnlyDictionary<string, string>? Environment { get; init; }

    /// <summary>
    /// Serve LoRA adapters on this model (<c>--enable-lora</c> and its limits), which adapter inference components attached
    /// to it need. Default: none (LoRA off).
    /// </summary>
    public LoraSettings? Lora { get; init; }

    /// <summary>Speculative decoding (<c>--speculative-config</c>). Default: none.</summary>
    public SpeculativeDecoding? SpeculativeDecoding { get; init; }

    /// <summary>vLLM's default for <see cref="GpuMemoryUtilization"/>.</summary>
    public const double DefaultGpuMemoryUtilization = 0.9;
}
