using System.Text;
using Amazon.CDK;
using Amazon.CDK.AWS.CodePipeline;
using Amazon.CDK.AWS.IAM;

namespace LlmHosting.App.Stacks.Pipeline;

/// <summary>
/// Two rewrites of what CDK Pipelines 2.160 renders into the pipeline resource, equivalent for CloudFormation, so that
/// cfn-lint 1.51 passes the template: cross-account role ARNs in action configurations as <c>Fn::Sub</c> (E3703 checks
/// them as role ARNs and reports the informational I1022, "prefer Fn::Sub over Fn::Join", as its own error), and no
/// <c>DependsOn</c> on the pipeline role that its <c>RoleArn</c> already references (W3005).
/// </summary>
internal static class PipelineTemplate
{
    /// <summary>Rewrites the pipeline resource of <paramref name="pipeline"/>, which must already be built.</summary>
    internal static void Rewrite(Amazon.CDK.AWS.CodePipeline.Pipeline pipeline)
    {
        var cfn = (CfnPipeline)pipeline.Node.DefaultChild!;
        var stack = Stack.Of(pipeline);
        var stages = (object[])stack.Resolve(cfn.Stages)!;
        for (var s = 0; s < stages.Length; s++)
        {
            // Resolved L1 values keep the property names of CDK's L1 types (camelCase); an action's configuration is free
            // JSON, written in CodePipeline's own names.
            var actions = (object[])((IDictionary<string, object>)stages[s])["actions"];
            for (var a = 0; a < actions.Length; a++)
            {
                if (((IDictionary<string, object>)actions[a]).TryGetValue("configuration", out var configuration)
                    && ((IDictionary<string, object>)configuration).TryGetValue("RoleArn", out var roleArn)
                    && AsSub(roleArn) is { } sub)
                {
                    cfn.AddPropertyOverride($"Stages.{s}.Actions.{a}.Configuration.RoleArn", new Dictionary<string, object> { ["Fn::Sub"] = sub });
                }
            }
        }

        // CodePipeline depends on its role and the role's policy (the actions must be allowed before it starts); the
        // RoleArn's Fn::GetAtt already orders it after the role, the policy still needs the explicit dependency.
        if (pipeline.Role is Role role && role.Node.TryFindChild("DefaultPolicy")?.Node.DefaultChild is CfnResource policy)
        {
            cfn.AddOverride("DependsOn", new[] { stack.GetLogicalId(policy) });
        }
    }

    // {"Fn::Join": ["", [strings, {"Ref": X}...]]} as the Fn::Sub string that means the same; null for anything else.
    private static string? AsSub(object value)
    {
        if (value is not IDictionary<string, object> join || join.Count != 1 || !join.TryGetValue("Fn::Join", out var arguments)
            || arguments is not object[] { Length: 2 } pair || pair[0] is not "" || pair[1] is not object[] parts)
        {
            return null;
        }

        var sub = new StringBuilder();
        foreach (var part in parts)
        {
            switch (part)
            {
                case string text:
                    sub.Append(text.Replace("${", "${!", StringComparison.Ordinal));
                    break;
                case IDictionary<string, object> reference when reference.Count == 1 && reference.TryGetValue("Ref", out var name) && name is string parameter:
                    sub.Append("${").Append(parameter).Append('}');
                    break;
                default:
                    return null;
            }
        }

        return sub.ToString();
    }
}
