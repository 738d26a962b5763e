using Amazon.CDK.AWS.IAM;
using Constructs;

namespace LlmHosting.Constructs.Sagemaker;

/// <summary>The execution roles of SageMaker models and endpoint configurations, built one way.</summary>
internal static class ExecutionRoles
{
    /// <summary>A role that SageMaker assumes, with no permission yet: the caller grants exactly what its containers need.</summary>
    internal static Role Create(Construct scope, string description) => new(scope, "ExecutionRole", new RoleProps
    {
        AssumedBy = new ServicePrincipal("sagemaker.amazonaws.com"),
        Description = description,
    });
}
