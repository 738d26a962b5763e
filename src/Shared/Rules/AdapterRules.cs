namespace LlmHosting.Rules;

/// <summary>
/// How a LoRA adapter is laid out for an adapter inference component, written once and compiled into the construct library
/// (the artifact URL) and the model validation library (<c>llmhost</c> and the weights gate).
/// </summary>
/// <remarks>
/// SageMaker reads an adapter component's artifact from <c>Container.ArtifactUrl</c>, which "must point to a single gzip
/// compressed tar archive (.tar.gz suffix)" (botocore's SageMaker model, <c>InferenceComponentContainerSpecification</c>);
/// aws/model-hosting-container-standards (<c>docs/sagemaker/05_lora_adapter_management.md</c>) packs the adapter's files at
/// the root of that archive. The files are PEFT's: <c>adapter_config.json</c> and <c>adapter_model.safetensors</c>.
/// </remarks>
internal static class AdapterRules
{
    /// <summary>The archive SageMaker reads, at the root of the adapter's prefix.</summary>
    internal const string ArchiveFileName = "adapter.tar.gz";

    /// <summary>PEFT's adapter configuration.</summary>
    internal const string ConfigFile = "adapter_config.json";

    /// <summary>PEFT's adapter weights in safetensors format.</summary>
    internal const string WeightsFile = "adapter_model.safetensors";

    /// <summary>
    /// True when <paramref name="actual"/> (<c>base_model_name_or_path</c> of an adapter) names the model
    /// <paramref name="expected"/>: the same Hugging Face id, or the same last path segment, compared without regard to case
    /// (an adapter trained on a local copy or a mirror names <c>/models/Qwen3-4B</c> or <c>unsloth/Qwen3-4B</c>).
    /// </summary>
    internal static bool BaseModelMatches(string expected, string? actual)
    {
        if (string.IsNullOrWhiteSpace(actual))
        {
            return false;
        }

        return string.Equals(expected.Trim(), actual.Trim(), StringComparison.OrdinalIgnoreCase)
            || string.Equals(LastSegment(expected), LastSegment(actual), StringComparison.OrdinalIgnoreCase);
    }

    private static string LastSegment(string name) => name.Trim().TrimEnd('/').Split('/', '\\')[^1];
}
