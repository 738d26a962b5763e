using Amazon.CDK;
using Amazon.CDK.AWS.IAM;
using Amazon.CDK.AWS.Logs;
using Constructs;
using LlmHosting.Constructs.Logs;
using LlmHosting.Constructs.Nag;

namespace LlmHosting.Constructs.Sagemaker;

/// <summary>
/// The log groups SageMaker writes the containers' output to, declared by the constructs (retention, key) and created
/// before the endpoint or component, so that the execution roles need no <c>logs:CreateLogGroup</c>. Names: SageMaker
/// developer guide, "Log groups and streams that Amazon SageMaker AI sends to Amazon CloudWatch Logs"
/// (<c>/aws/sagemaker/Endpoints/[EndpointName]</c>, streams <c>[production-variant-name]/[instance-id]</c>); the inference
/// component group is UNCONFIRMED by that table (<see cref="SagemakerNames.InferenceComponentLogGroup"/>).
/// </summary>
internal static class ServingLogs
{
    /// <summary>What a container needs on its own log group, once the group exists.</summary>
    internal static readonly string[] WriteActions = ["logs:CreateLogStream", "logs:DescribeLogStreams", "logs:PutLogEvents"];

    /// <summary>What it needs besides when SageMaker must create the group itself (the group is not declared).</summary>
    internal const string CreateAction = "logs:CreateLogGroup";

    /// <summary>The actions for a group that is declared (<paramref name="declared"/>) or left to SageMaker.</summary>
    internal static string[] Actions(bool declared) => declared ? WriteActions : [CreateAction, .. WriteActions];

    /// <summary>
    /// Declares the group <paramref name="logGroupName"/> as <paramref name="id"/> and makes <paramref name="consumer"/> wait
    /// for it, or does nothing and returns null when <paramref name="declare"/> is false.
    /// </summary>
    internal static LogGroup? Declare(Construct scope, string id, string logGroupName, LogGroupOptions? options, bool declare, IConstruct consumer)
    {
        if (!declare)
        {
            return null;
        }

        var group = DeclaredLogGroups.Create(scope, id, logGroupName, LogGroupOptions.Resolve(scope, options));
        consumer.Node.AddDependency(group);
        return group;
    }

    /// <summary>The ARN of a log group by name, and of its streams.</summary>
    internal static string[] Arns(Construct scope, string logGroupName)
    {
        var stack = Stack.Of(scope);
        var arn = $"arn:{Partitions.Partition(scope)}:logs:{stack.Region}:{stack.Account}:log-group:{logGroupName}";
        return [arn, arn + ":log-stream:*"];
    }

    /// <summary>Suppresses the log stream wildcard finding on an execution role, with its reason.</summary>
    internal static void SuppressStreamWildcard(IRole role)
        => NagSuppressions.Add(role, "AwsSolutions-IAM5",
            "SageMaker names each log stream after the variant and instance at run time, so the grant covers the streams of the endpoint's or component's own log group (SageMaker developer guide, Log groups and streams that SageMaker sends to CloudWatch Logs).",
            "/^Resource::arn:.+:logs:.+:log-group:\\/aws\\/sagemaker\\/.+:log-stream:\\*$/");
}
