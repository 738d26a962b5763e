using System.CommandLine;
using LlmHosting.ModelValidation;
using LlmHosting.ModelValidation.Adapters;
using LlmHosting.ModelValidation.Drafts;

namespace LlmHosting.Cli.Commands;

/// <summary>
/// What <c>validate-model</c> checks a folder as: a model (the default), a LoRA adapter (recognised by its
/// <c>adapter_config.json</c> or <c>adapter.tar.gz</c>, or asked for with <c>--base-model</c>/<c>--max-lora-rank</c>,
/// checked against the base component those name), or a speculative draft model (<c>--draft</c>). The weights gate applies
/// the same validators during deployment.
/// </summary>
/// <param name="BaseModel">The model the adapter must have been trained on, or null.</param>
/// <param name="MaxLoraRank">The base component's maximum LoRA rank, or null.</param>
/// <param name="Draft">True to check a speculative draft model's folder.</param>
internal sealed record FolderCheck(string? BaseModel, int? MaxLoraRank, bool Draft)
{
    internal static FolderCheck None { get; } = new(null, null, false);

    private bool AsksForAdapter => BaseModel is not null || MaxLoraRank is not null;

    /// <summary>Checks <paramref name="folder"/>; returns the report and the line that says it is fit.</summary>
    internal async Task<(ModelFolderReport Report, string Verdict)> ValidateAsync(IReadableModelFolder folder, ModelFolderCheck modelCheck, bool inBucket, CancellationToken cancellationToken)
    {
        if (Draft)
        {
            return (await DraftModelFolderValidator.ValidateAsync(folder, cancellationToken).ConfigureAwait(false),
                "OK: the folder is a speculative decoding draft model vLLM can load (config.json and weights).");
        }

        if (AsksForAdapter || AdapterFolderValidator.IsAdapter(await folder.ListAsync(cancellationToken).ConfigureAwait(false)))
        {
            var report = await AdapterFolderValidator.ValidateAsync(folder, new AdapterExpectations(BaseModel, MaxLoraRank), requireArchive: inBucket, cancellationToken).ConfigureAwait(false);
            var against = AsksForAdapter
                ? $" on {BaseModel ?? "any base model"}{(MaxLoraRank is { } rank ? $" with a maximum rank of {rank}" : "")}"
                : " (pass --base-model and --max-lora-rank to check it against its base component)";
            return (report, $"OK: the folder is a LoRA adapter vLLM can serve{against}.");
        }

        return (await ModelFolderValidator.ValidateAsync(folder, modelCheck, cancellationToken).ConfigureAwait(false),
            modelCheck.Rules == ModelFolderRules.Bedrock
                ? "OK: the folder meets Bedrock Custom Model Import's requirements."
                : "OK: the folder meets the requirements of vLLM on SageMaker.");
    }

    /// <summary>The options that select an adapter's or a draft model's check.</summary>
    internal static (Option<string?> BaseModel, Option<int?> MaxLoraRank, Option<bool> Draft) Options()
    {
        var baseModel = new Option<string?>("--base-model")
        {
            Description = "Check a LoRA adapter against its base: the model base_model_name_or_path must name (the base component's Hugging Face id, for example Qwen/Qwen3-4B).",
        };
        var maxRank = new Option<int?>("--max-lora-rank")
        {
            Description = "Check a LoRA adapter against its base: the base component's maximum LoRA rank (vLLM's --max-lora-rank, 1-512).",
        };
        maxRank.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int?>() is { } value and (< 1 or > 512))
            {
                result.AddError($"--max-lora-rank {value} must be between 1 and 512.");
            }
        });
        var draft = new Option<bool>("--draft") { Description = "Check a speculative decoding draft model's folder (config.json and weights) instead of a model." };
        return (baseModel, maxRank, draft);
    }
}
