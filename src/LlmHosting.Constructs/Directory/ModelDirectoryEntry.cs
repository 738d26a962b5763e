using Amazon.CDK;
using Constructs;
using LlmHosting.Constructs.Bedrock;
using LlmHosting.Constructs.Bedrock.OnDemand;
using LlmHosting.Constructs.Sagemaker;
using LlmHosting.Constructs.Sagemaker.Components;

namespace LlmHosting.Constructs.Directories;

/// <summary>
/// One model of a <see cref="ModelDirectory"/>: what a client needs to call it. Make it from a construct
/// (<see cref="ForServedModel"/>, <see cref="ForImportedModel"/>, <see cref="ForOnDemandModel"/>) or set the fields for a
/// model made elsewhere. Values may be tokens (an imported model's ARN is only known at deploy time).
/// </summary>
public sealed class ModelDirectoryEntry
{
    /// <summary>The note of a component that scales to zero.</summary>
    public const string ScaleToZeroNote = "Scales to zero: the first request after idle fails until a copy has started (minutes); retry.";

    /// <summary>The note of an imported Bedrock model.</summary>
    public const string EvictionNote = "Bedrock unloads an idle imported model: the first request after idle fails with ModelNotReadyException until it is loaded again; retry.";

    /// <summary>The name a client asks for, unique in the directory, e.g. <c>gpt-oss-20b</c>.</summary>
    public required string Name { get; init; }

    /// <summary>Where the model is served.</summary>
    public required ModelDirectoryKind Kind { get; init; }

    /// <summary>The model's region, e.g. <c>us-east-1</c>.</summary>
    public required string Region { get; init; }

    /// <summary>The OpenAI <c>model</c> value: the served model name on SageMaker, the model id on Bedrock, the imported model's ARN.</summary>
    public required string ModelId { get; init; }

    /// <summary>The OpenAI base URL for Chat Completions (ends with <c>/openai/v1</c>). Required except for <see cref="ModelDirectoryKind.BedrockImported"/>.</summary>
    public string? ChatCompletionsBaseUrl { get; init; }

    /// <summary>The OpenAI base URL of the Responses API (Bedrock on-demand models on Mantle only). Default: none.</summary>
    public string? ResponsesBaseUrl { get; init; }

    /// <summary>
    /// The <c>model</c> value for the Responses API when it differs from <see cref="ModelId"/> (Mantle names gpt-oss
    /// <c>openai.gpt-oss-120b</c>, Bedrock runtime <c>openai.gpt-oss-120b-1:0</c>). Written as <c>responsesModelId</c>,
    /// a field that readers of schema version 1 that predate it ignore. Default: none.
    /// </summary>
    public string? ResponsesModelId { get; init; }

    /// <summary>Bedrock runtime's endpoint for InvokeModel (imported models only), e.g. <c>https://bedrock-runtime.us-east-1.amazonaws.com</c>.</summary>
    public string? RuntimeEndpoint { get; init; }

    /// <summary>How a client authenticates; must suit <see cref="Kind"/>.</summary>
    public required ModelDirectoryAuth Auth { get; init; }

    /// <summary>True when the first request after idle may be refused while the model starts.</summary>
    public required bool MayBeCold { get; init; }

    /// <summary>A note for people. Default: none.</summary>
    public string? Note { get; init; }

