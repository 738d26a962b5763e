using Amazon.CDK.AWS.Events;
using LlmHosting.Constructs.Bedrock;

namespace LlmHosting.Constructs.Events;

/// <summary>
/// One EventBridge rule of <see cref="ModelOperationsEvents"/>, as data: its construct id, its description, its pattern for
/// the first resource filter, the pattern a later filter adds, and the notification it sends (first line like a mail
/// subject: resource, state, reason; then the context).
/// </summary>
internal sealed record RuleSpec(string Id, string Description, Func<object, EventPattern> Pattern, Func<object, EventPattern> MorePattern, RuleTargetInput Message);

/// <summary>
/// Rules that select the same resources: the first filter creates them from their specs, each later filter adds an
/// alternative pattern to every one of them.
/// </summary>
internal sealed class RuleFamily(IReadOnlyList<RuleSpec> specs, Func<RuleSpec, EventPattern, Rule> create)
{
    private readonly List<Rule> _rules = [];

    /// <summary>The rules, in the order of their specs; empty until the first filter.</summary>
    internal IReadOnlyList<Rule> Rules => _rules;

    internal void AddFilter(object filter)
    {
        if (_rules.Count == 0)
        {
            _rules.AddRange(specs.Select(spec => create(spec, spec.Pattern(filter))));
            return;
        }

        for (var i = 0; i < specs.Count; i++)
        {
            _rules[i].AddEventPattern(specs[i].MorePattern(filter));
        }
    }
}

/// <summary>The rules' patterns and messages. Sources of the event fields: the documented sample events, cited on each.</summary>
internal static class OperationsRules
{
    private static readonly string Context = $"Account {Field("$.account")}, region {Field("$.region")}, at {Field("$.time")}.";

    /// <summary>
    /// Endpoint failures and rolled-back updates ("SageMaker Endpoint State Change": detail.EndpointName, EndpointStatus,
    /// FailureReason, EndpointArn, EndpointConfigName).
    /// </summary>
    internal static readonly IReadOnlyList<RuleSpec> Endpoint =
    [
        new(
            "EndpointFailedRule",
            "SageMaker endpoints of this environment that failed or roll back",
            filter => EndpointPattern(filter, ModelOperationsEvents.EndpointFailureStatuses),
            filter => DetailFilter("EndpointName", filter),
            Message(
                $"SageMaker endpoint {Field("$.detail.EndpointName")} is {Field("$.detail.EndpointStatus")}: {Field("$.detail.FailureReason")}",
                Context,
                $"Endpoint: {Field("$.detail.EndpointArn")}")),

        // An endpoint that returns to service after an autoscaling change or a deployment sends the same event (nothing in
        // it tells them apart, and a pattern cannot compare EndpointConfigName with the previous one), so neither notifies.
        // A failed update does: botocore's sagemaker EndpointMetadata.FailureReason is set "if the status of the endpoint
        // is Failed, or the status is InService but update operation fails". That the state change event carries it as
        // DescribeEndpoint does is UNCONFIRMED; if it does not, the alarm that made a guardrail roll back still notifies
        // through the alarm rule (when added).
        new(
            "EndpointRolledBackRule",
            "SageMaker endpoints of this environment in service after a failed or rolled-back update",
            filter => EndpointPattern(filter, ModelOperationsEvents.EndpointInServiceStatuses, withFailureReason: true),
            filter => DetailFilter("EndpointName", filter),
            Message(
                $"SageMaker endpoint {Field("$.detail.EndpointName")} update rolled back: {Field("$.detail.FailureReason")}",
                $"Still serving endpoint config {Field("$.detail.EndpointConfigName")} ({Field("$.detail.EndpointStatus")}). {Context}",
                $"Endpoint: {Field("$.detail.EndpointArn")}")),
    ];

