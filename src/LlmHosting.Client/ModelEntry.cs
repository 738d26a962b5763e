namespace LlmHosting.Client;

/// <summary>One model of a <see cref="ModelDirectory"/>: everything a client needs to call it.</summary>
public sealed class ModelEntry
{
    /// <summary>The name a client asks for, unique in its directory (e.g. <c>gpt-oss-20b</c>).</summary>
    public required string Name { get; init; }

    /// <summary>Where the model is served, which decides the door a client calls.</summary>
    public required ModelKind Kind { get; init; }

    /// <summary>The AWS region of the model, e.g. <c>us-east-1</c>; tokens and signatures are made for it.</summary>
    public required string Region { get; init; }

    /// <summary>
    /// The OpenAI <c>model</c> value to send: the served model name on SageMaker, the model id on Bedrock
    /// (<c>openai.gpt-oss-120b-1:0</c>), or the imported model's ARN.
    /// </summary>
    public required string ModelId { get; init; }

    /// <summary>The OpenAI base URL for Chat Completions (ends with <c>/openai/v1</c>); null for imported Bedrock models.</summary>
    public Uri? ChatCompletionsBaseUrl { get; init; }

    /// <summary>
    /// The OpenAI base URL of the Responses API (Bedrock's Mantle endpoint, <c>https://bedrock-mantle.&lt;region&gt;.api.aws/v1</c>),
    /// or null where the door does not offer it.
    /// </summary>
    public Uri? ResponsesBaseUrl { get; init; }

    /// <summary>
    /// The <c>model</c> value of the Responses API when it differs from <see cref="ModelId"/>, as written in the directory;
    /// null otherwise. Mantle names models without Bedrock runtime's version suffix (<c>openai.gpt-oss-120b</c>, not
    /// <c>openai.gpt-oss-120b-1:0</c>). Send <see cref="ResponsesModel"/>, which falls back to <see cref="ModelId"/>.
    /// </summary>
    public string? ResponsesModelId { get; init; }

    /// <summary>The <c>model</c> value to send in Responses API calls: <see cref="ResponsesModelId"/> when set, else <see cref="ModelId"/>.</summary>
    public string ResponsesModel => ResponsesModelId ?? ModelId;

    /// <summary>Bedrock runtime's endpoint for <c>InvokeModel</c> (imported models only), e.g. <c>https://bedrock-runtime.us-east-1.amazonaws.com</c>.</summary>
    public Uri? RuntimeEndpoint { get; init; }

    /// <summary>How a client authenticates.</summary>
    public required ModelAuth Auth { get; init; }

    /// <summary>
    /// True when the first request after idle may be refused while the model starts: an inference component that
    /// scales to zero, or an imported model that Bedrock evicted.
    /// </summary>
    public required bool MayBeCold { get; init; }

    /// <summary>A note for people (e.g. what to expect from a cold start), or null.</summary>
    public string? Note { get; init; }
}
