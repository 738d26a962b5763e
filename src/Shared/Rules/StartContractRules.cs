namespace LlmHosting.Rules;

/// <summary>A file the serving container reads at start, besides the weights, that must be in the weights folder.</summary>
/// <param name="Key">Its key in the weights folder, for example <c>tiktoken/o200k_base.tiktoken</c>.</param>
/// <param name="Sha256">The lower-case hex SHA-256 the reader checks and the publisher publishes.</param>
/// <param name="PublishedUrl">Where it is published, and where the container would download it from without the folder.</param>
/// <param name="Why">Who reads it, when, and the primary sources that say so.</param>
internal sealed record StartFileRule(string Key, string Sha256, string PublishedUrl, string Why);

/// <summary>An address the serving container would reach at start, and what keeps it from trying.</summary>
/// <param name="Address">The URL or host.</param>
/// <param name="What">What is fetched or sent there, and whether a failure stops the start.</param>
/// <param name="AvoidedBy">The variable or file that makes the container not try, with its source.</param>
internal sealed record StartAddressRule(string Address, string What, string AvoidedBy);

/// <summary>
/// What a model's serving container (the vLLM DLC) reads at start besides the weights, and which addresses it would
/// otherwise reach. Written once and compiled into the construct library (which puts the variables into the container
/// environment and tells the weights gate which files to require) and the model validation library (<c>llmhost</c>
/// and the weights gate, which check the folder).
/// </summary>
/// <param name="Name">The model family, for messages: <c>gpt-oss</c>.</param>
/// <param name="ModelTypes">The <c>model_type</c> values of <c>config.json</c> that identify the family.</param>
/// <param name="ModelNames">The catalog names (<c>KnownModel</c>) of the family's models, as <c>llmhost --model</c> takes them.</param>
/// <param name="Files">The files that must be in the weights folder.</param>
/// <param name="Environment">Variables that point the container at those files or keep it from the network (network-isolated models).</param>
/// <param name="Addresses">Addresses the container would reach at start without the files and variables.</param>
internal sealed record StartContractRule(
    string Name,
    IReadOnlyList<string> ModelTypes,
    IReadOnlyList<string> ModelNames,
    IReadOnlyList<StartFileRule> Files,
    IReadOnlyDictionary<string, string> Environment,
    IReadOnlyList<StartAddressRule> Addresses);

/// <summary>The start contract of each model family the library knows.</summary>
internal static class StartContractRules
{
    /// <summary>Where SageMaker mounts an uncompressed S3 prefix in the container.</summary>
    internal const string ModelMountPath = "/opt/ml/model";

    /// <summary>The folder of the weights folder that holds tiktoken vocabularies: <c>TIKTOKEN_ENCODINGS_BASE</c> points there.</summary>
    internal const string TiktokenFolder = "tiktoken";

    /// <summary>Where OpenAI publishes the tiktoken vocabularies (tiktoken <c>tiktoken_ext/openai_public.py</c>, harmony <c>DEFAULT_TIKTOKEN_BASE_URL</c>).</summary>
    internal const string TiktokenBaseUrl = "https://openaipublic.blob.core.windows.net/encodings/";

    /// <summary>
    /// SHA-256 of <c>o200k_base.tiktoken</c>: <c>expected_hash</c> in openai/tiktoken <c>tiktoken_ext/openai_public.py</c>
    /// (<c>o200k_base()</c>), and the hash openai/harmony <c>src/tiktoken_ext/public_encodings.rs</c> (<c>expected_hash</c> of
    /// <c>O200kHarmony</c>) checks when it reads the file from <c>TIKTOKEN_ENCODINGS_BASE</c>.
    /// </summary>
    internal const string O200kBaseSha256 = "446a9538cb6c348e3516120d7c08b09f57c36495e2acfffe59a5bf8b0cfb1a2d";

    /// <summary>Variables every network-isolated vLLM container gets, each avoiding a start-time network attempt.</summary>
    private static readonly Dictionary<string, string> IsolatedEnvironment = new(StringComparer.Ordinal)
    {
        // huggingface_hub: "HF_HUB_OFFLINE: If set, no HTTP calls will be made to the Hugging Face Hub" (huggingface_hub docs,
        // package_reference/environment_variables); vLLM's own offline test (tests/entrypoints/offline_mode) starts with it.
        ["HF_HUB_OFFLINE"] = "1",
        // vLLM vllm/usage/usage_lib.py: is_usage_stats_enabled() is false with VLLM_NO_USAGE_STATS=1; otherwise a thread posts to
        // VLLM_USAGE_STATS_SERVER (https://stats.vllm.ai) at start and every 10 minutes.
        ["VLLM_NO_USAGE_STATS"] = "1",
    };

