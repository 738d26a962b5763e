using Amazon.CDK;
using Amazon.CDK.AWS.Sagemaker;
using Constructs;

namespace LlmHosting.Constructs.Sagemaker;

/// <summary>The ARNs and URLs of endpoints and inference components, built one way for every serving construct.</summary>
internal static class SagemakerAddresses
{
    /// <summary>
    /// The ARN of an endpoint: built from its name (SageMaker lower-cases names in ARNs), or the endpoint's <c>Ref</c> when
    /// the name is only known at deploy time.
    /// </summary>
    internal static string EndpointArn(Construct scope, string endpointName, CfnEndpoint endpoint)
    {
        var stack = Stack.Of(scope);
        return Token.IsUnresolved(endpointName)
            ? endpoint.Ref
            : $"arn:{Partitions.Partition(scope)}:sagemaker:{stack.Region}:{stack.Account}:endpoint/{endpointName.ToLowerInvariant()}";
    }

    /// <summary>The OpenAI-compatible base URL of <paramref name="path"/> (<c>endpoints/&lt;name&gt;[/inference-components/&lt;name&gt;]</c>).</summary>
    internal static string OpenAiBaseUrl(Construct scope, string path)
        => $"https://runtime.sagemaker.{Stack.Of(scope).Region}.{Partitions.UrlSuffix(scope)}/{path}/openai/v1";
}
