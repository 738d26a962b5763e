using Amazon.CDK;
using Amazon.CDK.AWS.IAM;
using Amazon.CDK.AWS.Lambda;
using Amazon.CDK.CustomResources;
using Constructs;
using LlmHosting.Constructs.Logs;
using LlmHosting.Constructs.Nag;

namespace LlmHosting.Constructs.Handlers;

/// <summary>
/// CDK's custom resource <see cref="Provider"/> with its own parts hardened: a declared log group for its functions
/// (<c>ProviderProps.LogGroup</c>), with an isComplete handler a declared log group at level ALL for the waiter state
/// machine (<c>WaiterStateMachineLogOptions</c>), and no <c>AWSLambdaBasicExecutionRole</c> on the functions' roles: each
/// may write to the declared group only. <c>ProviderProps.Role</c> cannot do the last part: one role for every framework
/// function makes a dependency cycle once there is a waiter (the role's policy names the state machine, whose definition
/// names the isComplete function, which waits for its role's policy), so the roles CDK creates stay and lose the managed
/// policy through a deletion override. The cdk-nag findings that remain are CDK's and are suppressed with their reasons
/// on the resources that carry them.
/// </summary>
internal static class ProviderFramework
{
    // lambda:InvokeFunction on <function ARN>:*, as cdk-nag reports it.
    private const string InvokeVersions = "/^Resource::<.+\\.Arn>:\\*$/";

    /// <summary>Creates the provider <paramref name="id"/> and, beside it, <c>&lt;id&gt;Logs</c> and <c>&lt;id&gt;WaiterLogs</c>.</summary>
    internal static Provider Create(
        Construct scope, string id, IFunction onEvent, LogGroupOptions? logs,
        IFunction? isComplete = null, Duration? queryInterval = null, Duration? totalTimeout = null)
    {
        var options = LogGroupOptions.Resolve(scope, logs);
        var functionLogs = DeclaredLogGroups.Create(scope, id + "Logs", null, options);

        Amazon.CDK.CustomResources.LogOptions? waiterLogging = null;
        if (isComplete is not null)
        {
            // Named as CDK names the waiter's default group: under /aws/vendedlogs/ (Step Functions delivers its logs as
            // vended logs, and that prefix keeps the account's CloudWatch Logs resource policy small: Step Functions
            // developer guide, "Logging using CloudWatch Logs"), unique through the handler's generated function name.
            var waiterLogs = DeclaredLogGroups.Create(
                scope, id + "WaiterLogs", $"/aws/vendedlogs/states/waiter-state-machine-{isComplete.FunctionName}", options);
            waiterLogging = new Amazon.CDK.CustomResources.LogOptions
            {
                Destination = waiterLogs,
                Level = Amazon.CDK.AWS.StepFunctions.LogLevel.ALL,
                // The execution data is the CloudFormation event, whose ResponseURL is a presigned URL: keep it out.
                IncludeExecutionData = false,
            };
        }

        // Its Node.js functions on a runtime AWS accepts (ProviderRuntimes), with the hardening below.
        var provider = ProviderRuntimes.Create(scope, id, new ProviderProps
        {
            OnEventHandler = onEvent,
            IsCompleteHandler = isComplete,
            QueryInterval = queryInterval,
            TotalTimeout = totalTimeout,
            LogGroup = functionLogs,
            WaiterStateMachineLogOptions = waiterLogging,
        });
        foreach (var function in provider.Node.Children.OfType<Function>())
        {
            var role = function.Role!;
            functionLogs.GrantWrite(role);
            ((CfnResource)role.Node.DefaultChild!).AddPropertyDeletionOverride("ManagedPolicyArns");
            NagSuppressions.Add(role, "AwsSolutions-IAM5",
                "The framework invokes the handler functions, and Function.grantInvoke also grants their versions and aliases as <function ARN>:* (aws-cdk-lib 2.160 custom-resources Provider).",
                InvokeVersions);
        }

        SuppressWaiter(provider);
        return provider;
    }

    private static void SuppressWaiter(Provider provider)
    {
        if (provider.Node.TryFindChild("waiter-state-machine") is not IConstruct waiter)
        {
            return;
        }

        NagSuppressions.Add(waiter.Node.FindChild("Role"), "AwsSolutions-IAM5",
            "The waiter invokes the framework's isComplete and onTimeout functions (Function.grantInvoke covers their versions as <ARN>:*), and Step Functions log delivery actions such as logs:CreateLogDelivery take Resource * (Step Functions developer guide, Logging using CloudWatch Logs).",
            InvokeVersions, "Resource::*");
        NagSuppressions.Add(waiter, "AwsSolutions-SF2",
            "The waiter only calls the provider's own functions and logs every state at level ALL to its declared log group, and CDK's waiter has no tracing option (aws-cdk-lib 2.160 custom-resources WaiterStateMachine).");
    }
}
