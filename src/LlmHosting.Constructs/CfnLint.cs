using Amazon.CDK;
using Constructs;

namespace LlmHosting.Constructs;

/// <summary>Per-resource cfn-lint exceptions, so that a known false warning never needs a global ignore.</summary>
internal static class CfnLint
{
    /// <summary>Metadata key that explains a cfn-lint exception to the reader of the template.</summary>
    internal const string ReasonMetadataKey = "LlmHostingLintReason";

    /// <summary>Makes cfn-lint skip <paramref name="checks"/> on <paramref name="resource"/> only.</summary>
    /// <param name="resource">The resource the warning is about.</param>
    /// <param name="reason">Why the warning does not apply, written into the template; null to leave it out.</param>
    /// <param name="checks">cfn-lint rule ids, for example <c>W3005</c>.</param>
    internal static void Ignore(CfnResource resource, string? reason, params string[] checks)
    {
        resource.AddMetadata("cfn-lint", new Dictionary<string, object>
        {
            ["config"] = new Dictionary<string, object> { ["ignore_checks"] = checks },
        });
        if (reason is not null)
        {
            resource.AddMetadata(ReasonMetadataKey, reason);
        }
    }

    /// <summary>
    /// CDK's Function and Provider make each function and the waiter state machine depend on their role construct,
    /// which renders as DependsOn on both the role and its policy; the role is also referenced with GetAtt, so
    /// cfn-lint warns W3005 (redundant DependsOn). The dependency on the policy is the one that matters, and
    /// CloudFormation accepts the redundant one, so the warning is silenced on the functions and state machines below
    /// <paramref name="scope"/> rather than overriding CDK's dependency rendering.
    /// </summary>
    internal static void IgnoreRedundantRoleDependencies(IConstruct scope)
    {
        foreach (var child in scope.Node.FindAll())
        {
            if (child is CfnResource cfn && cfn.CfnResourceType is "AWS::Lambda::Function" or "AWS::StepFunctions::StateMachine")
            {
                Ignore(cfn, reason: null, "W3005");
            }
        }
    }
}
