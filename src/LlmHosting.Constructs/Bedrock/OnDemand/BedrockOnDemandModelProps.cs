namespace LlmHosting.Constructs.Bedrock.OnDemand;

/// <summary>Properties of a <see cref="BedrockOnDemandModel"/>.</summary>
public sealed class BedrockOnDemandModelProps
{
    /// <summary>
    /// The model: a catalog model (<see cref="BedrockFoundationModel.GptOss120b"/>, <see cref="BedrockFoundationModel.Of"/>)
    /// or <see cref="BedrockFoundationModel.Custom"/>. It must be offered in the stack's region.
    /// </summary>
    public required BedrockFoundationModel Model { get; init; }

    /// <summary>
    /// Whether callers may use the OpenAI Responses API on Bedrock's Mantle endpoint
    /// (<c>https://bedrock-mantle.&lt;region&gt;.api.aws/v1</c>). Mantle authorizes per project, not per model
    /// (<c>bedrock-mantle:CreateInference</c> on <c>project</c>, Service Authorization Reference), so turning this on
    /// lets a grantee call every model Mantle serves in the region; the model must be served there. Default: false
    /// (Chat Completions on Bedrock runtime's <c>/openai/v1</c> path only).
    /// </summary>
    public bool? ResponsesApi { get; init; }
}
