using System.Globalization;
using System.Text.Json.Nodes;
using LlmHosting.ModelValidation;
using LlmHosting.ModelValidation.Adapters;
using LlmHosting.ModelValidation.Drafts;

namespace LlmHosting.Lambda.WeightsGate;

/// <summary>
/// What the checked folder holds, from the resource's optional <c>FolderKind</c> property (the construct's
/// <c>WeightsFolderKind</c>): a model (the default, checked with <c>Rules</c>), a LoRA adapter (<c>LoraAdapter</c>, with
/// <c>Adapter: {BaseModel, MaxLoraRank}</c>) or a speculative draft model (<c>SpeculativeDraft</c>).
/// </summary>
internal sealed record FolderKinds(string Kind, AdapterExpectations? Adapter)
{
    internal const string Model = "Model";
    internal const string LoraAdapter = "LoraAdapter";
    internal const string SpeculativeDraft = "SpeculativeDraft";

    /// <summary>Reads the kind of the folder from the resource properties.</summary>
    internal static FolderKinds Of(JsonObject properties)
    {
        var kind = (string?)properties["FolderKind"] ?? Model;
        switch (kind)
        {
            case Model or SpeculativeDraft:
                return new FolderKinds(kind, null);
            case LoraAdapter:
                var adapter = properties["Adapter"] as JsonObject ?? throw new ArgumentException("FolderKind LoraAdapter needs the Adapter property.");
                var rank = (string?)adapter["MaxLoraRank"];
                return new FolderKinds(kind, new AdapterExpectations(
                    (string?)adapter["BaseModel"] ?? throw new ArgumentException("Adapter has no BaseModel."),
                    int.TryParse(rank, NumberStyles.None, CultureInfo.InvariantCulture, out var max) ? max : throw new ArgumentException($"Adapter.MaxLoraRank '{rank}' is not a whole number.")));
            default:
                throw new ArgumentException($"FolderKind '{kind}' is not one of {Model}, {LoraAdapter}, {SpeculativeDraft}.");
        }
    }

    /// <summary>Checks the folder as what it holds.</summary>
    internal Task<ModelFolderReport> ValidateAsync(S3ModelFolder folder, ModelFolderCheck check, CancellationToken cancellationToken) => Kind switch
    {
        LoraAdapter => AdapterFolderValidator.ValidateAsync(folder, Adapter!, requireArchive: true, cancellationToken),
        SpeculativeDraft => DraftModelFolderValidator.ValidateAsync(folder, cancellationToken),
        _ => ModelFolderValidator.ValidateAsync(folder, check, cancellationToken),
    };

    /// <summary>What the folder is not ready for, in the failure message.</summary>
    internal string Purpose(ModelFolderRules rules) => Kind switch
    {
        LoraAdapter => $"a LoRA adapter of {Adapter!.BaseModel} (maximum rank {Adapter.MaxRank})",
        SpeculativeDraft => "a speculative decoding draft model",
        _ => rules.ToString(),
    };

    /// <summary>The <c>llmhost validate-model</c> options that check the folder the same way.</summary>
    internal string ValidateOptions(ModelFolderRules rules) => Kind switch
    {
        LoraAdapter => string.Create(CultureInfo.InvariantCulture, $"--base-model {Adapter!.BaseModel} --max-lora-rank {Adapter.MaxRank}"),
        SpeculativeDraft => "--draft",
        _ => $"--for {rules.ToString().ToLowerInvariant()}",
    };
}
