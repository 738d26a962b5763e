using Amazon.CDK;
using Amazon.CDK.AWS.CloudWatch;
using Constructs;

namespace LlmHosting.Constructs.Sagemaker;

/// <summary>The default alerting alarms that endpoints and inference components share.</summary>
internal static class SagemakerAlarms
{
    /// <summary>Any 5XX answer in a 5-minute period.</summary>
    /// <param name="scope">The endpoint or component.</param>
    /// <param name="alarmPrefix">Start of the alarm name; the events rules select an environment's alarms by it.</param>
    /// <param name="subject">What answered, for the description, e.g. <c>SageMaker endpoint llm-dev-x</c>.</param>
    /// <param name="logGroupName">Where the container logs.</param>
    /// <param name="metric">The 5XX error count.</param>
    internal static Alarm Invocation5XXErrors(Construct scope, string alarmPrefix, string subject, string logGroupName, Metric metric)
        => new(scope, "Invocation5XXErrorsAlarm", new AlarmProps
        {
            AlarmName = $"{alarmPrefix}-invocation-5xx-errors",
            AlarmDescription = $"The {subject} answered requests with 5XX errors: the container failed or ran out of memory. See its log group {logGroupName}.",
            Metric = metric,
            Threshold = 1,
            EvaluationPeriods = 1,
            ComparisonOperator = ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
            TreatMissingData = TreatMissingData.NOT_BREACHING,
        });

    /// <summary>p90 model latency above <paramref name="threshold"/> for three 5-minute periods.</summary>
    /// <param name="scope">The endpoint or component.</param>
    /// <param name="alarmPrefix">Start of the alarm name.</param>
    /// <param name="subject">What answered, for the description.</param>
    /// <param name="threshold">The latency that is too slow.</param>
    /// <param name="capacity">What to add when it is too slow, e.g. <c>more instances</c>.</param>
    /// <param name="metric">The p90 model latency, in microseconds.</param>
    internal static Alarm ModelLatency(Construct scope, string alarmPrefix, string subject, Duration threshold, string capacity, Metric metric)
        => new(scope, "ModelLatencyAlarm", new AlarmProps
        {
            AlarmName = $"{alarmPrefix}-model-latency",
            AlarmDescription = $"p90 model latency of the {subject} stayed above {threshold.ToHumanString()} for 15 minutes: it needs {capacity} or shorter requests.",
            Metric = metric,
            // ModelLatency is reported in microseconds.
            Threshold = threshold.ToMilliseconds() * 1000,
            EvaluationPeriods = 3,
            ComparisonOperator = ComparisonOperator.GREATER_THAN_THRESHOLD,
            TreatMissingData = TreatMissingData.NOT_BREACHING,
        });
}
