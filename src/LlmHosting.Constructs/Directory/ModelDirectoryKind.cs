namespace LlmHosting.Constructs.Directories;

/// <summary>
/// Where a model of the directory is served, which decides the door a client calls. The names are those of the
/// directory document (schema version 1) that <c>LlmHosting.Client</c> reads.
/// </summary>
public sealed class ModelDirectoryKind
{
    /// <summary>A single-model SageMaker endpoint (<c>/endpoints/&lt;endpoint&gt;/openai/v1</c>).</summary>
    public static readonly ModelDirectoryKind SageMakerEndpoint = new("sagemaker-endpoint", isSageMaker: true);

    /// <summary>A SageMaker inference component (<c>/endpoints/&lt;endpoint&gt;/inference-components/&lt;component&gt;/openai/v1</c>).</summary>
    public static readonly ModelDirectoryKind SageMakerInferenceComponent = new("sagemaker-inference-component", isSageMaker: true);

    /// <summary>A model imported with Bedrock Custom Model Import, called with InvokeModel and an OpenAI chat-completions body.</summary>
    public static readonly ModelDirectoryKind BedrockImported = new("bedrock-imported", isSageMaker: false);

    /// <summary>A Bedrock foundation model called on demand (Bedrock runtime's <c>/openai/v1</c>, and Mantle's Responses API where offered).</summary>
    public static readonly ModelDirectoryKind BedrockOnDemand = new("bedrock-on-demand", isSageMaker: false);

    private ModelDirectoryKind(string name, bool isSageMaker)
    {
        Name = name;
        IsSageMaker = isSageMaker;
    }

    /// <summary>Every kind.</summary>
    public static IReadOnlyList<ModelDirectoryKind> All { get; } = [SageMakerEndpoint, SageMakerInferenceComponent, BedrockImported, BedrockOnDemand];

    /// <summary>The name in the document, e.g. <c>bedrock-on-demand</c>.</summary>
    public string Name { get; }

    /// <summary>True for the SageMaker kinds.</summary>
    public bool IsSageMaker { get; }

    /// <summary>The kind with this name.</summary>
    /// <param name="name">A kind name.</param>
    /// <exception cref="ArgumentException">No kind has this name; the message lists the names.</exception>
    public static ModelDirectoryKind Of(string name)
        => All.FirstOrDefault(k => k.Name == name)
            ?? throw new ArgumentException($"Unknown model directory kind '{name}'. Known: {string.Join(", ", All)}.", nameof(name));

    /// <inheritdoc />
    public override string ToString() => Name;
}

/// <summary>How a client authenticates to a model of the directory (names as in the directory document).</summary>
public sealed class ModelDirectoryAuth
{
    /// <summary>A SageMaker bearer token (<c>sagemaker-api-key-...</c>); needs <c>sagemaker:CallWithBearerToken</c>.</summary>
    public static readonly ModelDirectoryAuth SageMakerBearerToken = new("sagemaker-bearer-token");

    /// <summary>A Bedrock short-term API key (<c>bedrock-api-key-...</c>); needs <c>bedrock:CallWithBearerToken</c>.</summary>
    public static readonly ModelDirectoryAuth BedrockApiKey = new("bedrock-api-key");

    /// <summary>AWS Signature Version 4, service <c>bedrock</c>.</summary>
    public static readonly ModelDirectoryAuth SigV4 = new("sigv4");

    private ModelDirectoryAuth(string name) => Name = name;

    /// <summary>Every authentication.</summary>
    public static IReadOnlyList<ModelDirectoryAuth> All { get; } = [SageMakerBearerToken, BedrockApiKey, SigV4];

    /// <summary>The name in the document, e.g. <c>sigv4</c>.</summary>
    public string Name { get; }

    /// <summary>The authentication with this name.</summary>
    /// <param name="name">An authentication name.</param>
    /// <exception cref="ArgumentException">No authentication has this name; the message lists the names.</exception>
    public static ModelDirectoryAuth Of(string name)
        => All.FirstOrDefault(a => a.Name == name)
            ?? throw new ArgumentException($"Unknown model directory auth '{name}'. Known: {string.Join(", ", All)}.", nameof(name));

    /// <summary>
    /// Whether a model of <paramref name="kind"/> accepts this authentication: SageMaker's <c>/openai/v1</c> path takes
    /// SageMaker bearer tokens; Bedrock runtime takes SigV4 or a Bedrock API key (botocore's bedrock-runtime model lists
    /// <c>aws.auth#sigv4</c> and <c>smithy.api#httpBearerAuth</c>). The client applies the same rule.
    /// </summary>
    /// <param name="kind">The kind.</param>
    public bool IsAcceptedBy(ModelDirectoryKind kind)
    {
        ArgumentNullException.ThrowIfNull(kind);
        return kind.IsSageMaker ? this == SageMakerBearerToken : this != SageMakerBearerToken;
    }

    /// <inheritdoc />
    public override string ToString() => Name;
}
