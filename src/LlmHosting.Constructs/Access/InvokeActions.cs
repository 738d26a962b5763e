using Amazon.CDK.AWS.IAM;

namespace LlmHosting.Constructs.Access;

/// <summary>The IAM actions behind the invoke grants, shared by every <see cref="IOpenAiEndpoint"/>.</summary>
public static class InvokeActions
{
    /// <summary>
    /// Invoking an endpoint: <c>sagemaker:InvokeEndpoint</c>, and <c>sagemaker:InvokeEndpointWithResponseStream</c>
    /// for streamed responses (<c>"stream": true</c> in OpenAI requests).
    /// </summary>
    public static readonly IReadOnlyList<string> Invoke = ["sagemaker:InvokeEndpoint", "sagemaker:InvokeEndpointWithResponseStream"];

    /// <summary>
    /// Calling SageMaker with a bearer token (the OpenAI-compatible API). The action supports no
    /// resource-level restriction, so its resource is always <c>*</c>; what the token may invoke is still
    /// limited by <see cref="Invoke"/> on each endpoint's ARN.
    /// </summary>
    public static readonly IReadOnlyList<string> BearerToken = ["sagemaker:CallWithBearerToken"];

    /// <summary>Grants <see cref="Invoke"/> on one endpoint ARN to <paramref name="grantee"/>'s own policy.</summary>
    /// <param name="grantee">The principal.</param>
    /// <param name="endpointArn">The endpoint's ARN.</param>
    public static Grant GrantInvoke(IGrantable grantee, string endpointArn)
    {
        ArgumentNullException.ThrowIfNull(grantee);
        return Grant.AddToPrincipal(new GrantOnPrincipalOptions
        {
            Grantee = grantee,
            Actions = Invoke.ToArray(),
            ResourceArns = [endpointArn],
        });
    }

    /// <summary>Grants <see cref="Invoke"/> on one endpoint ARN plus <see cref="BearerToken"/> on <c>*</c>.</summary>
    /// <param name="grantee">The principal.</param>
    /// <param name="endpointArn">The endpoint's ARN.</param>
    public static Grant GrantInvokeOpenAi(IGrantable grantee, string endpointArn)
        => GrantInvoke(grantee, endpointArn).Combine(Grant.AddToPrincipal(new GrantOnPrincipalOptions
        {
            Grantee = grantee,
            Actions = BearerToken.ToArray(),
            ResourceArns = ["*"],
        }));
}
