using Constructs;
using LlmHosting.Constructs.Weights;

namespace LlmHosting.Constructs.Sagemaker;

/// <summary>The LoRA and speculative decoding settings of a <see cref="VllmModelDefinition"/>: their problems and the draft model's check.</summary>
internal sealed partial class VllmModelDefinition
{
    private const string LoraProperty = nameof(VllmServingOptions.Vllm) + "." + nameof(VllmSettings.Lora);
    private const string SpeculativeProperty = nameof(VllmServingOptions.Vllm) + "." + nameof(VllmSettings.SpeculativeDecoding);

    /// <summary>The problems of <see cref="VllmSettings.Lora"/> and <see cref="VllmSettings.SpeculativeDecoding"/>.</summary>
    private IEnumerable<(string Property, string Message)> FeatureProblems(Func<string, string> p)
    {
        foreach (var problem in Settings.Lora?.Problems(LoraProperty, p) ?? [])
        {
            yield return problem;
        }

        if (Settings.SpeculativeDecoding is not { } speculative)
        {
            yield break;
        }

        var bucket = Source as BucketModelSource;
        foreach (var problem in speculative.Problems(SpeculativeProperty, p, bucket is not null))
        {
            yield return problem;
        }

        // With the upload's manifest, a draft folder that was never uploaded is known at synthesis.
        if (bucket?.Check.ExpectedFiles is { } files && speculative.NormalizedFolder is { } folder
            && !files.Any(f => f.Key.StartsWith(folder, StringComparison.Ordinal)))
        {
            var property = $"{SpeculativeProperty}.{nameof(SpeculativeDecoding.DraftModelFolder)}";
            yield return (property, $"{p(property)} '{folder}' is missing from the weights manifest of {bucket.Prefix} (no object under {bucket.Prefix}{folder}): upload the draft model there, then the manifest again");
        }
    }

    /// <summary>
    /// The check of the speculative draft model's folder, which the model must wait for, or null when there is no draft
    /// folder or the weights check is off. The folder lies under the model's prefix, so the model's own fingerprint already
    /// changes with its content.
    /// </summary>
    private WeightsGate? DraftModelGate(Construct scope)
    {
        if (Source is not BucketModelSource bucket || bucket.Check.Enabled == false || Settings.SpeculativeDecoding?.NormalizedFolder is not { } folder)
        {
            return null;
        }

        var gate = WeightsGate.For(scope, bucket.Bucket, bucket.Prefix + folder);
        gate.RequireKind(WeightsFolderKind.SpeculativeDraft);
        return gate;
    }
}
