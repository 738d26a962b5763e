using Amazon.CDK;
using Constructs;
using LlmHosting.Constructs.Aspects;
using LlmHosting.Constructs.Logs;

namespace LlmHosting.Constructs.Storage;

/// <summary>
/// Gives CDK's stack-wide <c>autoDeleteObjects</c> function a declared log group and takes the
/// <c>AWSLambdaBasicExecutionRole</c> managed policy off its role, and a supported Node.js runtime. CDK 2.160's <see cref="CustomResourceProviderBase"/>
/// offers no typed log settings, so this writes the CloudFormation properties: the function's
/// <c>LoggingConfig.LogGroup</c>, and an inline statement of the role for that group only
/// (<see cref="CustomResourceProviderBase.AddToRolePolicy"/>) in place of the managed policy.
/// </summary>
internal static class AutoDeleteObjectsLogs
{
    /// <summary>The stack-wide provider of <c>Custom::S3AutoDeleteObjects</c> (aws-cdk-lib 2.160, aws-s3 bucket.ts).</summary>
    internal const string ProviderId = "Custom::S3AutoDeleteObjectsCustomResourceProvider";

    /// <summary>Does the above once per stack, after a bucket with <c>autoDeleteObjects</c> has created the provider.</summary>
    internal static void Apply(Construct bucketOwner)
    {
        if (Stack.Of(bucketOwner).Node.TryFindChild(ProviderId) is not CustomResourceProviderBase provider
            || provider.Node.TryFindChild("Logs") is not null
            || provider.Node.TryFindChild("Role") is not CfnResource role
            || provider.Node.TryFindChild("Handler") is not CfnResource handler)
        {
            return;
        }

        var logGroup = DeclaredLogGroups.Create(provider, "Logs", null, LogGroupOptions.Resolve(bucketOwner, null));
        provider.AddToRolePolicy(new Dictionary<string, object>
        {
            ["Effect"] = "Allow",
            ["Action"] = new[] { "logs:CreateLogStream", "logs:PutLogEvents" },
            ["Resource"] = logGroup.LogGroupArn,
        });
        role.AddPropertyDeletionOverride("ManagedPolicyArns");
        handler.AddPropertyOverride("LoggingConfig.LogGroup", logGroup.LogGroupName);
        // CDK 2.160 writes a Node.js runtime AWS no longer accepts for new functions and offers no property for it (as
        // NodejsRuntimeUpgrade does for CustomResourceProviderBase functions; its DependsOn on the role repeats what the
        // role's Fn::GetAtt orders, cfn-lint W3005). Done here, no stack needs the aspect for the library's buckets.
        handler.AddPropertyOverride("Runtime", NodejsRuntimeUpgrade.DefaultRuntime);
        handler.AddDeletionOverride("DependsOn");
    }
}
