using Amazon.CDK;
using Amazon.CDK.AWS.CloudWatch;
using Constructs;

namespace LlmHosting.Constructs.Sagemaker;

/// <summary>
/// The default alarms that endpoints and inference components share: an alerting 5XX rate (metric math, with a minimum
/// of traffic), a rollback 5XX rate (a plain alarm) and the model latency (plain). SageMaker's deployment guardrails read
/// their rollback alarms with <c>cloudwatch:DescribeAlarms</c>; whether they accept a metric-math alarm is not documented
/// (the guide's examples, "Auto-Rollback Configuration and Monitoring", are single-metric alarms, its error-rate example
/// the <c>Average</c> of an error metric), so only plain alarms roll updates back.
/// </summary>
internal static class SagemakerAlarms
{
    /// <summary>
    /// The alerting error rate: 5XX answers as a percentage of the requests over 5 minutes, counted only when at least
    /// <see cref="AlarmThresholds.MinimumInvocations"/> requests came (metric math <c>IF</c>).
    /// </summary>
    /// <param name="scope">The endpoint or component.</param>
    /// <param name="alarmPrefix">Start of the alarm name; the events rules select an environment's alarms by it.</param>
    /// <param name="subject">What answered, for the description, e.g. <c>SageMaker endpoint llm-dev-x</c>.</param>
    /// <param name="logGroupName">Where the container logs.</param>
    /// <param name="errors">The 5XX error count (sum).</param>
    /// <param name="invocations">The request count (sum).</param>
    /// <param name="thresholds">The rate and the minimum of requests.</param>
    internal static Alarm ErrorRateAlert(Construct scope, string alarmPrefix, string subject, string logGroupName, Metric errors, Metric invocations, AlarmThresholds thresholds)
        => new(scope, "Invocation5XXErrorsAlarm", new AlarmProps
        {
            AlarmName = $"{alarmPrefix}-invocation-5xx-errors",
            AlarmDescription = $"At least {Percent(thresholds.ErrorRatePercent)} of the requests to the {subject} got a 5XX error over 5 minutes "
                + $"(with at least {thresholds.MinimumInvocations} requests): the container failed or ran out of memory. See its log group {logGroupName}.",
            Metric = new MathExpression(new MathExpressionProps
            {
                Expression = $"IF(invocations >= {thresholds.MinimumInvocations}, 100 * errors / invocations, 0)",
                UsingMetrics = new Dictionary<string, IMetric> { ["errors"] = errors, ["invocations"] = invocations },
                Label = "5XX error rate (%)",
                Period = Duration.Minutes(5),
            }),
            Threshold = thresholds.ErrorRatePercent,
            EvaluationPeriods = 1,
            ComparisonOperator = ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
            TreatMissingData = TreatMissingData.NOT_BREACHING,
        });

    /// <summary>
    /// The rollback error rate, a plain alarm: the average of <c>Invocation5XXErrors</c> (1 per 5XX answer, 0 per other
    /// answer) per minute at or above the rate in 3 of 5 minutes, so that a single failed request among few does not
    /// roll back an update. Not an alerting alarm: <see cref="ErrorRateAlert"/> notifies.
    /// </summary>
    /// <param name="scope">The endpoint or component.</param>
    /// <param name="alarmPrefix">Start of the alarm name.</param>
    /// <param name="subject">What answered, for the description.</param>
    /// <param name="errorRate">The average of the 5XX metric over 1 minute.</param>
    /// <param name="thresholds">The rate.</param>
    internal static Alarm ErrorRateRollback(Construct scope, string alarmPrefix, string subject, Metric errorRate, AlarmThresholds thresholds)
        => new(scope, "ErrorRateAlarm", new AlarmProps
        {
            AlarmName = $"{alarmPrefix}-error-rate",
            AlarmDescription = $"Rolls an update of the {subject} back: at least {Percent(thresholds.ErrorRatePercent)} of its requests got a 5XX error in 3 of 5 minutes.",
            Metric = errorRate,
            Threshold = thresholds.ErrorRatePercent / 100,
            EvaluationPeriods = 5,
            DatapointsToAlarm = 3,
            ComparisonOperator = ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
            TreatMissingData = TreatMissingData.NOT_BREACHING,
        });

    /// <summary>p90 model latency above the threshold for three 5-minute periods.</summary>
    /// <param name="scope">The endpoint or component.</param>
    /// <param name="alarmPrefix">Start of the alarm name.</param>
    /// <param name="subject">What answered, for the description.</param>
    /// <param name="thresholds">The latency that is too slow, and where it comes from.</param>
    /// <param name="capacity">What to add when it is too slow, e.g. <c>more instances</c>.</param>
    /// <param name="metric">The p90 model latency, in microseconds.</param>
    internal static Alarm ModelLatency(Construct scope, string alarmPrefix, string subject, AlarmThresholds thresholds, string capacity, Metric metric)
        => new(scope, "ModelLatencyAlarm", new AlarmProps
        {
            AlarmName = $"{alarmPrefix}-model-latency",
            AlarmDescription = $"p90 model latency of the {subject} stayed above {thresholds.ModelLatency.ToHumanString()} ({thresholds.ModelLatencyBasis}) for 15 minutes: "
                + $"requests hang, or it needs {capacity}.",
            Metric = metric,
            // ModelLatency is reported in microseconds.
            Threshold = thresholds.ModelLatency.ToMilliseconds() * 1000,
            EvaluationPeriods = 3,
            ComparisonOperator = ComparisonOperator.GREATER_THAN_THRESHOLD,
            TreatMissingData = TreatMissingData.NOT_BREACHING,
        });

    private static string Percent(double value) => value.ToString("0.##", System.Globalization.CultureInfo.InvariantCulture) + "%";
}
