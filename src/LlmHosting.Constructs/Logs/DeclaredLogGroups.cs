using Amazon.CDK;
using Amazon.CDK.AWS.IAM;
using Amazon.CDK.AWS.Logs;
using Constructs;
using LlmHosting.Constructs.Validation;

namespace LlmHosting.Constructs.Logs;

/// <summary>Declares the log groups the constructs' resources write to, one way: retention, key and removal as resolved.</summary>
internal static class DeclaredLogGroups
{
    /// <summary>
    /// Declares a log group. Give <paramref name="logGroupName"/> only where a service fixes the name (SageMaker):
    /// a generated name never collides with a group left behind by an earlier stack.
    /// </summary>
    internal static LogGroup Create(Construct scope, string id, string? logGroupName, ResolvedLogGroupOptions options)
    {
        var group = new LogGroup(scope, id, new LogGroupProps
        {
            LogGroupName = logGroupName,
            Retention = options.Retention,
            EncryptionKey = options.EncryptionKey,
            RemovalPolicy = options.RemovalPolicy,
        });
        if (options.EncryptionKey is { } key)
        {
            AllowLogsToUse(key, scope, logGroupName);
        }

        return group;
    }

    /// <summary>
    /// The key policy statement CloudWatch Logs needs (CloudWatch Logs user guide, "Encrypt log data in CloudWatch Logs
    /// using AWS KMS", step 2: the regional service principal, these actions, and the log group's ARN as
    /// <c>kms:EncryptionContext:aws:logs:arn</c>). A generated or unresolved name cannot be written into the key's policy
    /// (the group already refers to the key), so such groups are matched as any group of the account and region.
    /// </summary>
    private static void AllowLogsToUse(Amazon.CDK.AWS.KMS.IKey key, Construct scope, string? logGroupName)
    {
        var stack = Stack.Of(scope);
        var name = logGroupName is null || Tokens.IsUnresolved(logGroupName) ? "*" : logGroupName;
        key.AddToResourcePolicy(new PolicyStatement(new PolicyStatementProps
        {
            Principals = [new ServicePrincipal($"logs.{stack.Region}.{Sagemaker.Partitions.UrlSuffix(scope)}")],
            Actions = ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"],
            // A key policy's resource is the key itself.
            Resources = ["*"],
            Conditions = new Dictionary<string, object>
            {
                ["ArnLike"] = new Dictionary<string, object>
                {
                    ["kms:EncryptionContext:aws:logs:arn"] = $"arn:{Sagemaker.Partitions.Partition(scope)}:logs:{stack.Region}:{stack.Account}:log-group:{name}",
                },
            },
        }));
    }
}