    /// <summary>Model import outcomes, from the events the import handler puts (<see cref="ModelImportEvents"/>).</summary>
    internal static readonly IReadOnlyList<RuleSpec> Import =
    [
        new(
            "ModelImportCompletedRule",
            "Bedrock model imports of this environment that completed",
            filter => ImportPattern(filter, ModelImportEvents.StatusCompleted),
            filter => DetailFilter("importedModelName", filter),
            Message(
                $"Bedrock model import {Field("$.detail.jobName")} is {Field("$.detail.status")}: imported model {Field("$.detail.importedModelName")} is {Field("$.detail.importedModelArn")}",
                Context,
                $"Job: {Field("$.detail.jobArn")}")),
        new(
            "ModelImportFailedRule",
            "Bedrock model imports of this environment that failed",
            filter => ImportPattern(filter, ModelImportEvents.StatusFailed),
            filter => DetailFilter("importedModelName", filter),
            Message(
                $"Bedrock model import {Field("$.detail.jobName")} is {Field("$.detail.status")}: {Field("$.detail.failureMessage")}",
                $"Imported model name: {Field("$.detail.importedModelName")}. {Context}",
                $"Job: {Field("$.detail.jobArn")}")),
    ];

    /// <summary>
    /// Alarm state changes, by alarm ARN (the event's <c>resources</c>). "$or" (EventBridge user guide, "Content filtering
    /// in event patterns") on the documented "CloudWatch Alarm State Change" fields detail.state.value and
    /// detail.previousState.value: every ALARM, and OK only when it clears an ALARM. A new alarm goes INSUFFICIENT_DATA to
    /// OK at every deployment; that is not news.
    /// </summary>
    internal static readonly IReadOnlyList<RuleSpec> Alarm =
    [
        new(
            "AlarmStateChangeRule",
            "CloudWatch alarm state changes of this environment's alarms",
            filter => new EventPattern
            {
                Source = [ModelOperationsEvents.CloudWatchSource],
                DetailType = [ModelOperationsEvents.AlarmStateChangeDetailType],
                Resources = (string[])filter,
                Detail = new Dictionary<string, object>
                {
                    ["$or"] = new object[]
                    {
                        new Dictionary<string, object> { ["state"] = AlarmValue(ModelOperationsEvents.AlarmStateAlarm) },
                        new Dictionary<string, object> { ["state"] = AlarmValue(ModelOperationsEvents.AlarmStateOk), ["previousState"] = AlarmValue(ModelOperationsEvents.AlarmStateAlarm) },
                    },
                },
            },
            filter => new EventPattern { Resources = (string[])filter },
            Message(
                $"CloudWatch alarm {Field("$.detail.alarmName")} is {Field("$.detail.state.value")}: {Field("$.detail.state.reason")}",
                $"Previous state: {Field("$.detail.previousState.value")}. Account {Field("$.account")}, region {Field("$.region")}, at {Field("$.time")}.",
                $"Description: {Field("$.detail.configuration.description")}")),
    ];

    private static EventPattern EndpointPattern(object nameFilter, IEnumerable<string> statuses, bool withFailureReason = false)
    {
        var detail = new Dictionary<string, object>
        {
            ["EndpointName"] = new[] { nameFilter },
            ["EndpointStatus"] = statuses.ToArray(),
        };
        if (withFailureReason)
        {
            detail["FailureReason"] = new object[] { new Dictionary<string, object> { ["exists"] = true } };
        }

        return new EventPattern { Source = [ModelOperationsEvents.SageMakerSource], DetailType = [ModelOperationsEvents.EndpointStateChangeDetailType], Detail = detail };
    }

    private static EventPattern ImportPattern(object nameFilter, string status) => new()
    {
        Source = [ModelImportEvents.Source],
        DetailType = [ModelImportEvents.DetailType],
        Detail = new Dictionary<string, object>
        {
            ["importedModelName"] = new[] { nameFilter },
            ["status"] = new[] { status },
        },
    };

    private static EventPattern DetailFilter(string field, object filter)
        => new() { Detail = new Dictionary<string, object> { [field] = new[] { filter } } };

    private static Dictionary<string, object> AlarmValue(string state) => new() { ["value"] = new[] { state } };

    private static string Field(string path) => EventField.FromPath(path);

    private static RuleTargetInput Message(params string[] lines) => RuleTargetInput.FromText(string.Join("\n", lines));
}
