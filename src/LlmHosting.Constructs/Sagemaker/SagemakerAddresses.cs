using Amazon.CDK;
using Amazon.CDK.AWS.Sagemaker;
using Constructs;
using LlmHosting.Constructs.Validation;

namespace LlmHosting.Constructs.Sagemaker;

/// <summary>The ARNs and URLs of endpoints and inference components, built one way for every serving construct.</summary>
internal static class SagemakerAddresses
{
    /// <summary>
    /// The ARN of an endpoint: built from its name (SageMaker lower-cases names in ARNs), or, for a name only known at deploy
    /// time, the endpoint's <c>Ref</c> when the endpoint is defined here (a name token cannot be lower-cased).
    /// </summary>
    internal static string EndpointArn(Construct scope, string endpointName, CfnEndpoint? endpoint)
        => Tokens.IsUnresolved(endpointName) && endpoint is not null ? endpoint.Ref : Arn(scope, "endpoint", endpointName);

    /// <summary>The ARN of a SageMaker resource of the stack's account and region, the name lower-cased unless it is a token.</summary>
    internal static string Arn(Construct scope, string resourceType, string name)
    {
        var stack = Stack.Of(scope);
        return $"arn:{Partitions.Partition(scope)}:sagemaker:{stack.Region}:{stack.Account}:{resourceType}/{(Tokens.IsUnresolved(name) ? name : name.ToLowerInvariant())}";
    }

    /// <summary>The OpenAI-compatible base URL of <paramref name="path"/> (<c>endpoints/&lt;name&gt;[/inference-components/&lt;name&gt;]</c>).</summary>
    internal static string OpenAiBaseUrl(Construct scope, string path)
        => $"https://runtime.sagemaker.{Stack.Of(scope).Region}.{Partitions.UrlSuffix(scope)}/{path}/openai/v1";
}
