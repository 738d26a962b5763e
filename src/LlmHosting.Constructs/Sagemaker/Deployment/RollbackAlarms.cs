using Amazon.CDK.AWS.CloudWatch;
using Amazon.CDK.AWS.IAM;

namespace LlmHosting.Constructs.Sagemaker.Deployment;

/// <summary>The alarms SageMaker watches during a deployment, shared by endpoints and inference components.</summary>
internal static class RollbackAlarms
{
    /// <summary>Most alarms an <c>AutoRollbackConfig</c> takes (botocore's SageMaker model: <c>AlarmList</c>, max 10).</summary>
    internal const int Maximum = 10;

    /// <summary>The action SageMaker's deployment guardrails read the rollback alarms with.</summary>
    internal const string DescribeAction = "cloudwatch:DescribeAlarms";

    internal static Dictionary<string, object> Render(IReadOnlyList<IAlarm> alarms) => new()
    {
        ["Alarms"] = alarms.Select(a => (object)new Dictionary<string, object> { ["AlarmName"] = a.AlarmName }).ToArray(),
    };

    /// <summary>
    /// A statement that lets an execution role read <paramref name="alarms"/>: "Ensure that your IAM execution role has
    /// permission to perform the cloudwatch:DescribeAlarms action on the auto-rollback alarms you specify" (SageMaker
    /// guide, "Auto-Rollback Configuration and Monitoring"). DescribeAlarms supports the resource type <c>alarm</c>
    /// (Service Authorization Reference, cfn-lint's Policies.json), so the statement names each alarm's ARN. Null without
    /// alarms; add more with <see cref="PolicyStatement.AddResources"/>.
    /// </summary>
    internal static PolicyStatement? DescribeStatement(IEnumerable<IAlarm> alarms)
    {
        var arns = alarms.Select(a => a.AlarmArn).Distinct().ToArray();
        return arns.Length == 0 ? null : new PolicyStatement(new PolicyStatementProps
        {
            Sid = "ReadRollbackAlarms",
            Actions = [DescribeAction],
            Resources = arns,
        });
    }
}
