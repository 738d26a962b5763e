using Amazon.CDK;
using Amazon.CDK.AWS.IAM;
using Constructs;
using LlmHosting.Constructs.Nag;

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
        => GrantInvoke(grantee, endpointArn).Combine(GrantBearerToken(grantee));

    /// <summary>
    /// Grants <see cref="BearerToken"/> on <c>*</c> (the action supports no resource type): making bearer tokens, which
    /// then reach only what the grantee may invoke.
    /// </summary>
    /// <param name="grantee">The principal.</param>
    public static Grant GrantBearerToken(IGrantable grantee)
    {
        ArgumentNullException.ThrowIfNull(grantee);
        var grant = Grant.AddToPrincipal(new GrantOnPrincipalOptions
        {
            Grantee = grantee,
            Actions = BearerToken.ToArray(),
            ResourceArns = ["*"],
        });
        MarkBearerTokenPolicy(grantee);
        NagSuppressions.AddToGrantee(grantee, "AwsSolutions-IAM5",
            "sagemaker:CallWithBearerToken supports no resource-level permission, so it is granted on *; what a token may invoke stays limited to the endpoint ARNs of sagemaker:InvokeEndpoint (SageMaker Python SDK token_generator; AWS-FACTS.md, Invocation).",
            "Resource::*");
        return grant;
    }

    /// <summary>Metadata key that explains the cfn-lint exception on policies holding <see cref="BearerToken"/>.</summary>
    public const string LintReasonMetadataKey = CfnLint.ReasonMetadataKey;

    // cfn-lint 1.x checks actions against a list that predates sagemaker:CallWithBearerToken (W3037); the
    // action is real (SageMaker's OpenAI-compatible API), so the policy that holds it says so and why.
    private static void MarkBearerTokenPolicy(IGrantable grantee)
    {
        var owner = grantee.GrantPrincipal as IConstruct ?? grantee as IConstruct;
        if (owner?.Node.TryFindChild("DefaultPolicy") is IConstruct policy && policy.Node.DefaultChild is CfnResource resource)
        {
            CfnLint.Ignore(
                resource,
                "W3037 ignored: cfn-lint's IAM action list does not know sagemaker:CallWithBearerToken, which SageMaker's OpenAI-compatible API requires",
                "W3037");
        }
    }
}