    private static readonly StartAddressRule HuggingFaceHub = new(
        "https://huggingface.co",
        "Hugging Face Hub look-ups of transformers and huggingface_hub; the model is a local folder (SM_VLLM_MODEL=/opt/ml/model), so none is needed",
        "HF_HUB_OFFLINE=1 (huggingface_hub docs, environment variables)");

    private static readonly StartAddressRule VllmUsageStats = new(
        "https://stats.vllm.ai",
        "vLLM usage statistics, posted by a background thread; a failure is ignored (vllm/usage/usage_lib.py)",
        "VLLM_NO_USAGE_STATS=1 (vllm/usage/usage_lib.py is_usage_stats_enabled)");

    private static readonly StartAddressRule DlcTelemetry = new(
        "http://169.254.169.254 and https://aws-deep-learning-containers-<region>.s3.<region>.amazonaws.com",
        "the DLC's own telemetry, started in the background by its entrypoint with output discarded and short time-outs; a failure is ignored (aws/deep-learning-containers scripts/docker/vllm/sagemaker_entrypoint.sh, scripts/docker/telemetry/)",
        "OPT_OUT_TRACKING=true (scripts/docker/telemetry/bash_telemetry.sh.template); left to the user: it does not block the start");

    /// <summary>
    /// gpt-oss (20b, 120b): vLLM renders and parses the Harmony format with <c>openai-harmony</c>, whose
    /// <c>load_harmony_encoding(HARMONY_GPT_OSS)</c> loads the <c>o200k_base</c> vocabulary.
    /// </summary>
    internal static readonly StartContractRule GptOss = new(
        "gpt-oss",
        ["gpt_oss"],
        ["gpt-oss-20b", "gpt-oss-120b"],
        [
            new StartFileRule(
                $"{TiktokenFolder}/o200k_base.tiktoken",
                O200kBaseSha256,
                TiktokenBaseUrl + "o200k_base.tiktoken",
                "openai-harmony's gpt-oss encoding (o200k_harmony) is built from o200k_base.tiktoken (openai/harmony src/registry.rs "
                + "load_harmony_encoding; src/tiktoken_ext/public_encodings.rs Encoding::load reads $TIKTOKEN_ENCODINGS_BASE/o200k_base.tiktoken "
                + "and checks its SHA-256, else downloads it); vLLM loads it when it builds its OpenAI serving classes for model_type gpt_oss "
                + "(vllm/entrypoints/openai/parser/harmony_utils.py get_encoding). cl100k_base is not read: harmony's registry loads no "
                + "other encoding for gpt-oss (since its first release)"),
        ],
        new Dictionary<string, string>(IsolatedEnvironment, StringComparer.Ordinal)
        {
            ["TIKTOKEN_ENCODINGS_BASE"] = $"{ModelMountPath}/{TiktokenFolder}",
        },
        [
            new StartAddressRule(
                TiktokenBaseUrl + "o200k_base.tiktoken",
                "the Harmony vocabulary; without it the container cannot serve gpt-oss (openai_harmony.HarmonyError: error downloading or loading vocab file)",
                "TIKTOKEN_ENCODINGS_BASE naming a folder that holds the file (openai/harmony src/tiktoken_ext/public_encodings.rs; vLLM recipes OpenAI/GPT-OSS.md, Troubleshooting)"),
            HuggingFaceHub,
            VllmUsageStats,
            DlcTelemetry,
        ]);

    /// <summary>Any other model vLLM loads from a local Hugging Face folder: nothing beyond the folder's own files.</summary>
    internal static readonly StartContractRule HuggingFaceFolder = new(
        "Hugging Face folder",
        [],
        ["Qwen3-4B"],
        [],
        IsolatedEnvironment,
        [HuggingFaceHub, VllmUsageStats, DlcTelemetry]);

    /// <summary>Every contract with files, in the order messages list them.</summary>
    internal static IReadOnlyList<StartContractRule> WithFiles { get; } = [GptOss];

    /// <summary>Every contract.</summary>
    internal static IReadOnlyList<StartContractRule> All { get; } = [GptOss, HuggingFaceFolder];

    /// <summary>The contract of a catalog model name (case-insensitive), or null for a name outside the catalog.</summary>
    internal static StartContractRule? ForModelName(string name)
        => All.FirstOrDefault(c => c.ModelNames.Contains(name, StringComparer.OrdinalIgnoreCase));

    /// <summary>The contract of a <c>model_type</c> of <c>config.json</c>; <see cref="HuggingFaceFolder"/> for any other.</summary>
    internal static StartContractRule ForModelType(string? modelType)
        => WithFiles.FirstOrDefault(c => modelType is not null && c.ModelTypes.Contains(modelType, StringComparer.Ordinal)) ?? HuggingFaceFolder;
}
