using Amazon.CDK.AWS.IAM;

namespace LlmHosting.Constructs.Access;

/// <summary>
/// Something clients reach through SageMaker's OpenAI-compatible API: a whole endpoint or one inference
/// component of an endpoint.
/// </summary>
public interface IOpenAiEndpoint
{
    /// <summary>Name of the SageMaker endpoint.</summary>
    string EndpointName { get; }

    /// <summary>ARN of the SageMaker endpoint (names are lower-case in ARNs).</summary>
    string EndpointArn { get; }

    /// <summary>
    /// Base URL for OpenAI clients, for example
    /// <c>https://runtime.sagemaker.us-east-1.amazonaws.com/endpoints/&lt;name&gt;/openai/v1</c>.
    /// </summary>
    string OpenAiBaseUrl { get; }

    /// <summary>
    /// Grants <see cref="InvokeActions.Invoke"/> (<c>sagemaker:InvokeEndpoint</c> and
    /// <c>sagemaker:InvokeEndpointWithResponseStream</c>) on this endpoint only: enough for SigV4-signed calls.
    /// </summary>
    /// <param name="grantee">The principal to grant to.</param>
    Grant GrantInvoke(IGrantable grantee);

    /// <summary>
    /// Grants <see cref="GrantInvoke"/> plus <see cref="InvokeActions.BearerToken"/>
    /// (<c>sagemaker:CallWithBearerToken</c> on <c>*</c>, the action supports no narrower resource), so that
    /// the grantee can create bearer tokens for OpenAI clients.
    /// </summary>
    /// <param name="grantee">The principal to grant to.</param>
    Grant GrantInvokeOpenAi(IGrantable grantee);
}
