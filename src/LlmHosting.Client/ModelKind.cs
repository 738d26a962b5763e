namespace LlmHosting.Client;

/// <summary>
/// Where a model of the directory is served, which decides the door a client calls: a SageMaker <c>/openai/v1</c>
/// path, Bedrock runtime's <c>/openai/v1</c> path, or Bedrock <c>InvokeModel</c> with an OpenAI-format body.
/// </summary>
public sealed class ModelKind
{
    /// <summary>A single-model SageMaker endpoint, called on its <c>/endpoints/&lt;endpoint&gt;/openai/v1</c> path.</summary>
    public static readonly ModelKind SageMakerEndpoint = new("sagemaker-endpoint", isSageMaker: true);

    /// <summary>
    /// A SageMaker inference component, called on <c>/endpoints/&lt;endpoint&gt;/inference-components/&lt;component&gt;/openai/v1</c>;
    /// it may scale to zero copies.
    /// </summary>
    public static readonly ModelKind SageMakerInferenceComponent = new("sagemaker-inference-component", isSageMaker: true);

    /// <summary>
    /// A model imported with Bedrock Custom Model Import: no <c>/openai/v1</c> path; called with <c>InvokeModel</c>
    /// (or <c>InvokeModelWithResponseStream</c>) and an OpenAI chat-completions body. Bedrock evicts it when idle.
    /// </summary>
    public static readonly ModelKind BedrockImported = new("bedrock-imported", isSageMaker: false);

    /// <summary>
    /// A Bedrock foundation model such as <c>openai.gpt-oss-120b-1:0</c>: Chat Completions on Bedrock runtime's
    /// <c>/openai/v1</c> path, and the Responses API on the Mantle endpoint where offered.
    /// </summary>
    public static readonly ModelKind BedrockOnDemand = new("bedrock-on-demand", isSageMaker: false);

    private ModelKind(string name, bool isSageMaker)
    {
        Name = name;
        IsSageMaker = isSageMaker;
    }

    /// <summary>Every kind, in the order the directory documents them.</summary>
    public static IReadOnlyList<ModelKind> All { get; } = [SageMakerEndpoint, SageMakerInferenceComponent, BedrockImported, BedrockOnDemand];

    /// <summary>The name used in the directory document, e.g. <c>bedrock-on-demand</c>.</summary>
    public string Name { get; }

    /// <summary>True for the SageMaker kinds, false for the Bedrock kinds.</summary>
    public bool IsSageMaker { get; }

    /// <summary>Returns the kind with this exact name, or null when there is none.</summary>
    public static ModelKind? Find(string? name) => All.FirstOrDefault(kind => kind.Name == name);

    /// <inheritdoc />
    public override string ToString() => Name;
}

/// <summary>How a client authenticates to a model of the directory.</summary>
public sealed class ModelAuth
{
    /// <summary>A SageMaker bearer token (<c>sagemaker-api-key-...</c>), made by <see cref="BearerTokenGenerator"/>.</summary>
    public static readonly ModelAuth SageMakerBearerToken = new("sagemaker-bearer-token");

    /// <summary>A Bedrock short-term API key (<c>bedrock-api-key-...</c>), made by <see cref="BearerTokenGenerator"/>.</summary>
    public static readonly ModelAuth BedrockApiKey = new("bedrock-api-key");

    /// <summary>An AWS Signature Version 4 on every request, service <c>bedrock</c>, in the model's region.</summary>
    public static readonly ModelAuth SigV4 = new("sigv4");

    private ModelAuth(string name) => Name = name;

    /// <summary>Every authentication, in the order the directory documents them.</summary>
    public static IReadOnlyList<ModelAuth> All { get; } = [SageMakerBearerToken, BedrockApiKey, SigV4];

    /// <summary>The name used in the directory document, e.g. <c>sigv4</c>.</summary>
    public string Name { get; }

    /// <summary>Returns the authentication with this exact name, or null when there is none.</summary>
    public static ModelAuth? Find(string? name) => All.FirstOrDefault(auth => auth.Name == name);

    /// <summary>
    /// Whether a model of <paramref name="kind"/> accepts this authentication: SageMaker's <c>/openai/v1</c> path
    /// takes SageMaker bearer tokens; Bedrock runtime takes SigV4 (service <c>bedrock</c>) or a Bedrock API key
    /// (botocore's bedrock-runtime model lists <c>aws.auth#sigv4</c> and <c>smithy.api#httpBearerAuth</c>).
    /// </summary>
    public bool IsAcceptedBy(ModelKind kind)
    {
        ArgumentNullException.ThrowIfNull(kind);
        return kind.IsSageMaker ? this == SageMakerBearerToken : this != SageMakerBearerToken;
    }

    /// <inheritdoc />
    public override string ToString() => Name;
}
