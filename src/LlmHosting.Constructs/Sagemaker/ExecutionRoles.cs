using Amazon.CDK.AWS.IAM;
using Constructs;
using LlmHosting.Constructs.Nag;

namespace LlmHosting.Constructs.Sagemaker;

/// <summary>The execution roles of SageMaker models and endpoint configurations, built one way.</summary>
internal static class ExecutionRoles
{
    /// <summary>The only actions an execution role is granted on <c>"*"</c>: both support no resource type.</summary>
    internal static readonly IReadOnlyList<string> StarActions = ["ecr:GetAuthorizationToken", "cloudwatch:PutMetricData"];

    /// <summary>
    /// A role that SageMaker assumes, with no permission yet: the caller grants exactly what its containers need. Its
    /// <c>"*"</c> grants (<see cref="StarActions"/>) carry a cdk-nag suppression with their reason.
    /// </summary>
    internal static Role Create(Construct scope, string description)
    {
        var role = new Role(scope, "ExecutionRole", new RoleProps
        {
            AssumedBy = new ServicePrincipal("sagemaker.amazonaws.com"),
            Description = description,
        });
        NagSuppressions.Add(role, "AwsSolutions-IAM5",
            "ecr:GetAuthorizationToken (pulling the image) and cloudwatch:PutMetricData support no resource type, and PutMetricData is narrowed to the /aws/sagemaker/ namespaces by its cloudwatch:namespace condition (Service Authorization Reference).",
            "Resource::*");
        return role;
    }
}
