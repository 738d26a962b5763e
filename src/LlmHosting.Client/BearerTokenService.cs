namespace LlmHosting.Client;

/// <summary>
/// The AWS service a bearer token is made for: where its presigned <c>CallWithBearerToken</c> request points,
/// which service name signs it and which prefix marks the token.
/// </summary>
public sealed class BearerTokenService
{
    /// <summary>
    /// SageMaker bearer tokens, accepted by the OpenAI-compatible <c>/openai/v1</c> path of SageMaker endpoints
    /// and inference components (<c>sagemaker-api-key-...</c>, as made by the SageMaker Python SDK's
    /// <c>generate_token</c>).
    /// </summary>
    public static readonly BearerTokenService SageMaker = new("sagemaker", "sagemaker.amazonaws.com", "sagemaker-api-key-");

    /// <summary>
    /// Amazon Bedrock short-term API keys (<c>bedrock-api-key-...</c>, as made by
    /// <c>aws-bedrock-token-generator</c>).
    /// </summary>
    public static readonly BearerTokenService Bedrock = new("bedrock", "bedrock.amazonaws.com", "bedrock-api-key-");

    private BearerTokenService(string signingName, string host, string tokenPrefix)
    {
        SigningName = signingName;
        Host = host;
        TokenPrefix = tokenPrefix;
    }

    /// <summary>The service name in the SigV4 credential scope (<c>sagemaker</c>, <c>bedrock</c>).</summary>
    public string SigningName { get; }

    /// <summary>The global host of the presigned request; the region appears only in the credential scope.</summary>
    public string Host { get; }

    /// <summary>The prefix in front of the base64-encoded presigned URL.</summary>
    public string TokenPrefix { get; }

    /// <summary>Returns the service for a name: <c>sagemaker</c> or <c>bedrock</c> (case-insensitive).</summary>
    /// <exception cref="ArgumentException">The name is neither.</exception>
    public static BearerTokenService Of(string name) => name?.Trim().ToLowerInvariant() switch
    {
        "sagemaker" => SageMaker,
        "bedrock" => Bedrock,
        _ => throw new ArgumentException($"Unknown bearer token service '{name}'. Allowed: sagemaker, bedrock.", nameof(name)),
    };

    /// <inheritdoc />
    public override string ToString() => SigningName;
}