    /// <summary>
    /// The entry of a SageMaker endpoint or inference component: its <c>/openai/v1</c> base URL, SageMaker bearer tokens,
    /// cold when it is a component that scales to zero.
    /// </summary>
    /// <param name="model">A <see cref="VllmEndpoint"/>, an <see cref="InferenceComponent"/>, an <see cref="AdapterComponent"/> (cold when its base is), or one made elsewhere.</param>
    /// <param name="name">The name clients ask for. Default: the model id.</param>
    /// <param name="modelId">The served model name (<c>SM_VLLM_SERVED_MODEL_NAME</c>). Default: the construct's served model name; required for a model made elsewhere.</param>
    /// <param name="mayBeCold">Whether it may be cold. Default: true for a component with a minimum of 0 copies or made elsewhere, false for an endpoint.</param>
    /// <exception cref="ArgumentException">The model id is unknown and not given.</exception>
    public static ModelDirectoryEntry ForServedModel(IServedModel model, string? name = null, string? modelId = null, bool? mayBeCold = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        var id = modelId ?? (model as ServedModel)?.ServedModelName;
        if (string.IsNullOrEmpty(id))
        {
            throw new ArgumentException(
                $"The served model name of endpoint {model.EndpointName} is unknown (a model made elsewhere): pass modelId, the SM_VLLM_SERVED_MODEL_NAME it serves.",
                nameof(modelId));
        }

        var component = model as IInferenceComponentModel;
        var cold = mayBeCold ?? model switch
        {
            InferenceComponent made => made.MinCopyCount == 0,
            AdapterComponent adapter => adapter.Base.MinCopyCount == 0,
            IInferenceComponentModel => true,
            _ => false,
        };
        return new ModelDirectoryEntry
        {
            Name = name ?? id,
            Kind = component is null ? ModelDirectoryKind.SageMakerEndpoint : ModelDirectoryKind.SageMakerInferenceComponent,
            Region = RegionOf(model),
            ModelId = id,
            ChatCompletionsBaseUrl = model.OpenAiBaseUrl,
            Auth = ModelDirectoryAuth.SageMakerBearerToken,
            MayBeCold = cold,
            Note = cold && component is not null ? ScaleToZeroNote : null,
        };
    }

    /// <summary>
    /// The entry of a model imported into Bedrock: its ARN as the model id, Bedrock runtime's endpoint for InvokeModel,
    /// SigV4, and cold (Bedrock unloads idle imported models).
    /// </summary>
    /// <param name="import">The import.</param>
    /// <param name="name">The name clients ask for.</param>
    public static ModelDirectoryEntry ForImportedModel(BedrockModelImport import, string name)
    {
        ArgumentNullException.ThrowIfNull(import);
        var region = Stack.Of(import).Region;
        return new ModelDirectoryEntry
        {
            Name = name,
            Kind = ModelDirectoryKind.BedrockImported,
            Region = region,
            ModelId = import.ImportedModelArn,
            RuntimeEndpoint = $"https://bedrock-runtime.{region}.{Partitions.UrlSuffix(import)}",
            Auth = ModelDirectoryAuth.SigV4,
            MayBeCold = true,
            Note = EvictionNote,
        };
    }

    /// <summary>
    /// The entry of a Bedrock foundation model called on demand: Bedrock runtime's <c>/openai/v1</c>, Mantle's Responses
    /// API when the model offers it, never cold.
    /// </summary>
    /// <param name="model">The model.</param>
    /// <param name="allowBearerKeys">Whether callers use Bedrock API keys (as granted by <see cref="BedrockOnDemandModel.GrantInvoke"/>); otherwise SigV4.</param>
    /// <param name="name">The name clients ask for. Default: the catalog's short name, e.g. <c>gpt-oss-120b</c>.</param>
    public static ModelDirectoryEntry ForOnDemandModel(BedrockOnDemandModel model, bool allowBearerKeys, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        return new ModelDirectoryEntry
        {
            Name = name ?? model.Model.Name,
            Kind = ModelDirectoryKind.BedrockOnDemand,
            Region = model.Region,
            ModelId = model.ModelId,
            ChatCompletionsBaseUrl = model.ChatCompletionsBaseUrl,
            ResponsesBaseUrl = model.ResponsesBaseUrl,
            ResponsesModelId = model.ResponsesModelId == model.ModelId ? null : model.ResponsesModelId,
            Auth = allowBearerKeys ? ModelDirectoryAuth.BedrockApiKey : ModelDirectoryAuth.SigV4,
            MayBeCold = false,
        };
    }

    private static string RegionOf(IServedModel model) => model is IConstruct construct
        ? Stack.Of(construct).Region
        : throw new ArgumentException($"Endpoint {model.EndpointName} is not a construct, so its region is unknown: make the entry with the region set.", nameof(model));
}
